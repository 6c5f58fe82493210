import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { Contract, ValidBody, ValidQuery } from '../docs/contract';
import {
  tariffCreateSchema,
  tariffCreatedSchema,
  tariffListSchema,
  tariffQuerySchema,
  type TariffCreate,
} from './safeguard.schemas';
import { TariffsService } from './tariffs.service';

const TAG = 'Données de référence';

/** Issue #6 §4 — dated tariff table of the safeguard clause (RULES §5 [param]). */
@Controller('reference-data/tariffs')
export class TariffsController {
  constructor(private readonly tariffs: TariffsService) {}

  @Get()
  @Contract({
    tag: TAG,
    summary: 'Tarifs conventionnels datés (NGAP/CCAM et majorations) avec leur source',
    query: tariffQuerySchema,
    response: tariffListSchema,
  })
  list(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidQuery() q: { code?: string; on?: string }) {
    return this.tariffs.list(user, ability, q);
  }

  @Post()
  @HttpCode(201)
  @Contract({
    tag: TAG,
    summary: 'Ajouter un tarif daté (équipe ipso) ; chevauchement d’un même code → 409, période ouverte antérieure close la veille',
    body: tariffCreateSchema,
    response: tariffCreatedSchema,
    status: 201,
  })
  create(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidBody() body: TariffCreate) {
    return this.tariffs.create(user, ability, body);
  }
}
