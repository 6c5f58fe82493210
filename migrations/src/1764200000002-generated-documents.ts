import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Issue #4 §5 — documents produced by the shared PDF service (candidacy dossiers now, statements
 * later): stored once, never changed (no UPDATE/DELETE grant, and a trigger refusing both), with
 * the SHA-256 of their bytes so a copy handed to the CTIS can be checked against the archive.
 */
export class GeneratedDocuments1764200000002 implements MigrationInterface {
  name = 'GeneratedDocuments1764200000002';

  async up(q: QueryRunner): Promise<void> {
    const sqls = [
      `CREATE TABLE generated_documents (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        template_name text NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        media_type text NOT NULL DEFAULT 'application/pdf',
        byte_size integer NOT NULL CHECK (byte_size > 0),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content bytea NOT NULL,
        generated_by uuid,
        generated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`,
      `CREATE INDEX generated_documents_subject ON generated_documents (tenant_id, subject_type, subject_id, generated_at)`,
      ...tenantTableSql('generated_documents', { platformRead: true }),
      `CREATE TRIGGER generated_documents_immutable BEFORE UPDATE OR DELETE ON generated_documents
         FOR EACH ROW EXECUTE FUNCTION mtr_refuse_change()`,
      `GRANT SELECT, INSERT ON generated_documents TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS generated_documents CASCADE');
  }
}
