import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { notFound } from '../common/problem';
import { Contract, ValidBody, ValidQuery } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { IMPORT_KINDS, IMPORT_STATUSES } from './columns';
import { ImportsService } from './imports.service';

const importId = new ParseUUIDPipe({ exceptionFactory: () => notFound('L’import') });

const uploadQuery = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  filename: z.string().trim().min(1).max(200).default('import.csv'),
  encoding: z.enum(['utf-8', 'windows-1252']).optional(),
  delimiter: z.enum([';', ',', 'tab']).optional(),
  profileId: z.uuid().optional(),
});
const issue = z.object({ line: z.number(), column: z.string(), code: z.string(), detail: z.string() });
const importSchema = z.object({
  id: z.uuid(),
  kind: z.enum(IMPORT_KINDS),
  status: z.enum(IMPORT_STATUSES),
  filename: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
  format: z.string(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  mapping: z.record(z.string(), z.string()),
  profileId: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
  failure: z.string().nullable(),
  createdAt: z.string(),
  validatedAt: z.string().nullable(),
  committedAt: z.string().nullable(),
  revertedAt: z.string().nullable(),
  statementIssuedAt: z.string().nullable(),
  /** When the upload and the faulty rows (identifiers in clear) were removed: at the commit, or at expiry. */
  filesRemovedAt: z.string().nullable(),
});
const reportSchema = importSchema.extend({
  errors: z.array(issue),
  warnings: z.array(issue),
  progress: z.object({ step: z.string(), state: z.string(), rowsDone: z.number().optional(), rowsTotal: z.number().nullable().optional() }).nullable(),
});
const profileInput = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  name: z.string().trim().min(1).max(100),
  mapping: z.record(z.string(), z.string().trim().min(1).max(200)),
});
const profileSchema = profileInput.extend({ id: z.uuid(), updatedAt: z.string() });

const TAG = 'Imports';

@Controller('structures/:structureId')
@UseGuards(StructureScopeGuard)
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** The file is the raw request body (text/csv, XLSX or application/octet-stream), not multipart. */
  @Post('imports')
  @HttpCode(202)
  @Contract({
    tag: TAG,
    summary: 'Déposer un fichier (corps brut CSV ou XLSX) : taille vérifiée avant lecture, essai à blanc lancé en tâche de fond ; même fichier déjà importé → 200 sans effet',
    query: uploadQuery,
    response: z.object({ duplicate: z.boolean(), import: importSchema }),
    status: 202,
  })
  async upload(
    @Tenant() tenantId: TenantId,
    @Ability() ability: AppAbility,
    @CurrentUser() user: AuthenticatedUser,
    @ValidQuery() q: z.infer<typeof uploadQuery>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const cl = req.headers['content-length'];
    const r = await this.imports.upload(tenantId, ability, user, q, req.body, cl === undefined ? undefined : Number(cl));
    if (r.duplicate) void reply.status(200);
    return r;
  }

  @Get('imports')
  @Contract({ tag: TAG, summary: 'Imports de la structure (qui, quand, empreinte, correspondance, compteurs)', response: z.array(importSchema) })
  list(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.imports.list(tenantId, ability);
  }

  @Get('imports/:importId')
  @Contract({ tag: TAG, summary: 'Rapport d’import : compteurs, erreurs et avertissements (ligne, colonne, code, message), progression', response: reportSchema })
  get(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('importId', importId) id: string) {
    return this.imports.get(tenantId, ability, id);
  }

  @Get('imports/:importId/faulty-rows')
  @Contract({ tag: TAG, summary: 'Lignes en erreur (CSV Excel, colonne « erreurs ») à corriger et redéposer' })
  async faultyRows(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('importId', importId) id: string) {
    return new StreamableFile(await this.imports.faultyRows(tenantId, ability, id), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="import-${id.slice(0, 8)}-lignes-en-erreur.csv"`,
    });
  }

  @Post('imports/:importId/commit')
  @HttpCode(202)
  @Contract({ tag: TAG, summary: 'Appliquer l’import (tout ou rien, en tâche de fond, idempotent)', response: importSchema, status: 202 })
  commit(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @CurrentUser() user: AuthenticatedUser, @Param('importId', importId) id: string) {
    return this.imports.commit(tenantId, ability, user, id);
  }

  @Post('imports/:importId/discard')
  @HttpCode(200)
  @Contract({ tag: TAG, summary: 'Abandonner un import non appliqué : son fichier et ses lignes en erreur sont supprimés aussitôt', response: importSchema })
  discard(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @CurrentUser() user: AuthenticatedUser, @Param('importId', importId) id: string) {
    return this.imports.discard(tenantId, ability, user, id);
  }

  @Post('imports/:importId/revert')
  @HttpCode(200)
  @Contract({ tag: TAG, summary: 'Annuler un import appliqué (tant qu’aucun relevé n’en est issu)', response: importSchema })
  revert(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @CurrentUser() user: AuthenticatedUser, @Param('importId', importId) id: string) {
    return this.imports.revert(tenantId, ability, user, id);
  }

  @Get('import-profiles')
  @Contract({ tag: TAG, summary: 'Profils de correspondance des en-têtes (un par logiciel métier)', response: z.array(profileSchema) })
  profiles(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.imports.listProfiles(tenantId, ability);
  }

  @Put('import-profiles')
  @Contract({ tag: TAG, summary: 'Créer ou remplacer un profil de correspondance (colonne attendue → en-tête du fichier)', body: profileInput, response: profileSchema })
  saveProfile(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof profileInput>) {
    return this.imports.saveProfile(tenantId, ability, body);
  }
}
