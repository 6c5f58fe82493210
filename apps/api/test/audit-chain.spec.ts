import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Client } from 'pg';
import { adminClient } from './db';
import { makeUser } from './factories';
import { TestApi } from './http';

const CLI = path.resolve(__dirname, '../dist/cli/main.js');
const verify = () => spawnSync(process.execPath, [CLI, 'audit-verify'], { env: process.env, encoding: 'utf8' });

/** Issue #2 §7 — the audit trail is a per-tenant hash chain; `npm run audit:verify` detects tampering. */
describe('audit trail hash chain', () => {
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

  it('actions are chained per tenant and the chains verify', async () => {
    const token = (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken;
    const s = await api.request('POST', '/structures', { token, body: { name: 'MSP chaînée', legalForm: 'SISA' } });
    await api.request('PATCH', `/structures/${s.body.id}`, { token, body: { city: 'Tulle' } });
    const { rows } = await admin.query('SELECT seq::int, action, prev_hash IS NULL AS first FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [s.body.id]);
    expect(rows).toEqual([
      { seq: 1, action: 'structure.create', first: true },
      { seq: 2, action: 'structure.update', first: false },
    ]);
    const r = verify();
    expect(r.stdout).toMatch(/0 rupture/);
    expect(r.status).toBe(0);
  });

  it('a row edited behind the application’s back is detected and the command fails', async () => {
    const token = (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken;
    const s = await api.request('POST', '/structures', { token, body: { name: 'MSP falsifiée', legalForm: 'SISA' } });
    await api.request('PATCH', `/structures/${s.body.id}`, { token, body: { city: 'Brive' } });
    // Only a superuser can get past the append-only trigger; even then the chain tells.
    await admin.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    try {
      await admin.query(`UPDATE audit_events SET action = 'structure.read' WHERE tenant_id = $1 AND seq = 1`, [s.body.id]);
    } finally {
      await admin.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
    }
    const r = verify();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`RUPTURE structure ${s.body.id} n°1`);
    // Restore, so the other suites' chains still verify.
    await admin.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    await admin.query(`UPDATE audit_events SET action = 'structure.create' WHERE tenant_id = $1 AND seq = 1`, [s.body.id]);
    await admin.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
    expect(verify().status).toBe(0);
  });
});
