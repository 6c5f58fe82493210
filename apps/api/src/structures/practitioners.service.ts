import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { notFound, Problem } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { Practitioner } from './practitioner.entity';
import type { z } from 'zod';
import type { practitionerInputSchema, practitionerUpdateSchema } from './structure.schemas';

const toView = ({ tenantId, ...p }: Practitioner) => ({ ...p, structureId: tenantId });

/** Practitioners of one structure, with their joined/left dates (each doctor's own safeguard window starts at joinedOn). */
@Injectable()
export class PractitionersService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  list(tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Practitioner', { tenantId }));
    return this.db.forTenant(tenantId, async (em) =>
      (await em.getRepository(Practitioner).find({ order: { lastName: 'ASC', firstName: 'ASC' } })).map(toView),
    );
  }

  create(tenantId: TenantId, ability: AppAbility, input: z.infer<typeof practitionerInputSchema>) {
    ForbiddenError.from(ability).throwUnlessCan('create', subject('Practitioner', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const repo = em.getRepository(Practitioner);
      if (await repo.existsBy({ rpps: input.rpps })) {
        throw new Problem(409, 'rpps_deja_present', `Le praticien RPPS ${input.rpps} est déjà rattaché à cette structure.`);
      }
      const id = randomUUID();
      await repo.insert({ tenantId, id, ...input, leftOn: input.leftOn ?? null });
      await this.audit.record(em, tenantId, { action: 'practitioner.create', resourceType: 'practitioner', resourceId: id });
      return toView(await repo.findOneByOrFail({ id }));
    });
  }

  update(tenantId: TenantId, ability: AppAbility, id: string, patch: z.infer<typeof practitionerUpdateSchema>) {
    return this.db.forTenant(tenantId, async (em) => {
      const repo = em.getRepository(Practitioner);
      const p = await repo.findOneBy({ id });
      if (!p) throw notFound('Le praticien');
      ForbiddenError.from(ability).throwUnlessCan('update', subject('Practitioner', { ...p }));
      const next = { ...p, ...patch };
      if (next.leftOn && next.leftOn < next.joinedOn) {
        throw new Problem(400, 'dates_incoherentes', "La date de départ ne peut pas précéder la date d'arrivée.", {
          errors: [{ field: 'leftOn', code: 'dates_incoherentes', detail: "antérieure à la date d'arrivée" }],
        });
      }
      await repo.update({ id }, patch);
      await this.audit.record(em, tenantId, { action: 'practitioner.update', resourceType: 'practitioner', resourceId: id, detail: { fields: Object.keys(patch) } });
      return toView(await repo.findOneByOrFail({ id }));
    });
  }
}
