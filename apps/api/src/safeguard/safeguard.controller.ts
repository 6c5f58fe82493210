import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res, StreamableFile, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { notFound } from '../common/problem';
import { Contract, ValidQuery } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { safeguardDetailSchema, safeguardListSchema, safeguardQuerySchema, type SafeguardQuery } from './safeguard.schemas';
import { SafeguardService } from './safeguard.service';

const TAG = 'Clause de sauvegarde';
const practitionerId = new ParseUUIDPipe({ exceptionFactory: () => notFound('Le médecin généraliste') });

/** Issue #6 §4 — safeguard clause of a non-ipso structure's doctors (RULES §5). */
@Controller('structures/:structureId/safeguard')
@UseGuards(StructureScopeGuard)
export class SafeguardController {
  constructor(private readonly safeguard: SafeguardService) {}

  @Get()
  @Contract({
    tag: TAG,
    summary: 'Clause de sauvegarde de chaque médecin généraliste (vue provisoire au mois asOf ; un praticien ne voit que lui-même)',
    query: safeguardQuerySchema,
    response: safeguardListSchema,
  })
  list(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidQuery() q: SafeguardQuery) {
    return this.safeguard.list(tenantId, ability, q.asOf);
  }

  @Get(':practitionerId')
  @Contract({
    tag: TAG,
    summary: 'Détail mensuel d’un médecin : forfaits, valeur à l’acte, écart cumulé, compensation provisoire ou définitive, tarifs appliqués',
    query: safeguardQuerySchema,
    response: safeguardDetailSchema,
  })
  detail(
    @Tenant() tenantId: TenantId,
    @Ability() ability: AppAbility,
    @Param('practitionerId', practitionerId) id: string,
    @ValidQuery() q: SafeguardQuery,
  ) {
    return this.safeguard.detail(tenantId, ability, id, q.asOf);
  }

  @Post(':practitionerId/issue')
  @HttpCode(201)
  @Contract({
    tag: TAG,
    summary: 'Émettre le relevé définitif (12 mois terminés, 12 relevés mensuels émis) ; déjà émis → 200, le même relevé',
    response: safeguardDetailSchema,
    status: 201,
  })
  async issue(
    @Tenant() tenantId: TenantId,
    @CurrentUser() user: AuthenticatedUser,
    @Ability() ability: AppAbility,
    @Param('practitionerId', practitionerId) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const r = await this.safeguard.issue(tenantId, user, ability, id);
    if (!r.created) void reply.status(200);
    return r.statement;
  }

  @Get(':practitionerId/statement.pdf')
  @Contract({
    tag: TAG,
    summary: 'Relevé PDF de clause de sauvegarde : le document archivé une fois émis, sinon un relevé provisoire',
    query: safeguardQuerySchema,
  })
  async pdf(
    @Tenant() tenantId: TenantId,
    @Ability() ability: AppAbility,
    @Param('practitionerId', practitionerId) id: string,
    @ValidQuery() q: SafeguardQuery,
  ) {
    const r = await this.safeguard.statementPdf(tenantId, ability, id, q.asOf);
    return new StreamableFile(r.pdf, { type: 'application/pdf', disposition: `attachment; filename="${r.name}"` });
  }
}
