import { Injectable } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { TenantDb } from '../database/tenant-db';

/** Reading a structure's audit trail (coordinator, ipso_team). */
@Injectable()
export class AuditEventsService {
  constructor(private readonly db: TenantDb) {}

  list(tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('AuditEvent', { tenantId }));
    return this.db.forTenant(tenantId, (em) =>
      em.query(
        `SELECT seq::text AS seq, occurred_at AS "occurredAt", actor_user_id AS "actorUserId", actor_role AS "actorRole",
                action, resource_type AS "resourceType", resource_id AS "resourceId", detail
           FROM audit_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 200`,
        [tenantId],
      ),
    );
  }
}
