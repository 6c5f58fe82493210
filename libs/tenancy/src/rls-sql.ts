/**
 * SQL used by migrations to make a table tenant-owned. Policies compare with the
 * transaction-local setting `app.tenant_id` through a scalar subquery, so PostgreSQL
 * evaluates it once per query (an InitPlan) rather than once per row.
 * With no tenant set, current_setting(..., true) is NULL: no row matches, no write passes.
 */
export const CURRENT_TENANT = `(SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)`;
export const PLATFORM_SCOPE = `(SELECT coalesce(current_setting('app.scope', true), '') = 'platform')`;
export const CURRENT_USER_ID = `(SELECT nullif(current_setting('app.user_id', true), '')::uuid)`;

export interface TenantTableOptions {
  /** Column holding the tenant; `tenant_id` everywhere except the structures registry itself. */
  column?: string;
  /** Let platform-scope sessions (ipso_team, platform_admin) read every tenant's rows. */
  platformRead?: boolean;
  /** Let platform-scope sessions write every tenant's rows (candidacies, structures). */
  platformWrite?: boolean;
  /** Extra USING/WITH CHECK disjunct, e.g. a user reading their own memberships. */
  extraRead?: string;
}

export function tenantTableSql(table: string, opts: TenantTableOptions = {}): string[] {
  const col = opts.column ?? 'tenant_id';
  const own = `${col} = ${CURRENT_TENANT}`;
  const read = [own, opts.platformRead ? PLATFORM_SCOPE : null, opts.extraRead ?? null].filter(Boolean).join(' OR ');
  const write = [own, opts.platformWrite ? PLATFORM_SCOPE : null].filter(Boolean).join(' OR ');
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY ${table}_select ON ${table} FOR SELECT USING (${read})`,
    `CREATE POLICY ${table}_insert ON ${table} FOR INSERT WITH CHECK (${write})`,
    `CREATE POLICY ${table}_update ON ${table} FOR UPDATE USING (${write}) WITH CHECK (${write})`,
    `CREATE POLICY ${table}_delete ON ${table} FOR DELETE USING (${write})`,
  ];
}
