import { Client } from 'pg';
import { databaseConfig } from '../src/database/database.config';

/** Superuser connection to the test database (fixtures, tampering), never used by the app. */
export async function adminClient(): Promise<Client> {
  const cfg = databaseConfig();
  const url = new URL(cfg.adminUrl!);
  url.pathname = `/${cfg.databaseName}`;
  const c = new Client({ connectionString: url.toString() });
  await c.connect();
  return c;
}

/** A connection as the application role, exactly as the API connects. */
export async function appClient(): Promise<Client> {
  const c = new Client({ connectionString: databaseConfig().appUrl });
  await c.connect();
  return c;
}
