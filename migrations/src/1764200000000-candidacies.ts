import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

const immutable = (table: string) => [
  `CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION mtr_refuse_change()`,
  `GRANT SELECT, INSERT ON ${table} TO ${APP_ROLE}`,
];

/**
 * Issue #4 — candidacy of a non-ipso structure: one candidacy per structure (the tenant), its
 * transitions (append-only, with decision references and documents), the structure's
 * declarations for the eligibility panel, and the documents attached (append-only, SHA-256).
 * ipso_team reads them across structures for the portfolio (platform read).
 */
export class Candidacies1764200000000 implements MigrationInterface {
  name = 'Candidacies1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const sqls = [
      `CREATE OR REPLACE FUNCTION mtr_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$`,

      `CREATE TABLE candidacies (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        state text NOT NULL,
        opened_by uuid,
        opened_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        justification text,
        justification_by uuid,
        justification_at timestamptz,
        ctis_decision_date date,
        ctis_decision_number text,
        convention_number text,
        convention_signed_on date,
        entry_date date,
        exit_notice_received_on date,
        exit_effective_on date,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id)
      )`,
      ...tenantTableSql('candidacies', { platformRead: true }),
      `GRANT SELECT, INSERT, UPDATE ON candidacies TO ${APP_ROLE}`,

      `CREATE TABLE candidacy_documents (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        candidacy_id uuid NOT NULL,
        filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
        media_type text NOT NULL,
        byte_size integer NOT NULL CHECK (byte_size > 0),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content bytea NOT NULL,
        uploaded_by uuid,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, candidacy_id) REFERENCES candidacies(tenant_id, id)
      )`,
      `CREATE INDEX candidacy_documents_candidacy ON candidacy_documents (tenant_id, candidacy_id)`,
      ...tenantTableSql('candidacy_documents', { platformRead: true }),
      ...immutable('candidacy_documents'),

      `CREATE TABLE candidacy_transitions (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        candidacy_id uuid NOT NULL,
        from_state text NOT NULL,
        to_state text NOT NULL,
        actor_user_id uuid,
        actor_role text NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000),
        document_ids uuid[] NOT NULL DEFAULT '{}',
        decision jsonb NOT NULL DEFAULT '{}'::jsonb,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, candidacy_id) REFERENCES candidacies(tenant_id, id)
      )`,
      `CREATE INDEX candidacy_transitions_candidacy ON candidacy_transitions (tenant_id, candidacy_id, occurred_at)`,
      ...tenantTableSql('candidacy_transitions', { platformRead: true }),
      ...immutable('candidacy_transitions'),

      `CREATE TABLE candidacy_declarations (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        candidacy_id uuid NOT NULL,
        key text NOT NULL,
        value jsonb NOT NULL,
        evidence text,
        document_id uuid,
        declared_by uuid,
        declared_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, candidacy_id, key),
        FOREIGN KEY (tenant_id, candidacy_id) REFERENCES candidacies(tenant_id, id),
        FOREIGN KEY (tenant_id, document_id) REFERENCES candidacy_documents(tenant_id, id)
      )`,
      ...tenantTableSql('candidacy_declarations', { platformRead: true }),
      `GRANT SELECT, INSERT, UPDATE ON candidacy_declarations TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['candidacy_declarations', 'candidacy_transitions', 'candidacy_documents', 'candidacies']) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
  }
}
