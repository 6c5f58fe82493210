import { Injectable } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { asTenantId, type TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { forbidden, notFound } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import type { StructureInput, StructureUpdate } from './structure.schemas';
import { Structure } from './structure.entity';

export type StructureView = Omit<Structure, 'theoreticalLeakageRate' | 'createdAt' | 'updatedAt'> & {
  theoreticalLeakageRate: number;
};

const toView = (s: Structure): StructureView => {
  const { createdAt: _c, updatedAt: _u, ...rest } = s;
  return { ...rest, theoreticalLeakageRate: Number(s.theoreticalLeakageRate) };
};

/** Keeps only the fields the ability lets the caller read (COPIL sees identity only). */
function visibleFields(ability: AppAbility, s: StructureView): Partial<StructureView> {
  const fields = permittedFieldsOf(ability, 'read', subject('Structure', { ...s }), {
    fieldsFrom: (rule) => rule.fields ?? Object.keys(s),
  });
  return Object.fromEntries(Object.entries(s).filter(([k]) => fields.includes(k)));
}

@Injectable()
export class StructuresService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  /** Platform roles see every structure (an audited cross-structure read); members see theirs. */
  async list(user: AuthenticatedUser, ability: AppAbility): Promise<Partial<StructureView>[]> {
    if (user.platformRole) {
      return this.db.forPlatform(user.id, async (em) => {
        const rows = await em.getRepository(Structure).find({ order: { name: 'ASC' } });
        await this.audit.record(em, null, { action: 'structures.list', resourceType: 'structure', detail: { count: rows.length } });
        return rows.map((s) => visibleFields(ability, toView(s)));
      });
    }
    const out: Partial<StructureView>[] = [];
    for (const m of user.memberships) {
      const s = await this.db.forTenant(asTenantId(m.structureId), (em) => em.getRepository(Structure).findOneBy({ id: m.structureId }));
      if (s) out.push(visibleFields(ability, toView(s)));
    }
    return out.sort((a, b) => String(a.name).localeCompare(String(b.name), 'fr'));
  }

  async create(user: AuthenticatedUser, input: StructureInput): Promise<StructureView> {
    const id = randomUUID();
    return this.db.forPlatform(user.id, async (em) => {
      await em.getRepository(Structure).insert({ id, ...input, theoreticalLeakageRate: String(input.theoreticalLeakageRate) });
      await this.audit.record(em, asTenantId(id), { action: 'structure.create', resourceType: 'structure', resourceId: id });
      return toView(await em.getRepository(Structure).findOneByOrFail({ id }));
    });
  }

  async get(tenantId: TenantId, ability: AppAbility): Promise<Partial<StructureView>> {
    const s = await this.db.forTenant(tenantId, (em) => this.load(em, tenantId));
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Structure', { ...s }));
    return visibleFields(ability, toView(s));
  }

  async update(tenantId: TenantId, ability: AppAbility, patch: StructureUpdate): Promise<StructureView> {
    return this.db.forTenant(tenantId, async (em) => {
      const s = await this.load(em, tenantId);
      for (const field of Object.keys(patch)) {
        if (!ability.can('update', subject('Structure', { ...s }), field)) {
          throw forbidden(`Vous ne pouvez pas modifier le champ « ${field} » de la structure.`);
        }
      }
      const { theoreticalLeakageRate, ...rest } = patch;
      await em.getRepository(Structure).update(
        { id: tenantId },
        { ...rest, ...(theoreticalLeakageRate !== undefined ? { theoreticalLeakageRate: String(theoreticalLeakageRate) } : {}), updatedAt: new Date() },
      );
      await this.audit.record(em, tenantId, { action: 'structure.update', resourceType: 'structure', resourceId: tenantId, detail: { fields: Object.keys(patch) } });
      return toView(await this.load(em, tenantId));
    });
  }

  private async load(em: EntityManager, id: string): Promise<Structure> {
    const s = await em.getRepository(Structure).findOneBy({ id });
    if (!s) throw notFound('La structure');
    return s;
  }
}
