import { z } from 'zod';
import { APP_ROLE, OWNER_ROLE } from '@mtr/migrations';
import { loadConfig } from '../config/load-config';

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'doit être une URL postgres://utilisateur@hôte:port/base');

const schema = z.object({
  /** Administrative connection (superuser or CREATEROLE/CREATEDB): provisioning and migrations. */
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_NAME: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('mtr2'),
  /** Explicit connections, for hosts where roles are provisioned outside the project. */
  DATABASE_APP_URL: postgresUrl.optional(),
  DATABASE_OWNER_URL: postgresUrl.optional(),
  DB_APP_PASSWORD: z.string().min(8).default('mtr_app_dev_only'),
  DB_OWNER_PASSWORD: z.string().min(8).default('mtr_owner_dev_only'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
});

export interface DatabaseConfig {
  adminUrl?: string;
  databaseName: string;
  appUrl: string;
  ownerUrl: string;
  appPassword: string;
  ownerPassword: string;
  poolMax: number;
}

function withCredentials(base: string, user: string, password: string, database: string): string {
  const u = new URL(base);
  u.username = user;
  u.password = password;
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseConfig(env = process.env): DatabaseConfig {
  const c = loadConfig('database', schema, env);
  if (!c.DATABASE_URL && !(c.DATABASE_APP_URL && c.DATABASE_OWNER_URL)) {
    throw new Error(
      'Configuration invalide (database):\n  - DATABASE_URL: manquant (ou bien DATABASE_APP_URL et DATABASE_OWNER_URL). ' +
        'Lancez la plateforme avec `npm start`, qui le fournit.',
    );
  }
  const base = c.DATABASE_URL ?? c.DATABASE_OWNER_URL!;
  return {
    adminUrl: c.DATABASE_URL,
    databaseName: c.DATABASE_NAME,
    appUrl: c.DATABASE_APP_URL ?? withCredentials(base, APP_ROLE, c.DB_APP_PASSWORD, c.DATABASE_NAME),
    ownerUrl: c.DATABASE_OWNER_URL ?? withCredentials(base, OWNER_ROLE, c.DB_OWNER_PASSWORD, c.DATABASE_NAME),
    appPassword: c.DB_APP_PASSWORD,
    ownerPassword: c.DB_OWNER_PASSWORD,
    poolMax: c.DB_POOL_MAX,
  };
}
