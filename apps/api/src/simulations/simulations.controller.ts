import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { Contract, ValidBody } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { runSimulationBodySchema, simulationSchema, type RunSimulationBody } from './simulation.schemas';
import { SimulationsService } from './simulations.service';

const TAG = 'Simulation financière';

/** RULES §6 "financial simulations" — a candidate structure's doctors at 5 / 15 / 25 % leakage (issue #8 item 2). */
@Controller('structures/:structureId/simulation')
@UseGuards(StructureScopeGuard)
export class SimulationsController {
  constructor(private readonly simulations: SimulationsService) {}

  @Post()
  @HttpCode(201)
  @Contract({
    tag: TAG,
    summary:
      'Lancer la simulation financière des médecins (forfaits nets à 5 / 15 / 25 %, écart au revenu actuel à l’acte déclaré ou calculé) ; remplace la simulation enregistrée (équipe ipso, coordination)',
    body: runSimulationBodySchema,
    response: simulationSchema,
    status: 201,
  })
  run(@Tenant() tenantId: TenantId, @CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidBody() body: RunSimulationBody) {
    return this.simulations.run(tenantId, user, ability, body);
  }

  @Get()
  @Contract({ tag: TAG, summary: 'Dernière simulation financière enregistrée de la structure (404 sans simulation)', response: simulationSchema })
  latest(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.simulations.latest(tenantId, ability);
  }
}
