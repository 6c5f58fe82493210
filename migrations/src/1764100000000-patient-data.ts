import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Issue #5 — patient data of a structure, filled by imports:
 * - `patients`: one row per (tenant, structure's patient id); NIR and names only as an
 *   application-encrypted blob (AES-256-GCM, `key_id` for rotation) plus HMAC blind indexes;
 *   `digest` (keyed HMAC of the normalised row) tells an unchanged row from an update.
 * - `patient_criteria` (brique evidence) and `encounters` (activity with NGAP/CCAM acts).
 * - `imports`: every import (who, when, SHA-256, mapping, counts, state), `import_backups`: the
 *   previous version of each row an import changed, so it can be reverted as a whole.
 * - `import_mapping_profiles`: saved header mappings per structure (one per medical software).
 * No platform policy on patient rows: ipso reads aggregates through the structure scope only.
 */
export class PatientData1764100000000 implements MigrationInterface {
  name = 'PatientData1764100000000';

  async up(q: QueryRunner): Promise<void> {
    const sqls = [
      `CREATE TABLE imports (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('patients', 'criteria', 'activity')),
        status text NOT NULL CHECK (status IN ('uploaded', 'validating', 'validated', 'invalid', 'committing', 'committed', 'failed', 'reverted')),
        filename text NOT NULL,
        sha256 char(64) NOT NULL,
        size_bytes bigint NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
        encoding text,
        delimiter text,
        mapping jsonb NOT NULL DEFAULT '{}'::jsonb,
        profile_id uuid,
        counts jsonb NOT NULL DEFAULT '{}'::jsonb,
        errors jsonb NOT NULL DEFAULT '[]'::jsonb,
        warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
        failure text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        validated_at timestamptz,
        committed_by uuid,
        committed_at timestamptz,
        reverted_by uuid,
        reverted_at timestamptz,
        statement_issued_at timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`,
      `CREATE INDEX imports_sha ON imports (tenant_id, kind, sha256)`,
      `CREATE INDEX imports_created ON imports (tenant_id, created_at)`,
      ...tenantTableSql('imports', { platformRead: true }),
      `GRANT SELECT, INSERT, UPDATE ON imports TO ${APP_ROLE}`,

      `CREATE TABLE import_mapping_profiles (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('patients', 'criteria', 'activity')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        mapping jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, kind, name)
      )`,
      ...tenantTableSql('import_mapping_profiles'),
      `GRANT SELECT, INSERT, UPDATE, DELETE ON import_mapping_profiles TO ${APP_ROLE}`,

      `CREATE TABLE patients (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 64),
        identity_enc bytea NOT NULL,
        key_id text NOT NULL,
        nir_bidx bytea,
        name_bidx bytea NOT NULL,
        birth_date date NOT NULL,
        sex char(1) NOT NULL CHECK (sex IN ('F', 'M')),
        mt_rpps char(11) CHECK (mt_rpps ~ '^[0-9]{11}$'),
        mt_from date,
        mt_to date,
        info_note_date date,
        evaluation_opposed boolean NOT NULL DEFAULT false,
        digest bytea NOT NULL,
        import_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, external_id),
        CHECK (mt_to IS NULL OR mt_from IS NULL OR mt_to >= mt_from)
      )`,
      `CREATE INDEX patients_nir_bidx ON patients (tenant_id, nir_bidx)`,
      `CREATE INDEX patients_mt ON patients (tenant_id, mt_rpps)`,
      ...tenantTableSql('patients'),
      `GRANT SELECT, INSERT, UPDATE, DELETE ON patients TO ${APP_ROLE}`,

      `CREATE TABLE patient_criteria (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL,
        criterion text NOT NULL,
        detail text NOT NULL DEFAULT '',
        value numeric,
        date date NOT NULL,
        valid_until date,
        pregnancy_start date,
        pregnancy_end date,
        author text,
        digest bytea NOT NULL,
        import_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, patient_id, criterion, detail, date),
        FOREIGN KEY (tenant_id, patient_id) REFERENCES patients(tenant_id, id)
      )`,
      ...tenantTableSql('patient_criteria'),
      `GRANT SELECT, INSERT, UPDATE, DELETE ON patient_criteria TO ${APP_ROLE}`,

      `CREATE TABLE encounters (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL,
        practitioner_rpps char(11) NOT NULL,
        date date NOT NULL,
        kind text NOT NULL CHECK (kind IN ('consultation', 'teleconsultation', 'visit')),
        place text,
        acts text[] NOT NULL DEFAULT '{}',
        digest bytea NOT NULL,
        import_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, patient_id, date, practitioner_rpps, kind),
        FOREIGN KEY (tenant_id, patient_id) REFERENCES patients(tenant_id, id)
      )`,
      `CREATE INDEX encounters_date ON encounters (tenant_id, date)`,
      ...tenantTableSql('encounters'),
      `GRANT SELECT, INSERT, UPDATE, DELETE ON encounters TO ${APP_ROLE}`,

      `CREATE TABLE import_backups (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        import_id uuid NOT NULL,
        row_id uuid NOT NULL,
        previous jsonb NOT NULL,
        PRIMARY KEY (tenant_id, import_id, row_id),
        FOREIGN KEY (tenant_id, import_id) REFERENCES imports(tenant_id, id)
      )`,
      ...tenantTableSql('import_backups'),
      `GRANT SELECT, INSERT, DELETE ON import_backups TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['import_backups', 'encounters', 'patient_criteria', 'patients', 'import_mapping_profiles', 'imports']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
