import { Controller, Get, HttpCode, Param, Post, Res, StreamableFile, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { notFound } from '../common/problem';
import { Contract, ValidBody } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import {
  copilDecisionBodySchema,
  enterBodySchema,
  regularisationSchema,
  type CopilDecisionBody,
  type EnterBody,
} from './regularisation.schemas';
import { RegularisationsService } from './regularisations.service';

const TAG = 'Régularisation du taux de fuite';

function yearOf(text: string): number {
  if (!/^\d{4}$/.test(text)) throw notFound('La régularisation');
  return Number(text);
}

/** Issue #6 §5 — entered by ipso → COPIL decision recorded by ipso → issued (PDF); the coordinator reads. */
@Controller('structures/:structureId/regularisations')
@UseGuards(StructureScopeGuard)
export class RegularisationsController {
  constructor(private readonly regularisations: RegularisationsService) {}

  @Post()
  @Contract({
    tag: TAG,
    summary: 'Saisir le taux de fuite réel ou le montant hors structure d’une année (équipe ipso) ; une nouvelle saisie remplace la précédente tant que le COPIL n’a pas validé',
    body: enterBodySchema,
    response: regularisationSchema,
    status: 201,
  })
  async enter(
    @Tenant() tenantId: TenantId,
    @CurrentUser() user: AuthenticatedUser,
    @Ability() ability: AppAbility,
    @ValidBody() body: EnterBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { created, view } = await this.regularisations.enter(tenantId, user, ability, body);
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Get()
  @Contract({ tag: TAG, summary: 'Régularisations de la structure, par année', response: z.array(regularisationSchema) })
  list(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.regularisations.list(tenantId, ability);
  }

  @Get(':year')
  @Contract({ tag: TAG, summary: 'Régularisation d’une année', response: regularisationSchema })
  get(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('year') year: string) {
    return this.regularisations.get(tenantId, ability, yearOf(year));
  }

  @Post(':year/copil-decision')
  @HttpCode(200)
  @Contract({
    tag: TAG,
    summary: 'Enregistrer la décision du COPIL annuel qui valide la régularisation (date de réunion, numéro de décision ; équipe ipso)',
    body: copilDecisionBodySchema,
    response: regularisationSchema,
  })
  copilDecision(
    @Tenant() tenantId: TenantId,
    @CurrentUser() user: AuthenticatedUser,
    @Ability() ability: AppAbility,
    @Param('year') year: string,
    @ValidBody() body: CopilDecisionBody,
  ) {
    return this.regularisations.recordCopilDecision(tenantId, user, ability, yearOf(year), body);
  }

  @Post(':year/issue')
  @HttpCode(200)
  @Contract({ tag: TAG, summary: 'Émettre le relevé de régularisation (PDF archivé ; immuable ensuite ; équipe ipso)', response: regularisationSchema })
  issue(@Tenant() tenantId: TenantId, @CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @Param('year') year: string) {
    return this.regularisations.issue(tenantId, user, ability, yearOf(year));
  }

  @Get(':year/statement.pdf')
  @Contract({ tag: TAG, summary: 'Relevé de régularisation émis (PDF)' })
  async document(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('year') year: string) {
    const doc = await this.regularisations.document(tenantId, ability, yearOf(year));
    return new StreamableFile(doc.pdf, { type: 'application/pdf', disposition: `attachment; filename="${doc.number}.pdf"` });
  }
}
