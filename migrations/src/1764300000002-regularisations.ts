import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Issue #6 §5 — leakage regularisation (régularisation du taux de fuite, RULES §4), one per
 * structure and year: entered (ipso enters the real rate or the outside amount; re-entry replaces
 * the values) → copil_validated (the annual COPIL's decision, recorded with its reference) →
 * issued (PDF archived, then immutable: the app role can neither UPDATE nor DELETE it).
 * Amounts are signed cents: regularisation > 0, CNAM pays the structure; < 0, the structure pays back.
 */
export class Regularisations1764300000002 implements MigrationInterface {
  name = 'Regularisations1764300000002';

  async up(q: QueryRunner): Promise<void> {
    const sqls = [
      `CREATE TABLE leakage_regularisations (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        year smallint NOT NULL CHECK (year BETWEEN 2026 AND 2031),
        input_kind text NOT NULL CHECK (input_kind IN ('real_rate', 'outside_amount')),
        real_rate_input text CHECK (real_rate_input ~ '^0(\\.[0-9]+)?$'),
        outside_amount_cents bigint CHECK (outside_amount_cents >= 0),
        -- year N from its issued monthly statements
        statement_count smallint NOT NULL CHECK (statement_count BETWEEN 1 AND 12),
        forfait_gross_cents bigint NOT NULL CHECK (forfait_gross_cents >= 0),
        gross_subject_cents bigint NOT NULL CHECK (gross_subject_cents >= 0),
        gross_exempt_cents bigint NOT NULL CHECK (gross_exempt_cents >= 0),
        theoretical_rate text NOT NULL CHECK (theoretical_rate ~ '^0(\\.[0-9]+)?$'),
        real_rate text NOT NULL CHECK (real_rate ~ '^0(\\.[0-9]+)?$'),
        due_cents bigint NOT NULL,
        received_cents bigint NOT NULL,
        regularisation_cents bigint NOT NULL,
        status text NOT NULL DEFAULT 'entered' CHECK (status IN ('entered', 'copil_validated', 'issued')),
        entered_by uuid NOT NULL,
        entered_at timestamptz NOT NULL DEFAULT now(),
        copil_validated_by uuid,
        copil_validated_at timestamptz,
        copil_meeting_date date,
        copil_decision_number text CHECK (length(copil_decision_number) BETWEEN 1 AND 100),
        issued_by uuid,
        issued_at timestamptz,
        document_id uuid,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, year),
        FOREIGN KEY (tenant_id, document_id) REFERENCES generated_documents (tenant_id, id),
        CHECK ((input_kind = 'real_rate') = (real_rate_input IS NOT NULL)),
        CHECK ((input_kind = 'outside_amount') = (outside_amount_cents IS NOT NULL)),
        CHECK (forfait_gross_cents = gross_subject_cents + gross_exempt_cents),
        CHECK (regularisation_cents = due_cents - received_cents),
        CHECK (status = 'entered' OR (copil_validated_by IS NOT NULL AND copil_validated_at IS NOT NULL
               AND copil_meeting_date IS NOT NULL AND copil_decision_number IS NOT NULL)),
        CHECK ((status = 'issued') = (issued_at IS NOT NULL AND issued_by IS NOT NULL AND document_id IS NOT NULL))
      )`,
      ...tenantTableSql('leakage_regularisations', { platformRead: true }),
      // Step order and immutability, whatever the route: entered → entered (re-entry) | copil_validated
      // (values frozen) → issued (only the issue fields change) → nothing, ever. No DELETE.
      `CREATE OR REPLACE FUNCTION mtr_regularisation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         frozen jsonb;
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'regularisation % cannot be deleted', OLD.id USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF NEW.tenant_id <> OLD.tenant_id OR NEW.id <> OLD.id OR NEW.year <> OLD.year THEN
           RAISE EXCEPTION 'regularisation % : identity cannot change', OLD.id USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF OLD.status = 'entered' AND NEW.status = 'entered' THEN
           RETURN NEW;
         END IF;
         frozen := to_jsonb(OLD) - 'status' - 'copil_validated_by' - 'copil_validated_at' - 'copil_meeting_date'
                   - 'copil_decision_number' - 'issued_by' - 'issued_at' - 'document_id';
         IF OLD.status = 'entered' AND NEW.status = 'copil_validated'
            AND (to_jsonb(NEW) - 'status' - 'copil_validated_by' - 'copil_validated_at' - 'copil_meeting_date'
                 - 'copil_decision_number' - 'issued_by' - 'issued_at' - 'document_id') = frozen THEN
           RETURN NEW;
         END IF;
         IF OLD.status = 'copil_validated' AND NEW.status = 'issued'
            AND (to_jsonb(NEW) - 'status' - 'issued_by' - 'issued_at' - 'document_id')
                = (to_jsonb(OLD) - 'status' - 'issued_by' - 'issued_at' - 'document_id') THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'regularisation % is % and cannot become % with these changes', OLD.id, OLD.status, NEW.status
           USING ERRCODE = 'insufficient_privilege';
       END $$`,
      `CREATE TRIGGER leakage_regularisations_guard BEFORE UPDATE OR DELETE ON leakage_regularisations
         FOR EACH ROW EXECUTE FUNCTION mtr_regularisation_guard()`,
      `GRANT SELECT, INSERT, UPDATE ON leakage_regularisations TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS leakage_regularisations CASCADE');
    await q.query('DROP FUNCTION IF EXISTS mtr_regularisation_guard()');
  }
}
