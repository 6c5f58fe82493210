import type { Client } from 'pg';
import { APP_ROLE } from '@mtr/migrations';
import { adminClient } from './db';

/**
 * Issue #2 §4 — the catalog is the proof of isolation: any tenant-owned table added
 * without RLS, forced RLS, a policy per command and tenant-leading keys fails here.
 */
describe('row-level security catalog', () => {
  let db: Client;
  beforeAll(async () => {
    db = await adminClient();
  });
  afterAll(() => db.end());

  /** Tables without tenant_id, each with the reason it is global. Anything else must be tenant-owned. */
  const GLOBAL_TABLES: Record<string, string> = {
    structures: 'the tenant registry itself: RLS on id instead of tenant_id',
    users: 'identities exist before any structure is chosen',
    refresh_tokens: 'belong to a user, not a structure',
    audit_chain_heads: 'reached only by the SECURITY DEFINER trigger; no grant to the app role',
    schema_migrations: 'TypeORM bookkeeping, no grant to the app role',
    ref_imports: 'issue #4: log of INSEE reference-data imports (national files, same for every structure)',
    ref_aav2020: 'issue #4: INSEE AAV 2020 areas, national public reference data',
    ref_aav2020_communes: 'issue #4: INSEE AAV 2020 commune composition (CATEAAV2020), national public reference data',
    ref_commune_populations: 'issue #4: INSEE legal commune populations, national public reference data',
    audit_templates: 'issue #4: published versions of the Annex 6 questionnaire, the same for every structure, append-only',
    ref_tariffs: 'issue #6 §4: national NGAP/CCAM dated tariffs of the safeguard clause, the same for every structure',
  };
  /** Indexes that deliberately do not lead with tenant_id. */
  const NON_TENANT_INDEXES: Record<string, string> = {
    memberships_user: 'a signed-in user lists their own memberships across structures',
  };

  const tablesWithTenant = async (): Promise<string[]> =>
    (
      await db.query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`)
    ).rows.map((r) => r.relname);

  it('every table is either tenant-owned or an explicitly listed global table', async () => {
    const { rows } = await db.query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`);
    const withTenant = new Set(await tablesWithTenant());
    const stray = rows.map((r) => r.relname).filter((t) => !withTenant.has(t) && !(t in GLOBAL_TABLES));
    expect(stray).toEqual([]);
    expect(withTenant.size).toBeGreaterThanOrEqual(3);
  });

  it('every tenant-owned table (and structures) has RLS enabled and forced, with a policy for every command', async () => {
    for (const table of [...(await tablesWithTenant()), 'structures']) {
      const { rows } = await db.query(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = $1 AND relkind IN ('r','p')`, [table]);
      expect({ table, ...rows[0] }).toEqual({ table, relrowsecurity: true, relforcerowsecurity: true });
      const cmds = (await db.query(`SELECT cmd FROM pg_policies WHERE schemaname = 'public' AND tablename = $1`, [table])).rows.map((r) => r.cmd);
      const covered = cmds.includes('ALL') ? ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] : cmds;
      expect({ table, commands: [...new Set(covered)].sort() }).toEqual({ table, commands: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'] });
    }
  });

  it('tenant policies read app.tenant_id through a scalar subquery (evaluated once per query)', async () => {
    const { rows } = await db.query(`SELECT tablename, policyname, coalesce(qual, with_check) AS expr FROM pg_policies
                                     WHERE schemaname = 'public' AND coalesce(qual, with_check) LIKE '%app.tenant_id%'`);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect({ p: r.policyname, wrapped: /\(\s*SELECT\s+\(?NULLIF\(current_setting\('app\.tenant_id'/i.test(r.expr) }).toEqual({ p: r.policyname, wrapped: true });
  });

  it('primary keys, unique constraints and foreign keys between tenant tables include tenant_id; indexes lead with it', async () => {
    const tenantTables = await tablesWithTenant();
    const { rows: cons } = await db.query(
      `SELECT con.conname, con.contype, rel.relname AS table, ref.relname AS referenced,
              array(SELECT a.attname FROM unnest(con.conkey) k JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k)::text[] AS cols
         FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid LEFT JOIN pg_class ref ON ref.oid = con.confrelid
        WHERE con.contype IN ('p', 'u', 'f') AND rel.relname = ANY($1)`,
      [tenantTables],
    );
    for (const c of cons) {
      const mustInclude = c.contype !== 'f' || tenantTables.includes(c.referenced) || c.referenced === 'structures';
      if (mustInclude) expect({ constraint: c.conname, includesTenant: c.cols.includes('tenant_id') }).toEqual({ constraint: c.conname, includesTenant: true });
      if (c.contype === 'p') expect({ pk: c.conname, first: c.cols[0] }).toEqual({ pk: c.conname, first: 'tenant_id' });
    }
    const { rows: idx } = await db.query(
      `SELECT i.relname AS index, a.attname AS first_col FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
        WHERE t.relname = ANY($1)`,
      [tenantTables],
    );
    for (const i of idx) {
      if (i.index in NON_TENANT_INDEXES) continue;
      expect({ index: i.index, first: i.first_col }).toEqual({ index: i.index, first: 'tenant_id' });
    }
  });

  it('the application role is not superuser, cannot bypass RLS and owns nothing', async () => {
    const { rows } = await db.query(`SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const owned = await db.query(
      `SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = $1
       UNION ALL SELECT p.proname FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = $1
       UNION ALL SELECT n.nspname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE r.rolname = $1`,
      [APP_ROLE],
    );
    expect(owned.rows).toEqual([]);
  });

  it('global bookkeeping tables are out of the application role’s reach', async () => {
    for (const t of ['audit_chain_heads', 'schema_migrations']) {
      const { rows } = await db.query(`SELECT has_table_privilege($1, $2, 'SELECT') AS s, has_table_privilege($1, $2, 'INSERT') AS i`, [APP_ROLE, t]);
      expect({ t, ...rows[0] }).toEqual({ t, s: false, i: false });
    }
  });

  it('every view runs with the invoker’s rights (security_invoker), so RLS applies through it', async () => {
    const { rows } = await db.query(
      `SELECT c.relname, coalesce(c.reloptions::text[] @> ARRAY['security_invoker=true'] OR c.reloptions::text[] @> ARRAY['security_invoker=on'], false) AS invoker
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')`,
    );
    for (const v of rows) expect({ view: v.relname, invoker: v.invoker }).toEqual({ view: v.relname, invoker: true });
  });
});
