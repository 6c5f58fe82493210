import { Controller, Get, HttpCode, Post, Res, StreamableFile, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { Contract, ValidBody, ValidQuery } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { rowsToCsv } from './indicator-model';
import {
  periodQuerySchema,
  programmeQuerySchema,
  reportQuerySchema,
  programmeSchema,
  recomputeBodySchema,
  seriesSchema,
  type PeriodQuery,
} from './indicator.schemas';
import { IndicatorsService, type StructureSeries } from './indicators.service';

const TAG = 'Indicateurs COPIL';
const csvFile = (series: StructureSeries[], name: string) =>
  new StreamableFile(
    Buffer.from(
      '\uFEFF' +
        rowsToCsv(series.flatMap((s) => s.rows.map((r) => ({ ...r, structureName: s.structureName })))),
      'utf8',
    ),
    {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${name}"`,
    },
  );

/** Issue #7 — indicators per structure and month; COPIL reads are suppressed (small-cell-suppression.ts). */
@Controller()
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Get('indicators')
  @Contract({
    tag: TAG,
    summary: 'Indicateurs de toutes les structures (ipso ; COPIL avec secret statistique « < 11 »)',
    query: periodQuerySchema,
    response: z.array(seriesSchema),
  })
  async all(
    @CurrentUser() user: AuthenticatedUser,
    @Ability() ability: AppAbility,
    @ValidQuery() q: PeriodQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const json = await this.indicators.allStructuresJson(user, ability, q.from, q.to);
    void reply.header('content-type', 'application/json; charset=utf-8');
    return json;
  }

  @Get('indicators/export.csv')
  @Contract({
    tag: TAG,
    summary: 'Export CSV des séries de toutes les structures (mêmes règles de secret que l’écran)',
    query: periodQuerySchema,
  })
  async allCsv(
    @CurrentUser() user: AuthenticatedUser,
    @Ability() ability: AppAbility,
    @ValidQuery() q: PeriodQuery,
  ) {
    return csvFile(
      await this.indicators.allStructures(user, ability, q.from, q.to, 'indicators.export_csv'),
      `indicateurs-${q.from}-${q.to}.csv`,
    );
  }

  @Get('indicators/programme')
  @Contract({
    tag: TAG,
    summary: 'Programme : trajectoire, forfaits contre budget FISS avec projection, jalons hors ipso',
    query: programmeQuerySchema,
    response: programmeSchema,
  })
  programme(
    @CurrentUser() user: AuthenticatedUser,
    @Ability() ability: AppAbility,
    @ValidQuery() q: z.infer<typeof programmeQuerySchema>,
  ) {
    return this.indicators.programme(user, ability, q.year);
  }

  @Get('indicators/report.pdf')
  @Contract({
    tag: TAG,
    summary:
      'Rapport PDF pour une réunion du COPIL (graphiques SVG statiques, secret statistique pour le COPIL)',
    query: reportQuerySchema,
  })
  async report(
    @CurrentUser() user: AuthenticatedUser,
    @Ability() ability: AppAbility,
    @ValidQuery() q: z.infer<typeof reportQuerySchema>,
  ) {
    const pdf = await this.indicators.report(user, ability, q.from, q.to, q.year);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="indicateurs-copil-${q.from}-${q.to}.pdf"`,
    });
  }

  @Get('structures/:structureId/indicators')
  @UseGuards(StructureScopeGuard)
  @Contract({
    tag: TAG,
    summary: 'Indicateurs mensuels de la structure (sans secret pour la structure et ipso)',
    query: periodQuerySchema,
    response: seriesSchema,
  })
  one(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidQuery() q: PeriodQuery) {
    return this.indicators.forStructure(tenantId, ability, q.from, q.to);
  }

  @Get('structures/:structureId/indicators/export.csv')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Export CSV des indicateurs de la structure', query: periodQuerySchema })
  async oneCsv(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidQuery() q: PeriodQuery) {
    return csvFile(
      [await this.indicators.forStructure(tenantId, ability, q.from, q.to)],
      `indicateurs-${tenantId.slice(0, 8)}-${q.from}-${q.to}.csv`,
    );
  }

  @Post('structures/:structureId/indicators/recompute')
  @HttpCode(200)
  @UseGuards(StructureScopeGuard)
  @Contract({
    tag: TAG,
    summary: 'Recalculer les indicateurs de mois donnés depuis les relevés émis (équipe ipso)',
    body: recomputeBodySchema,
    response: z.object({ months: z.number() }),
  })
  recompute(
    @Tenant() tenantId: TenantId,
    @Ability() ability: AppAbility,
    @ValidBody() body: z.infer<typeof recomputeBodySchema>,
  ) {
    return this.indicators.recompute(tenantId, ability, body.months);
  }
}
