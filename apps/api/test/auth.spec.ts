import type { Client } from 'pg';
import { adminClient } from './db';
import { makeStructure, makeUser, PASSWORD } from './factories';
import { TestApi } from './http';

/** Issue #2 §5 — local login, TOTP for platform roles, lockout, refresh rotation, sign-out. */
describe('authentication', () => {
  let api: TestApi;
  let admin: Client;
  let structure: string;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    structure = await makeStructure(admin);
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  it('a coordinator signs in with e-mail and password and sees their structure', async () => {
    const u = await makeUser(admin, { membership: { tenantId: structure, role: 'coordinator' } });
    const { accessToken } = await api.login(u);
    const me = await api.request('GET', '/auth/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body.memberships).toEqual([{ structureId: structure, role: 'coordinator', practitionerId: null }]);
  });

  it('a wrong password gets a French problem that does not say whether the account exists', async () => {
    const u = await makeUser(admin);
    const wrong = await api.request('POST', '/auth/login', { body: { email: u.email, password: 'nope' } });
    const unknown = await api.request('POST', '/auth/login', { body: { email: 'inconnu@test-mtr2.fr', password: 'nope' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.body.detail).toMatch(/incorrect/);
  });

  it('platform roles need a TOTP code: missing → totp_requis, wrong → totp_invalide, right → tokens', async () => {
    const u = await makeUser(admin, { platformRole: 'ipso_team' });
    const missing = await api.request('POST', '/auth/login', { body: { email: u.email, password: PASSWORD } });
    expect([missing.status, missing.body.code]).toEqual([401, 'totp_requis']);
    const wrongCode = u.totp() === '000000' ? '111111' : '000000';
    const wrong = await api.request('POST', '/auth/login', { body: { email: u.email, password: PASSWORD, totp: wrongCode } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'totp_invalide']);
    expect((await api.login(u)).accessToken).toBeTruthy();
  });

  it('five failures lock the account, even with the right password afterwards', async () => {
    const u = await makeUser(admin);
    for (let i = 0; i < 5; i++) await api.request('POST', '/auth/login', { body: { email: u.email, password: 'mauvais' } });
    const r = await api.request('POST', '/auth/login', { body: { email: u.email, password: PASSWORD } });
    expect([r.status, r.body.code]).toEqual([423, 'compte_verrouille']);
    const { rows } = await admin.query('SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY seq', [u.id]);
    expect(rows.map((x) => x.action)).toContain('auth.locked');
  });

  it('refresh tokens rotate; replaying a used one revokes the whole family', async () => {
    const u = await makeUser(admin);
    const first = await api.login(u);
    const second = await api.request('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    const replay = await api.request('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    const afterTheft = await api.request('POST', '/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(afterTheft.status).toBe(401);
  });

  it('signing out everywhere refuses the access tokens already issued', async () => {
    const u = await makeUser(admin);
    const { accessToken } = await api.login(u);
    expect((await api.request('POST', '/auth/logout-all', { token: accessToken })).status).toBe(204);
    expect((await api.request('GET', '/auth/me', { token: accessToken })).status).toBe(401);
  });

  it('request bodies are allow-listed: an extra tenantId or role is rejected, naming the field', async () => {
    const u = await makeUser(admin, { membership: { tenantId: structure, role: 'coordinator' } });
    const { accessToken } = await api.login(u);
    const r = await api.request('PATCH', `/structures/${structure}`, { token: accessToken, body: { city: 'Lyon', tenantId: structure, role: 'platform_admin' } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/tenantId/);
    const login = await api.request('POST', '/auth/login', { body: { email: u.email, password: PASSWORD, role: 'platform_admin' } });
    expect(login.status).toBe(400);
  });

  it('a coordinator may not change convention terms (field-level rule), ipso may', async () => {
    const u = await makeUser(admin, { membership: { tenantId: structure, role: 'coordinator' } });
    const ipso = await makeUser(admin, { platformRole: 'ipso_team' });
    const coord = await api.login(u);
    const r = await api.request('PATCH', `/structures/${structure}`, { token: coord.accessToken, body: { theoreticalLeakageRate: 0.05 } });
    expect([r.status, r.body.detail]).toEqual([403, 'Vous ne pouvez pas modifier le champ « theoreticalLeakageRate » de la structure.']);
    const ok = await api.request('PATCH', `/structures/${structure}`, { token: (await api.login(ipso)).accessToken, body: { theoreticalLeakageRate: 0.05 } });
    expect([ok.status, ok.body.theoreticalLeakageRate]).toEqual([200, 0.05]);
  });
});
