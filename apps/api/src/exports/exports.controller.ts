import { Controller, Get, StreamableFile, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, Tenant } from '../auth/decorators';
import { Contract, ValidQuery } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { ExportsService } from './exports.service';

const TAG = 'Exports patients';
const csv = (stream: NodeJS.ReadableStream, name: string) =>
  new StreamableFile(stream as never, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${name}"` });
const fhirQuery = z.strictObject({ type: z.enum(['Patient', 'Practitioner']).default('Patient') });

@Controller('structures/:structureId/exports')
@UseGuards(StructureScopeGuard)
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('am-included.csv')
  @Contract({ tag: TAG, summary: 'Patients inclus pour l’Assurance Maladie : NIR, date d’inclusion, premier mois de forfait, RPPS du médecin traitant' })
  amIncluded(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return csv(this.exports.amIncluded(tenantId, ability), 'patients-inclus-assurance-maladie.csv');
  }

  @Get('patients.csv')
  @Contract({ tag: TAG, summary: 'Liste des patients (CSV Excel : point-virgule, BOM), mêmes colonnes que l’import' })
  patientsCsv(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return csv(this.exports.patientsCsv(tenantId, ability), 'patients.csv');
  }

  @Get('patients.ndjson')
  @Contract({ tag: TAG, summary: 'FHIR R4 Bulk Data NDJSON : Patient (identifiant NIR) ou Practitioner (RPPS)', query: fhirQuery })
  fhir(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidQuery() q: z.infer<typeof fhirQuery>) {
    return new StreamableFile(this.exports.fhir(tenantId, ability, q.type) as never, {
      type: 'application/fhir+ndjson',
      disposition: `attachment; filename="${q.type}.ndjson"`,
    });
  }

  @Get('evaluation.csv')
  @Contract({ tag: TAG, summary: 'Extraction pour l’évaluation : sans les patients opposés, identifiants pseudonymisés (HMAC à clé)' })
  evaluation(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return csv(this.exports.evaluation(tenantId, ability), 'extraction-evaluation.csv');
  }
}
