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
import { migrate } from '../database/data-source';
import { provisionDatabase } from '../database/provision';
import { recomputeIndicators } from '../indicators/indicator-store';
import { programmeMonthsIn } from '../indicators/programme-figures';

/**
 * `npm run bench:indicators` (issue #7): recompute every indicator of 10 structures × 48 months ×
 * 10 000 patients from stored statements (target < 30 s), floor = one plain scan of the same
 * lines; then the COPIL dashboard (GET /indicators, all structures, 48 months, suppressed) under
 * autocannon at 50 connections against the API in its own process (target p99 < 200 ms), floor =
 * /health/live under the same load. Ends with ONE JSON line.
 */
const STRUCTURES = Number(process.env.BENCH_STRUCTURES ?? 10);
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;
const MONTHS = [2026, 2027, 2028, 2029, 2030].flatMap(programmeMonthsIn);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

const asEm = (c: Client) =>
  ({
    query: async (sql: string, params?: unknown[]) => (await c.query(sql, params)).rows,
  }) as unknown as EntityManager;

async function seed(
  adminUrl: string,
): Promise<{ structureIds: string[]; copil: { email: string; secret: string } }> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  const structureIds: string[] = [];
  for (let i = 0; i < STRUCTURES; i++) {
    const t0 = Date.now();
    await c.query('BEGIN');
    const { rows } = await c.query(
      `INSERT INTO structures (id, name, legal_form, ipso_network) VALUES (gen_random_uuid(), $1, 'SISA', $2) RETURNING id`,
      [`Structure indicateurs ${i + 1}`, i < 4],
    );
    const t = rows[0].id as string;
    structureIds.push(t);
    await c.query(
      `INSERT INTO patients (tenant_id, id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, info_note_date, evaluation_opposed, digest, import_id)
       SELECT $1, gen_random_uuid(), 'B' || g, '\\x00', 'k', '\\x00', date '1930-01-01' + (g * 7919 % 32000)::int, CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END,
              CASE WHEN g % 5 <> 0 THEN date '2026-05-01' END, g % 50 = 0, '\\x00', gen_random_uuid()
         FROM generate_series(1, $2) g`,
      [t, PATIENTS],
    );
    await c.query(
      // Issued monthly statements (issue #6 tables); the totals are not read by the recompute.
      `INSERT INTO statements (tenant_id, month, version, status, number, input_fingerprint, gross_cents, net_cents, leakage_rate, issued_at)
       SELECT $1, m, 1, 'issued', 'RM-' || m, repeat('0', 64), 0, 0, '0.15', now() FROM unnest($2::text[]) m`,
      [t, MONTHS],
    );
    // One socle line per patient and month, plus an ALD line for one patient in three: ~1.33 lines per patient-month.
    await c.query(
      `WITH p AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM patients WHERE tenant_id = $1),
            s AS (SELECT id, month FROM statements WHERE tenant_id = $1),
            d AS (SELECT array_agg(gen_random_uuid()) AS docs FROM generate_series(1, 8)),
            pm AS (SELECT s.id AS sid, s.month, p.id AS pid, p.k, d.docs[1 + p.k % 8] AS doc,
                          jsonb_build_object('included', p.k % 20 <> 0, 'consommant', p.k % 10 <> 0,
                            'inclusionDate', CASE WHEN p.k % 3 = 0 THEN '2026-05-01' ELSE (date '2026-05-01' + ((p.k % 48) * 30)::int)::text END,
                            'inclusionReason', (ARRAY['mtr1', 'entry_consultation', 'declaration', 'anniversary'])[1 + p.k % 4],
                            'band', (ARRAY['0-5', '6-64', '6-64', '65-79', '80+'])[1 + p.k % 5]) AS e
                     FROM s CROSS JOIN p CROSS JOIN d)
       INSERT INTO statement_patient_lines
       SELECT $1, sid, pid, doc, 'socle', 850, 723, e FROM pm
       UNION ALL SELECT $1, sid, pid, doc, 'ald', 710, 604, e FROM pm WHERE k % 3 = 0`,
      [t],
    );
    await c.query('COMMIT');
    process.stderr.write(
      `  structure ${i + 1}/${STRUCTURES} générée en ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  }
  await c
    .query(`CREATE INDEX IF NOT EXISTS bench_spl ON statement_patient_lines (tenant_id, statement_id)`)
    .catch(() => undefined);
  await c.query('VACUUM ANALYZE statement_patient_lines');
  await c.query('VACUUM ANALYZE statements');
  await c.query('VACUUM ANALYZE patients');
  const secret = generateTotpSecret();
  const email = 'copil@bench-mtr2.fr';
  await c.query(
    `INSERT INTO users (email, display_name, password_hash, platform_role, totp_secret) VALUES ($1, 'COPIL banc', $2, 'copil', $3)`,
    [email, await hashPassword('Banc-de-charge-1'), secret],
  );
  await c.end();
  return { structureIds, copil: { email, secret } };
}

/** Recompute all months of every structure, two structures at a time (2 cores), each in its tenant transaction as the app role. */
async function recomputeAll(appUrl: string, structureIds: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const queue = [...structureIds];
  const lane = async () => {
    const c = new Client({ connectionString: appUrl });
    await c.connect();
    try {
      for (let t = queue.shift(); t; t = queue.shift()) {
        await c.query(
          `BEGIN; SELECT set_config('app.tenant_id', '${asTenantId(t)}', true), set_config('app.scope', 'tenant', true)`,
        );
        const n = await recomputeIndicators(asEm(c), asTenantId(t), MONTHS);
        if (n !== MONTHS.length) throw new Error(`attendu ${MONTHS.length} mois, obtenu ${n}`);
        await c.query('COMMIT');
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all([lane(), lane()]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Floor: the same lines read once (a plain aggregate over the same rows), same lanes. */
async function scanFloor(appUrl: string, structureIds: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const queue = [...structureIds];
  const lane = async () => {
    const c = new Client({ connectionString: appUrl });
    await c.connect();
    try {
      for (let t = queue.shift(); t; t = queue.shift()) {
        // Same scope as the recompute (RLS on the statement tables): without it the scan sees no row.
        await c.query('BEGIN');
        await c.query(`SELECT set_config('app.tenant_id', $1, true), set_config('app.scope', 'tenant', true)`, [t]);
        await c.query(
          `SELECT s.month, count(*), sum(l.gross_cents) FROM statements s JOIN statement_patient_lines l ON l.tenant_id = s.tenant_id AND l.statement_id = s.id
            WHERE s.tenant_id = $1 AND s.month = ANY($2) GROUP BY 1`,
          [t, MONTHS],
        );
        await c.query('COMMIT');
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all([lane(), lane()]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function measure(url: string, token: string | undefined) {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { p99Ms: r.latency.p99, rps: r.requests.average, errors: r.errors + r.non2xx + r.timeouts };
}

async function main() {
  process.env.DATABASE_NAME = 'mtr2_bench_indicators';
  process.env.JWT_SECRET ??= 'bench-secret-bench-secret-bench-secret-012345';
  process.env.LOGIN_RATE_PER_MINUTE = '1000';
  const cfg = databaseConfig();
  await provisionDatabase(cfg, { recreate: true });
  await migrate(cfg);
  const adminUrl = new URL(cfg.adminUrl!);
  adminUrl.pathname = `/${cfg.databaseName}`;
  const tSeed = Date.now();
  const { structureIds, copil } = await seed(adminUrl.toString());
  const seedS = (Date.now() - tSeed) / 1000;

  const floorS = await scanFloor(cfg.appUrl, structureIds);
  const recomputeS = await recomputeAll(cfg.appUrl, structureIds);

  const port = await freePort();
  const api: ChildProcess = spawn(process.execPath, [path.join(__dirname, '../main.js')], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'error', DB_POOL_MAX: '20' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  let peakRssMiB = 0;
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${base}/health/live`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: copil.email,
        password: 'Banc-de-charge-1',
        totp: totpAt(copil.secret, Date.now()),
      }),
    }).then((r) => r.json() as Promise<{ accessToken: string }>);
    const token = login.accessToken;
    const dashboard = `${base}/indicators?from=2026-05&to=2030-04`;
    const probe = await fetch(dashboard, { headers: { authorization: `Bearer ${token}` } });
    const body = (await probe.json()) as { rows: unknown[] }[];
    if (probe.status !== 200 || body.length < STRUCTURES || body[0].rows.length !== MONTHS.length)
      throw new Error(`tableau de bord COPIL inattendu: ${probe.status}`);
    const sampleRss = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${api.pid}/status`, 'utf8'))?.[1] ?? 0);
        peakRssMiB = Math.max(peakRssMiB, Math.round(kb / 1024));
      } catch {
        /* process gone */
      }
    }, 200);
    await measure(dashboard, token); // warm-up
    const floor = await measure(`${base}/health/live`, undefined);
    const dash = await measure(dashboard, token);
    clearInterval(sampleRss);

    const lines = STRUCTURES * MONTHS.length * PATIENTS;
    console.log(
      `\nIndicateurs : ${STRUCTURES} structures × ${MONTHS.length} mois × ${PATIENTS} patients (${lines} patient-mois, génération ${seedS.toFixed(0)} s)`,
    );
    console.log(
      `  recalcul complet           ${recomputeS.toFixed(2)} s   (plancher : simple agrégat des mêmes lignes ${floorS.toFixed(2)} s)`,
    );
    console.log(
      `  GET /indicators (COPIL)    p99 ${dash.p99Ms} ms  ${Math.round(dash.rps)} req/s  erreurs ${dash.errors}  (plancher /health/live p99 ${floor.p99Ms} ms, ${Math.round(floor.rps)} req/s)`,
    );
    console.log(
      JSON.stringify({
        bench: 'indicators',
        value: Number(recomputeS.toFixed(2)),
        unit: 's recalcul complet (10 structures × 48 mois × 10 000 patients)',
        floor: Number(floorS.toFixed(2)),
        ratio: Number((recomputeS / Math.max(floorS, 0.001)).toFixed(2)),
        target: 30,
        peakRssMiB,
        dashboardP99Ms: dash.p99Ms,
        dashboardFloorP99Ms: floor.p99Ms,
        dashboardTargetP99Ms: 200,
        dashboardRps: Math.round(dash.rps),
        dashboardErrors: dash.errors,
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
