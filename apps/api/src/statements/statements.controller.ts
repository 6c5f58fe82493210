import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res, StreamableFile, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { notFound } from '../common/problem';
import { Contract, ValidBody, ValidQuery } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { billingCsv } from './billing-file';
import {
  issueBodySchema,
  patientLinesQuerySchema,
  runRequestSchema,
  runSchema,
  statementDetailSchema,
  statementSummarySchema,
  patientLineSchema,
} from './statement.schemas';
import { StatementDocumentsService, type StatementPdf } from './statement-documents.service';
import { StatementsService } from './statements.service';

const TAG = 'Relevés mensuels';
const pdfFile = (doc: StatementPdf, reply: FastifyReply) => {
  void reply.header('x-document-sha256', doc.sha256);
  return new StreamableFile(doc.pdf, { type: 'application/pdf', disposition: `attachment; filename="${doc.filename}"` });
};
const uuid = (what: string) => new ParseUUIDPipe({ exceptionFactory: () => notFound(what) });

/** Issue #6 — monthly runs, statements and the billing file of one structure. */
@Controller('structures/:structureId')
@UseGuards(StructureScopeGuard)
export class StatementsController {
  constructor(
    private readonly statements: StatementsService,
    private readonly documents: StatementDocumentsService,
  ) {}

  @Post('statement-runs')
  @HttpCode(202)
  @Contract({
    tag: TAG,
    summary: 'Lancer le calcul d’un mois (tâche de fond ; un double clic renvoie le calcul déjà en file)',
    body: runRequestSchema,
    response: z.object({ duplicate: z.boolean(), run: runSchema }),
    status: 202,
  })
  requestRun(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @CurrentUser() user: AuthenticatedUser, @ValidBody() body: z.infer<typeof runRequestSchema>) {
    return this.statements.requestRun(tenantId, ability, user, body.month);
  }

  @Get('statement-runs')
  @Contract({ tag: TAG, summary: 'Derniers calculs de la structure et leur avancement', response: z.array(runSchema) })
  runs(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.statements.runs(tenantId, ability);
  }

  @Get('statement-runs/:runId')
  @Contract({ tag: TAG, summary: 'Avancement d’un calcul (file, en cours, terminé, échec avec le motif)', response: runSchema })
  run(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('runId', uuid('Le calcul')) runId: string) {
    return this.statements.run(tenantId, ability, runId);
  }

  @Get('statements')
  @Contract({ tag: TAG, summary: 'Relevés de la structure, par mois et version', response: z.array(statementSummarySchema) })
  list(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.statements.list(tenantId, ability);
  }

  @Get('statements/:statementId')
  @Contract({ tag: TAG, summary: 'Un relevé : lignes par médecin traitant, totaux, différence avec la version remplacée', response: statementDetailSchema })
  detail(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('statementId', uuid('Le relevé')) id: string) {
    return this.statements.detail(tenantId, ability, id);
  }

  @Get('statements/:statementId/patients')
  @Contract({
    tag: TAG,
    summary: 'Explication par patient : chaque ligne payée avec sa règle, ce qui n’est pas payé et pourquoi',
    query: patientLinesQuerySchema,
    response: z.array(patientLineSchema),
  })
  patients(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('statementId', uuid('Le relevé')) id: string, @ValidQuery() q: z.infer<typeof patientLinesQuerySchema>) {
    return this.statements.patientLines(tenantId, ability, id, q);
  }

  @Post('statements/:statementId/issue')
  @HttpCode(200)
  @Contract({
    tag: TAG,
    summary: 'Émettre un relevé (brouillon → émis, ensuite immuable) ; une version corrigée exige son motif et remplace l’émise',
    body: issueBodySchema,
    response: statementSummarySchema,
  })
  issue(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @CurrentUser() user: AuthenticatedUser, @Param('statementId', uuid('Le relevé')) id: string, @ValidBody() body: z.infer<typeof issueBodySchema>) {
    return this.statements.issue(tenantId, ability, user, id, body.reason);
  }

  @Get('statements/:statementId/billing.csv')
  @Contract({ tag: TAG, summary: 'Fichier de facturation (CSV Excel : point-virgule, BOM, virgule décimale) : une ligne par médecin × ligne de forfait' })
  async billingCsv(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('statementId', uuid('Le relevé')) id: string) {
    const f = await this.statements.billingFile(tenantId, ability, id);
    return new StreamableFile(Buffer.from(billingCsv(f), 'utf8'), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="facturation-${f.statementNumber}.csv"` });
  }

  @Get('statements/:statementId/billing.json')
  @Contract({ tag: TAG, summary: 'Fichier de facturation (JSON, montants en centimes)' })
  async billingJson(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('statementId', uuid('Le relevé')) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const f = await this.statements.billingFile(tenantId, ability, id);
    void reply.header('content-disposition', `attachment; filename="facturation-${f.statementNumber}.json"`);
    return f;
  }

  @Get('statements/:statementId/statement.pdf')
  @Contract({ tag: TAG, summary: 'Relevé mensuel de la structure (PDF ; archivé avec son SHA-256 une fois émis, en-tête x-document-sha256)' })
  async structurePdf(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @CurrentUser() user: AuthenticatedUser, @Param('statementId', uuid('Le relevé')) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return pdfFile(await this.documents.structureStatement(tenantId, ability, user, id), reply);
  }

  @Get('statements/:statementId/doctors/:practitionerId/statement.pdf')
  @Contract({ tag: TAG, summary: 'Relevé mensuel d’un médecin traitant (PDF) : ses lignes et ses patients payés ; un médecin ne lit que le sien' })
  async doctorPdf(
    @Tenant() tenantId: TenantId,
    @Ability() ability: AppAbility,
    @CurrentUser() user: AuthenticatedUser,
    @Param('statementId', uuid('Le relevé')) id: string,
    @Param('practitionerId', uuid('Le médecin')) practitionerId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return pdfFile(await this.documents.doctorStatement(tenantId, ability, user, id, practitionerId), reply);
  }
}
