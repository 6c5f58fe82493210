import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION mtr_refuse_change()`,
  `GRANT SELECT, INSERT ON ${table} TO ${APP_ROLE}`,
];

/**
 * Issue #4 §4 — persistence of the Annex 6 audit (libs/audit-questionnaire does the logic):
 * published template versions (global, never changed), one response per structure pinned to a
 * version, current answers with every revision kept, submission snapshots with their diff,
 * reviewer threads, rubric scores per section (apart from the answers), attachments (SHA-256).
 */
export class Audits1764200000003 implements MigrationInterface {
  name = 'Audits1764200000003';

  async up(q: QueryRunner): Promise<void> {
    const tenant = (t: string, opts = { platformRead: true }) => tenantTableSql(t, opts);
    const sqls = [
      `CREATE TABLE audit_templates (
        url text NOT NULL,
        version text NOT NULL,
        status text NOT NULL,
        content jsonb NOT NULL,
        sha256 char(64) NOT NULL,
        published_by uuid,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (url, version)
      )`,
      ...appendOnly('audit_templates'),

      `CREATE TABLE audit_responses (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL,
        template_url text NOT NULL,
        template_version text NOT NULL,
        status text NOT NULL,
        change_requests jsonb NOT NULL DEFAULT '[]'::jsonb,
        accepted_at timestamptz,
        accepted_by jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id),
        FOREIGN KEY (template_url, template_version) REFERENCES audit_templates(url, version)
      )`,
      ...tenant('audit_responses'),
      `GRANT SELECT, INSERT, UPDATE ON audit_responses TO ${APP_ROLE}`,

      `CREATE TABLE audit_answers (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        response_id uuid NOT NULL,
        link_id text NOT NULL,
        value jsonb,
        revision integer NOT NULL CHECK (revision > 0),
        answered_at timestamptz NOT NULL,
        answered_by jsonb NOT NULL,
        PRIMARY KEY (tenant_id, response_id, link_id),
        FOREIGN KEY (tenant_id, response_id) REFERENCES audit_responses(tenant_id, id)
      )`,
      ...tenant('audit_answers'),
      `GRANT SELECT, INSERT, UPDATE ON audit_answers TO ${APP_ROLE}`,

      `CREATE TABLE audit_answer_revisions (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        response_id uuid NOT NULL,
        link_id text NOT NULL,
        revision integer NOT NULL,
        value jsonb,
        answered_at timestamptz NOT NULL,
        answered_by jsonb NOT NULL,
        PRIMARY KEY (tenant_id, response_id, link_id, revision),
        FOREIGN KEY (tenant_id, response_id) REFERENCES audit_responses(tenant_id, id)
      )`,
      ...tenant('audit_answer_revisions'),
      ...appendOnly('audit_answer_revisions'),

      `CREATE TABLE audit_submissions (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        response_id uuid NOT NULL,
        number integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('submission', 'resubmission')),
        submitted_at timestamptz NOT NULL,
        submitted_by jsonb NOT NULL,
        answers jsonb NOT NULL,
        diff jsonb NOT NULL,
        PRIMARY KEY (tenant_id, response_id, number),
        FOREIGN KEY (tenant_id, response_id) REFERENCES audit_responses(tenant_id, id)
      )`,
      ...tenant('audit_submissions'),
      ...appendOnly('audit_submissions'),

      `CREATE TABLE audit_threads (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL,
        response_id uuid NOT NULL,
        link_id text NOT NULL,
        visibility text NOT NULL CHECK (visibility IN ('internal', 'shared')),
        status text NOT NULL CHECK (status IN ('open', 'resolved')),
        thread jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, response_id) REFERENCES audit_responses(tenant_id, id)
      )`,
      `CREATE INDEX audit_threads_response ON audit_threads (tenant_id, response_id, link_id)`,
      ...tenant('audit_threads'),
      `GRANT SELECT, INSERT, UPDATE ON audit_threads TO ${APP_ROLE}`,

      `CREATE TABLE audit_rubric_scores (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        response_id uuid NOT NULL,
        section_link_id text NOT NULL,
        score smallint NOT NULL,
        justification text NOT NULL CHECK (length(justification) > 0),
        scored_at timestamptz NOT NULL,
        scored_by jsonb NOT NULL,
        PRIMARY KEY (tenant_id, response_id, section_link_id),
        FOREIGN KEY (tenant_id, response_id) REFERENCES audit_responses(tenant_id, id)
      )`,
      ...tenant('audit_rubric_scores'),
      `GRANT SELECT, INSERT, UPDATE ON audit_rubric_scores TO ${APP_ROLE}`,

      `CREATE TABLE audit_attachments (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL,
        response_id uuid NOT NULL,
        link_id text NOT NULL,
        filename text NOT NULL,
        media_type text NOT NULL,
        byte_size integer NOT NULL CHECK (byte_size > 0),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content bytea NOT NULL,
        uploaded_by uuid,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, response_id) REFERENCES audit_responses(tenant_id, id)
      )`,
      ...tenant('audit_attachments'),
      ...appendOnly('audit_attachments'),
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_attachments', 'audit_rubric_scores', 'audit_threads', 'audit_submissions', 'audit_answer_revisions', 'audit_answers', 'audit_responses', 'audit_templates']) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
  }
}
