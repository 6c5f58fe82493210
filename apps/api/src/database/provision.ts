import { Client } from 'pg';
import { APP_ROLE, OWNER_ROLE } from '@mtr/migrations';
import type { DatabaseConfig } from './database.config';

const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Creates, idempotently, the two roles and the database: the owner runs migrations,
 * the app role (NOSUPERUSER NOBYPASSRLS, owns nothing) is what the API connects as.
 * Needs the administrative DATABASE_URL; skipped when the host provisions roles itself.
 */
export async function provisionDatabase(cfg: DatabaseConfig, opts: { recreate?: boolean } = {}): Promise<void> {
  if (!cfg.adminUrl) return;
  const admin = new Client({ connectionString: cfg.adminUrl });
  await admin.connect();
  try {
    for (const [role, password] of [
      [OWNER_ROLE, cfg.ownerPassword],
      [APP_ROLE, cfg.appPassword],
    ] as const) {
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const verb = exists.rowCount ? 'ALTER' : 'CREATE';
      await admin.query(
        `${verb} ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD ${quoteLiteral(password)}`,
      );
    }
    const db = cfg.databaseName;
    if (opts.recreate) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (!found.rowCount) await admin.query(`CREATE DATABASE ${db} OWNER ${OWNER_ROLE}`);
  } finally {
    await admin.end();
  }
  // Inside the database: the public schema belongs to the owner; the app role may only use it.
  const inDb = new URL(cfg.adminUrl);
  inDb.pathname = `/${cfg.databaseName}`;
  const c = new Client({ connectionString: inDb.toString() });
  await c.connect();
  try {
    await c.query(`ALTER SCHEMA public OWNER TO ${OWNER_ROLE}`);
    await c.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await c.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
  } finally {
    await c.end();
  }
}
