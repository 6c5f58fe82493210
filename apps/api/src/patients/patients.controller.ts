import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { patientLookupQuery } from '@mtr/api-contracts';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, Tenant } from '../auth/decorators';
import { Contract, ValidBody, ValidQuery } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { PatientsService } from './patients.service';

const pageQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const patientSchema = z.object({
  id: z.uuid(),
  externalId: z.string(),
  birthDate: z.string(),
  sex: z.enum(['F', 'M']),
  mtRpps: z.string().nullable(),
  mtFrom: z.string().nullable(),
  mtTo: z.string().nullable(),
  infoNoteDate: z.string().nullable(),
  evaluationOpposed: z.boolean(),
  identity: z.object({ nir: z.string().nullable(), lastName: z.string(), firstName: z.string() }).nullable(),
});
const profileSchema = z.object({
  asOf: z.string(),
  total: z.number(),
  men: z.number(),
  aged65Plus: z.number(),
  menPercent: z.number(),
  aged65PlusPercent: z.number(),
  pyramid: z.array(z.object({ band: z.string(), women: z.number(), men: z.number() })),
  perGp: z.array(z.object({ rpps: z.string(), lastName: z.string().nullable(), firstName: z.string().nullable(), patients: z.number() })),
});

@Controller('structures/:structureId/patients')
@UseGuards(StructureScopeGuard)
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Get()
  @Contract({
    tag: 'Patients',
    summary: 'Liste des patients (identité déchiffrée pour les rôles autorisés, chaque lecture tracée)',
    query: pageQuery,
    response: z.object({ total: z.number(), items: z.array(patientSchema) }),
  })
  list(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidQuery() q: z.infer<typeof pageQuery>) {
    return this.patients.list(tenantId, ability, q);
  }

  // POST, not GET: a NIR or a name in a URL would end up in proxy logs and browser history.
  @Post('lookup')
  @HttpCode(200)
  @Contract({
    tag: 'Patients',
    summary: 'Recherche exacte d’un patient : par NIR, par identifiant patient, ou par nom, prénom et date de naissance (index aveugles ; tracée)',
    body: patientLookupQuery,
    response: z.object({ items: z.array(patientSchema) }),
  })
  lookup(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() q: z.infer<typeof patientLookupQuery>) {
    return this.patients.lookup(tenantId, ability, q);
  }

  @Get('profile')
  @Contract({ tag: 'Patients', summary: 'Profil de la patientèle (hommes, 65 ans et plus, pyramide des âges, patients par médecin traitant)', response: profileSchema })
  profile(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.patients.patientele(tenantId, ability);
  }
}
