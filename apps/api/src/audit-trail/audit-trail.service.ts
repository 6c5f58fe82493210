import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentContext, deferUntilCommit, sqlLiteral, type TenantId } from '@mtr/tenancy';

/** Tenant of the platform-level chain (logins, cross-structure reads). */
export const PLATFORM_CHAIN = '00000000-0000-0000-0000-000000000000';

export interface AuditEventInput {
  /** e.g. `structure.update`, `patient.read` */
  action: string;
  resourceType: string;
  resourceId?: string;
  /** Never patient identifiers: ids and field names only. */
  detail?: Record<string, unknown>;
}

const INSERT = `INSERT INTO audit_events (tenant_id, seq, actor_user_id, actor_role, action, resource_type, resource_id, correlation_id, detail, hash)`;

/**
 * Appends to the tenant's hash chain inside the caller's transaction, so an action and its
 * trace commit or roll back together. Sequence and hash are set by the database trigger.
 *
 * Inside a scoped transaction the insert rides with the COMMIT (deferUntilCommit): the
 * trigger's row lock on the chain head, which serialises the tenant's writers, is then held
 * for the database's own work only. Values are escaped here (sqlLiteral) because that statement
 * travels without parameters.
 */
@Injectable()
export class AuditTrail {
  async record(em: EntityManager, tenantId: TenantId | null, e: AuditEventInput): Promise<void> {
    const ctx = currentContext();
    const values = [
      tenantId ?? PLATFORM_CHAIN,
      ctx?.actorUserId ?? null,
      ctx?.actorRole ?? null,
      e.action,
      e.resourceType,
      e.resourceId ?? null,
      ctx?.correlationId ?? null,
      JSON.stringify(e.detail ?? {}),
    ];
    const lit = sqlLiteral;
    const sql =
      `${INSERT} VALUES (${lit(values[0])}::uuid, 0, ${lit(values[1])}::uuid, ${lit(values[2])}, ${lit(values[3])}, ` +
      `${lit(values[4])}, ${lit(values[5])}, ${lit(values[6])}, ${lit(values[7])}::jsonb, '\\x')`;
    if (deferUntilCommit(em, sql)) return;
    await em.query(`${INSERT} VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8, '\\x')`, values);
  }
}
