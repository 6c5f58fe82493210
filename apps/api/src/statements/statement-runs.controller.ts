import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { Contract, ValidBody, ValidQuery } from '../docs/contract';
import { todayParis } from '../patients/patients.service';
import { monthQuerySchema, runRequestSchema, runSchema } from './statement.schemas';
import { StatementsService } from './statements.service';

const TAG = 'Relevés mensuels';

/** Issue #6 §1 — ipso_team launches and follows the month of every active structure at once. */
@Controller('statement-runs')
export class StatementRunsController {
  constructor(private readonly statements: StatementsService) {}

  @Post()
  @HttpCode(202)
  @Contract({ tag: TAG, summary: 'Lancer le calcul du mois pour toutes les structures actives (équipe ipso)', body: runRequestSchema, response: z.array(runSchema), status: 202 })
  runAll(@Ability() ability: AppAbility, @CurrentUser() user: AuthenticatedUser, @ValidBody() body: z.infer<typeof runRequestSchema>) {
    return this.statements.requestRunForAll(ability, user, body.month);
  }

  @Get()
  @Contract({ tag: TAG, summary: 'Avancement des calculs d’un mois, structure par structure (équipe ipso)', query: monthQuerySchema, response: z.array(runSchema) })
  progress(@Ability() ability: AppAbility, @CurrentUser() user: AuthenticatedUser, @ValidQuery() q: z.infer<typeof monthQuerySchema>) {
    return this.statements.runsForAll(ability, user, q.month ?? todayParis().slice(0, 7));
  }
}
