/** Owns the schema and runs migrations; NOSUPERUSER, so FORCE ROW LEVEL SECURITY binds it too. */
export const OWNER_ROLE = 'mtr_owner';
/** What the API and worker connect as: NOSUPERUSER, NOBYPASSRLS, owns nothing. */
export const APP_ROLE = 'mtr_app';
