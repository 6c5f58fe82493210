import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inScopedTransaction, type TenantId } from '@mtr/tenancy';

export const APP_DATA_SOURCE = Symbol('APP_DATA_SOURCE');

export interface PrincipalRow {
  id: string;
  email: string;
  display_name: string;
  platform_role: string | null;
  disabled: boolean;
  token_version: number;
  memberships: { structureId: string; role: string; practitionerId: string | null }[];
  /** Bumped by triggers when any of the above changes; auth_principal_current() compares it (migration RequestPath). */
  principal_version: string;
}

/**
 * The one door to the database for feature code. Every method opens a transaction whose
 * `app.*` settings are local to it; a query without a tenant has nothing to call.
 */
@Injectable()
export class TenantDb {
  constructor(@Inject(APP_DATA_SOURCE) private readonly ds: DataSource) {}

  /** Rows of one structure only (RLS on app.tenant_id). */
  forTenant<T>(tenantId: TenantId, fn: (em: EntityManager) => Promise<T>, userId?: string): Promise<T> {
    return inScopedTransaction(this.ds, { kind: 'tenant', tenantId, userId }, fn);
  }

  /** The narrow cross-structure path of ipso_team / platform_admin: only tables with a platform policy. */
  forPlatform<T>(userId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return inScopedTransaction(this.ds, { kind: 'platform', userId }, fn);
  }

  /** Identity tables (users, refresh tokens) and the signed-in user's own memberships; no tenant rows. */
  forUser<T>(userId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return inScopedTransaction(this.ds, { kind: 'user', userId }, fn);
  }

  /** Before anyone is known (login, refresh): identity tables only. */
  anonymous<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return inScopedTransaction(this.ds, { kind: 'user', userId: '' }, fn);
  }

  /**
   * The signed-in user and their memberships, one statement (migrations AuthPrincipal and
   * RequestPath), with the version later transactions re-check: the auth guard caches this row.
   */
  async principal(userId: string): Promise<PrincipalRow | undefined> {
    const rows: PrincipalRow[] = await this.ds.query('SELECT * FROM auth_principal($1)', [userId]);
    return rows[0];
  }

  async ping(): Promise<void> {
    await this.ds.query('SELECT 1');
  }
}
