import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Client } from 'pg';
import { DatabaseModule } from '../src/database/database.module';
import { StatementsWorkerModule } from '../src/statements/statements-worker.module';
import { appClient, adminClient } from './db';
import { makeUser, type TestUser } from './factories';
import { TestApi } from './http';
import { makeConventionStructure, makeCriterion, makeDoctor, makeEncounter, makePatient } from './patient-factories';

@Module({ imports: [DatabaseModule, StatementsWorkerModule] })
class TestStatementsWorker {}

const MONTH = '2026-09';

/** Text of a PDF as pdftotext reads it (poppler-utils), whitespace folded. */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'releve-'));
  writeFileSync(path.join(dir, 'r.pdf'), pdf);
  return execFileSync('pdftotext', [path.join(dir, 'r.pdf'), '-'], { encoding: 'utf8' }).replace(/[\s\u202f\u00a0]+/g, ' ');
}

/**
 * Issue #6 §1–§2 — the monthly run of a non-ipso structure (entry E = 2026-06-01, theoretical
 * leakage 15 %), computed by the real worker from the real tables, then issued, corrected and
 * exported. Expected amounts are computed by hand from RULES.md §3:
 * net unit price = gross × 0.85 rounded half-up to the cent.
 */
describe('monthly statements (issue #6)', () => {
  let api: TestApi;
  let admin: Client;
  let worker: INestApplicationContext;
  let t: string;
  let d1: { id: string; rpps: string };
  let d2: { id: string; rpps: string };
  let p2: string;
  let p3: string;
  let coordinator: TestUser;
  let token: string;
  let ipsoToken: string;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    worker = await NestFactory.createApplicationContext(TestStatementsWorker, { logger: false });
    t = await makeConventionStructure(admin, { name: 'MSP des Statements' });
    d1 = await makeDoctor(admin, t, { lastName: 'Arnaud' });
    d2 = await makeDoctor(admin, t, { lastName: 'Bernard' });
    // p1, 40 years old, MT d1 before E, seen by d1 on 2026-06-10: included in June, forfait from July (RULES §1); ALD (RULES §3).
    const p1 = await makePatient(admin, t, { birth: '1986-03-15', sex: 'M', mtRpps: d1.rpps, externalId: 'A-001' });
    await makeEncounter(admin, t, p1, d1.rpps, '2026-06-10');
    await makeCriterion(admin, t, p1, 'ald', { detail: '8', date: '2020-01-01' });
    // p2, 76 years old, MT d2, seen by d2 on 2026-07-01: forfait from August, socle 65–79.
    p2 = await makePatient(admin, t, { birth: '1950-02-01', sex: 'F', mtRpps: d2.rpps, externalId: 'A-002' });
    await makeEncounter(admin, t, p2, d2.rpps, '2026-07-01');
    // p3, MT d1, not seen since E: included at the anniversary E + 12 months only — not paid in September.
    p3 = await makePatient(admin, t, { birth: '1990-05-05', sex: 'F', mtRpps: d1.rpps, externalId: 'A-003' });
    // p4: MT outside the structure — not in the target population.
    await makePatient(admin, t, { birth: '1980-01-01', sex: 'M', mtRpps: '10000000009', externalId: 'A-004' });
    coordinator = await makeUser(admin, { membership: { tenantId: t, role: 'coordinator' } });
    token = (await api.login(coordinator)).accessToken;
    ipsoToken = (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken;
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await admin.end();
  });

  const waitForRun = async (runId: string) => {
    for (let i = 0; i < 200; i++) {
      const r = await api.request('GET', `/structures/${t}/statement-runs/${runId}`, { token });
      if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('run did not finish');
  };
  const runMonth = async () => {
    const r = await api.request('POST', `/structures/${t}/statement-runs`, { token, body: { month: MONTH } });
    expect(r.status).toBe(202);
    return waitForRun(r.body.run.id);
  };

  let v1: string;

  it('computes the month per doctor and line with half-up unit prices (RULES §3)', async () => {
    const run = await runMonth();
    expect(run).toMatchObject({ status: 'done', progress: 100 });
    v1 = run.statementId;
    const d = await api.request('GET', `/structures/${t}/statements/${v1}`, { token });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ month: MONTH, version: 1, status: 'draft', theoreticalLeakageRate: '0.15', patientsPaid: 2, patientsCovered: 3 });
    const lines = d.body.doctors.map((doc: { rpps: string; lines: { code: string; patientCount: number; unitNetCents: number; amountCents: number }[] }) => [
      doc.rpps,
      doc.lines.map((l) => [l.code, l.patientCount, l.unitNetCents, l.amountCents]),
    ]);
    expect(lines).toEqual([
      [d1.rpps, [['ald', 1, 604, 604], ['socle_6_64', 1, 723, 723]]], // 7.10 × 0.85 = 6.035 → 6.04; 8.50 × 0.85 = 7.225 → 7.23
      [d2.rpps, [['socle_65_79', 1, 893, 893]]], // 10.50 × 0.85 = 8.925 → 8.93
    ]);
    expect(d.body).toMatchObject({ grossCents: 710 + 850 + 1050, netCents: 604 + 723 + 893 });
  });

  it('explains every covered patient, paid or not', async () => {
    const r = await api.request('GET', `/structures/${t}/statements/${v1}/patients`, { token });
    expect(r.status).toBe(200);
    expect(r.body.map((p: { externalId: string; status: string; netCents: number }) => [p.externalId, p.status, p.netCents])).toEqual([
      ['A-001', 'paid', 1327],
      ['A-002', 'paid', 893],
      ['A-003', 'notYetIncluded', 0],
    ]);
    const p1 = r.body[0];
    expect(p1.explanation).toMatchObject({ included: true, inclusionReason: 'entryConsultation', inclusionDate: '2026-06-10', band: '6-64' });
    expect(p1.lines.map((l: { text: string }) => typeof l.text)).toEqual(['string', 'string']);
    // One patient by id; an empty page of an existing statement is [], an unknown statement 404.
    const one = await api.request('GET', `/structures/${t}/statements/${v1}/patients?patientId=${p1.patientId}`, { token });
    expect(one.body.map((p: { externalId: string }) => p.externalId)).toEqual(['A-001']);
    expect((await api.request('GET', `/structures/${t}/statements/${v1}/patients?offset=50`, { token })).body).toEqual([]);
    const unknown = await api.request('GET', `/structures/${t}/statements/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/patients`, { token });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'introuvable']);
  });

  it('a double click queues one run; the same inputs leave the draft unchanged', async () => {
    // The run holds its transaction a moment, so the second click surely lands while it is active.
    process.env.STATEMENTS_TEST_PAUSE_MS = '3000';
    const [a, b] = await Promise.all([
      api.request('POST', `/structures/${t}/statement-runs`, { token, body: { month: MONTH } }),
      api.request('POST', `/structures/${t}/statement-runs`, { token, body: { month: MONTH } }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.run.id).toBe(b.body.run.id);
    expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true]);
    delete process.env.STATEMENTS_TEST_PAUSE_MS;
    const run = await waitForRun(a.body.run.id);
    expect(run.statementId).toBe(v1);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM statements WHERE tenant_id = $1`, [t]);
    expect(rows[0].n).toBe(1);
  });

  it('the billing file has one row per doctor × line and totals equal to the statement (issue #6 §2)', async () => {
    const csv = await api.request('GET', `/structures/${t}/statements/${v1}/billing.csv`, { token });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = String(csv.body).replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(';'));
    expect(rows[0]).toEqual(['numero_releve', 'mois', 'finess', 'rpps_medecin_traitant', 'medecin', 'code_ligne', 'libelle_ligne', 'nombre_patients', 'prix_unitaire_net_eur', 'montant_eur']);
    expect(rows.slice(1).map((r) => [r[3], r[5], r[7], r[8], r[9]])).toEqual([
      [d1.rpps, 'ald', '1', '6,04', '6,04'],
      [d1.rpps, 'socle_6_64', '1', '7,23', '7,23'],
      [d2.rpps, 'socle_65_79', '1', '8,93', '8,93'],
      ['', '', '3', '', '22,20'],
    ]);
    const json = await api.request('GET', `/structures/${t}/statements/${v1}/billing.json`, { token });
    expect(json.body.totals).toEqual({ patientLines: 3, amountCents: 2220 });
    const practitioner = await makeUser(admin, { membership: { tenantId: t, role: 'practitioner' } });
    const pt = (await api.login(practitioner)).accessToken;
    expect((await api.request('GET', `/structures/${t}/statements/${v1}/billing.csv`, { token: pt })).status).toBe(403);
  });

  it('issuing makes the statement immutable; issuing twice is refused with 409', async () => {
    const r = await api.request('POST', `/structures/${t}/statements/${v1}/issue`, { token, body: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'issued', version: 1 });
    expect(r.body.issuedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const again = await api.request('POST', `/structures/${t}/statements/${v1}/issue`, { token, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('releve_deja_emis');
    const app = await appClient();
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, false)`, [t]);
      await expect(app.query(`UPDATE statements SET net_cents = 1 WHERE id = $1`, [v1])).rejects.toThrow(/cannot be changed/);
      await expect(app.query(`DELETE FROM statement_patient_lines WHERE statement_id = $1`, [v1])).rejects.toThrow(/cannot be changed/);
    } finally {
      await app.end();
    }
    const audit = await admin.query(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'statement.issue'`, [t]);
    expect(audit.rows[0].n).toBe(1);
  });

  const download = (url: string, tok = token) => api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers: { authorization: `Bearer ${tok}` } });

  it('the issued statement PDF is archived once with its SHA-256 and says what the statement says (issue #6 §3)', async () => {
    const first = await download(`/structures/${t}/statements/${v1}/statement.pdf`);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    const pdf = first.rawPayload;
    expect(first.headers['x-document-sha256']).toBe(createHash('sha256').update(pdf).digest('hex'));
    const second = await download(`/structures/${t}/statements/${v1}/statement.pdf`);
    expect(second.rawPayload.equals(pdf)).toBe(true);
    const archived = await admin.query(`SELECT count(*)::int AS n FROM generated_documents WHERE tenant_id = $1 AND subject_id = $2`, [t, v1]);
    expect(archived.rows[0].n).toBe(1);
    const text = pdfText(pdf);
    expect(text).toContain('Relevé mensuel des forfaits');
    expect(text).toContain('septembre 2026');
    expect(text).toMatch(/RM-202609-\w{8}-V1/);
    expect(text).toContain('22,20 €');
    expect(text).toContain('6,04 €');
    expect(text).toContain('15 %');
    expect(text).toMatch(/Page 1 \/ \d/);
    expect(text).toContain('SHA-256');
  });

  it('each doctor downloads their own statement with their paid patients, not a colleague’s', async () => {
    const dr = await makeUser(admin, { membership: { tenantId: t, role: 'practitioner' } });
    await admin.query(`UPDATE memberships SET practitioner_id = $3 WHERE tenant_id = $1 AND user_id = $2`, [t, dr.id, d2.id]);
    const drToken = (await api.login(dr)).accessToken;
    const own = await download(`/structures/${t}/statements/${v1}/doctors/${d2.id}/statement.pdf`, drToken);
    expect(own.statusCode).toBe(200);
    const text = pdfText(own.rawPayload);
    expect(text).toContain('Relevé mensuel du médecin traitant');
    expect(text).toContain('A-002');
    expect(text).not.toContain('A-001');
    expect(text).toContain('8,93 €');
    expect((await download(`/structures/${t}/statements/${v1}/doctors/${d1.id}/statement.pdf`, drToken)).statusCode).toBe(403);
    expect((await download(`/structures/${t}/statements/${v1}/statement.pdf`, drToken)).statusCode).toBe(403);
    const coord = await download(`/structures/${t}/statements/${v1}/doctors/${d1.id}/statement.pdf`);
    expect(pdfText(coord.rawPayload)).toContain('A-001');
  });

  it('a correction is a new version with its reason and the line-by-line difference; it supersedes the issued one', async () => {
    await makeCriterion(admin, t, p2, 'ald', { detail: '30', date: '2026-01-01' });
    const run = await runMonth();
    const v2 = run.statementId;
    expect(v2).not.toBe(v1);
    const d = await api.request('GET', `/structures/${t}/statements/${v2}`, { token });
    expect(d.body).toMatchObject({ version: 2, status: 'draft', supersedesId: v1, netCents: 2220 + 604 });
    expect(d.body.diff).toEqual({
      supersedesNumber: expect.stringMatching(/-V1$/),
      netBeforeCents: 2220,
      netAfterCents: 2824,
      deltaCents: 604,
      lines: [{ practitionerId: d2.id, lineCode: 'ald', before: null, after: { patientCount: 1, amountCents: 604 }, deltaCents: 604 }],
    });
    const noReason = await api.request('POST', `/structures/${t}/statements/${v2}/issue`, { token, body: {} });
    expect(noReason.status).toBe(422);
    expect(noReason.body.code).toBe('motif_requis');
    const ok = await api.request('POST', `/structures/${t}/statements/${v2}/issue`, { token, body: { reason: 'ALD de la patiente A-002 importée en retard' } });
    expect(ok.status).toBe(200);
    const list = await api.request('GET', `/structures/${t}/statements`, { token });
    expect(list.body.map((s: { version: number; status: string }) => [s.version, s.status])).toEqual([
      [2, 'issued'],
      [1, 'superseded'],
    ]);
  });

  it('a draft computed before the data changed cannot be issued (input fingerprint)', async () => {
    await makeEncounter(admin, t, p3, d1.rpps, '2026-09-15');
    const run = await runMonth();
    await makeCriterion(admin, t, p3, 'c2s', { date: '2026-01-01' });
    const r = await api.request('POST', `/structures/${t}/statements/${run.statementId}/issue`, { token, body: { reason: 'Correction de test' } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('releve_perime');
    const draftPdf = await download(`/structures/${t}/statements/${run.statementId}/statement.pdf`);
    expect(pdfText(draftPdf.rawPayload)).toContain('BROUILLON');
    expect(r.body.detail).toMatch(/relancez le calcul/);
  });

  it('refuses a future month and a structure without a convention entry date, in French', async () => {
    const future = await api.request('POST', `/structures/${t}/statement-runs`, { token, body: { month: '2029-12' } });
    expect(future.status).toBe(422);
    expect(future.body.detail).toMatch(/mois futur/);
    const bad = await api.request('POST', `/structures/${t}/statement-runs`, { token, body: { month: '2026-13' } });
    expect(bad.status).toBe(400);
    const noEntry = await makeConventionStructure(admin, { entry: undefined });
    await admin.query(`UPDATE structures SET convention_entry_date = NULL WHERE id = $1`, [noEntry]);
    const r = await api.request('POST', `/structures/${noEntry}/statement-runs`, { token: ipsoToken, body: { month: MONTH } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('date_entree_absente');
    const runs = await admin.query(`SELECT count(*)::int AS n FROM statement_runs WHERE tenant_id = $1`, [noEntry]);
    expect(runs.rows[0].n).toBe(0);
  });

  it('ipso launches the month of every active structure and follows each one', async () => {
    const r = await api.request('POST', '/statement-runs', { token: ipsoToken, body: { month: MONTH } });
    expect(r.status).toBe(202);
    const mine = r.body.find((x: { structureId: string }) => x.structureId === t);
    expect(mine).toBeDefined();
    await waitForRun(mine.id);
    const progress = await api.request('GET', `/statement-runs?month=${MONTH}`, { token: ipsoToken });
    expect(progress.status).toBe(200);
    expect(progress.body.find((x: { structureId: string }) => x.structureId === t)).toMatchObject({ status: 'done', structureName: 'MSP des Statements' });
  });
});
