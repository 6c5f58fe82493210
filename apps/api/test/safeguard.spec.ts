import { createHash, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { adminClient, appClient } from './db';
import { makeStructure, makeUser, nextRpps, type TestUser } from './factories';
import { TestApi } from './http';
import { loadSafeguard } from '../src/indicators/indicator-store';
import { SafeguardService } from '../src/safeguard/safeguard.service';
import { euros } from '../src/pdf/french-format';

/**
 * Issue #6 §4 — RULES §5 "Safeguard clause" (specification §8 "clause de sauvegarde"): each
 * doctor of a non-ipso structure, during the first 12 months of their own participation, earns
 * no less than fee-for-service: compensation = max(0, fee-for-service value − forfait income),
 * cumulative, with a monthly provisional view. Forfaits come from the issued monthly statements,
 * the fee-for-service value from the Annex 3 acts with majorations at the tariff of the act date.
 *
 * Structure "MSP des Capucins", entry E = 2026-05-01, monthly statements issued May 2026 – July
 * 2027 except April 2027 (issued later in the test):
 * - Dr A (joined before E): window 2026-05 – 2027-04; forfaits 50 € a month; every month a visit
 *   VG+MD (30 + 10 €) and an ECG DEQP003 (14,26 €) = 54,26 € → 4,26 € a month more at the act.
 * - Dr C: forfaits 100 € a month; one G (30 €) a month, CCX in Dec 2026 and Jan 2027.
 * - Dr B arrives 2026-08-10: their own window 2026-08 – 2027-07.
 * - A midwife bills SF 12,6 on A's MT patient in June 2026; A bills a G on C's patient in June.
 */
const E = '2026-05-01';
const MONTHS = Array.from({ length: 15 }, (_, i) => {
  const d = new Date(Date.UTC(2026, 4 + i, 1));
  return d.toISOString().slice(0, 7);
}); // 2026-05 … 2027-07

describe('safeguard clause (RULES §5, issue #6 §4)', () => {
  let api: TestApi;
  let admin: Client;
  let service: SafeguardService;
  let s: string;
  let other: string;
  const dr: Record<'A' | 'B' | 'C' | 'M', { id: string; rpps: string }> = {} as never;
  const patient: Record<'P1' | 'P2' | 'P3', string> = {} as never;
  let coordinator: TestUser;
  let practitionerA: TestUser;
  let coordinatorOther: TestUser;
  let ipso: TestUser;
  const tok: Record<string, string> = {};

  async function practitioner(tenant: string, profession: string, joinedOn: string) {
    const rpps = nextRpps();
    const { rows } = await admin.query(
      `INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on)
       VALUES ($1, $2, $3, 'Test', $4, $5) RETURNING id`,
      [tenant, rpps, `Dr-${profession}-${joinedOn}`, profession, joinedOn],
    );
    return { id: rows[0].id as string, rpps };
  }
  async function makePatient(tenant: string, ext: string, mt: string, mtFrom: string) {
    const { rows } = await admin.query(
      `INSERT INTO patients (tenant_id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, mt_rpps, mt_from, digest, import_id)
       VALUES ($1, $2, '\\x00', 'k1', '\\x00', '1960-01-01', 'F', $3, $4, '\\x00', gen_random_uuid()) RETURNING id`,
      [tenant, ext, mt, mtFrom],
    );
    return rows[0].id as string;
  }
  async function encounter(patientId: string, rpps: string, date: string, kind: string, acts: string[]) {
    await admin.query(
      `INSERT INTO encounters (tenant_id, patient_id, practitioner_rpps, date, kind, acts, digest, import_id)
       VALUES ($1, $2, $3, $4, $5, $6, '\\x00', gen_random_uuid())`,
      [s, patientId, rpps, date, kind, acts],
    );
  }
  /** An issued monthly statement, seeded as statements-immutability.spec.ts does. */
  async function issueMonth(month: string) {
    const { rows } = await admin.query(
      `INSERT INTO statements (tenant_id, month, version, number, input_fingerprint, gross_cents, net_cents, leakage_rate, status, issued_at)
       VALUES ($1, $2, 1, $3, $4, 0, 0, '0.15', 'issued', now()) RETURNING id`,
      [s, month, `MTR2-CAP-${month}-v1`, 'b'.repeat(64)],
    );
    const id = rows[0].id as string;
    const lines: [string, number, string[]][] = [
      [dr.A.id, 5000, [patient.P1]],
      [dr.C.id, 10000, [patient.P3]],
      ...(month >= '2026-08' ? ([[dr.B.id, 2000, [patient.P2]]] as [string, number, string[]][]) : []),
    ];
    for (const [practitionerId, amount, patients] of lines) {
      await admin.query(
        `INSERT INTO statement_lines (tenant_id, statement_id, practitioner_id, line_code, patient_count, unit_gross_cents, unit_net_cents, amount_cents)
         VALUES ($1, $2, $3, 'socle_6_64', 1, $4, $4, $4)`,
        [s, id, practitionerId, amount],
      );
      for (const p of patients)
        await admin.query(
          `INSERT INTO statement_patient_lines (tenant_id, statement_id, patient_id, practitioner_id, line_code, gross_cents, net_cents, explanation)
           VALUES ($1, $2, $3, $4, 'socle_6_64', $5, $5, '{"included": true, "consommant": true}')`,
          [s, id, p, practitionerId, amount],
        );
    }
  }
  const get = (url: string, token = tok.coordinator) => api.request('GET', url, { token });
  const at = (day: string) => {
    service.clock.now = () => new Date(`${day}T12:00:00Z`);
  };

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    service = api.app.get(SafeguardService);
    s = await makeStructure(admin, { name: 'MSP des Capucins' });
    other = await makeStructure(admin, { name: 'MSP voisine' });
    await admin.query(`UPDATE structures SET convention_entry_date = $2, state = 'active' WHERE id = ANY($1)`, [[s, other], E]);
    dr.A = await practitioner(s, 'medecin_generaliste', '2026-03-01');
    dr.C = await practitioner(s, 'medecin_generaliste', E);
    dr.B = await practitioner(s, 'medecin_generaliste', '2026-08-10');
    dr.M = await practitioner(s, 'sage_femme', E);
    patient.P1 = await makePatient(s, 'P1', dr.A.rpps, '2020-01-01');
    patient.P2 = await makePatient(s, 'P2', dr.B.rpps, '2026-08-15');
    patient.P3 = await makePatient(s, 'P3', dr.C.rpps, '2019-06-01');
    for (const m of MONTHS) {
      if (m <= '2027-04') await encounter(patient.P1, dr.A.rpps, `${m}-10`, 'visit', ['VG+MD', 'DEQP003']);
      await encounter(patient.P3, dr.C.rpps, `${m}-11`, 'consultation', ['G']);
      if (m >= '2026-08') await encounter(patient.P2, dr.B.rpps, `${m}-12`, 'consultation', ['G']);
      if (m !== '2027-04') await issueMonth(m);
    }
    await encounter(patient.P2, dr.B.rpps, '2027-08-05', 'consultation', ['G']); // after B's window
    await encounter(patient.P1, dr.M.rpps, '2026-06-20', 'consultation', ['SF12,6']); // midwife on A's MT patient
    await encounter(patient.P3, dr.A.rpps, '2026-06-21', 'consultation', ['G']); // A on C's patient
    await encounter(patient.P3, dr.C.rpps, '2026-12-15', 'visit', ['CCX']);
    await encounter(patient.P3, dr.C.rpps, '2027-01-15', 'visit', ['CCX']);

    coordinator = await makeUser(admin, { membership: { tenantId: s, role: 'coordinator' } });
    practitionerA = await makeUser(admin, { membership: { tenantId: s, role: 'practitioner' } });
    await admin.query(`UPDATE memberships SET practitioner_id = $1 WHERE user_id = $2`, [dr.A.id, practitionerA.id]);
    coordinatorOther = await makeUser(admin, { membership: { tenantId: other, role: 'coordinator' } });
    ipso = await makeUser(admin, { platformRole: 'ipso_team' });
    for (const [k, u] of Object.entries({ coordinator, practitionerA, coordinatorOther, ipso }))
      tok[k] = (await api.login(u)).accessToken;
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  it('names the missing tariff instead of guessing (Annex 3 act without a dated tariff → 422)', async () => {
    const r = await get(`/structures/${s}/safeguard/${dr.C.id}?asOf=2027-01`);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'tarif_manquant' });
    expect(r.body.detail).toMatch(/CCX au 2026-12-15/);
  });

  it('ipso adds dated tariffs; a tariff change mid-window applies by act date; overlaps are refused (RULES §5 [param])', async () => {
    const body = (amountCents: number, validFrom: string, validTo?: string) => ({
      code: 'CCX',
      label: 'Consultation complexe',
      amountCents,
      validFrom,
      ...(validTo ? { validTo } : {}),
      source: 'Tarif de test (avenant fictif publié au JO de test)',
    });
    expect((await api.request('POST', '/reference-data/tariffs', { token: tok.coordinator, body: body(5000, E) })).status).toBe(403);
    const first = await api.request('POST', '/reference-data/tariffs', { token: tok.ipso, body: body(5000, E) });
    expect(first.status).toBe(201);
    const second = await api.request('POST', '/reference-data/tariffs', { token: tok.ipso, body: body(6000, '2027-01-01') });
    expect(second.status).toBe(201);
    expect(second.body.closedTariffId).toBe(first.body.id); // the open period closes the day before
    const overlap = await api.request('POST', '/reference-data/tariffs', { token: tok.ipso, body: body(5500, '2026-06-01', '2026-06-30') });
    expect(overlap.status).toBe(409);
    expect(overlap.body).toMatchObject({ code: 'tarif_chevauchant' });
    expect(overlap.body.detail).toMatch(/chevaucher/);

    const list = await get('/reference-data/tariffs?code=CCX');
    expect(list.status).toBe(200);
    expect(list.body.map((t: { amountCents: number; validFrom: string; validTo: string | null }) => [t.amountCents, t.validFrom, t.validTo])).toEqual([
      [5000, E, '2026-12-31'],
      [6000, '2027-01-01', null],
    ]);
    const seeded = await get('/reference-data/tariffs?code=G&on=2026-06-01');
    expect(seeded.body).toHaveLength(1);
    expect(seeded.body[0]).toMatchObject({ amountCents: 3000, validFrom: '2024-12-22' });
    expect(seeded.body[0].source).toMatch(/Convention médicale 2024-2029/);

    const c = await get(`/structures/${s}/safeguard/${dr.C.id}?asOf=2027-01`);
    expect(c.status).toBe(200);
    const byMonth = Object.fromEntries(c.body.months.map((m: { month: string; feeForServiceCents: number }) => [m.month, m.feeForServiceCents]));
    expect(byMonth['2026-12']).toBe(3000 + 5000); // G + CCX at 50 € (act of 15 Dec)
    expect(byMonth['2027-01']).toBe(3000 + 6000); // G + CCX at 60 € (act of 15 Jan)
    expect(c.body.tariffs.map((t: { code: string }) => t.code).sort()).toEqual(['CCX', 'CCX', 'G']);
  });

  it('compensates when fee-for-service is above the forfaits, with a monthly provisional view', async () => {
    const r = await get(`/structures/${s}/safeguard/${dr.A.id}?asOf=2026-07`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ windowStart: '2026-05', windowEnd: '2027-04', status: 'in_progress', final: false, method: 'actsByDoctor' });
    expect(r.body.months.map((m: { feeForServiceCents: number }) => m.feeForServiceCents)).toEqual([5426, 5426 + 3000, 5426]);
    expect(r.body.months.map((m: { forfaitNetCents: number }) => m.forfaitNetCents)).toEqual([5000, 5000, 5000]);
    expect(r.body.months.map((m: { runningDifferenceCents: number }) => m.runningDifferenceCents)).toEqual([426, 3852, 4278]);
    expect(r.body.totals.compensationCents).toBe(4278);
    expect(r.body.months[0].monthlyStatement).toMatchObject({ number: 'MTR2-CAP-2026-05-v1', version: 1 });
  });

  it('pays nothing when the forfaits are at least the fee-for-service value', async () => {
    const r = await get(`/structures/${s}/safeguard/${dr.C.id}?asOf=2027-04`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'complete', final: true, asOfMonth: '2027-04' });
    // April 2027 is not issued yet: no forfait that month, and the patient is not included in it.
    expect(r.body.totals).toEqual({
      forfaitNetCents: 11 * 10000,
      feeForServiceCents: 11 * 3000 + 5000 + 6000,
      differenceCents: 11 * 3000 + 11000 - 110000,
      compensationCents: 0,
    });
    expect(r.body.months.at(-1)).toMatchObject({ month: '2027-04', monthlyStatement: null, runningDifferenceCents: -66000, provisionalCompensationCents: 0 });
  });

  it("a doctor arriving after the structure's entry gets their own 12-month window", async () => {
    const r = await get(`/structures/${s}/safeguard/${dr.B.id}?asOf=2027-12`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ windowStart: '2026-08', windowEnd: '2027-07', final: true });
    expect(r.body.months).toHaveLength(12);
    // 11 G: April 2027 is not issued yet (patient not included); the act of 2027-08-05 is after the window.
    expect(r.body.totals.feeForServiceCents).toBe(11 * 3000);
    expect(r.body.ignoredActs).toMatchObject({ outsideWindow: 0, patientNotIncluded: 1 });
    const before = await get(`/structures/${s}/safeguard?asOf=2026-07`);
    const b = before.body.doctors.find((d: { practitionerId: string }) => d.practitionerId === dr.B.id);
    expect(b).toMatchObject({ status: 'not_started', windowStart: '2026-08', asOfMonth: null });
  });

  it('both methods give their perimeter: acts by the doctor, or acts by anyone on their MT patients', async () => {
    const byDoctor = await get(`/structures/${s}/safeguard/${dr.A.id}?asOf=2026-06`);
    expect(byDoctor.body.method).toBe('actsByDoctor');
    expect(byDoctor.body.months[1].feeForServiceCents).toBe(5426 + 3000); // A's G on C's patient counts
    await admin.query(`UPDATE structures SET safeguard_method = 'actsOnDoctorMtPatients' WHERE id = $1`, [s]);
    try {
      const onPatients = await get(`/structures/${s}/safeguard/${dr.A.id}?asOf=2026-06`);
      expect(onPatients.body.method).toBe('actsOnDoctorMtPatients');
      expect(onPatients.body.months[1].feeForServiceCents).toBe(5426 + 3528); // the midwife's SF 12,6 × 2,80 € instead
      const c = await get(`/structures/${s}/safeguard/${dr.C.id}?asOf=2026-06`);
      expect(c.body.months[1].feeForServiceCents).toBe(3000 + 3000); // C's own G + A's G on C's patient
    } finally {
      await admin.query(`UPDATE structures SET safeguard_method = 'actsByDoctor' WHERE id = $1`, [s]);
    }
  });

  it('an ipso structure is refused: the clause applies only to non-ipso structures', async () => {
    const ipsoStructure = await makeStructure(admin, { ipso: true });
    await admin.query(`UPDATE structures SET convention_entry_date = $2 WHERE id = $1`, [ipsoStructure, E]);
    const r = await get(`/structures/${ipsoStructure}/safeguard`, tok.ipso);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'clause_non_applicable' });
    expect(r.body.detail).toMatch(/hors réseau ipso/);
  });

  it('issues the final statement only after month 12 with its 12 monthly statements; idempotent', async () => {
    const url = `/structures/${s}/safeguard/${dr.A.id}/issue`;
    at('2027-04-20');
    const early = await api.request('POST', url, { token: tok.coordinator });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'fenetre_en_cours' });
    at('2027-06-02');
    const missing = await api.request('POST', url, { token: tok.coordinator });
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({ code: 'releves_mensuels_manquants', missingMonths: ['2027-04'] });
    expect(missing.body.detail).toMatch(/avril 2027/);
    expect((await api.request('POST', url, { token: tok.practitionerA })).status).toBe(403);

    await issueMonth('2027-04');
    const first = await api.request('POST', url, { token: tok.coordinator });
    expect(first.status).toBe(201);
    // 12 × (54,26 € − 50 €) + the June G on C's patient (30 €)
    expect(first.body).toMatchObject({ status: 'issued', final: true, windowStart: '2026-05', windowEnd: '2027-04' });
    expect(first.body.totals).toEqual({ forfaitNetCents: 60000, feeForServiceCents: 12 * 5426 + 3000, differenceCents: 8112, compensationCents: 8112 });
    expect(first.body.issued.number).toBe(`MTR2-SAUV-${dr.A.rpps}-2026-05-v1`);
    const again = await api.request('POST', url, { token: tok.ipso });
    expect(again.status).toBe(200);
    expect(again.body.issued).toEqual(first.body.issued);

    // The detail now reads the issued statement, whatever asOf says.
    const detail = await get(`/structures/${s}/safeguard/${dr.A.id}?asOf=2026-06`);
    expect(detail.body).toMatchObject({ status: 'issued', statementId: first.body.issued.id });
    expect(detail.body.totals.compensationCents).toBe(8112);

    // The indicator store reads the compensation in the month the window ends.
    const app = await appClient();
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, false)`, [s]);
      const em = { query: async (sql: string, p: unknown[]) => (await app.query(sql, p)).rows } as unknown as EntityManager;
      expect(await loadSafeguard(em, ['2027-03', '2027-04'])).toEqual({ '2027-04': 8112 });
    } finally {
      await app.end();
    }
  });

  it('the statement PDF is the archived document; a provisional one is rendered before issue; reads are audited', async () => {
    const r = await api.request('GET', `/structures/${s}/safeguard/${dr.A.id}/statement.pdf`, { token: tok.practitionerA });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/pdf/);
    const { rows } = await admin.query(
      `SELECT d.sha256, d.content FROM safeguard_statements s JOIN generated_documents d ON d.tenant_id = s.tenant_id AND d.id = s.document_id
        WHERE s.tenant_id = $1 AND s.practitioner_id = $2`,
      [s, dr.A.id],
    );
    expect((r.body as string).startsWith('%PDF-')).toBe(true);
    expect(rows[0].content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(rows[0].sha256).toBe(createHash('sha256').update(rows[0].content).digest('hex'));
    at('2026-11-15');
    const provisional = await api.request('GET', `/structures/${s}/safeguard/${dr.B.id}/statement.pdf`, { token: tok.coordinator });
    expect(provisional.status).toBe(200);
    expect(provisional.headers['content-disposition']).toMatch(/provisoire/);
    const { rows: audit } = await admin.query(
      `SELECT action FROM audit_events WHERE tenant_id = $1 AND action LIKE 'safeguard.%' ORDER BY seq`,
      [s],
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['safeguard.read', 'safeguard.list', 'safeguard.issue', 'safeguard.issue_repeat', 'safeguard.statement_pdf', 'safeguard.provisional_pdf']),
    );
  });

  it('an issued statement is immutable as the app role', async () => {
    const app = await appClient();
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, false)`, [s]);
      const { rows } = await app.query(`SELECT id FROM safeguard_statements WHERE practitioner_id = $1`, [dr.A.id]);
      expect(rows).toHaveLength(1);
      await expect(app.query(`UPDATE safeguard_statements SET compensation_cents = 0 WHERE id = $1`, [rows[0].id])).rejects.toThrow(/permission denied|cannot be changed/);
      await expect(app.query(`DELETE FROM safeguard_statements WHERE id = $1`, [rows[0].id])).rejects.toThrow(/permission denied|cannot be changed/);
      // Even the owner cannot change amounts; only issued → cancelled, status alone, outside the app role.
      await expect(admin.query(`UPDATE safeguard_statements SET compensation_cents = 0 WHERE id = $1`, [rows[0].id])).rejects.toThrow(/cannot be changed/);
      await expect(app.query(`UPDATE ref_tariffs SET amount_cents = 1 WHERE code = 'G'`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`DELETE FROM ref_tariffs WHERE code = 'G'`)).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
  });

  it('a practitioner sees only themself; a coordinator of another structure gets 404', async () => {
    const mine = await get(`/structures/${s}/safeguard?asOf=2026-09`, tok.practitionerA);
    expect(mine.status).toBe(200);
    expect(mine.body.doctors.map((d: { practitionerId: string }) => d.practitionerId)).toEqual([dr.A.id]);
    expect((await get(`/structures/${s}/safeguard/${dr.C.id}`, tok.practitionerA)).status).toBe(403);
    const all = await get(`/structures/${s}/safeguard?asOf=2026-09`);
    expect(all.body.doctors).toHaveLength(3); // the midwife is not a GP
    for (const url of [`/structures/${s}/safeguard`, `/structures/${s}/safeguard/${dr.A.id}`, `/structures/${s}/safeguard/${dr.A.id}/statement.pdf`])
      expect((await get(url, tok.coordinatorOther)).status).toBe(404);
    expect((await api.request('POST', `/structures/${s}/safeguard/${dr.A.id}/issue`, { token: tok.coordinatorOther })).status).toBe(404);
    expect((await get(`/structures/${s}/safeguard/${randomUUID()}`)).status).toBe(404);
  });

  it('formats amounts the French way with integer arithmetic', () => {
    expect(euros(123456)).toBe('1\u202f234,56\u00a0€');
    expect(euros(5)).toBe('0,05\u00a0€');
    expect(euros(-812)).toBe('-8,12\u00a0€');
    expect(euros(100000000)).toBe('1\u202f000\u202f000,00\u00a0€');
  });
});
