import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentContext, type TenantId } from '@mtr/tenancy';

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

/**
 * Appends to the tenant's hash chain inside the caller's transaction, so an action and its
 * trace commit or roll back together. Sequence and hash are set by the database trigger.
 */
@Injectable()
export class AuditTrail {
  async record(em: EntityManager, tenantId: TenantId | null, e: AuditEventInput): Promise<void> {
    const ctx = currentContext();
    await em.query(
      `INSERT INTO audit_events (tenant_id, seq, actor_user_id, actor_role, action, resource_type, resource_id, correlation_id, detail, hash)
       VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8, '\\x')`,
      [
        tenantId ?? PLATFORM_CHAIN,
        ctx?.actorUserId ?? null,
        ctx?.actorRole ?? null,
        e.action,
        e.resourceType,
        e.resourceId ?? null,
        ctx?.correlationId ?? null,
        JSON.stringify(e.detail ?? {}),
      ],
    );
  }
}
