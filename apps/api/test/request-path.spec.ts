import type { Client } from 'pg';
import { asTenantId, runWithContext } from '@mtr/tenancy';
import { AuditTrail } from '../src/audit-trail/audit-trail.service';
import { TenantDb } from '../src/database/tenant-db';
import { PatientCrypto } from '../src/patients/patient-crypto';
import { adminClient } from './db';
import { makeStructure, makeUser } from './factories';
import { TestApi } from './http';
import { makeDoctor, makePatient } from './patient-factories';

/**
 * Issue #9 §5 — what the per-request path saves must not weaken what it guarded: the principal
 * cache never serves a disabled, signed-out or changed account to the database; the read's
 * audit trace still commits with the read; the patient list's total is exact.
 */
describe('request path: cached principal, audit with the commit, patient counter', () => {
  let api: TestApi;
  let admin: Client;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  it('a disabled account is refused at its next request although its principal is cached', async () => {
    const tenant = await makeStructure(admin);
    const user = await makeUser(admin, { membership: { tenantId: tenant, role: 'coordinator' } });
    const { accessToken } = await api.login(user);
    expect((await api.request('GET', `/structures/${tenant}`, { token: accessToken })).status).toBe(200);
    expect((await api.request('GET', `/structures/${tenant}`, { token: accessToken })).status).toBe(200); // from the cache
    await admin.query('UPDATE users SET disabled = true WHERE id = $1', [user.id]);
    const refused = await api.request('GET', `/structures/${tenant}`, { token: accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('jeton_expire');
    // Reloaded from the database from then on: still refused.
    expect((await api.request('GET', `/structures/${tenant}`, { token: accessToken })).status).toBe(401);
  });

  it('"sign out everywhere" (token version) and a removed membership take effect at once', async () => {
    const tenant = await makeStructure(admin);
    const user = await makeUser(admin, { membership: { tenantId: tenant, role: 'coordinator' } });
    const first = await api.login(user);
    expect((await api.request('GET', `/structures/${tenant}/practitioners`, { token: first.accessToken })).status).toBe(200);
    await admin.query('DELETE FROM memberships WHERE user_id = $1', [user.id]);
    expect((await api.request('GET', `/structures/${tenant}/practitioners`, { token: first.accessToken })).status).toBe(401);
    // The principal is reloaded: no membership any more, the structure is not even revealed.
    expect((await api.request('GET', `/structures/${tenant}/practitioners`, { token: first.accessToken })).status).toBe(404);

    await admin.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`, [tenant, user.id]);
    const second = await api.login(user);
    expect((await api.request('GET', `/structures/${tenant}`, { token: second.accessToken })).status).toBe(200);
    await admin.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [user.id]);
    expect((await api.request('GET', `/structures/${tenant}`, { token: second.accessToken })).status).toBe(401);
  });

  it('the principal version follows every change the rights derive from, and cannot be written back', async () => {
    const tenant = await makeStructure(admin);
    const user = await makeUser(admin);
    const version = async () => Number((await admin.query('SELECT principal_version FROM users WHERE id = $1', [user.id])).rows[0].principal_version);
    const v0 = await version();
    await admin.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'practitioner')`, [tenant, user.id]);
    expect(await version()).toBe(v0 + 1);
    await admin.query(`UPDATE memberships SET role = 'coordinator' WHERE user_id = $1`, [user.id]);
    expect(await version()).toBe(v0 + 2);
    await admin.query(`UPDATE users SET platform_role = 'ipso_team' WHERE id = $1`, [user.id]);
    expect(await version()).toBe(v0 + 3);
    await admin.query(`UPDATE users SET principal_version = 0 WHERE id = $1`, [user.id]); // ignored
    expect(await version()).toBe(v0 + 3);
    await admin.query(`UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1`, [user.id]); // not a right
    expect(await version()).toBe(v0 + 3);
  });

  it('an audit event deferred to the COMMIT keeps quotes, backslashes and accents intact, and rolls back with its transaction', async () => {
    const tenant = asTenantId(await makeStructure(admin));
    const db = api.app.get(TenantDb);
    const audit = api.app.get(AuditTrail);
    const detail = { note: `l'ordonnance \\ "Hélène" O'Brien \\x41 ; DROP TABLE users; --`, n: 3 };
    await runWithContext({ correlationId: 'req-path-test-1' }, () =>
      db.forTenant(tenant, (em) => audit.record(em, tenant, { action: 'test.deferred', resourceType: 'test', resourceId: "id'1", detail })),
    );
    const { rows } = await admin.query(`SELECT action, resource_id, correlation_id, detail FROM audit_events WHERE tenant_id = $1 AND action = 'test.deferred'`, [tenant]);
    expect(rows).toEqual([{ action: 'test.deferred', resource_id: "id'1", correlation_id: 'req-path-test-1', detail }]);

    await expect(
      db.forTenant(tenant, async (em) => {
        await audit.record(em, tenant, { action: 'test.rolled_back', resourceType: 'test' });
        throw new Error('échec de l’action');
      }),
    ).rejects.toThrow('échec');
    const after = await admin.query(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'test.rolled_back'`, [tenant]);
    expect(after.rows[0].n).toBe(0);
  });

  it('a deferred statement that fails rolls the whole transaction back', async () => {
    const tenant = asTenantId(await makeStructure(admin));
    const other = asTenantId(await makeStructure(admin));
    const db = api.app.get(TenantDb);
    const audit = api.app.get(AuditTrail);
    await expect(
      db.forTenant(tenant, async (em) => {
        await em.query(`UPDATE structures SET city = 'Brive' WHERE id = $1`, [tenant]);
        // Another structure's chain: refused by the audit policy, at COMMIT time.
        await audit.record(em, other, { action: 'test.cross_tenant', resourceType: 'test' });
      }),
    ).rejects.toThrow(/row-level security/);
    const { rows } = await admin.query(`SELECT city FROM structures WHERE id = $1`, [tenant]);
    expect(rows[0].city).not.toBe('Brive');
  });

  it('the patient list total follows inserts and deletes (patient_counts, kept by triggers)', async () => {
    const tenant = await makeStructure(admin);
    const doc = await makeDoctor(admin, tenant);
    const user = await makeUser(admin, { membership: { tenantId: tenant, role: 'coordinator' } });
    const { accessToken } = await api.login(user);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await makePatient(admin, tenant, { birth: '1980-01-01', sex: 'F', mtRpps: doc.rpps }));
    const crypto = api.app.get(PatientCrypto);
    await admin.query('UPDATE patients SET identity_enc = $2, key_id = $3 WHERE tenant_id = $1', [
      tenant, crypto.encryptIdentity({ nir: null, lastName: 'Martin', firstName: 'Zoé' }), crypto.keyId,
    ]);
    const page = await api.request('GET', `/structures/${tenant}/patients?limit=2`, { token: accessToken });
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items).toHaveLength(2);
    await admin.query('DELETE FROM patients WHERE id = $1', [ids[0]]);
    expect((await api.request('GET', `/structures/${tenant}/patients`, { token: accessToken })).body.total).toBe(2);
    const { rows } = await admin.query('SELECT patients::int FROM patient_counts WHERE tenant_id = $1', [tenant]);
    expect(rows[0].patients).toBe(2);
  });
});
