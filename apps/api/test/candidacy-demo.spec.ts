import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { totpAt } from '../src/auth/totp';
import { DEMO, DEMO_PASSWORD, seedDemo } from '../src/cli/seed';
import { databaseConfig } from '../src/database/database.config';
import { ownerDataSource } from '../src/database/data-source';
import { adminClient } from './db';
import { TestApi } from './http';
import { REF_DATA_LOCK } from './reference-data.helpers';

/**
 * Issue #4 "Done when": in the demo, a candidacy is walked from identified to active through the
 * API by the right demo users, and the dossier PDF is produced. Tilleuls sits in its audit.
 */
describe('demo: the Causse candidacy walked to active by the demo users', () => {
  let api: TestApi;
  let admin: Client;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    admin = await adminClient();
    const ds = await ownerDataSource(databaseConfig()).initialize();
    let printed: Awaited<ReturnType<typeof seedDemo>>;
    await admin.query('SELECT pg_advisory_lock($1)', [REF_DATA_LOCK]);
    try {
      printed = await seedDemo(ds);
      expect((await seedDemo(ds)).length).toBe(printed.length); // idempotent
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [REF_DATA_LOCK]);
      await ds.destroy();
    }
    api = await TestApi.start();
    for (const email of ['ipso@demo-mtr2.fr', 'coord.causse@demo-mtr2.fr', 'coord.tilleuls@demo-mtr2.fr']) {
      const secret = printed.find((p) => p.email === email)?.totpSecret;
      const r = await api.request('POST', '/auth/login', { body: { email, password: DEMO_PASSWORD, ...(secret ? { totp: totpAt(secret, Date.now()) } : {}) } });
      expect(r.status).toBe(200);
      token[email.split('@')[0]] = r.body.accessToken;
    }
  });
  afterAll(async () => {
    await api?.close();
    await admin.end();
  });

  const url = (p = '') => `/structures/${DEMO.causseStructure}/candidacy${p}`;
  const go = async (who: string, to: string, decision?: Record<string, string>) => {
    const r = await api.request('POST', url('/transitions'), { token: token[who], body: { to, reason: `Démonstration : ${to}`, ...(decision ? { decision } : {}) } });
    expect({ to, status: r.status, detail: r.body.detail }).toEqual({ to, status: 200, detail: undefined });
  };

  it('Tilleuls sits in its audit, pre-selected by ipso, with declared figures', async () => {
    const r = await api.request('GET', `/structures/${DEMO.externalStructure}/candidacy`, { token: token['coord.tilleuls'] });
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('audit_in_progress');
    expect(r.body.history.map((h: { to: string }) => h.to)).toEqual(['pre_selected', 'audit_in_progress']);
    expect(r.body.nextTransitions).toEqual([expect.objectContaining({ to: 'audit_submitted', allowedForYou: true })]);
    const e = await api.request('GET', `/structures/${DEMO.externalStructure}/candidacy/eligibility`, { token: token['coord.tilleuls'] });
    expect(e.body.criteria.find((c: { key: string }) => c.key === 'men_share')).toMatchObject({ status: 'pass', source: 'declared' });
  });

  it('identified → active by ipso and the Causse coordinator, then the dossier PDF', async () => {
    await go('ipso', 'pre_selected');
    await go('ipso', 'audit_in_progress');
    const doc = await api.request('POST', url('/documents'), {
      token: token['coord.causse'],
      body: { filename: 'engagements-signes.pdf', mediaType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4\n% engagements\n').toString('base64') },
    });
    expect(doc.status).toBe(201);
    const yes = { value: true };
    const d = await api.request('PUT', url('/declarations'), {
      token: token['coord.causse'],
      body: {
        nationalGroupMember: { value: false }, sharedSoftware: yes, sharedMedicalRecord: yes, commonMedicalProject: yes, sharedPathways: yes,
        regularConcertation: yes, writtenCommitments: { value: true, documentId: doc.body.id }, declaredMenShare: { value: 48.5 }, declaredAge65Share: { value: 26 },
      },
    });
    expect(d.status).toBe(200);
    await go('coord.causse', 'audit_submitted');
    await go('ipso', 'gap_analysis');
    await go('ipso', 'copil_review');
    const e = await api.request('GET', url('/eligibility'), { token: token.ipso });
    if (e.body.overall !== 'pass') {
      // e.g. the INSEE sample replaced by another test's file: the porteur justifies in writing (§1).
      const j = await api.request('PUT', url('/justification'), { token: token.ipso, body: { text: 'Structure rurale, profil de patientèle recherché ; critères restants en cours de vérification.' } });
      expect(j.status).toBe(200);
    }
    await go('ipso', 'submitted_to_ctis');
    await go('ipso', 'ctis_approved', { ctisDecisionDate: '2026-11-18', ctisDecisionNumber: 'CTIS-DEMO-01' });
    await go('ipso', 'convention_signed', { conventionNumber: 'CNAM-DEMO-01', conventionSignedOn: '2026-11-20', entryDate: '2027-06-01' });
    await go('ipso', 'active');
    const s = await api.request('GET', `/structures/${DEMO.causseStructure}`, { token: token['coord.causse'] });
    expect([s.body.state, s.body.conventionEntryDate]).toEqual(['active', '2027-06-01']);

    const pdf = await api.request('POST', url('/dossier'), { token: token.ipso });
    expect(pdf.status).toBe(201);
    const res = await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: url('/dossier'), headers: { authorization: `Bearer ${token.ipso}` } });
    const dir = mkdtempSync(path.join(tmpdir(), 'demo-dossier-'));
    writeFileSync(path.join(dir, 'd.pdf'), res.rawPayload);
    const text = execFileSync('pdftotext', [path.join(dir, 'd.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Maison de santé du Causse');
  });
});
