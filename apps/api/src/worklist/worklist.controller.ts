import { Controller, Get, StreamableFile, UseGuards } from '@nestjs/common';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { Contract, ValidQuery } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { worklistQuerySchema, worklistSchema, type WorklistQuery } from './worklist.schemas';
import { WorklistService, worklistCsv } from './worklist.service';

const TAG = 'Manque à gagner';

/** Issue #6 §6 — the coordinator's revenue-at-risk worklist (JSON and French Excel CSV). */
@Controller('structures/:structureId')
@UseGuards(StructureScopeGuard)
export class WorklistController {
  constructor(private readonly worklist: WorklistService) {}

  @Get('worklist')
  @Contract({
    tag: TAG,
    summary: 'Patients dont un forfait est en jeu dans l’horizon (critères à refaire, consommant, anniversaire, 9 mois obstétriques), avec le montant mensuel en jeu',
    query: worklistQuerySchema,
    response: worklistSchema,
  })
  list(@Tenant() tenantId: TenantId, @CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidQuery() q: WorklistQuery) {
    return this.worklist.worklist(tenantId, user, ability, q);
  }

  @Get('worklist.csv')
  @Contract({ tag: TAG, summary: 'La même liste en CSV pour Excel (séparateur ;, BOM UTF-8)', query: worklistQuerySchema })
  async csv(@Tenant() tenantId: TenantId, @CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidQuery() q: WorklistQuery) {
    const w = await this.worklist.worklist(tenantId, user, ability, q, 'worklist.export_csv');
    return new StreamableFile(Buffer.from(worklistCsv(w), 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="manque-a-gagner-${w.asOf}-${w.horizonDays}j.csv"`,
    });
  }
}
