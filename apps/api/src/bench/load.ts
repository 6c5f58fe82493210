import 'reflect-metadata';
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { hashPassword } from '../auth/passwords';
import { databaseConfig } from '../database/database.config';
import { migrate } from '../database/data-source';
import { provisionDatabase } from '../database/provision';

/**
 * `npm run bench:load` — HTTP load against the real API (separate process, real PostgreSQL with
 * RLS). Each endpoint is measured at a fixed rate beside /health/live at the same rate and
 * concurrency (the floor: what Fastify + Nest cost with no work), then at saturation.
 * Ends with one JSON line (bench, value, unit, floor, ratio, target, peakRssMiB).
 */
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;
const STRUCTURES = 10;

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

async function measure(name: string, url: string, token: string | undefined, rate?: number): Promise<Measure> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { name, p99Ms: result.latency.p99, rps: result.requests.average, errors: result.errors + result.non2xx + result.timeouts };
}

async function seed(adminUrl: string): Promise<{ structureIds: string[]; email: string }> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  const structureIds: string[] = [];
  await c.query('BEGIN');
  await c.query(`SELECT set_config('app.scope', 'platform', true)`);
  for (let i = 0; i < STRUCTURES; i++) {
    const { rows } = await c.query(`INSERT INTO structures (id, name, legal_form) VALUES (gen_random_uuid(), $1, 'SISA') RETURNING id`, [`Structure de charge ${i + 1}`]);
    structureIds.push(rows[0].id);
    await c.query(
      `INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on)
       SELECT $1, lpad((20000000000 + $2 * 100 + g)::text, 11, '0'), 'Nom' || g, 'Prénom', 'medecin_generaliste', '2026-05-01'
       FROM generate_series(1, 12) g`,
      [rows[0].id, i],
    );
  }
  const email = 'charge.coordination@bench-mtr2.fr';
  const { rows } = await c.query(
    `INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'Banc de charge', $2) RETURNING id`,
    [email, await hashPassword('Banc-de-charge-1')],
  );
  await c.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`, [structureIds[0], rows[0].id]);
  await c.query('COMMIT');
  await c.end();
  return { structureIds, email };
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
  const { structureIds, email } = await seed(adminUrl.toString());

  const port = await freePort();
  const api: ChildProcess = spawn(process.execPath, [path.join(__dirname, '../main.js')], {
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
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Banc-de-charge-1' }),
    }).then((r) => r.json() as Promise<{ accessToken: string }>);
    const token = login.accessToken;
    const s = structureIds[0];
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
    await measure('warm-up', `${base}/structures/${s}/practitioners`, token, RATE);
    await measure('warm-up', `${base}/health/live`, undefined, RATE);
    const floor = await measure('GET /health/live (plancher)', `${base}/health/live`, undefined, RATE);
    const results = [
      await measure('GET /structures/:id (une ressource, RLS)', `${base}/structures/${s}`, token, RATE),
      await measure('GET /structures/:id/practitioners (liste, RLS)', `${base}/structures/${s}/practitioners`, token, RATE),
    ];
    const saturationFloor = await measure('GET /health/live saturation', `${base}/health/live`, undefined);
    const saturation = await measure('GET /structures/:id/practitioners saturation', `${base}/structures/${s}/practitioners`, token);
    clearInterval(sampleRss);

    console.log(`\nCharge HTTP à ${RATE} req/s, ${CONNECTIONS} connexions, ${SECONDS} s par mesure (API dans un processus séparé)`);
    for (const m of [floor, ...results]) {
      console.log(`  ${m.name.padEnd(48)} p99 ${String(m.p99Ms).padStart(4)} ms  ${Math.round(m.rps)} req/s  erreurs ${m.errors}  (×${(m.p99Ms / Math.max(floor.p99Ms, 1)).toFixed(1)} du plancher)`);
    }
    console.log(`  saturation: plancher ${Math.round(saturationFloor.rps)} req/s, liste ${Math.round(saturation.rps)} req/s`);
    const worst = results.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a));
    console.log(
      JSON.stringify({
        bench: 'load',
        value: worst.p99Ms,
        unit: 'ms p99 (pire endpoint à débit fixe)',
        floor: floor.p99Ms,
        ratio: Number((worst.p99Ms / Math.max(floor.p99Ms, 1)).toFixed(2)),
        target: 25,
        peakRssMiB,
        errors: results.reduce((n, r) => n + r.errors, 0),
        saturationRps: Math.round(saturation.rps),
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
