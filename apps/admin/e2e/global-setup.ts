import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * The real platform for the end-to-end tests (issue #8): a fresh database `mtr2_e2e_<run>`
 * (created, migrated and loaded with the demo data by the API's own CLI), then the built API,
 * serving the built web app, and the worker, on a free port. Everything is stopped and the
 * database dropped at the end. PostgreSQL: DATABASE_URL (scripts/test.sh provides it) or the
 * local server; Redis: REDIS_URL or the local one.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const API_DIST = path.join(ROOT, 'apps/api/dist');
const WEB_DIST = path.join(ROOT, 'apps/admin/dist');

export interface E2eContext {
  baseUrl: string;
  /** TOTP secrets of the platform demo users, by e-mail. */
  totpSecrets: Record<string, string>;
  structures: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eContext;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function cli(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, [path.join(API_DIST, 'cli/main.js'), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} a échoué:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function waitUntilLive(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`l'API s'est arrêtée (code ${child.exitCode})`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("l'API n'a pas démarré en 30 s");
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  for (const f of [path.join(API_DIST, 'main.js'), path.join(WEB_DIST, 'index.html')]) {
    if (!existsSync(f)) throw new Error(`${f} manquant : compilez d'abord (npx tsc -b tsconfig.build.json && npm run build -w @mtr/admin)`);
  }
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    DATABASE_NAME: `mtr2_e2e_${Date.now().toString(36)}_${process.pid}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    JWT_SECRET: randomBytes(48).toString('base64'),
    LOGIN_RATE_PER_MINUTE: '1000',
    HOST: '127.0.0.1',
    PORT: String(port),
    WEB_APP_DIR: WEB_DIST,
    NODE_ENV: 'test',
  };
  cli(['migrate'], env);
  const seeded = cli(['seed'], env);
  const totpSecrets: Record<string, string> = {};
  for (const m of seeded.matchAll(/^\s+(\S+@\S+)\s+\S+\s+TOTP: secret ([A-Z2-7]+)/gm)) totpSecrets[m[1]] = m[2];

  const children: ChildProcess[] = [];
  const start = (file: string) => {
    const child = spawn(process.execPath, [path.join(API_DIST, file)], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    return child;
  };
  start('worker.js');
  const api = start('main.js');
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilLive(baseUrl, api);
  project.provide('e2e', {
    baseUrl,
    totpSecrets,
    structures: {
      saintMartin: '11111111-1111-4111-8111-111111111111',
      tilleuls: '22222222-2222-4222-8222-222222222222',
      causse: '33333333-3333-4333-8333-333333333333',
    },
  });

  return async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${env.DATABASE_NAME} WITH (FORCE)`).catch(() => undefined);
    await client.end();
  };
}
