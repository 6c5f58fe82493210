import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const admin = process.env.DATABASE_URL;
  if (admin && process.env.DATABASE_NAME?.startsWith('mtr2_test_')) {
    const c = new Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${process.env.DATABASE_NAME} WITH (FORCE)`).catch(() => undefined);
    await c.end();
  }
  const child = (globalThis as { __embeddedPg?: ChildProcess }).__embeddedPg;
  if (child) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
