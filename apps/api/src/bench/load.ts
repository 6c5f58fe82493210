import 'reflect-metadata';
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { asTenantId } from '@mtr/tenancy';
import { hashPassword } from '../auth/passwords';
import { generateTotpSecret, totpAt } from '../auth/totp';
import { databaseConfig } from '../database/database.config';
import { recomputeIndicators } from '../indicators/indicator-store';
import { PatientCrypto } from '../patients/patient-crypto';
import { patientDataConfig } from '../patients/patient-data.config';
import { migrate } from '../database/data-source';
import { provisionDatabase } from '../database/provision';

/**
 * `npm run bench:load` — HTTP load against the real API (separate process, real PostgreSQL with
 * RLS). Each endpoint is measured at a fixed rate beside /health/live at the same rate and
 * concurrency (the floor: what Fastify + Nest cost with no work), then at saturation.
 * Demo data (issue #9 §5): 10 structures × 10 000 patients (identities really encrypted), one
 * issued monthly statement per structure with its per-patient lines shaped as
 * statements/month-computation.ts writes them, the indicators recomputed from them — all
 * generated in SQL before any timing. Requests rotate over the 10 structures (one coordinator
 * member of all of them), as real traffic would.
 * Ends with one JSON line (bench, value, unit, floor, ratio, target, peakRssMiB, …).
 */
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;
const STRUCTURES = 10;
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 10_000);
const MONTH = '2026-11';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

interface Measure {
  name: string;
  p99Ms: number;
  rps: number;
  errors: number;
}

/** `paths` (relative to `base`) are cycled through by each connection. */
async function measure(name: string, base: string, paths: string | string[], token: string | undefined, rate?: number): Promise<Measure> {
  const list = typeof paths === 'string' ? [paths] : paths;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    requests: list.map((p) => ({ method: 'GET', path: p })),
  });
  return { name, p99Ms: result.latency.p99, rps: result.requests.average, errors: result.errors + result.non2xx + result.timeouts };
}

const asEm = (c: Client) => ({ query: async (sql: string, params?: unknown[]) => (await c.query(sql, params)).rows }) as unknown as EntityManager;

interface Seeded {
  structureIds: string[];
  statementIds: string[];
  /** A few patients per structure whose forfait explanation is read. */
  samplePatients: string[][];
  email: string;
  copil: { email: string; secret: string };
}

