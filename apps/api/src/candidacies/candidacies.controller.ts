import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, StreamableFile, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser, Tenant } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { notFound } from '../common/problem';
import { Contract, ValidBody } from '../docs/contract';
import { StructureScopeGuard } from '../structures/structure-scope.guard';
import { CandidaciesService } from './candidacies.service';
import {
  candidacyOpenSchema,
  candidacySchema,
  declarationsInputSchema,
  documentSchema,
  documentUploadSchema,
  eligibilitySchema,
  justificationInputSchema,
  portfolioSchema,
  transitionInputSchema,
  type DeclarationsInput,
  type DocumentUpload,
  type TransitionInput,
} from './candidacy.schemas';
import { DossierService } from './dossier.service';

const TAG = 'Candidatures';
const documentUuid = new ParseUUIDPipe({ exceptionFactory: () => notFound('Le document') });
const archivedSchema = z.object({ id: z.uuid(), kind: z.string(), sha256: z.string(), byteSize: z.number(), generatedAt: z.string(), generatedBy: z.string().nullable() });
const contentDisposition = (name: string) => `attachment; filename="${name.replace(/[^\w.-]+/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Candidacy of a non-ipso structure (issue #4): workflow, eligibility, documents, dossier; ipso's portfolio. */
@Controller()
export class CandidaciesController {
  constructor(
    private readonly candidacies: CandidaciesService,
    private readonly dossiers: DossierService,
  ) {}

  @Get('candidacies')
  @Contract({ tag: TAG, summary: 'Portefeuille des candidatures, critères et jalons du programme (équipe ipso)', response: portfolioSchema })
  portfolio(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility) {
    return this.candidacies.portfolio(user, ability);
  }

  @Post('structures/:structureId/candidacy')
  @HttpCode(201)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Ouvrir la candidature d’une structure hors ipso (équipe ipso)', body: candidacyOpenSchema, response: candidacySchema, status: 201 })
  open(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof candidacyOpenSchema>) {
    return this.candidacies.open(user, tenantId, ability, body.reason);
  }

  @Get('structures/:structureId/candidacy')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Candidature : état, historique, documents, transitions possibles', response: candidacySchema })
  get(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.candidacies.get(user, tenantId, ability);
  }

  @Post('structures/:structureId/candidacy/transitions')
  @HttpCode(200)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Faire avancer la candidature (409 avec les transitions possibles si hors séquence)', body: transitionInputSchema, response: candidacySchema })
  transition(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: TransitionInput) {
    return this.candidacies.transition(user, tenantId, ability, body);
  }

  @Put('structures/:structureId/candidacy/declarations')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Déclarations de la structure pour les critères d’éligibilité', body: declarationsInputSchema, response: eligibilitySchema })
  declare(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: DeclarationsInput) {
    return this.candidacies.declare(user, tenantId, ability, body);
  }

  @Put('structures/:structureId/candidacy/justification')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Justification écrite de l’équipe ipso pour une candidature ne remplissant pas tous les critères', body: justificationInputSchema, response: eligibilitySchema })
  justify(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof justificationInputSchema>) {
    return this.candidacies.justify(user, tenantId, ability, body.text);
  }

  @Get('structures/:structureId/candidacy/eligibility')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Panneau d’éligibilité calculé (réussi / échec / inconnu, avec éléments probants)', response: eligibilitySchema })
  eligibility(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.candidacies.eligibilityPanel(tenantId, ability);
  }

  @Post('structures/:structureId/candidacy/documents')
  @HttpCode(201)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Déposer un document (PDF, image, bureautique ; 700 Kio au plus ; SHA-256 conservé)', body: documentUploadSchema, response: documentSchema, status: 201 })
  upload(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @ValidBody() body: DocumentUpload) {
    return this.candidacies.upload(user, tenantId, ability, body);
  }

  @Get('structures/:structureId/candidacy/documents/:documentId')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Télécharger un document de la candidature' })
  async download(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility, @Param('documentId', documentUuid) documentId: string) {
    const d = await this.candidacies.download(tenantId, ability, documentId);
    return new StreamableFile(d.content, { type: d.mediaType, disposition: contentDisposition(d.filename), length: d.content.length });
  }

  @Post('structures/:structureId/candidacy/dossier')
  @HttpCode(201)
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Générer le dossier PDF COPIL/CTIS (archivé, immuable, avec son SHA-256)', response: archivedSchema, status: 201 })
  generateDossier(@CurrentUser() user: AuthenticatedUser, @Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    return this.dossiers.generate(user, tenantId, ability);
  }

  @Get('structures/:structureId/candidacy/dossier')
  @UseGuards(StructureScopeGuard)
  @Contract({ tag: TAG, summary: 'Dernier dossier PDF généré' })
  async latestDossier(@Tenant() tenantId: TenantId, @Ability() ability: AppAbility) {
    const d = await this.dossiers.latest(tenantId, ability);
    return new StreamableFile(d.content, { type: 'application/pdf', disposition: contentDisposition(`dossier-${d.generatedAt.slice(0, 10)}-${d.sha256.slice(0, 8)}.pdf`), length: d.content.length });
  }
}
