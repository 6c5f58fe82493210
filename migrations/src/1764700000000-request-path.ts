import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Issue #9 (load targets) — two things the per-request path no longer pays for:
 *
 * 1. `auth_principal_unchanged(user, fingerprint)`: the API caches the signed-in user and their
 *    memberships, and every transaction re-checks them in its opening round trip (see
 *    inScopedTransaction). It raises SQLSTATE 28000 when the user is disabled, signed out
 *    everywhere or has different memberships than the fingerprint (md5 of auth_principal's row).
 * 2. `patient_counts`: the patient list's total per structure, kept by statement-level triggers
 *    on `patients` (one aggregate per INSERT or DELETE statement, not per row), instead of a
 *    count(*) over the structure's patients on every page. Rows never change structure: the
 *    tenant policy's WITH CHECK forbids it, so UPDATE needs no trigger.
 */
export class RequestPath1764700000000 implements MigrationInterface {
  name = 'RequestPath1764700000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [
      `CREATE FUNCTION auth_principal_unchanged(p_user uuid, p_fingerprint text) RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
        DECLARE current_fp text; previous_user text := current_setting('app.user_id', true);
        BEGIN
          SELECT md5(row_to_json(p)::text) INTO current_fp FROM auth_principal(p_user) p;
          -- auth_principal set app.user_id for its own read; give the transaction its own back.
          PERFORM set_config('app.user_id', coalesce(previous_user, ''), true);
          IF current_fp IS DISTINCT FROM p_fingerprint THEN
            RAISE EXCEPTION 'principal_changed' USING ERRCODE = '28000';
          END IF;
          RETURN true;
        END $$`,
      `CREATE TABLE patient_counts (
        tenant_id uuid PRIMARY KEY REFERENCES structures(id),
        patients bigint NOT NULL CHECK (patients >= 0)
      )`,
      `INSERT INTO patient_counts (tenant_id, patients) SELECT tenant_id, count(*) FROM patients GROUP BY tenant_id`,
      `CREATE FUNCTION patient_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO patient_counts AS c (tenant_id, patients)
            SELECT tenant_id, count(*) FROM added GROUP BY tenant_id
            ON CONFLICT (tenant_id) DO UPDATE SET patients = c.patients + excluded.patients;
          RETURN NULL;
        END $$`,
      `CREATE FUNCTION patient_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE patient_counts c SET patients = c.patients - r.n
            FROM (SELECT tenant_id, count(*) AS n FROM removed GROUP BY tenant_id) r WHERE c.tenant_id = r.tenant_id;
          RETURN NULL;
        END $$`,
      `CREATE TRIGGER patients_count_insert AFTER INSERT ON patients REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION patient_counts_add()`,
      `CREATE TRIGGER patients_count_delete AFTER DELETE ON patients REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION patient_counts_remove()`,
      ...tenantTableSql('patient_counts'),
      `GRANT SELECT, INSERT, UPDATE ON patient_counts TO ${APP_ROLE}`,
    ]) {
      await q.query(sql);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS patients_count_insert ON patients`);
    await q.query(`DROP TRIGGER IF EXISTS patients_count_delete ON patients`);
    await q.query(`DROP TABLE IF EXISTS patient_counts`);
    await q.query(`DROP FUNCTION IF EXISTS patient_counts_add, patient_counts_remove, auth_principal_unchanged`);
  }
}
