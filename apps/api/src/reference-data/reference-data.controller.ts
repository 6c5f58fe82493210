import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import type { AppAbility } from '../auth/abilities';
import { Ability, CurrentUser } from '../auth/decorators';
import type { AuthenticatedUser } from '../auth/roles';
import { Contract, ValidBody } from '../docs/contract';
import { ReferenceDataService } from './reference-data.service';

const upload = {
  filename: z.string().trim().min(1).max(200),
  /** The file, base64 (API body limit 1 MiB; the full national files go through `npm run reference:import`). */
  contentBase64: z.string().min(1).max(1_000_000),
};
const aavUploadSchema = z.strictObject(upload);
const populationsUploadSchema = z.strictObject({ ...upload, year: z.number().int().min(1990).max(2100).optional() });
const importSchema = z.object({
  id: z.uuid(), kind: z.string(), filename: z.string(), sha256: z.string(), rowCount: z.number(), demo: z.boolean(), importedAt: z.string(),
});
const statusSchema = z.object({ imports: z.array(importSchema), areas: z.number(), communes: z.number(), populations: z.number() });

/** INSEE reference data (issue #4 §3): AAV 2020 zoning and commune populations, global tables. */
@Controller('reference-data')
export class ReferenceDataController {
  constructor(private readonly refs: ReferenceDataService) {}

  @Get()
  @Contract({ tag: 'Données de référence', summary: 'État des données INSEE importées (AAV 2020, populations)', response: statusSchema })
  status(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility) {
    return this.refs.status(ability, user.id);
  }

  @Post('aav2020')
  @HttpCode(201)
  @Contract({
    tag: 'Données de référence',
    summary: 'Importer le fichier INSEE des aires d’attraction des villes 2020 (XLSX, feuilles AAV2020 et Composition_communale)',
    body: aavUploadSchema,
    response: importSchema,
    status: 201,
  })
  importAav(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof aavUploadSchema>) {
    return this.refs.importAav(user, ability, body.filename, body.contentBase64);
  }

  @Post('commune-populations')
  @HttpCode(201)
  @Contract({
    tag: 'Données de référence',
    summary: 'Importer les populations légales des communes (CSV)',
    body: populationsUploadSchema,
    response: importSchema,
    status: 201,
  })
  importPopulations(@CurrentUser() user: AuthenticatedUser, @Ability() ability: AppAbility, @ValidBody() body: z.infer<typeof populationsUploadSchema>) {
    return this.refs.importPopulations(user, ability, body.filename, body.contentBase64, body.year ?? null);
  }
}
