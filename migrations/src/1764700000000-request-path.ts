import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { AuthPrincipal1764000000001 } from './1764000000001-auth-principal';
import { APP_ROLE } from './roles';

/**
 * Issue #9 (load targets) — two things the per-request path no longer pays for:
 *
 * 1. `users.principal_version`: bumped by triggers whenever what the API derives rights from
 *    changes (disabled, platform role, token version, e-mail, name; any membership of the user).
 *    The API caches the signed-in user with that version, and every transaction re-checks it in
 *    its opening round trip with `auth_principal_current()` (see inScopedTransaction), which
 *    raises SQLSTATE 28000 when the account was disabled, signed out everywhere or changed.
 * 2. `patient_counts`: the patient list's total per structure, kept by statement-level triggers
 *    on `patients` (one aggregate per INSERT or DELETE statement, not per row), instead of a
 *    count(*) over the structure's patients on every page. Rows never change structure: the
 *    tenant policy's WITH CHECK forbids it, so UPDATE needs no trigger.
 */
export class RequestPath1764700000000 implements MigrationInterface {
  name = 'RequestPath1764700000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [
      `ALTER TABLE users ADD COLUMN principal_version bigint NOT NULL DEFAULT 0`,
      // Set by this trigger only, whatever an UPDATE writes into the column. The memberships
      // trigger's UPDATE (trigger depth > 1) always bumps it.
      `CREATE FUNCTION users_principal_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.principal_version := OLD.principal_version +
            CASE WHEN pg_trigger_depth() > 1
                   OR (NEW.disabled, NEW.platform_role, NEW.token_version, NEW.email, NEW.display_name)
                      IS DISTINCT FROM (OLD.disabled, OLD.platform_role, OLD.token_version, OLD.email, OLD.display_name)
                 THEN 1 ELSE 0 END;
          RETURN NEW;
        END $$`,
      `CREATE TRIGGER users_principal_version BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_principal_version()`,
      `CREATE FUNCTION memberships_principal_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            UPDATE users SET principal_version = principal_version WHERE id = OLD.user_id;
          END IF;
          IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id) THEN
            UPDATE users SET principal_version = principal_version WHERE id = NEW.user_id;
          END IF;
          RETURN NULL;
        END $$`,
      `CREATE TRIGGER memberships_principal_version AFTER INSERT OR UPDATE OR DELETE ON memberships
        FOR EACH ROW EXECUTE FUNCTION memberships_principal_version()`,
      `DROP FUNCTION auth_principal(uuid)`,
      `CREATE FUNCTION auth_principal(p_user uuid)
        RETURNS TABLE (id uuid, email text, display_name text, platform_role text, disabled boolean,
                       token_version integer, memberships jsonb, principal_version bigint)
        LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
        BEGIN
          PERFORM set_config('app.user_id', p_user::text, true);
          RETURN QUERY
            SELECT u.id, u.email, u.display_name, u.platform_role, u.disabled, u.token_version,
                   coalesce((SELECT jsonb_agg(jsonb_build_object('structureId', m.tenant_id, 'role', m.role,
                                                                 'practitionerId', m.practitioner_id) ORDER BY m.created_at)
                               FROM memberships m WHERE m.user_id = u.id), '[]'::jsonb),
                   u.principal_version
              FROM users u WHERE u.id = p_user;
        END $$`,
      `CREATE FUNCTION auth_principal_current(p_user uuid, p_version bigint) RETURNS boolean
        LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM users WHERE id = p_user AND principal_version = p_version AND NOT disabled) THEN
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
    await q.query(`DROP TRIGGER IF EXISTS memberships_principal_version ON memberships`);
    await q.query(`DROP TRIGGER IF EXISTS users_principal_version ON users`);
    await q.query(`DROP FUNCTION IF EXISTS memberships_principal_version, users_principal_version`);
    await q.query(`DROP FUNCTION IF EXISTS auth_principal(uuid)`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS principal_version`);
    await new AuthPrincipal1764000000001().up(q);
    await q.query(`DROP TRIGGER IF EXISTS patients_count_insert ON patients`);
    await q.query(`DROP TRIGGER IF EXISTS patients_count_delete ON patients`);
    await q.query(`DROP TABLE IF EXISTS patient_counts`);
    await q.query(`DROP FUNCTION IF EXISTS patient_counts_add, patient_counts_remove, auth_principal_current`);
  }
}
