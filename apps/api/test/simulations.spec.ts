import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { adminClient } from './db';
import { makeStructure, makeUser, nextRpps, type TestUser } from './factories';
import { TestApi } from './http';
import { makeCriterion, makeDoctor, makeEncounter, makePatient } from './patient-factories';
import { SimulationsService } from '../src/simulations/simulations.service';

/**
 * RULES §6 "financial simulations" (Annex 6: "extractable data … for financial simulations of
 * each doctor's forfaits"), issue #8 item 2, issue #4 §5. The candidate "Cabinet des Genêts" is
 * not in the programme: the engine's `simulate` treats every MT patient as included, evaluates
 * consommant status (RULES §2, 24 months ending 31 October 2026) and briques for the reference
 * month 2026-10, and prices the forfaits (RULES §3) at 5 / 15 / 25 %.
 *
 * Hand-computed patient list (ages on 1 October 2026):
 * - Dr A: P1 76 years + ALD (socle 65–79 10,50 € + ALD 7,10 €), seen 2026-06-10 (G) and at home
 *   2026-07-01 (VG+MD); P2 36 years (socle 6–64 8,50 €), seen 2025-11-15 and 2026-09-01 (G);
 *   P3 36 years, last seen 2024-01-01 → not consommant. A also saw P5, whose MT is outside the
 *   structure (not A's MT patient; that act is not replaced by the forfait).
 *   Net at 15 % (unit prices half-up to the cent): 8,93 + 6,04 + 7,23 = 22,20 €; at 5 %:
 *   9,98 + 6,75 + 8,08 = 24,81 €; at 25 %: 7,88 + 5,33 + 6,38 = 19,59 €.
 *   Fee-for-service computed over 2025-11 → 2026-10 (12 months): 3 × G 30 € + VG 30 € + MD 10 € =
 *   130 € → 10,83 € a month (half-up).
 * - Dr B: P4 26 years seen 2026-10-05 → 8,50 € gross, 7,23 € at 15 %; income declared 2 000 €/month.
 * - Dr C: P6 2 years (socle 0–5 12,80 € → 10,88 € at 15 %), seen 2026-01-10 for G+MEG: MEG has
 *   no tariff before 2026-05-01 in the dated table → computed income unavailable, gap unknown.
 */
