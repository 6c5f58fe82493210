import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Issue #6 items 1–2 — monthly statement runs and statements (RULES §3–§5).
 *
 * Immutability: a draft statement may be deleted and recomputed; once issued, the app role can
 * neither UPDATE nor DELETE it. The single allowed change, issued → superseded (status only),
 * goes through the SECURITY DEFINER function `mtr_supersede_statement`, which runs as the owner:
 * the trigger accepts that transition only when current_user is not the app role. Lines of a
 * non-draft statement can never be updated nor deleted (no UPDATE grant at all on lines).
 */
export class Statements1764300000000 implements MigrationInterface {
  name = 'Statements1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const sqls = [
      `CREATE TABLE statement_runs (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        month char(7) NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        params_version text NOT NULL DEFAULT 'MTR2-2026',
        job_id text NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
        progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        error_code text,
        -- French detail of a failed run, shown to the coordinator (never patient identifiers)
        error_detail text,
        statement_id uuid,
        requested_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, id)
      )`,
      `CREATE INDEX statement_runs_month ON statement_runs (tenant_id, month, created_at)`,
      // The BullMQ job id (tenant, month, parameter version) is deterministic: one active run per
      // month and parameter set, so a double click or a retry never runs twice.
      `CREATE UNIQUE INDEX statement_runs_one_active ON statement_runs (tenant_id, month, params_version)
         WHERE status IN ('queued', 'running')`,
      ...tenantTableSql('statement_runs', { platformRead: true }),
      `GRANT SELECT, INSERT, UPDATE ON statement_runs TO ${APP_ROLE}`,

      `CREATE TABLE statements (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind text NOT NULL DEFAULT 'monthly' CHECK (kind = 'monthly'),
        month char(7) NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        version integer NOT NULL CHECK (version >= 1),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','issued','superseded')),
        number text NOT NULL,
        input_fingerprint char(64) NOT NULL CHECK (input_fingerprint ~ '^[0-9a-f]{64}$'),
        params_version text NOT NULL DEFAULT 'MTR2-2026',
        gross_cents bigint NOT NULL,
        net_cents bigint NOT NULL,
        leakage_rate text NOT NULL CHECK (leakage_rate ~ '^[0-9]+(\\.[0-9]+)?$'),
        supersedes_id uuid,
        correction_reason text,
        diff jsonb,
        run_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        issued_at timestamptz,
        issued_by uuid,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, kind, month, version),
        FOREIGN KEY (tenant_id, supersedes_id) REFERENCES statements (tenant_id, id),
        CHECK ((status = 'draft') = (issued_at IS NULL))
      )`,
      // One current issued statement per month, at most one draft per month.
      `CREATE UNIQUE INDEX statements_one_issued ON statements (tenant_id, kind, month) WHERE status = 'issued'`,
      `CREATE UNIQUE INDEX statements_one_draft ON statements (tenant_id, kind, month) WHERE status = 'draft'`,
      ...tenantTableSql('statements', { platformRead: true }),

      `CREATE TABLE statement_lines (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        statement_id uuid NOT NULL,
        practitioner_id uuid NOT NULL,
        line_code text NOT NULL,
        patient_count integer NOT NULL CHECK (patient_count >= 0),
        unit_gross_cents bigint NOT NULL,
        unit_net_cents bigint NOT NULL,
        amount_cents bigint NOT NULL,
        PRIMARY KEY (tenant_id, statement_id, practitioner_id, line_code),
        FOREIGN KEY (tenant_id, statement_id) REFERENCES statements (tenant_id, id) ON DELETE CASCADE
      )`,
      ...tenantTableSql('statement_lines', { platformRead: true }),

      `CREATE TABLE statement_patient_lines (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        statement_id uuid NOT NULL,
        patient_id uuid NOT NULL,
        practitioner_id uuid NOT NULL,
        line_code text NOT NULL,
        -- unit amounts of this patient's line (gross, and net of the theoretical leakage rate)
        gross_cents bigint NOT NULL,
        net_cents bigint NOT NULL,
        -- engine explanation: included, consommant, inclusionDate, inclusionReason, band, reasons
        explanation jsonb NOT NULL,
        PRIMARY KEY (tenant_id, statement_id, patient_id, line_code),
        FOREIGN KEY (tenant_id, statement_id) REFERENCES statements (tenant_id, id) ON DELETE CASCADE
      )`,
      `CREATE INDEX statement_patient_lines_patient ON statement_patient_lines (tenant_id, patient_id)`,
      ...tenantTableSql('statement_patient_lines', { platformRead: true }),

      `CREATE OR REPLACE FUNCTION mtr_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF OLD.status = 'draft' THEN
           IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
           IF NEW.status IN ('draft', 'issued') THEN RETURN NEW; END IF;
           RAISE EXCEPTION 'statement % : draft cannot become %', OLD.id, NEW.status USING ERRCODE = 'check_violation';
         END IF;
         IF TG_OP = 'UPDATE' AND OLD.status = 'issued' AND NEW.status = 'superseded'
            AND current_user <> '${APP_ROLE}'
            AND (to_jsonb(NEW) - 'status') = (to_jsonb(OLD) - 'status') THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'statement % is % and cannot be changed', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
       END $$`,
      `CREATE TRIGGER statements_immutable BEFORE UPDATE OR DELETE ON statements
         FOR EACH ROW EXECUTE FUNCTION mtr_statement_guard()`,
      `CREATE OR REPLACE FUNCTION mtr_statement_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND NOT EXISTS (
              SELECT 1 FROM statements s WHERE s.tenant_id = OLD.tenant_id AND s.id = OLD.statement_id AND s.status <> 'draft') THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'lines of a non-draft statement cannot be changed' USING ERRCODE = 'insufficient_privilege';
       END $$`,
      `CREATE TRIGGER statement_lines_immutable BEFORE UPDATE OR DELETE ON statement_lines
         FOR EACH ROW EXECUTE FUNCTION mtr_statement_line_guard()`,
      `CREATE TRIGGER statement_patient_lines_immutable BEFORE UPDATE OR DELETE ON statement_patient_lines
         FOR EACH ROW EXECUTE FUNCTION mtr_statement_line_guard()`,
      // The only issued → superseded path; tenant taken from the session (RLS context), never a parameter.
      `CREATE OR REPLACE FUNCTION mtr_supersede_statement(p_id uuid) RETURNS void
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
       BEGIN
         UPDATE statements SET status = 'superseded'
          WHERE tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid
            AND id = p_id AND status = 'issued';
         IF NOT FOUND THEN RAISE EXCEPTION 'statement % is not issued in this structure', p_id USING ERRCODE = 'no_data_found'; END IF;
       END $$`,
      `REVOKE ALL ON FUNCTION mtr_supersede_statement(uuid) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION mtr_supersede_statement(uuid) TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON statements TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT, DELETE ON statement_lines, statement_patient_lines TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE IF EXISTS statement_patient_lines, statement_lines, statements, statement_runs CASCADE',
    );
    await q.query(
      'DROP FUNCTION IF EXISTS mtr_supersede_statement(uuid), mtr_statement_line_guard(), mtr_statement_guard()',
    );
  }
}
