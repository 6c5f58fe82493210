import type { Client } from 'pg';
import { adminClient, appClient } from './db';
import { makePractitioner, makeStructure, nextRpps } from './factories';

/** Issue #2 §4 — the policies as the application role sees them, with two seeded tenants. */
describe('row-level security policies (as the application role)', () => {
  let admin: Client;
  let app: Client;
  let a: string;
  let b: string;

  beforeAll(async () => {
    admin = await adminClient();
    app = await appClient();
    a = await makeStructure(admin, { name: 'A' });
    b = await makeStructure(admin, { name: 'B' });
    await makePractitioner(admin, a);
    await makePractitioner(admin, b);
  });
  afterAll(async () => {
    await app.end();
    await admin.end();
  });

  async function asTenant<T>(tenant: string | null, fn: () => Promise<T>): Promise<T> {
    await app.query('BEGIN');
    try {
      if (tenant) await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
      return await fn();
    } finally {
      await app.query('ROLLBACK');
    }
  }
  const insertPractitioner = (tenant: string) =>
    app.query(`INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on)
               VALUES ($1, $2, 'X', 'Y', 'medecin_generaliste', '2026-05-01')`, [tenant, nextRpps()]);

  it('without a tenant: no rows, and inserts fail', async () => {
    await asTenant(null, async () => {
      expect((await app.query('SELECT * FROM practitioners')).rowCount).toBe(0);
      expect((await app.query('SELECT * FROM structures')).rowCount).toBe(0);
      expect((await app.query('SELECT * FROM memberships')).rowCount).toBe(0);
    });
    await asTenant(null, async () => {
      await expect(insertPractitioner(a)).rejects.toThrow(/row-level security/);
    });
  });

  it('tenant A sees only A’s rows', async () => {
    await asTenant(a, async () => {
      const { rows } = await app.query('SELECT DISTINCT tenant_id FROM practitioners');
      expect(rows.map((r) => r.tenant_id)).toEqual([a]);
      const s = await app.query('SELECT id FROM structures');
      expect(s.rows.map((r) => r.id)).toEqual([a]);
    });
  });

  it('tenant A cannot insert a row for B', async () => {
    await asTenant(a, async () => {
      await expect(insertPractitioner(b)).rejects.toThrow(/row-level security/);
    });
  });

  it('tenant A cannot move its row to B, nor touch B’s rows', async () => {
    await asTenant(a, async () => {
      await expect(app.query('UPDATE practitioners SET tenant_id = $1', [b])).rejects.toThrow(/row-level security|foreign key/);
    });
    await asTenant(a, async () => {
      const upd = await app.query(`UPDATE practitioners SET last_name = 'pirate' WHERE tenant_id = $1`, [b]);
      const del = await app.query(`DELETE FROM practitioners WHERE tenant_id = $1`, [b]);
      expect([upd.rowCount, del.rowCount]).toEqual([0, 0]);
    });
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM practitioners WHERE tenant_id = $1 AND last_name = 'pirate'`, [b]);
    expect(rows[0].n).toBe(0);
  });

  it('a session-level SET cannot be smuggled in by the platform scope: platform reads only where a policy allows', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.scope', 'platform', true)`);
    const s = await app.query('SELECT count(*)::int AS n FROM structures WHERE id = ANY($1)', [[a, b]]);
    await app.query('ROLLBACK');
    expect(s.rows[0].n).toBe(2);
  });

  it('the audit trail is append-only for the application role', async () => {
    await asTenant(a, async () => {
      await app.query(`INSERT INTO audit_events (tenant_id, seq, action, resource_type, hash) VALUES ($1, 0, 'test', 'test', '\\x')`, [a]);
      await expect(app.query(`UPDATE audit_events SET action = 'x' WHERE tenant_id = $1`, [a])).rejects.toThrow();
    });
    await asTenant(a, async () => {
      await expect(app.query(`DELETE FROM audit_events WHERE tenant_id = $1`, [a])).rejects.toThrow();
    });
  });
});
