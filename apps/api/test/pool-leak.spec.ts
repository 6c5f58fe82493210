import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { asTenantId } from '@mtr/tenancy';
import { databaseConfig } from '../src/database/database.config';
import { appDataSource } from '../src/database/data-source';
import { TenantDb } from '../src/database/tenant-db';
import { adminClient } from './db';
import { makePractitioner, makeStructure } from './factories';

/** Issue #2 §4 — a pooled connection never carries one request's tenant into the next. */
describe('connection pool and tenant settings', () => {
  let ds: DataSource;
  let db: TenantDb;
  const tenants: string[] = [];

  beforeAll(async () => {
    const admin = await adminClient();
    for (let i = 0; i < 2; i++) {
      const t = await makeStructure(admin);
      await makePractitioner(admin, t);
      tenants.push(t);
    }
    await admin.end();
    ds = await appDataSource(databaseConfig(), 2).initialize();
    db = new TenantDb(ds);
  });
  afterAll(() => ds.destroy());

  it('concurrent transactions alternating tenants each see only their tenant, and leave no setting behind', async () => {
    // The per-request principal lookup sets app.user_id inside one statement only.
    await Promise.all(Array.from({ length: 10 }, () => db.principal('00000000-0000-4000-8000-000000000001')));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const tenant = tenants[i % 2];
        return db.forTenant(asTenantId(tenant), async (em) => {
          const [{ setting }] = await em.query(`SELECT current_setting('app.tenant_id', true) AS setting`);
          const rows: { tenant_id: string }[] = await em.query('SELECT DISTINCT tenant_id FROM practitioners');
          return { tenant, setting, seen: rows.map((r) => r.tenant_id) };
        });
      }),
    );
    for (const r of results) {
      expect(r.setting).toBe(r.tenant);
      expect(r.seen).toEqual([r.tenant]);
    }
    // Hold both pooled connections at once and read their session state outside any transaction.
    const pool = (ds.driver as unknown as { master: Pool }).master;
    const clients: PoolClient[] = [await pool.connect(), await pool.connect()];
    try {
      for (const c of clients) {
        const { rows } = await c.query(
          `SELECT coalesce(current_setting('app.tenant_id', true), '') AS t, coalesce(current_setting('app.scope', true), '') AS s,
                  coalesce(current_setting('app.user_id', true), '') AS u`,
        );
        expect(rows[0]).toEqual({ t: '', s: '', u: '' });
        expect((await c.query('SELECT count(*)::int AS n FROM practitioners')).rows[0].n).toBe(0);
      }
    } finally {
      clients.forEach((c) => c.release());
    }
  });

  it('a failed transaction does not leak its tenant either', async () => {
    await expect(
      db.forTenant(asTenantId(tenants[0]), async (em) => {
        await em.query('SELECT 1');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const pool = (ds.driver as unknown as { master: Pool }).master;
    const c = await pool.connect();
    try {
      const { rows } = await c.query(`SELECT coalesce(current_setting('app.tenant_id', true), '') AS t`);
      expect(rows[0].t).toBe('');
    } finally {
      c.release();
    }
  });
});
