import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { adminClient, appClient } from './db';
import { makeStructure, makeUser, nextRpps, type TestUser } from './factories';
import { TestApi } from './http';
import { aavWorkbook, REF_DATA_LOCK } from './reference-data.helpers';

/**
 * Issue #4 — candidacy workflow through the API (RULES.md §6–§7, specification §1 and §10):
 * the walk from identified to active by the right roles, 409 with the allowed transitions,
 * decision references, the exit notice period, isolation between structures, INSEE reference
 * data driving the AAV criterion, and the dossier PDF read back with pdftotext.
 */

describe('candidacy workflow (issue #4)', () => {
  let api: TestApi;
  let admin: Client;
  let a: string;
  let b: string;
  const t: Record<string, string> = {};
  const u: Record<string, TestUser> = {};

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    a = await makeStructure(admin, { name: 'Maison de santé du Puy-Test' });
    b = await makeStructure(admin, { name: 'Centre de santé B' });
    await admin.query(`UPDATE structures SET insee_code = '24322', city = 'Périgueux' WHERE id = $1`, [a]);
    for (const [i, prof] of ['medecin_generaliste', 'medecin_generaliste', 'medecin_generaliste', 'infirmier'].entries()) {
      await admin.query(`INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, $3, 'Test', $4, '2027-04-01')`, [a, nextRpps(), `Praticien${i}`, prof]);
    }
    u.ipso = await makeUser(admin, { platformRole: 'ipso_team' });
    u.admin = await makeUser(admin, { platformRole: 'platform_admin' });
    u.coordA = await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } });
    u.coordB = await makeUser(admin, { membership: { tenantId: b, role: 'coordinator' } });
    u.practA = await makeUser(admin, { membership: { tenantId: a, role: 'practitioner' } });
    for (const k of Object.keys(u)) t[k] = (await api.login(u[k])).accessToken;
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  const go = (who: string, to: string, extra: Record<string, unknown> = {}) =>
    api.request('POST', `/structures/${a}/candidacy/transitions`, { token: t[who], body: { to, reason: `vers ${to}`, ...extra } });
  const count = async (table: string) => Number((await admin.query(`SELECT count(*) FROM ${table} WHERE tenant_id = $1`, [a])).rows[0].count);

  it('ipso opens the candidacy of a non-ipso structure; an ipso structure has none', async () => {
    const ipsoStructure = await makeStructure(admin, { ipso: true });
    const r0 = await api.request('POST', `/structures/${ipsoStructure}/candidacy`, { token: t.ipso, body: {} });
    expect([r0.status, r0.body.code]).toEqual([409, 'structure_ipso']);
    expect((await api.request('POST', `/structures/${a}/candidacy`, { token: t.coordA, body: {} })).status).toBe(403);
    const r = await api.request('POST', `/structures/${a}/candidacy`, { token: t.ipso, body: { reason: 'Premier contact au congrès' } });
    expect(r.status).toBe(201);
    expect(r.body.state).toBe('identified');
    expect(r.body.nextTransitions).toEqual([{ to: 'pre_selected', label: expect.any(String), roles: ['ipso_team', 'platform_admin'], allowedForYou: true }]);
    expect((await api.request('POST', `/structures/${a}/candidacy`, { token: t.ipso, body: {} })).status).toBe(409);
  });

  it('a transition out of order is a 409 listing the allowed ones, and writes nothing', async () => {
    const before = [await count('candidacy_transitions'), await count('audit_events')];
    const r = await go('ipso', 'active');
    expect(r.status).toBe(409);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe('transition_interdite');
    expect(r.body.allowed).toEqual([{ to: 'pre_selected', label: expect.any(String), roles: ['ipso_team', 'platform_admin'] }]);
    expect(r.body.detail).toMatch(/pre_selected/);
    expect([await count('candidacy_transitions'), await count('audit_events')]).toEqual(before);
  });

  it('a legal transition by a role not in the table is a 403; a coordinator of B sees nothing of A', async () => {
    expect((await go('coordA', 'pre_selected')).status).toBe(403);
    expect((await go('practA', 'pre_selected')).status).toBe(403);
    expect((await go('coordB', 'pre_selected')).status).toBe(404);
    expect((await api.request('GET', `/structures/${a}/candidacy`, { token: t.coordB })).status).toBe(404);
    expect((await api.request('GET', `/structures/${a}/candidacy/eligibility`, { token: t.coordB })).status).toBe(404);
    expect((await api.request('GET', '/candidacies', { token: t.coordA })).status).toBe(403);
    expect(await count('candidacy_transitions')).toBe(0);
  });

  it('documents: type, size and content checked; SHA-256 kept; nothing written on refusal', async () => {
    const up = (body: Record<string, unknown>, who = 'coordA') => api.request('POST', `/structures/${a}/candidacy/documents`, { token: t[who], body });
    const pdf = Buffer.from('%PDF-1.4\n% engagements signés\n');
    expect((await up({ filename: 'x.exe', mediaType: 'application/x-msdownload', contentBase64: pdf.toString('base64') })).status).toBe(415);
    expect((await up({ filename: 'faux.pdf', mediaType: 'application/pdf', contentBase64: Buffer.from('MZ....').toString('base64') })).status).toBe(400);
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(700 * 1024)]);
    const r413 = await up({ filename: 'gros.pdf', mediaType: 'application/pdf', contentBase64: big.toString('base64') });
    expect([r413.status, r413.body.code]).toEqual([413, 'fichier_trop_volumineux']);
    expect(await count('candidacy_documents')).toBe(0);
    const ok = await up({ filename: 'engagements.pdf', mediaType: 'application/pdf', contentBase64: pdf.toString('base64') });
    expect(ok.status).toBe(201);
    expect(ok.body.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    const back = await api.request('GET', `/structures/${a}/candidacy/documents/${ok.body.id}`, { token: t.ipso });
    expect([back.status, back.headers['content-type']]).toEqual([200, 'application/pdf']);
    t.doc = ok.body.id;
  });

  it('walks identified → active with the right roles, recording decisions; the structure row follows', async () => {
    const step = async (who: string, to: string, extra: Record<string, unknown> = {}) => {
      const r = await go(who, to, extra);
      expect({ to, status: r.status, detail: r.body.detail }).toEqual({ to, status: 200, detail: undefined });
      expect(r.body.state).toBe(to);
      return r.body;
    };
    await step('ipso', 'pre_selected');
    await step('ipso', 'audit_in_progress');
    await step('coordA', 'audit_submitted', { documentIds: [t.doc] });
    await step('ipso', 'changes_requested');
    await step('coordA', 'resubmitted');
    await step('ipso', 'gap_analysis');
    await step('ipso', 'copil_review');

    // Criteria not established (no declarations, no INSEE data): the CTIS needs ipso's written justification.
    const refused = await go('ipso', 'submitted_to_ctis');
    expect([refused.status, refused.body.code]).toEqual([409, 'criteres_non_remplis']);
    expect((await api.request('PUT', `/structures/${a}/candidacy/justification`, { token: t.coordA, body: { text: 'x'.repeat(30) } })).status).toBe(403);
    const j = await api.request('PUT', `/structures/${a}/candidacy/justification`, {
      token: t.ipso, body: { text: 'Structure rurale au profil de patientèle recherché ; données INSEE en cours d’import.' },
    });
    expect(j.status).toBe(200);
    await step('ipso', 'submitted_to_ctis');

    const missing = await go('ipso', 'ctis_approved');
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['decision.ctisDecisionDate', 'decision.ctisDecisionNumber']);
    const foreign = await go('ipso', 'ctis_approved', { decision: { ctisDecisionDate: '2026-11-02', ctisDecisionNumber: 'CTIS-2026-041', entryDate: '2027-01-01' } });
    expect(foreign.status).toBe(400);
    await step('ipso', 'ctis_approved', { decision: { ctisDecisionDate: '2026-11-02', ctisDecisionNumber: 'CTIS-2026-041' } });
    const conv = await step('ipso', 'convention_signed', { decision: { conventionNumber: 'CNAM-MTR2-007', conventionSignedOn: '2026-11-20', entryDate: '2027-01-01' } });
    expect(conv.entryDate).toBe('2027-01-01');
    const s = (await admin.query('SELECT state, convention_entry_date::text AS e FROM structures WHERE id = $1', [a])).rows[0];
    expect(s).toEqual({ state: 'convention_signed', e: '2027-01-01' });
    const active = await step('ipso', 'active');
    expect(active.history.map((h: { to: string }) => h.to)).toEqual([
      'pre_selected', 'audit_in_progress', 'audit_submitted', 'changes_requested', 'resubmitted', 'gap_analysis', 'copil_review',
      'submitted_to_ctis', 'ctis_approved', 'convention_signed', 'active',
    ]);
    const submitted = active.history.find((h: { to: string }) => h.to === 'audit_submitted');
    expect({ role: submitted.actorRole, actor: submitted.actorUserId, docs: submitted.documentIds }).toEqual({ role: 'coordinator', actor: u.coordA.id, docs: [t.doc] });
    expect(active.history.find((h: { to: string }) => h.to === 'ctis_approved').decision).toEqual({ ctisDecisionDate: '2026-11-02', ctisDecisionNumber: 'CTIS-2026-041' });
    const audit = await admin.query(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'candidacy.transition'`, [a]);
    expect(audit.rows[0].n).toBe(11);
    expect((await admin.query('SELECT state FROM structures WHERE id = $1', [a])).rows[0].state).toBe('active');
  });

  it('transitions are append-only, even for the application role', async () => {
    const app = await appClient();
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [a]);
      await expect(app.query(`UPDATE candidacy_transitions SET reason = 'réécrit'`)).rejects.toThrow(/permission denied|append-only/);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('suspension needs a CTIS decision; exit takes effect no earlier than 3 months after CNAM’s receipt', async () => {
    expect((await go('coordA', 'suspended', { decision: { ctisDecisionDate: '2026-11-03', ctisDecisionNumber: 'S-1' } })).status).toBe(403);
    expect((await go('ipso', 'suspended')).status).toBe(400);
    expect((await go('ipso', 'suspended', { decision: { ctisDecisionDate: '2026-11-03', ctisDecisionNumber: 'CTIS-S-1' } })).status).toBe(200);
    expect((await go('ipso', 'active', { decision: { ctisDecisionDate: '2026-11-10', ctisDecisionNumber: 'CTIS-S-2' } })).status).toBe(200);
    const notice = await go('coordA', 'exit_notified', { decision: { cnamReceiptDate: '2026-07-15' } });
    expect(notice.status).toBe(200);
    expect(notice.body.earliestExitOn).toBe('2026-10-15');
    expect((await go('coordA', 'exited', { decision: { effectiveOn: '2026-10-15' } })).status).toBe(403);
    const early = await go('ipso', 'exited', { decision: { effectiveOn: '2026-10-14' } });
    expect([early.status, early.body.code]).toEqual([422, 'preavis_non_respecte']);
    expect(early.body.detail).toMatch(/2026-10-15/);
    const done = await go('ipso', 'exited', { decision: { effectiveOn: '2026-10-15' } });
    expect([done.status, done.body.state, done.body.exitEffectiveOn]).toEqual([200, 'exited', '2026-10-15']);
    const end = await go('ipso', 'active');
    expect([end.status, end.body.allowed]).toEqual([409, []]);
  });

  describe('INSEE reference data and the AAV criterion', () => {
    const aavOf = async () => {
      const r = await api.request('GET', `/structures/${a}/candidacy/eligibility`, { token: t.ipso });
      expect(r.status).toBe(200);
      return r.body.criteria.find((c: { key: string }) => c.key === 'aav_pole');
    };
    const setCommune = (code: string) => admin.query('UPDATE structures SET insee_code = $2 WHERE id = $1', [a, code]);
    // Reference data is global: other files of the run (the demo seed) may write it. Hold a lock and start empty.
    let lock: Client;
    beforeAll(async () => {
      lock = await adminClient();
      await lock.query('SELECT pg_advisory_lock($1)', [REF_DATA_LOCK]);
      await lock.query('DELETE FROM ref_commune_populations; DELETE FROM ref_aav2020_communes; DELETE FROM ref_aav2020; DELETE FROM ref_imports');
    });
    afterAll(async () => {
      await lock.query('SELECT pg_advisory_unlock($1)', [REF_DATA_LOCK]);
      await lock.end();
    });

    it('without data the criterion is unknown and asks for the INSEE file', async () => {
      const c = await aavOf();
      expect(c.status).toBe('unknown');
      expect(c.evidence).toMatch(/importer le fichier INSEE/);
    });

    it('a bad workbook is a 400 naming the line, and nothing is imported', async () => {
      const bad = await aavWorkbook([['123', 'Périgueux', '2']], [['24322', 'Périgueux', '123', 14]]);
      const r = await api.request('POST', '/reference-data/aav2020', { token: t.ipso, body: { filename: 'AAV.xlsx', contentBase64: bad.toString('base64') } });
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ line: 7, column: 'CATEAAV2020' });
      expect((await admin.query('SELECT count(*)::int AS n FROM ref_aav2020_communes')).rows[0].n).toBe(0);
    });

    it('AAV population is computed from commune populations: 999 999 passes, 1 000 001 fails; CATEAAV 20 passes', async () => {
      const xlsx = await aavWorkbook(
        [['123', 'Petite aire', '3'], ['456', 'Grande aire', '4']],
        [['24322', 'Périgueux', '123', 11], ['24053', 'Boulazac', '123', 12], ['33063', 'Bordeaux', '456', 11], ['33039', 'Bègles', '456', 12], ['33001', 'Abzac', '456', 20]],
      );
      const r = await api.request('POST', '/reference-data/aav2020', { token: t.ipso, body: { filename: 'AAV2020_au_01-01-2024.xlsx', contentBase64: xlsx.toString('base64') } });
      expect([r.status, r.body.rowCount]).toEqual([201, 5]);
      const csv = 'CODGEO;PMUN\n24322;900000\n24053;99999\n33063;900000\n33039;99999\n33001;2\n';
      const p = await api.request('POST', '/reference-data/commune-populations', { token: t.ipso, body: { filename: 'pop.csv', contentBase64: Buffer.from(csv).toString('base64'), year: 2021 } });
      expect(p.status).toBe(201);

      await setCommune('24053'); // CATEAAV 12, AAV of 999 999
      let c = await aavOf();
      expect([c.status, c.evidence]).toEqual(['pass', expect.stringMatching(/999 999/)]);
      await setCommune('33039'); // CATEAAV 12, AAV of 1 000 001
      c = await aavOf();
      expect([c.status, c.evidence]).toEqual(['fail', expect.stringMatching(/1 000 001/)]);
      await setCommune('33001'); // CATEAAV 20 of the same AAV: couronne, not pôle
      expect((await aavOf()).status).toBe('pass');
      await setCommune('99999');
      expect((await aavOf()).status).toBe('unknown');
      await setCommune('24322');
    });
  });

  it('the dossier PDF is stored with its hash, immutable, and its text holds the structure name', async () => {
    expect((await api.request('POST', `/structures/${a}/candidacy/dossier`, { token: t.coordA })).status).toBe(403);
    const r = await api.request('POST', `/structures/${a}/candidacy/dossier`, { token: t.ipso });
    expect(r.status).toBe(201);
    const res = await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/structures/${a}/candidacy/dossier`, headers: { authorization: `Bearer ${t.ipso}` } });
    expect(res.statusCode).toBe(200);
    const pdf = res.rawPayload;
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(r.body.sha256);
    const dir = mkdtempSync(path.join(tmpdir(), 'dossier-'));
    writeFileSync(path.join(dir, 'd.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'd.pdf'), '-'], { encoding: 'utf8' });
    expect(text.replace(/\s+/g, ' ')).toContain('Maison de santé du Puy-Test');
    expect(text.replace(/\s+/g, '')).toContain('CTIS-2026-041');
    await expect(admin.query(`UPDATE generated_documents SET sha256 = repeat('0', 64) WHERE tenant_id = $1`, [a])).rejects.toThrow(/append-only/);
  });

  it('the portfolio shows every candidacy with its criteria and the programme milestones (ipso only)', async () => {
    const r = await api.request('GET', '/candidacies', { token: t.ipso });
    expect(r.status).toBe(200);
    const mine = r.body.candidacies.find((c: { structureId: string }) => c.structureId === a);
    expect(mine.eligibility.criteria.map((c: { key: string }) => c.key)).toContain('aav_pole');
    expect(r.body.milestones.map((m: { key: string }) => m.key)).toEqual(['copil_checkpoint', 'ctis_march_2027', 'ctis_june_2027']);
    expect(r.body.target.required).toBe(2);
  });
});
