import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { forbidden, notFound } from '../common/problem';
import { Contract, ValidBody } from '../docs/contract';
import { AuditEventsService } from '../audit-trail/audit-events.service';
import { PractitionersService } from './practitioners.service';
import {
  auditEventSchema,
  practitionerInputSchema,
  practitionerSchema,
  practitionerUpdateSchema,
  structureInputSchema,
  structureSchema,
  structureUpdateSchema,
  type StructureInput,
  type StructureUpdate,
} from './structure.schemas';
import { StructureScopeGuard } from './structure-scope.guard';
import { StructuresService } from './structures.service';

const notFoundUuid = new ParseUUIDPipe({ exceptionFactory: () => notFound('Le praticien') });

@Controller('structures')
export class StructuresController {
  constructor(
    private readonly structures: StructuresService,
    private readonly practitioners: PractitionersService,
    private readonly auditEvents: AuditEventsService,
  ) {}

  @Get()
  @Contract({ tag: 'Structures', summary: 'Structures visibles par l’utilisateur', response: z.array(structureSchema.partial()) })
  list(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility) {
    return this.structures.list(user, ability);
  }

  @Post()
  @HttpCode(201)
  @Contract({ tag: 'Structures', summary: 'Créer une structure (équipe ipso)', body: structureInputSchema, response: structureSchema, status: 201 })
  create(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidBody() body: StructureInput) {
    if (!ability.can('create', 'Structure')) throw forbidden();
    return this.structures.create(user, body);
  }

  @Get(':structureId')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: 'Structures', summary: 'Fiche de la structure', response: structureSchema })
  get(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.structures.get(tenantId, ability);
  }

  @Patch(':structureId')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: 'Structures', summary: 'Modifier la structure (champs selon le rôle)', body: structureUpdateSchema, response: structureSchema })
  update(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: StructureUpdate) {
    return this.structures.update(tenantId, ability, body);
  }

  @Get(':structureId/practitioners')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: 'Praticiens', summary: 'Praticiens de la structure', response: z.array(practitionerSchema) })
  listPractitioners(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.practitioners.list(tenantId, ability);
  }

  @Post(':structureId/practitioners')
  @HttpCode(201)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: 'Praticiens', summary: 'Rattacher un praticien', body: practitionerInputSchema, response: practitionerSchema, status: 201 })
  addPractitioner(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof practitionerInputSchema>) {
    return this.practitioners.create(tenantId, ability, body);
  }

  @Patch(':structureId/practitioners/:practitionerId')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: 'Praticiens', summary: 'Modifier un praticien (dont date de départ)', body: practitionerUpdateSchema, response: practitionerSchema })
  updatePractitioner(
    @Tenant() tenantId: TenantId,
    @Ability() ability: AppAbility,
    @Param('practitionerId', notFoundUuid) id: string,
    @ValidBody() body: z.infer<typeof practitionerUpdateSchema>,
  ) {
    return this.practitioners.update(tenantId, ability, id, body);
  }

  @Get(':structureId/audit-events')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: 'Journal d’audit', summary: 'Journal d’audit de la structure (200 derniers événements)', response: z.array(auditEventSchema) })
  listAuditEvents(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.auditEvents.list(tenantId, ability);
  }
}
