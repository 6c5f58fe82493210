import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { Problem } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { communeOfArrondissement, type AavInput } from '../candidacies/eligibility';
import { readAavWorkbook, readPopulationsCsv, type AavArea, type AavCommune, type CommunePopulation } from './aav-file';

export interface ImportSummary {
  id: string;
  kind: string;
  filename: string;
  sha256: string;
  rowCount: number;
  demo: boolean;
  importedAt: string;
}

/** Decodes a base64 upload; a malformed one is a 400, not an exception. */
export function decodeBase64(b64: string, field = 'contentBase64'): Buffer {
  const clean = b64.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new Problem(400, 'donnees_invalides', `« ${field} » : contenu base64 invalide.`, {
      errors: [{ field, code: 'base64_invalide', detail: 'contenu base64 invalide' }],
    });
  }
  return Buffer.from(clean, 'base64');
}

/**
 * INSEE reference data (issue #4 §3): global tables, replaced as a whole by each import (one
 * transaction: a bad file leaves the previous data in place). ipso_team and platform_admin import.
 */
@Injectable()
export class ReferenceDataService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  async importAav(user: AuthenticatedUser, ability: AppAbility, filename: string, contentBase64: string): Promise<ImportSummary> {
    ForbiddenError.from(ability).throwUnlessCan('create', 'ReferenceData');
    const bytes = decodeBase64(contentBase64);
    const parsed = await readAavWorkbook(bytes);
    return this.db.forPlatform(user.id, (em) => this.storeAav(em, user.id, filename, bytes, parsed, false));
  }

  async importPopulations(user: AuthenticatedUser, ability: AppAbility, filename: string, contentBase64: string, year: number | null): Promise<ImportSummary> {
    ForbiddenError.from(ability).throwUnlessCan('create', 'ReferenceData');
    const bytes = decodeBase64(contentBase64);
    const rows = readPopulationsCsv(bytes);
    return this.db.forPlatform(user.id, (em) => this.storePopulations(em, user.id, filename, bytes, rows, year, false));
  }

  async status(ability: AppAbility, userId: string) {
    ForbiddenError.from(ability).throwUnlessCan('read', 'ReferenceData');
    return this.db.forPlatform(userId, async (em) => {
      const imports: ImportSummary[] = await em.query(
        `SELECT DISTINCT ON (kind) id, kind, filename, sha256, row_count AS "rowCount", demo, imported_at AS "importedAt"
           FROM ref_imports ORDER BY kind, imported_at DESC`,
      );
      const [counts] = await em.query(
        `SELECT (SELECT count(*) FROM ref_aav2020)::int AS areas, (SELECT count(*) FROM ref_aav2020_communes)::int AS communes,
                (SELECT count(*) FROM ref_commune_populations)::int AS populations`,
      );
      return { imports: imports.map((i) => ({ ...i, importedAt: new Date(i.importedAt).toISOString() })), ...counts };
    });
  }

  /** Used by the import routes, the CLI and the demo seed. */
  async storeAav(
    em: EntityManager,
    userId: string | null,
    filename: string,
    bytes: Buffer,
    { areas, communes }: { areas: AavArea[]; communes: AavCommune[] },
    demo: boolean,
  ): Promise<ImportSummary> {
    const imp = await this.recordImport(em, 'aav2020', filename, bytes, communes.length, null, demo, userId);
    await em.query('DELETE FROM ref_aav2020_communes');
    await em.query('DELETE FROM ref_aav2020');
    await em.query(
      `INSERT INTO ref_aav2020 (aav_code, name, taav2017, import_id)
       SELECT a, n, t, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS x(a, n, t)`,
      [areas.map((a) => a.aavCode), areas.map((a) => a.name), areas.map((a) => a.taav2017), imp.id],
    );
    await em.query(
      `INSERT INTO ref_aav2020_communes (commune_code, name, aav_code, cateaav2020, dep, reg, import_id)
       SELECT c, n, a, k, d, r, $7 FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::text[]) AS x(c, n, a, k, d, r)`,
      [
        communes.map((c) => c.communeCode), communes.map((c) => c.name), communes.map((c) => c.aavCode),
        communes.map((c) => c.cateaav), communes.map((c) => c.dep), communes.map((c) => c.reg), imp.id,
      ],
    );
    await this.audit.record(em, null, { action: 'reference_data.import', resourceType: 'ref_import', resourceId: imp.id, detail: { kind: 'aav2020', rows: communes.length, demo } });
    return imp;
  }

  async storePopulations(
    em: EntityManager,
    userId: string | null,
    filename: string,
    bytes: Buffer,
    rows: CommunePopulation[],
    year: number | null,
    demo: boolean,
  ): Promise<ImportSummary> {
    const imp = await this.recordImport(em, 'commune_populations', filename, bytes, rows.length, year, demo, userId);
    await em.query('DELETE FROM ref_commune_populations');
    await em.query(
      `INSERT INTO ref_commune_populations (commune_code, population, import_id)
       SELECT c, p, $3 FROM unnest($1::text[], $2::int[]) AS x(c, p)`,
      [rows.map((r) => r.communeCode), rows.map((r) => r.population), imp.id],
    );
    await this.audit.record(em, null, { action: 'reference_data.import', resourceType: 'ref_import', resourceId: imp.id, detail: { kind: 'commune_populations', rows: rows.length, demo } });
    return imp;
  }

  private async recordImport(
    em: EntityManager, kind: string, filename: string, bytes: Buffer, rowCount: number, year: number | null, demo: boolean, userId: string | null,
  ): Promise<ImportSummary> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const [row] = await em.query(
      `INSERT INTO ref_imports (kind, filename, sha256, row_count, reference_year, demo, imported_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, imported_at`,
      [kind, filename, sha256, rowCount, year, demo, userId],
    );
    return { id: row.id, kind, filename, sha256, rowCount, demo, importedAt: new Date(row.imported_at).toISOString() };
  }
}

