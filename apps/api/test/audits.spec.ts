import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { ANNEX6_V1, missingRequiredLinkIds, type AnswerMap, type QuestionnaireItem } from '@mtr/audit-questionnaire';
import { adminClient } from './db';
import { makeStructure, makeUser, type TestUser } from './factories';
import { TestApi } from './http';

/**
 * Issue #4 §4, §6 — the Annex 6 audit through the API: versioning (a response stays on its
 * version), autosave with its conflict check, bad input refused with nothing written, the
 * request-changes loop with its diff, threads kept internal, rubric, CSV and FHIR exports,
 * and a coordinator of B who cannot see A's audit.
 */
describe('Annex 6 audit API (issue #4)', () => {
  let api: TestApi;
  let admin: Client;
  let a: string;
  let b: string;
  const t: Record<string, string> = {};
  const u: Record<string, TestUser> = {};
  const items = new Map<string, QuestionnaireItem>();
  const walk = (xs: readonly QuestionnaireItem[]) => xs.forEach((i) => (items.set(i.linkId, i), walk(i.item ?? [])));
  walk(ANNEX6_V1.item);

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    a = await makeStructure(admin, { name: 'Maison de santé Audit-A' });
    b = await makeStructure(admin, { name: 'Maison de santé Audit-B' });
    u.ipso = await makeUser(admin, { platformRole: 'ipso_team' });
    u.coordA = await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } });
    u.coordA2 = await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } });
    u.coordB = await makeUser(admin, { membership: { tenantId: b, role: 'coordinator' } });
    for (const k of Object.keys(u)) t[k] = (await api.login(u[k])).accessToken;
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  const req = (who: string, method: string, p: string, body?: unknown, s = a) => api.request(method, `/structures/${s}/audit${p}`, { token: t[who], body });
  const save = (who: string, linkId: string, value: unknown, expectedRevision: number, s = a) => req(who, 'PUT', '/answers', { linkId, value, expectedRevision }, s);
  const rows = async (table: string) => Number((await admin.query(`SELECT count(*) FROM ${table} WHERE tenant_id = $1`, [a])).rows[0].count);
  const snapshot = async () => [await rows('audit_answers'), await rows('audit_answer_revisions'), await rows('audit_attachments'), await rows('audit_submissions')];
  const valueFor = (i: QuestionnaireItem): unknown => {
    switch (i.type) {
      case 'boolean': return true;
      case 'choice': return i.answerOption?.[0]?.valueCoding?.code;
      case 'decimal': case 'integer': return 1;
      default: return `Réponse à ${i.linkId}`;
    }
  };

  it('ipso opens the audit pinned to the latest version; the structure cannot open it; B sees nothing of A', async () => {
    expect((await req('coordA', 'POST', '')).status).toBe(403);
    const r = await req('ipso', 'POST', '');
    expect(r.status).toBe(201);
    expect(r.body.response.questionnaire).toEqual({ url: ANNEX6_V1.url, version: '1.0.0' });
    expect(r.body.response.status).toBe('draft');
    expect((await req('coordB', 'GET', '')).status).toBe(404);
    expect((await save('coordB', 'I.1.a', 'intrus', 0)).status).toBe(404);
    expect((await req('coordB', 'GET', '/export')).status).toBe(404);
  });

  it('versioning: a new published version leaves the response on its own; a published version never changes', async () => {
    const v11 = { ...structuredClone(ANNEX6_V1), version: '1.1.0', title: `${ANNEX6_V1.title} (révision)` } as Record<string, unknown>;
    const p = await api.request('POST', '/audit-templates', { token: t.ipso, body: v11 });
    expect([p.status, p.body.version]).toEqual([201, '1.1.0']);
    expect((await api.request('POST', '/audit-templates', { token: t.coordA, body: v11 })).status).toBe(403);
    const changed = await api.request('POST', '/audit-templates', { token: t.ipso, body: { ...v11, title: 'Autre contenu' } });
    expect(changed.status).toBe(409);
    expect((await req('ipso', 'GET', '')).body.response.questionnaire.version).toBe('1.0.0');
    const rb = await req('ipso', 'POST', '', undefined, b);
    expect(rb.body.response.questionnaire.version).toBe('1.1.0');
    const list = await api.request('GET', '/audit-templates', { token: t.coordA });
    expect(list.body.map((x: { version: string }) => x.version)).toEqual(expect.arrayContaining(['1.0.0', '1.1.0']));
    const one = await api.request('GET', `/audit-templates/version?url=${encodeURIComponent(ANNEX6_V1.url)}&version=1.0.0`, { token: t.coordA });
    expect([one.status, one.body.version]).toEqual([200, '1.0.0']);
  });

  it('autosave: two coordinators editing one answer — the second gets a 409 with the current answer, nothing overwritten', async () => {
    const first = await save('coordA', 'I.1.a', 'Trois généralistes et une IPA', 0);
    expect([first.status, first.body.answer.revision]).toEqual([200, 1]);
    const before = await snapshot();
    const second = await save('coordA2', 'I.1.a', 'Autre version', 0);
    expect([second.status, second.body.code]).toEqual([409, 'revision_conflict']);
    expect(second.body.current.value).toBe('Trois généralistes et une IPA');
    expect(await snapshot()).toEqual(before);
    const again = await save('coordA2', 'I.1.a', 'Trois généralistes, une IPA, une sage-femme', 1);
    expect([again.status, again.body.answer.revision]).toEqual([200, 2]);
  });

  it('bad input → 4xx problem+json in French, nothing written', async () => {
    const before = await snapshot();
    const boolItem = [...items.values()].find((i) => i.type === 'boolean')!;
    const cases = [
      await save('coordA', 'Z.99', 'x', 0),
      await save('coordA', boolItem.linkId, 'oui', 0),
      await req('coordA', 'POST', '/attachments', {
        linkId: 'V.2.a.2', expectedRevision: 0, filename: 'gros.pdf', mediaType: 'application/pdf',
        contentBase64: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(710 * 1024)]).toString('base64'),
      }),
      await req('coordA', 'POST', '/attachments', { linkId: 'V.2.a.2', expectedRevision: 0, filename: 'x.png', mediaType: 'image/png', contentBase64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1]).toString('base64') }),
      await save('coordA', 'I.1.a', 'x', 0, a).then(() => req('coordA', 'PUT', '/answers', { linkId: 'I.1.a', value: 'x', expectedRevision: 2, extra: 1 })),
    ];
    for (const r of cases) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body.detail).toMatch(/[a-zé]/);
    }
    expect(cases.map((r) => r.body.code).slice(0, 2)).toEqual(['unknown_link_id', 'wrong_answer_type']);
    expect(await snapshot()).toEqual(before);
  });

  it('attachment: stored with its SHA-256 and saved as the answer', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% contrat de remplacement type\n');
    const r = await req('coordA', 'POST', '/attachments', { linkId: 'V.2.a.2', expectedRevision: 0, filename: 'contrat-type.pdf', mediaType: 'application/pdf', contentBase64: pdf.toString('base64') });
    expect(r.status).toBe(201);
    expect(r.body.answer.value.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    const back = await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/structures/${a}/audit/attachments/${r.body.answer.value.storageKey}`, headers: { authorization: `Bearer ${t.ipso}` } });
    expect(back.rawPayload.equals(pdf)).toBe(true);
  });

  it('submission, edit refused, request changes, resubmission with the diff since the last submission', async () => {
    const early = await req('coordA', 'POST', '/submit');
    expect([early.status, early.body.code]).toEqual([422, 'missing_required_answers']);
    // Fill every required question (answers may enable further ones).
    for (let round = 0; round < 5; round++) {
      const cur = (await req('coordA', 'GET', '')).body.response.answers as AnswerMap;
      const missing = missingRequiredLinkIds(ANNEX6_V1, cur);
      if (!missing.length) break;
      for (const id of missing) expect((await save('coordA', id, valueFor(items.get(id)!), cur[id]?.revision ?? 0)).status).toBe(200);
    }
    const s1 = await req('coordA', 'POST', '/submit');
    expect([s1.status, s1.body.response.status, s1.body.response.submissions.length]).toEqual([200, 'submitted', 1]);
    const before = await snapshot();
    const locked = await save('coordA', 'I.1.b', 'modification tardive', 1);
    expect([locked.status, locked.body.code]).toEqual([409, 'response_not_editable']);
    expect(await snapshot()).toEqual(before);
    expect((await req('coordA', 'POST', '/request-changes', { flaggedLinkIds: ['I.1.b'] })).status).toBe(403);
    const cr = await req('ipso', 'POST', '/request-changes', { flaggedLinkIds: ['I.1.b'], note: 'Précisez les horaires.' });
    expect([cr.status, cr.body.response.status]).toEqual([200, 'changes_requested']);
    const rev = (await req('coordA', 'GET', '')).body.response.answers['I.1.b'].revision;
    expect((await save('coordA', 'I.1.b', 'Ouvert de 8 h à 20 h, samedi matin', rev)).status).toBe(200);
    const s2 = await req('coordA', 'POST', '/submit');
    expect([s2.status, s2.body.response.status]).toEqual([200, 'resubmitted']);
    const diff = s2.body.response.submissions[1].diff;
    expect(diff).toEqual([expect.objectContaining({ linkId: 'I.1.b', change: 'changed', flagged: true, after: 'Ouvert de 8 h à 20 h, samedi matin' })]);
    expect(await rows('audit_submissions')).toBe(2);
    await expect(admin.query(`UPDATE audit_submissions SET diff = '[]' WHERE tenant_id = $1`, [a])).rejects.toThrow(/append-only/);
  });

  it('threads: internal ones stay with ipso; shared ones are a conversation with the structure', async () => {
    const internal = await req('ipso', 'POST', '/threads', { linkId: 'I.1.b', visibility: 'internal', body: 'Horaires à vérifier sur place.' });
    expect(internal.status).toBe(201);
    expect((await req('coordA', 'POST', '/threads', { linkId: 'I.1.b', visibility: 'internal', body: 'x' })).status).toBe(403);
    const shared = await req('ipso', 'POST', '/threads', { linkId: 'I.1.a', visibility: 'shared', body: 'Quelle est la part de temps de l’IPA ?' });
    const mine = (await req('coordA', 'GET', '')).body.threads.map((x: { id: string }) => x.id);
    expect(mine).toEqual([shared.body.id]);
    expect((await req('coordA', 'POST', `/threads/${internal.body.id}`, { action: 'reply', body: 'vu' })).status).toBe(404);
    expect((await req('coordA', 'POST', `/threads/${shared.body.id}`, { action: 'reply', body: 'Un mi-temps.' })).status).toBe(200);
    expect((await req('coordA', 'POST', `/threads/${shared.body.id}`, { action: 'resolve' })).status).toBe(403);
    expect((await req('ipso', 'POST', `/threads/${shared.body.id}`, { action: 'resolve' })).body.status).toBe('resolved');
  });

  it('rubric: ipso only, a score needs its justification; hidden from the structure', async () => {
    expect((await req('ipso', 'PUT', '/rubric', { sectionLinkId: 'I', score: 2, justification: '  ' })).status).toBe(422);
    expect((await req('ipso', 'PUT', '/rubric', { sectionLinkId: 'I', score: 7, justification: 'x' })).status).toBe(422);
    expect((await req('coordA', 'PUT', '/rubric', { sectionLinkId: 'I', score: 3, justification: 'auto-évaluation' })).status).toBe(403);
    const r = await req('ipso', 'PUT', '/rubric', { sectionLinkId: 'I', score: 2, justification: 'Organisation médicale solide, horaires larges.' });
    expect(r.status).toBe(200);
    expect(r.body.sections.find((s: { linkId: string }) => s.linkId === 'I').score).toBe(2);
    expect((await req('coordA', 'GET', '')).body.rubric).toBeNull();
  });

  it('exports: CSV one row per structure × linkId; FHIR QuestionnaireResponse pinned to its version', async () => {
    const csv = await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/structures/${a}/audit/export?format=csv`, headers: { authorization: `Bearer ${t.coordA}` } });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const answerable = [...items.values()].filter((i) => i.type !== 'group' && i.type !== 'display').length;
    expect(lines.length).toBe(1 + answerable);
    expect(lines.find((l) => l.includes(';I.1.b;'))).toMatch(/8 h à 20 h/);
    const fhir = await api.request('GET', `/structures/${a}/audit/export?format=fhir`, { token: t.ipso });
    const doc = typeof fhir.body === 'string' ? JSON.parse(fhir.body) : fhir.body;
    expect(doc.resourceType).toBe('QuestionnaireResponse');
    expect(doc.questionnaire).toBe(`${ANNEX6_V1.url}|1.0.0`);
    expect(doc.subject.display).toBe('Maison de santé Audit-A');
  });

  it('accept, then the dossier carries the answers and the scores', async () => {
    expect((await req('coordA', 'POST', '/accept')).status).toBe(403);
    expect((await req('ipso', 'POST', '/accept')).body.response.status).toBe('accepted');
    expect((await api.request('POST', `/structures/${a}/candidacy`, { token: t.ipso, body: {} })).status).toBe(201);
    expect((await api.request('POST', `/structures/${a}/candidacy/dossier`, { token: t.ipso })).status).toBe(201);
    const res = await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/structures/${a}/candidacy/dossier`, headers: { authorization: `Bearer ${t.ipso}` } });
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-dossier-'));
    writeFileSync(path.join(dir, 'd.pdf'), res.rawPayload);
    const text = execFileSync('pdftotext', [path.join(dir, 'd.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Maison de santé Audit-A');
    expect(text).toContain('Organisation médicale solide');
    expect(text).toContain('samedi matin');
  });
});
