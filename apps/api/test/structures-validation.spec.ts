import type { Client } from 'pg';
import { adminClient } from './db';
import { makeUser } from './factories';
import { TestApi } from './http';

/** Issue #2 §6 — invalid identifiers get a problem+json 400 with a French detail naming the field. */
describe('structures and practitioners: validation at the edge', () => {
  let api: TestApi;
  let admin: Client;
  let token: string;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    token = (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken;
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  it.each([
    ['finess', { finess: '750000001' }, /FINESS/],
    ['siret', { siret: '12345678901234' }, /SIRET/],
    ['inseeCode', { inseeCode: '7511' }, /INSEE/],
    ['theoreticalLeakageRate', { theoreticalLeakageRate: 1 }, /theoreticalLeakageRate/],
  ])('a structure with an invalid %s is refused and nothing is written', async (field, extra, pattern) => {
    const name = `Refusée ${field}`;
    const r = await api.request('POST', '/structures', { token, body: { name, legalForm: 'SISA', ...extra } });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe('donnees_invalides');
    expect(r.body.detail).toContain(`« ${field} »`);
    expect(r.body.detail).toMatch(pattern);
    expect(r.body.errors[0].field).toBe(field);
    expect((await admin.query('SELECT 1 FROM structures WHERE name = $1', [name])).rowCount).toBe(0);
  });

  it('valid FINESS (incl. Corsica) and SIRET are accepted', async () => {
    const r = await api.request('POST', '/structures', {
      token,
      body: { name: 'MSP de Corte', legalForm: 'SISA', finess: '2A0000016', siret: '73282932000074', inseeCode: '2B096', postalCode: '20250' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ finess: '2A0000016', siret: '73282932000074', state: 'identified', theoreticalLeakageRate: 0.15 });
  });

  it('a practitioner with a bad RPPS key is refused with a French message', async () => {
    const s = await api.request('POST', '/structures', { token, body: { name: 'MSP RPPS', legalForm: 'SISA' } });
    const r = await api.request('POST', `/structures/${s.body.id}/practitioners`, {
      token,
      body: { rpps: '10000000001', lastName: 'X', firstName: 'Y', profession: 'medecin_generaliste', joinedOn: '2027-01-01' },
    });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('Données invalides dans le corps de la requête — « rpps » : numéro RPPS invalide (11 chiffres, clé de Luhn).');
  });

  it('a departure before the arrival is refused', async () => {
    const s = await api.request('POST', '/structures', { token, body: { name: 'MSP dates', legalForm: 'SISA' } });
    const p = await api.request('POST', `/structures/${s.body.id}/practitioners`, {
      token,
      body: { rpps: '10000000009', lastName: 'X', firstName: 'Y', profession: 'medecin_generaliste', joinedOn: '2027-01-01' },
    });
    const r = await api.request('PATCH', `/structures/${s.body.id}/practitioners/${p.body.id}`, { token, body: { leftOn: '2026-12-31' } });
    expect([r.status, r.body.code]).toEqual([400, 'dates_incoherentes']);
  });

  it('an unexpected failure answers 500 without internals, with a correlation id', async () => {
    const r = await api.request('GET', '/structures/not-a-uuid', { token, headers: { 'x-correlation-id': 'test-correlation-42' } });
    expect(r.status).toBe(404);
    expect(r.body.correlationId).toBe('test-correlation-42');
    expect(r.headers['x-correlation-id']).toBe('test-correlation-42');
  });

  it('OpenAPI is generated from the zod contracts', async () => {
    const r = await api.request('GET', '/docs/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    const post = r.body.paths['/structures'].post;
    expect(post.requestBody.content['application/json'].schema.properties.finess).toBeDefined();
    expect(post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });
});

/** Issue #9 §3 — security headers and CORS on every response. */
describe('HTTP hardening', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  it('sends a strict CSP and the usual security headers', async () => {
    const r = await api.request('GET', '/health/live');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  });

  it('does not allow cross-origin browser calls from unknown origins', async () => {
    const r = await api.request('GET', '/health/live', { headers: { origin: 'https://evil.example' } });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a body over the limit with a French problem', async () => {
    const r = await api.request('POST', '/auth/login', { body: { email: 'a@b.fr', password: 'x'.repeat(2_000_000) } });
    expect(r.status).toBe(413);
    expect(r.body.detail).toMatch(/trop volumineux/);
  });
});