describe('financial simulation of a candidate structure (RULES §6, issue #8 item 2)', () => {
  let api: TestApi;
  let admin: Client;
  let s: string;
  let empty: string;
  const dr = {} as Record<'A' | 'B' | 'C' | 'M', { id: string; rpps: string }>;
  const tok = {} as Record<'ipso' | 'coord' | 'practitioner' | 'coordOther' | 'coordEmpty', string>;
  let ipso: TestUser;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    s = await makeStructure(admin, { name: 'Cabinet des Genêts' });
    empty = await makeStructure(admin, { name: 'Cabinet sans patientèle' });
    const other = await makeStructure(admin, { name: 'Autre candidat' });
    dr.A = await makeDoctor(admin, s, { lastName: 'Arnaud', joinedOn: '2015-01-01' });
    // B's recorded arrival is the planned programme entry (as in the demo): a candidate's doctors are simulated as they are now.
    dr.B = await makeDoctor(admin, s, { lastName: 'Besson', joinedOn: '2027-04-01' });
    dr.C = await makeDoctor(admin, s, { lastName: 'Colin', joinedOn: '2015-01-01' });
    dr.M = await makeDoctor(admin, s, { lastName: 'Morel', joinedOn: '2015-01-01', profession: 'sage_femme' });
    await makeDoctor(admin, empty, { lastName: 'Seul', joinedOn: '2015-01-01' });

    const p1 = await makePatient(admin, s, { birth: '1950-01-01', sex: 'M', mtRpps: dr.A.rpps });
    await makeCriterion(admin, s, p1, 'ald', { detail: '8', date: '2015-01-01' });
    await makeEncounter(admin, s, p1, dr.A.rpps, '2026-06-10', 'consultation', ['G']);
    await makeEncounter(admin, s, p1, dr.A.rpps, '2026-07-01', 'visit', ['VG+MD']);
    const p2 = await makePatient(admin, s, { birth: '1990-01-01', sex: 'F', mtRpps: dr.A.rpps });
    await makeEncounter(admin, s, p2, dr.A.rpps, '2025-11-15', 'consultation', ['G']);
    await makeEncounter(admin, s, p2, dr.A.rpps, '2026-09-01', 'consultation', ['G']);
    const p3 = await makePatient(admin, s, { birth: '1990-01-01', sex: 'F', mtRpps: dr.A.rpps });
    await makeEncounter(admin, s, p3, dr.A.rpps, '2024-01-01', 'consultation', ['G']);
    const p4 = await makePatient(admin, s, { birth: '2000-01-01', sex: 'M', mtRpps: dr.B.rpps });
    await makeEncounter(admin, s, p4, dr.B.rpps, '2026-10-05', 'consultation', ['G']);
    const p5 = await makePatient(admin, s, { birth: '1980-01-01', sex: 'M', mtRpps: nextRpps() });
    await makeEncounter(admin, s, p5, dr.A.rpps, '2026-08-01', 'consultation', ['G']);
    const p6 = await makePatient(admin, s, { birth: '2024-06-01', sex: 'F', mtRpps: dr.C.rpps, mtFrom: '2024-07-01' });
    await makeEncounter(admin, s, p6, dr.C.rpps, '2026-01-10', 'consultation', ['G+MEG']);

    ipso = await makeUser(admin, { platformRole: 'ipso_team' });
    tok.ipso = (await api.login(ipso)).accessToken;
    tok.coord = (await api.login(await makeUser(admin, { membership: { tenantId: s, role: 'coordinator' } }))).accessToken;
    tok.practitioner = (await api.login(await makeUser(admin, { membership: { tenantId: s, role: 'practitioner' } }))).accessToken;
    tok.coordOther = (await api.login(await makeUser(admin, { membership: { tenantId: other, role: 'coordinator' } }))).accessToken;
    tok.coordEmpty = (await api.login(await makeUser(admin, { membership: { tenantId: empty, role: 'coordinator' } }))).accessToken;
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  const run = (token: string, body: unknown, id = s) => api.request('POST', `/structures/${id}/simulation`, { token, body });
  const doctor = (body: { doctors: { practitionerId: string }[] }, who: keyof typeof dr) => body.doctors.find((d) => d.practitionerId === dr[who].id)! as any; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('gives each doctor the expected net at 5 / 15 / 25 % (RULES §3), monthly and annual, with the gap to declared or computed income', async () => {
    const r = await run(tok.ipso, { referenceMonth: '2026-10', feeForService: [{ practitionerId: dr.B.id, monthlyCents: 200_000 }] });
    expect({ status: r.status, body: r.status === 201 ? null : r.body }).toEqual({ status: 201, body: null });
    expect(r.body.rates).toEqual(['0.05', '0.15', '0.25']);
    const a = doctor(r.body, 'A');
    expect([a.mtPatients, a.paidPatients]).toEqual([3, 2]);
    expect(a.lines.map((l: { code: string; count: number }) => [l.code, l.count])).toEqual(
      expect.arrayContaining([['socle_65_79', 1], ['socle_6_64', 1], ['ald', 1]]),
    );
    expect(a.grossMonthlyCents).toBe(1050 + 850 + 710);
    expect(a.byRate.map((x: { netMonthlyCents: number }) => x.netMonthlyCents)).toEqual([2481, 2220, 1959]);
    // Computed from the imported activity: 130 € over 12 months, the act on P5 (MT outside) left out.
    expect(a.currentIncome).toMatchObject({ source: 'computed', monthlyCents: 1083 });
    expect(a.currentIncome.detail).toMatch(/4 acte\(s\) de l’annexe 3.*12 mois/);
    expect(a.byRate[1]).toEqual({ rate: '0.15', ratePercent: '15\u00a0%', netMonthlyCents: 2220, netAnnualCents: 26_640, gapMonthlyCents: 2220 - 1083, gapAnnualCents: (2220 - 1083) * 12 });

    const b = doctor(r.body, 'B');
    expect(b.currentIncome).toMatchObject({ source: 'declared', monthlyCents: 200_000 });
    expect(b.byRate[1]).toMatchObject({ netMonthlyCents: 723, gapMonthlyCents: 723 - 200_000, gapAnnualCents: (723 - 200_000) * 12 });

    const c = doctor(r.body, 'C');
    expect(c.byRate[1].netMonthlyCents).toBe(1088);
    expect(c.currentIncome.source).toBe('unavailable');
    expect(c.currentIncome.detail).toMatch(/MEG au 2026-01-10/);
    expect(c.byRate[1].gapMonthlyCents).toBeNull();

    // The midwife is no MT doctor: she is not simulated (RULES §1: patients of the structure's doctors).
    expect(r.body.doctors.map((d: { practitionerId: string }) => d.practitionerId)).not.toContain(dr.M.id);
    expect(r.body.structure.byRate[1].netMonthlyCents).toBe(2220 + 723 + 1088);
    expect(r.body.assumptions.join(' ')).toMatch(/supposés inclus/);
    expect(r.body.inputsFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores the latest simulation per structure: a new run replaces it, GET returns it, every run is audited', async () => {
    const r = await run(tok.coord, { referenceMonth: '2026-10', feeForService: [{ practitionerId: dr.A.id, monthlyCents: 5_000 }] });
    expect(r.status).toBe(201);
    expect(doctor(r.body, 'A').currentIncome).toMatchObject({ source: 'declared', monthlyCents: 5_000 });
    expect(doctor(r.body, 'A').byRate[1].gapMonthlyCents).toBe(2220 - 5_000);
    // B's income is no longer declared: computed from the activity (one G in 12 months = 2,50 € a month).
    expect(doctor(r.body, 'B').currentIncome).toMatchObject({ source: 'computed', monthlyCents: 250 });
    const g = await api.request('GET', `/structures/${s}/simulation`, { token: tok.ipso });
    expect(g.status).toBe(200);
    expect(g.body.id).toBe(r.body.id);
    expect(g.body.createdBy.role).toBe('coordinator');
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM financial_simulations WHERE tenant_id = $1`, [s]);
    expect(rows[0].n).toBe(1);
    const audit = await admin.query(`SELECT detail FROM audit_events WHERE tenant_id = $1 AND action = 'simulation.run' ORDER BY seq`, [s]);
    expect(audit.rows).toHaveLength(2);
    expect(audit.rows[1].detail.inputsFingerprint).toBe(r.body.inputsFingerprint);
  });

  it('defaults to the last full month (Europe/Paris)', async () => {
    const service = api.app.get(SimulationsService);
    const saved = service.clock.now;
    service.clock.now = () => new Date('2026-11-01T00:30:00+01:00');
    try {
      const r = await run(tok.ipso, {});
      expect(r.status).toBe(201);
      expect(r.body.referenceMonth).toBe('2026-10');
      const future = await run(tok.ipso, { referenceMonth: '2026-11' });
      expect(future.status).toBe(400);
      expect(future.body.errors[0].field).toBe('referenceMonth');
    } finally {
      service.clock.now = saved;
    }
  });

  it('refuses an unknown practitioner or a non-doctor in the body (400 naming the field), writing nothing', async () => {
    const before = await admin.query(`SELECT id FROM financial_simulations WHERE tenant_id = $1`, [s]);
    const r = await run(tok.ipso, { referenceMonth: '2026-10', feeForService: [{ practitionerId: '00000000-0000-4000-8000-000000000000', monthlyCents: 100 }] });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.detail).toContain('feeForService[0].practitionerId');
    expect(r.body.errors[0]).toMatchObject({ field: 'feeForService[0].practitionerId', code: 'praticien_inconnu' });
    const m = await run(tok.ipso, { referenceMonth: '2026-10', feeForService: [{ practitionerId: dr.A.id, monthlyCents: 1 }, { practitionerId: dr.M.id, monthlyCents: 100 }] });
    expect(m.status).toBe(400);
    expect(m.body.errors[0]).toMatchObject({ field: 'feeForService[1].practitionerId', code: 'pas_medecin' });
    const neg = await run(tok.ipso, { feeForService: [{ practitionerId: dr.A.id, monthlyCents: -1 }] });
    expect(neg.status).toBe(400);
    expect(neg.body.detail).toContain('feeForService.0.monthlyCents');
    expect((await admin.query(`SELECT id FROM financial_simulations WHERE tenant_id = $1`, [s])).rows).toEqual(before.rows);
  });

  it('without an imported patient list: 422 saying to import it first; nothing stored (GET 404)', async () => {
    const r = await run(tok.coordEmpty, {}, empty);
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('patientele_absente');
    expect(r.body.detail).toMatch(/importez d’abord la patientèle/);
    const g = await api.request('GET', `/structures/${empty}/simulation`, { token: tok.coordEmpty });
    expect(g.status).toBe(404);
    expect(g.body.detail).toMatch(/Aucune simulation/);
  });

  it('a practitioner is refused (403); a coordinator of another structure does not see it exists (404)', async () => {
    expect((await run(tok.practitioner, {})).status).toBe(403);
    expect((await api.request('GET', `/structures/${s}/simulation`, { token: tok.practitioner })).status).toBe(403);
    expect((await run(tok.coordOther, {})).status).toBe(404);
    expect((await api.request('GET', `/structures/${s}/simulation`, { token: tok.coordOther })).status).toBe(404);
  });

  it('the candidacy dossier PDF (issue #4 §5) prints the stored simulation: net per doctor at 5 / 15 / 25 % and the gap', async () => {
    const r = await run(tok.ipso, { referenceMonth: '2026-10', feeForService: [{ practitionerId: dr.B.id, monthlyCents: 200_000 }] });
    expect(r.status).toBe(201);
    expect((await api.request('POST', `/structures/${s}/candidacy`, { token: tok.ipso, body: { reason: 'Premier contact' } })).status).toBe(201);
    const d = await api.request('POST', `/structures/${s}/candidacy/dossier`, { token: tok.ipso });
    expect(d.status).toBe(201);
    const res = await api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/structures/${s}/candidacy/dossier`, headers: { authorization: `Bearer ${tok.ipso}` } });
    expect(res.statusCode).toBe(200);
    const dir = mkdtempSync(path.join(tmpdir(), 'simulation-dossier-'));
    writeFileSync(path.join(dir, 'd.pdf'), res.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'd.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('5. Simulation financière');
    expect(text).toContain('octobre 2026');
    expect(text).toMatch(/Dr Claire 3 ?\/ ?2 10,83 € .*Arnaud/);
    // A: 22,20 € at 15 %, gap +11,37 €; B: gap −1 992,77 € at 15 %.
    expect(text).toContain('22,20 €');
    expect(text).toContain('+11,37 €');
    expect(text).toContain('-1 992,77 €');
    expect(text).not.toContain('Simulation non disponible');
  });
});
