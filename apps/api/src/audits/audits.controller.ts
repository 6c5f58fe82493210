import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, StreamableFile, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { notFound } from '../common/problem';
import { Contract, ValidBody, ValidQuery } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { AuditsService } from './audits.service';

const TAG = 'Audit (annexe 6)';
const uuid = (what: string) => new ParseUUIDPipe({ exceptionFactory: () => notFound(what) });
const linkId = z.string().min(1).max(100);
const answerSchema = z.strictObject({ linkId, value: z.unknown(), expectedRevision: z.number().int().min(0) });
const attachmentSchema = z.strictObject({
  linkId,
  expectedRevision: z.number().int().min(0),
  filename: z.string().trim().min(1).max(200).regex(/^[^/\\\0]+$/, 'nom de fichier sans chemin'),
  mediaType: z.string().min(3).max(120),
  contentBase64: z.string().min(1).max(1_000_000),
});
const requestChangesSchema = z.strictObject({ flaggedLinkIds: z.array(linkId).min(1).max(200), note: z.string().max(5000).optional() });
const threadSchema = z.strictObject({ linkId, visibility: z.enum(['internal', 'shared']), body: z.string().min(1).max(5000) });
const threadActionSchema = z.strictObject({ action: z.enum(['reply', 'resolve', 'reopen']), body: z.string().max(5000).optional() });
const scoreSchema = z.strictObject({ sectionLinkId: linkId, score: z.number().int(), justification: z.string().max(5000) });
const exportQuery = z.strictObject({ format: z.enum(['csv', 'fhir']).default('csv'), source: z.enum(['current', 'last_submission']).default('last_submission') });
/** A template is checked by the library (FHIR-shaped Questionnaire); the edge only requires an object. */
const templateBody = z.looseObject({ url: z.string(), version: z.string() });
const templateQuery = z.strictObject({ url: z.string().min(1), version: z.string().min(1) });

/** The Annex 6 audit questionnaire of a candidate structure (issue #4 §4, §6). */
@Controller()
export class AuditsController {
  constructor(private readonly audits: AuditsService) {}

  @Get('audit-templates')
  @Contract({ tag: TAG, summary: 'Versions publiées du questionnaire' })
  templates(@CurrentUser() user: AuthenticatedUser) {
    return this.audits.listTemplates(user.id);
  }

  @Get('audit-templates/version')
  @Contract({ tag: TAG, summary: 'Une version publiée du questionnaire (JSON de type FHIR Questionnaire)', query: templateQuery })
  template(@CurrentUser() user: AuthenticatedUser, @ValidQuery() q: z.infer<typeof templateQuery>) {
    return this.audits.getTemplate(user.id, q.url, q.version);
  }

  @Post('audit-templates')
  @HttpCode(201)
  @Contract({ tag: TAG, summary: 'Publier une nouvelle version (une version publiée ne change jamais)', body: templateBody, status: 201 })
  publish(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidBody() body: unknown) {
    return this.audits.publish(user, ability, body);
  }

  @Post('structures/:structureId/audit')
  @HttpCode(201)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Ouvrir le questionnaire d’audit (épinglé à la dernière version publiée)', status: 201 })
  open(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.audits.open(user, tenantId, ability);
  }

  @Get('structures/:structureId/audit')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Questionnaire : réponses, remises, demandes de compléments, progression, fils visibles' })
  get(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.audits.get(user, tenantId, ability);
  }

  @Put('structures/:structureId/audit/answers')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Sauvegarde automatique d’une réponse (409 si quelqu’un l’a modifiée entre-temps)', body: answerSchema })
  save(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof answerSchema>) {
    return this.audits.saveAnswer(user, tenantId, ability, body);
  }

  @Post('structures/:structureId/audit/attachments')
  @HttpCode(201)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Joindre un fichier à une question (type et taille contrôlés, SHA-256)', body: attachmentSchema, status: 201 })
  attach(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof attachmentSchema>) {
    return this.audits.attach(user, tenantId, ability, body);
  }

  @Get('structures/:structureId/audit/attachments/:attachmentId')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Télécharger une pièce jointe' })
  async download(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('attachmentId', uuid('La pièce jointe')) id: string) {
    const f = await this.audits.download(tenantId, ability, id);
    return new StreamableFile(f.content, { type: f.mediaType, disposition: `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`, length: f.content.length });
  }

  @Post('structures/:structureId/audit/submit')
  @HttpCode(200)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Remettre le questionnaire (instantané immuable ; après compléments, avec le différentiel)' })
  submit(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.audits.submit(user, tenantId, ability);
  }

  @Post('structures/:structureId/audit/request-changes')
  @HttpCode(200)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Demander des compléments sur des questions signalées (équipe ipso)', body: requestChangesSchema })
  requestChanges(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof requestChangesSchema>) {
    return this.audits.requestChanges(user, tenantId, ability, body);
  }

  @Post('structures/:structureId/audit/accept')
  @HttpCode(200)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Accepter le questionnaire (équipe ipso)' })
  accept(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.audits.accept(user, tenantId, ability);
  }

  @Post('structures/:structureId/audit/threads')
  @HttpCode(201)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Ouvrir un fil de discussion sur une question (interne ipso ou partagé avec la structure)', body: threadSchema, status: 201 })
  openThread(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof threadSchema>) {
    return this.audits.openThread(user, tenantId, ability, body);
  }

  @Post('structures/:structureId/audit/threads/:threadId')
  @HttpCode(200)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Répondre, clore ou rouvrir un fil', body: threadActionSchema })
  threadAction(
    @CurrentUser() user: AuthenticatedUser,
    @Tenant() tenantId: TenantId,
    @Ability() ability: AppAbility,
    @Param('threadId', uuid('Le fil de discussion')) threadId: string,
    @ValidBody() body: z.infer<typeof threadActionSchema>,
  ) {
    return this.audits.threadAction(user, tenantId, ability, threadId, body);
  }

  @Put('structures/:structureId/audit/rubric')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Noter une section (0 à 3) avec justification obligatoire (équipe ipso)', body: scoreSchema })
  score(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof scoreSchema>) {
    return this.audits.score(user, tenantId, ability, body);
  }

  @Get('structures/:structureId/audit/export')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Export CSV (une ligne par structure × linkId) ou FHIR QuestionnaireResponse', query: exportQuery })
  async export(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidQuery() q: z.infer<typeof exportQuery>) {
    const out = await this.audits.export(user, tenantId, ability, q.format, q.source);
    if ('csv' in out) return new StreamableFile(Buffer.from(out.csv!, 'utf8'), { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="audit-annexe6.csv"' });
    return new StreamableFile(Buffer.from(JSON.stringify(out.fhir), 'utf8'), { type: 'application/fhir+json', disposition: 'attachment; filename="audit-annexe6.fhir.json"' });
  }
}
