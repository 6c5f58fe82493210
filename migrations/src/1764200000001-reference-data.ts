import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './roles';

/**
 * Issue #4 §3 — INSEE reference data, global (no tenant): the AAV 2020 zoning (areas and the
 * commune composition with CATEAAV2020) and legal commune populations, so AAV populations are
 * computed, not typed. Each row carries the import it came from; a demo sample is labelled.
 */
export class ReferenceData1764200000001 implements MigrationInterface {
  name = 'ReferenceData1764200000001';

  async up(q: QueryRunner): Promise<void> {
    const sqls = [
      `CREATE TABLE ref_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('aav2020', 'commune_populations')),
        filename text NOT NULL,
        sha256 char(64) NOT NULL,
        row_count integer NOT NULL,
        reference_year integer,
        demo boolean NOT NULL DEFAULT false,
        imported_by uuid,
        imported_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE ref_aav2020 (
        aav_code text PRIMARY KEY CHECK (aav_code ~ '^[0-9A-Z]{3}$'),
        name text NOT NULL,
        taav2017 text,
        import_id uuid NOT NULL REFERENCES ref_imports(id)
      )`,
      `CREATE TABLE ref_aav2020_communes (
        commune_code char(5) PRIMARY KEY,
        name text NOT NULL,
        aav_code text NOT NULL,
        cateaav2020 smallint NOT NULL CHECK (cateaav2020 IN (11, 12, 13, 20, 30)),
        dep text,
        reg text,
        import_id uuid NOT NULL REFERENCES ref_imports(id)
      )`,
      `CREATE INDEX ref_aav2020_communes_aav ON ref_aav2020_communes (aav_code)`,
      `CREATE TABLE ref_commune_populations (
        commune_code char(5) PRIMARY KEY,
        population integer NOT NULL CHECK (population >= 0),
        import_id uuid NOT NULL REFERENCES ref_imports(id)
      )`,
      `GRANT SELECT, INSERT ON ref_imports TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ref_aav2020, ref_aav2020_communes, ref_commune_populations TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['ref_commune_populations', 'ref_aav2020_communes', 'ref_aav2020', 'ref_imports']) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
  }
}
