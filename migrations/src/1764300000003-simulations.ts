import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Financial simulation of a candidate structure's doctors (RULES §6 "financial simulations",
 * issue #8 item 2, issue #4 §5): the latest simulation per structure, replaced by each new run
 * (every run is in the audit trail with its inputs fingerprint). `result` is the API view
 * (per doctor, net at each simulated leakage rate, gap to the current fee-for-service income,
 * the source of each figure and the assumptions in French).
 */
export class Simulations1764300000003 implements MigrationInterface {
  name = 'Simulations1764300000003';

  async up(q: QueryRunner): Promise<void> {
    const sqls = [
      `CREATE TABLE financial_simulations (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        reference_month text NOT NULL CHECK (reference_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        grid_version text NOT NULL,
        inputs_fingerprint text NOT NULL CHECK (inputs_fingerprint ~ '^[0-9a-f]{64}$'),
        declared_income jsonb NOT NULL DEFAULT '[]',
        result jsonb NOT NULL,
        created_by uuid NOT NULL,
        created_by_name text NOT NULL,
        created_by_role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id)
      )`,
      ...tenantTableSql('financial_simulations'),
      `GRANT SELECT, INSERT, UPDATE ON financial_simulations TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS financial_simulations CASCADE');
  }
}
