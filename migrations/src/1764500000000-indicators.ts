import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Issue #7 — the COPIL indicator store: one row per structure × month, aggregates only
 * (counts, cents, rates), written by the `indicators` job after each issued statement and
 * on demand by ipso. Read by the structure (own rows), the platform scope (ipso) and the
 * `copil` scope. The `copil` scope appears in no other policy of the schema: a COPIL
 * transaction sees no patient-level row anywhere (proved by apps/api/test/indicators-access.spec.ts).
 * The owner role has NOCREATEROLE, so the COPIL path is a transaction scope, not a DB role.
 */
export const COPIL_SCOPE_SQL = `(SELECT coalesce(current_setting('app.scope', true), '') = 'copil')`;

export class Indicators1764500000000 implements MigrationInterface {
  name = 'Indicators1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const n = (c: string) => `${c} integer NOT NULL DEFAULT 0 CHECK (${c} >= 0)`;
    const sqls = [
      `CREATE TABLE structure_indicators (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        month char(7) NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        ${n('patients_mt')}, ${n('included')}, ${n('consommant')},
        ${n('new_entry_consultation')}, ${n('new_declaration')}, ${n('new_anniversary')}, ${n('new_mtr1')},
        ${n('band_0_5')}, ${n('band_6_64')}, ${n('band_65_79')}, ${n('band_80_plus')},
        briques jsonb NOT NULL DEFAULT '{}'::jsonb,
        ${n('men')}, ${n('aged_65_plus')}, ${n('doctors')},
        gross_cents bigint NOT NULL DEFAULT 0,
        net_cents bigint NOT NULL DEFAULT 0,
        leakage_theoretical numeric(5,4),
        leakage_real numeric(5,4),
        safeguard_cents bigint NOT NULL DEFAULT 0,
        ${n('info_notes')}, ${n('oppositions')},
        source_statement_id uuid,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, month)
      )`,
      ...tenantTableSql('structure_indicators', { platformRead: true, extraRead: COPIL_SCOPE_SQL }),
      `GRANT SELECT, INSERT, UPDATE, DELETE ON structure_indicators TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS structure_indicators`);
  }
}