/**
 * Where a commune stands in the AAV 2020 zoning, with its AAV's population computed from the
 * commune populations. Reads global tables only, so it runs inside any transaction.
 */
export async function lookupAav(em: EntityManager, inseeCode: string | null): Promise<AavInput> {
  const [{ n }] = await em.query('SELECT count(*)::int AS n FROM ref_aav2020_communes');
  if (n === 0) return { kind: 'no_reference_data' };
  if (!inseeCode) return { kind: 'no_commune' };
  const code = communeOfArrondissement(inseeCode.trim().toUpperCase());
  const rows = await em.query(
    `SELECT c.commune_code, c.name, c.aav_code, c.cateaav2020, coalesce(a.name, c.aav_code) AS aav_name, i.imported_at, i.demo,
            (SELECT count(*)::int FROM ref_aav2020_communes m WHERE m.aav_code = c.aav_code) AS communes,
            (SELECT coalesce(sum(p.population), 0)::bigint FROM ref_aav2020_communes m JOIN ref_commune_populations p USING (commune_code)
              WHERE m.aav_code = c.aav_code) AS known_population,
            (SELECT count(*)::int FROM ref_aav2020_communes m LEFT JOIN ref_commune_populations p USING (commune_code)
              WHERE m.aav_code = c.aav_code AND p.commune_code IS NULL) AS missing,
            (SELECT bool_or(pi.demo) FROM ref_commune_populations p JOIN ref_imports pi ON pi.id = p.import_id
              WHERE p.commune_code IN (SELECT commune_code FROM ref_aav2020_communes m WHERE m.aav_code = c.aav_code)) AS pop_demo
       FROM ref_aav2020_communes c JOIN ref_imports i ON i.id = c.import_id LEFT JOIN ref_aav2020 a ON a.aav_code = c.aav_code
      WHERE c.commune_code = $1`,
    [code],
  );
  if (rows.length === 0) {
    const [last] = await em.query(`SELECT imported_at, demo FROM ref_imports WHERE kind = 'aav2020' ORDER BY imported_at DESC LIMIT 1`);
    return { kind: 'commune_unknown', communeCode: code, importedAt: new Date(last?.imported_at ?? Date.now()).toISOString(), demo: !!last?.demo };
  }
  const r = rows[0];
  return {
    kind: 'found',
    communeCode: r.commune_code,
    communeName: r.name,
    cateaav: Number(r.cateaav2020),
    aavCode: r.aav_code,
    aavName: r.aav_name,
    communesInAav: r.communes,
    knownPopulation: Number(r.known_population),
    communesWithoutPopulation: r.missing,
    importedAt: new Date(r.imported_at).toISOString(),
    demo: !!r.demo || !!r.pop_demo,
  };
}
