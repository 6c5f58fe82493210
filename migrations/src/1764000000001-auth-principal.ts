import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The signed-in user and their memberships in one round trip, run on every authenticated
 * request. app.user_id is set transaction-locally inside the function, so it lasts for this
 * statement only (no session state left on the pooled connection) and the memberships RLS
 * policy lets the user read their own rows across structures, nothing more.
 */
export class AuthPrincipal1764000000001 implements MigrationInterface {
  name = 'AuthPrincipal1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION auth_principal(p_user uuid)
      RETURNS TABLE (id uuid, email text, display_name text, platform_role text, disabled boolean,
                     token_version integer, memberships jsonb)
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
      BEGIN
        PERFORM set_config('app.user_id', p_user::text, true);
        RETURN QUERY
          SELECT u.id, u.email, u.display_name, u.platform_role, u.disabled, u.token_version,
                 coalesce((SELECT jsonb_agg(jsonb_build_object('structureId', m.tenant_id, 'role', m.role,
                                                               'practitionerId', m.practitioner_id) ORDER BY m.created_at)
                             FROM memberships m WHERE m.user_id = u.id), '[]'::jsonb)
            FROM users u WHERE u.id = p_user;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS auth_principal(uuid)');
  }
}
