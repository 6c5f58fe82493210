import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Foundation: the structures registry (one row per tenant), practitioners, users and
 * memberships, refresh tokens, and the append-only audit trail with its hash chain.
 * Tenant-owned tables: primary key (tenant_id, id), foreign keys and uniques include
 * tenant_id, so the schema can be distributed with Citus on tenant_id later.
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const run = async (sqls: string[]) => {
      for (const s of sqls) await q.query(s);
    };
    await run([
      `CREATE TABLE structures (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        legal_form text NOT NULL,
        finess char(9),
        siret char(14),
        address_line text,
        postal_code char(5),
        city text,
        insee_code char(5),
        ipso_network boolean NOT NULL DEFAULT false,
        mtr1_participant boolean NOT NULL DEFAULT false,
        state text NOT NULL DEFAULT 'identified',
        convention_entry_date date,
        theoretical_leakage_rate numeric(5,4) NOT NULL DEFAULT 0.15
          CHECK (theoretical_leakage_rate >= 0 AND theoretical_leakage_rate < 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      ...tenantTableSql('structures', { column: 'id', platformRead: true, platformWrite: true }),

      `CREATE TABLE practitioners (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        rpps char(11) NOT NULL CHECK (rpps ~ '^[0-9]{11}$'),
        last_name text NOT NULL,
        first_name text NOT NULL,
        profession text NOT NULL,
        joined_on date NOT NULL,
        left_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, rpps),
        CHECK (left_on IS NULL OR left_on >= joined_on)
      )`,
      ...tenantTableSql('practitioners', { platformRead: true, platformWrite: true }),

      `CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email)),
        display_name text NOT NULL,
        password_hash text NOT NULL,
        platform_role text CHECK (platform_role IN ('platform_admin', 'ipso_team', 'copil')),
        totp_secret text,
        rpps char(11),
        disabled boolean NOT NULL DEFAULT false,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,

      `CREATE TABLE memberships (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        role text NOT NULL CHECK (role IN ('coordinator', 'practitioner')),
        practitioner_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, user_id),
        FOREIGN KEY (tenant_id, practitioner_id) REFERENCES practitioners(tenant_id, id)
      )`,
      `CREATE INDEX memberships_user ON memberships (user_id)`,
      // A signed-in user reads their own memberships across structures (to know where they may go).
      ...tenantTableSql('memberships', {
        platformRead: true,
        platformWrite: true,
        extraRead: `user_id = (SELECT nullif(current_setting('app.user_id', true), '')::uuid)`,
      }),

      `CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        family_id uuid NOT NULL,
        token_hash bytea NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`,
      `CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id)`,

      // Audit trail: one hash chain per tenant; platform-level events (logins, cross-structure
      // reads) chain under the nil uuid. Heads live in a table the app role cannot reach.
      `CREATE TABLE audit_events (
        tenant_id uuid NOT NULL,
        seq bigint NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_user_id uuid,
        actor_role text,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text,
        correlation_id text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        prev_hash bytea,
        hash bytea NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      )`,
      `CREATE INDEX audit_events_time ON audit_events (tenant_id, occurred_at)`,
      `CREATE TABLE audit_chain_heads (chain_id uuid PRIMARY KEY, last_seq bigint NOT NULL, last_hash bytea NOT NULL)`,
      `CREATE FUNCTION audit_canonical(e audit_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT concat_ws(chr(31), e.tenant_id::text, e.seq::text,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_user_id::text, ''), coalesce(e.actor_role, ''), e.action, e.resource_type,
          coalesce(e.resource_id, ''), coalesce(e.correlation_id, ''), e.detail::text)
      $$`,
      `CREATE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE head audit_chain_heads;
      BEGIN
        -- The row lock on the head serialises writers of one tenant's chain.
        INSERT INTO audit_chain_heads AS h (chain_id, last_seq, last_hash) VALUES (NEW.tenant_id, 0, '\\x')
          ON CONFLICT (chain_id) DO UPDATE SET last_seq = h.last_seq
          RETURNING * INTO head;
        NEW.seq := head.last_seq + 1;
        NEW.occurred_at := date_trunc('microseconds', clock_timestamp());
        NEW.prev_hash := CASE WHEN head.last_seq = 0 THEN NULL ELSE head.last_hash END;
        NEW.hash := sha256(coalesce(NEW.prev_hash, '\\x'::bytea) || convert_to(audit_canonical(NEW), 'UTF8'));
        UPDATE audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash WHERE chain_id = NEW.tenant_id;
        RETURN NEW;
      END $$`,
      `CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_chain_link()`,
      `CREATE FUNCTION audit_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`,
      `CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_immutable()`,
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_immutable()`,
      `ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE audit_events FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY audit_events_select ON audit_events FOR SELECT USING (
        tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)
        OR (SELECT coalesce(current_setting('app.scope', true), '') = 'platform'))`,
      `CREATE POLICY audit_events_insert ON audit_events FOR INSERT WITH CHECK (
        tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)
        OR tenant_id = '00000000-0000-0000-0000-000000000000'::uuid
        OR (SELECT coalesce(current_setting('app.scope', true), '') = 'platform'))`,
      `CREATE POLICY audit_events_update ON audit_events FOR UPDATE USING (false)`,
      `CREATE POLICY audit_events_delete ON audit_events FOR DELETE USING (false)`,

      `GRANT SELECT, INSERT, UPDATE, DELETE ON structures, practitioners, memberships TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT, UPDATE ON users, refresh_tokens TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT ON audit_events TO ${APP_ROLE}`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_events', 'audit_chain_heads', 'refresh_tokens', 'memberships', 'users', 'practitioners', 'structures']) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS audit_chain_link, audit_events_immutable, audit_canonical`);
  }
}