async function seed(adminUrl: string, appUrl: string): Promise<Seeded> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  const crypto = new PatientCrypto(patientDataConfig({}));
  const structureIds: string[] = [];
  const statementIds: string[] = [];
  const samplePatients: string[][] = [];
  await c.query('BEGIN');
  await c.query(`SELECT set_config('app.scope', 'platform', true)`);
  for (let i = 0; i < STRUCTURES; i++) {
    const { rows } = await c.query(
      `INSERT INTO structures (id, name, legal_form, state, convention_entry_date, theoretical_leakage_rate)
       VALUES (gen_random_uuid(), $1, 'SISA', 'active', '2026-06-01', 0.15) RETURNING id`,
      [`Structure de charge ${i + 1}`],
    );
    const t = rows[0].id as string;
    structureIds.push(t);
    await c.query(
      `INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on)
       SELECT $1, lpad((20000000000 + $2 * 100 + g)::text, 11, '0'), 'Nom' || g, 'Prénom', 'medecin_generaliste', '2026-05-01'
       FROM generate_series(1, 12) g`,
      [t, i],
    );
    // Identities really encrypted (AES-GCM) so the list page pays its decryption; one blob reused.
    const blob = crypto.encryptIdentity({ nir: '180017512345678', lastName: 'Martin', firstName: 'Camille' });
    await c.query(
      `INSERT INTO patients (tenant_id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, mt_rpps, mt_from, info_note_date, digest, import_id)
       SELECT $1, 'P' || lpad(g::text, 6, '0'), $3, $4, '\\x00', date '1930-01-01' + (g * 7919 % 32000), CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END,
              lpad((20000000000 + $5 * 100 + 1 + g % 12)::text, 11, '0'), date '2026-05-01', CASE WHEN g % 5 <> 0 THEN date '2026-05-01' END, '\\x00', gen_random_uuid()
         FROM generate_series(1, $2) g`,
      [t, PATIENTS, blob, crypto.keyId, i],
    );
    const st = await c.query(
      `INSERT INTO statements (tenant_id, month, version, status, number, input_fingerprint, gross_cents, net_cents, leakage_rate, issued_at)
       VALUES ($1, $2::text, 1, 'issued', 'RM-' || $2::text || '-' || $3::text, repeat('0', 64), 0, 0, '0.15', now()) RETURNING id`,
      [t, MONTH, i + 1],
    );
    statementIds.push(st.rows[0].id);
    // Per-patient lines as month-computation.ts `patientLines` writes them: a socle line (with
    // the patient's whole explanation), an ALD brique for one patient in three, a 0 € 'none'
    // line for the one in ten not paid this month.
    await c.query(
      `WITH p AS (SELECT pa.id, row_number() OVER (ORDER BY pa.external_id) AS k, pr.id AS doc,
                         date_part('year', age(date '2026-11-01', pa.birth_date))::int AS age
                    FROM patients pa JOIN practitioners pr ON pr.tenant_id = pa.tenant_id AND pr.rpps = pa.mt_rpps WHERE pa.tenant_id = $1),
            e AS (SELECT p.*, jsonb_build_object('status', CASE WHEN k % 10 = 0 THEN 'not_consommant' ELSE 'paid' END, 'included', true,
                           'consommant', k % 10 <> 0, 'inclusionDate', '2026-06-01', 'inclusionReason', 'mtr1',
                           'band', CASE WHEN k % 10 = 0 THEN NULL ELSE '6-64' END, 'ageYears', age, 'lastQualifyingEncounter', '2026-09-14') AS common,
                         jsonb_build_object('statusText', 'Patient inclus le 1er juin 2026 (patientèle MTR 1), consommant : dernière consultation le 14 septembre 2026.',
                           'notPaid', '[]'::jsonb, 'warnings', '[]'::jsonb, 'firstForfaitMonth', '2026-06') AS detail FROM p)
       INSERT INTO statement_patient_lines (tenant_id, statement_id, patient_id, practitioner_id, line_code, gross_cents, net_cents, explanation)
       SELECT $1::uuid, $2::uuid, id, doc, 'socle_6_64', 850, 723, common || detail || jsonb_build_object('label', 'Socle 6-64 ans', 'rule', 'RULES §2.1', 'text', 'Forfait socle de la tranche 6-64 ans.')
         FROM e WHERE k % 10 <> 0
       UNION ALL SELECT $1::uuid, $2::uuid, id, doc, 'ald', 710, 604, common || jsonb_build_object('label', 'ALD', 'rule', 'RULES §2.2', 'text', 'Affection de longue durée en cours.')
         FROM e WHERE k % 10 <> 0 AND k % 3 = 0
       UNION ALL SELECT $1::uuid, $2::uuid, id, doc, 'none', 0, 0, common || detail FROM e WHERE k % 10 = 0`,
      [t, st.rows[0].id],
    );
    const sample = await c.query(`SELECT id FROM patients WHERE tenant_id = $1 ORDER BY external_id LIMIT 10`, [t]);
    samplePatients.push(sample.rows.map((r) => r.id as string));
  }
  const email = 'charge.coordination@bench-mtr2.fr';
  const { rows } = await c.query(
    `INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'Banc de charge', $2) RETURNING id`,
    [email, await hashPassword('Banc-de-charge-1')],
  );
  for (const t of structureIds) await c.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`, [t, rows[0].id]);
  const secret = generateTotpSecret();
  const copilEmail = 'copil@bench-mtr2.fr';
  await c.query(`INSERT INTO users (email, display_name, password_hash, platform_role, totp_secret) VALUES ($1, 'COPIL banc', $2, 'copil', $3)`, [
    copilEmail,
    await hashPassword('Banc-de-charge-1'),
    secret,
  ]);
  await c.query('COMMIT');
  await c.query('VACUUM ANALYZE');
  await c.end();
  // The COPIL dashboard reads the stored indicators: recompute them from the statements, as the app role.
  const app = new Client({ connectionString: appUrl });
  await app.connect();
  for (const t of structureIds) {
    await app.query(`BEGIN; SELECT set_config('app.tenant_id', '${asTenantId(t)}', true), set_config('app.scope', 'tenant', true)`);
    await recomputeIndicators(asEm(app), asTenantId(t), [MONTH]);
    await app.query('COMMIT');
  }
  await app.end();
  return { structureIds, statementIds, samplePatients, email, copil: { email: copilEmail, secret } };
}

async function main() {
  process.env.DATABASE_NAME = 'mtr2_bench';
  process.env.JWT_SECRET ??= 'bench-secret-bench-secret-bench-secret-012345';
  process.env.LOGIN_RATE_PER_MINUTE = '1000';
  const cfg = databaseConfig();
  await provisionDatabase(cfg, { recreate: true });
  await migrate(cfg);
  const adminUrl = new URL(cfg.adminUrl!);
  adminUrl.pathname = `/${cfg.databaseName}`;
  const tSeed = Date.now();
  const { structureIds, statementIds, samplePatients, email, copil } = await seed(adminUrl.toString(), cfg.appUrl);
  process.stderr.write(`  ${STRUCTURES} × ${PATIENTS} patients, relevés et indicateurs générés en ${((Date.now() - tSeed) / 1000).toFixed(1)} s (non mesuré)\n`);

  const port = await freePort();
  // BENCH_API_ARGS: extra node flags for the API process, e.g. `-r ./scripts/exit-on-sigterm.js --cpu-prof --cpu-prof-dir=/tmp/prof`.
  const apiArgs = (process.env.BENCH_API_ARGS ?? '').split(' ').filter(Boolean);
  const api: ChildProcess = spawn(process.execPath, [...apiArgs, path.join(__dirname, '../main.js')], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'error', DB_POOL_MAX: '20' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  let peakRssMiB = 0;
  try {
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${base}/health/live`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const loginAs = (body: Record<string, string>) =>
      fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ accessToken: string }>,
      );
    const token = (await loginAs({ email, password: 'Banc-de-charge-1' })).accessToken;
    const copilToken = (await loginAs({ email: copil.email, password: 'Banc-de-charge-1', totp: totpAt(copil.secret, Date.now()) })).accessToken;
    // Each connection cycles through these paths: every structure, ten pages / ten patients each.
    const structurePaths = structureIds.map((id) => `/structures/${id}`);
    const practitionerPaths = structureIds.map((id) => `/structures/${id}/practitioners`);
    const patientPages = structureIds.flatMap((id) => Array.from({ length: 10 }, (_, k) => `/structures/${id}/patients?offset=${k * 50}&limit=50`));
    const explanations = structureIds.flatMap((id, i) => samplePatients[i].map((p) => `/structures/${id}/statements/${statementIds[i]}/patients?patientId=${p}`));
    const dashboard = '/indicators';

    // Sanity: each endpoint answers what we think it answers before we time it.
    const probe = async (p: string, tok: string, check: (b: unknown) => boolean) => {
      const r = await fetch(base + p, { headers: { authorization: `Bearer ${tok}` } });
      const b: unknown = await r.json();
      if (r.status !== 200 || !check(b)) throw new Error(`réponse inattendue de ${p}: ${r.status} ${JSON.stringify(b).slice(0, 300)}`);
    };
    await probe(patientPages[1], token, (b) => (b as { total: number; items: { identity: unknown }[] }).total === PATIENTS && (b as { items: { identity: unknown }[] }).items.length === 50 && !!(b as { items: { identity: unknown }[] }).items[0].identity);
    await probe(explanations[0], token, (b) => Array.isArray(b) && b.length === 1 && (b[0] as { lines: unknown[] }).lines.length > 0);
    await probe(dashboard, copilToken, (b) => Array.isArray(b) && b.length === STRUCTURES);

    // BENCH_ONLY=page,structure,…: a profiling run of some endpoints at saturation, no summary line.
    if (process.env.BENCH_ONLY) {
      const only: Record<string, [string | string[], string]> = {
        live: ['/health/live', ''], structure: [structurePaths, token], explanation: [explanations, token],
        dashboard: [dashboard, copilToken], page: [patientPages, token], practitioners: [practitionerPaths, token],
      };
      for (const key of process.env.BENCH_ONLY.split(',')) {
        const [paths, tok] = only[key];
        const m = await measure(key, base, paths, tok || undefined, process.env.BENCH_ONLY_RATE ? RATE : undefined);
        console.log(`  ${key.padEnd(14)} p99 ${m.p99Ms} ms  ${Math.round(m.rps)} req/s  erreurs ${m.errors}`);
      }
      return;
    }

    const sampleRss = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${api.pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peakRssMiB = Math.max(peakRssMiB, Math.round(kb / 1024));
      } catch {
        /* process gone */
      }
    }, 200);

    // Warm-up: JIT, connection pool, PostgreSQL caches.
    await measure('warm-up', base, patientPages, token, RATE);
    await measure('warm-up', base, explanations, token, RATE);
    await measure('warm-up', base, '/health/live', undefined, RATE);
    const floor = await measure('GET /health/live (plancher)', base, '/health/live', undefined, RATE);
    const single = [
      { target: 25, m: await measure('GET /structures/:id (une ressource, RLS)', base, structurePaths, token, RATE) },
      { target: 25, m: await measure('GET …/statements/:id/patients?patientId (explication)', base, explanations, token, RATE) },
      { target: 25, m: await measure('GET /indicators (tableau de bord COPIL)', base, dashboard, copilToken, RATE) },
    ];
    const lists = [
      { target: 50, m: await measure('GET /structures/:id/patients (50 lignes, RLS)', base, patientPages, token, RATE) },
      { target: 50, m: await measure('GET /structures/:id/practitioners (liste, RLS)', base, practitionerPaths, token, RATE) },
    ];
    const saturationFloor = await measure('GET /health/live saturation', base, '/health/live', undefined);
    const saturation = await measure('GET /structures/:id/patients saturation', base, patientPages, token);
    const saturationOne = await measure('GET /structures/:id/patients saturation (une seule structure)', base, patientPages.slice(0, 10), token);
    clearInterval(sampleRss);

    const all = [...single, ...lists];
    const ratio = (m: Measure) => m.p99Ms / Math.max(floor.p99Ms, 1);
    const ok = (x: { target: number; m: Measure }) => x.m.p99Ms < x.target && ratio(x.m) <= 5 && x.m.errors === 0;
    console.log(`\nCharge HTTP à ${RATE} req/s, ${CONNECTIONS} connexions, ${SECONDS} s par mesure (API dans un processus séparé, ${STRUCTURES} structures × ${PATIENTS} patients)`);
    console.log(`  ${floor.name.padEnd(58)} p99 ${String(floor.p99Ms).padStart(4)} ms  ${Math.round(floor.rps)} req/s  erreurs ${floor.errors}`);
    for (const x of all) {
      console.log(
        `  ${x.m.name.padEnd(58)} p99 ${String(x.m.p99Ms).padStart(4)} ms  ${Math.round(x.m.rps)} req/s  erreurs ${x.m.errors}  (×${ratio(x.m).toFixed(1)} du plancher ; cible < ${x.target} ms et ≤ ×5 : ${ok(x) ? 'atteinte' : 'MANQUÉE'})`,
      );
    }
    console.log(
      `  saturation : plancher ${Math.round(saturationFloor.rps)} req/s ; page patients ${Math.round(saturation.rps)} req/s (10 structures), ${Math.round(saturationOne.rps)} req/s (une structure) ; cible ≥ 2 000 req/s : ${saturation.rps >= 2000 && saturation.errors === 0 ? 'atteinte' : 'MANQUÉE'}`,
    );
    const worst = all.reduce((a, b) => (ratio(b.m) > ratio(a.m) ? b : a)).m;
    const byKey = (x: { m: Measure }) => ({ p99Ms: x.m.p99Ms, rps: Math.round(x.m.rps), errors: x.m.errors });
    console.log(
      JSON.stringify({
        bench: 'load',
        value: worst.p99Ms,
        unit: 'ms p99 (pire endpoint à débit fixe, rapporté au plancher)',
        floor: floor.p99Ms,
        ratio: Number((worst.p99Ms / Math.max(floor.p99Ms, 1)).toFixed(2)),
        target: 25,
        peakRssMiB,
        worst: worst.name,
        errors: all.reduce((n, x) => n + x.m.errors, 0) + saturation.errors,
        structure: byKey(single[0]),
        explanation: byKey(single[1]),
        copilDashboard: byKey(single[2]),
        patientPage: byKey(lists[0]),
        patientPageTargetP99Ms: 50,
        practitioners: byKey(lists[1]),
        saturationRps: Math.round(saturation.rps),
        saturationOneStructureRps: Math.round(saturationOne.rps),
        saturationFloorRps: Math.round(saturationFloor.rps),
        saturationTargetRps: 2000,
        allTargetsMet: all.every(ok) && saturation.rps >= 2000 && saturation.errors === 0,
      }),
    );
  } finally {
    api.kill('SIGTERM');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
