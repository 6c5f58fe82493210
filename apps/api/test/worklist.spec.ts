import type { Client } from 'pg';
import { adminClient } from './db';
import { makePractitioner, makeStructure, makeUser } from './factories';
import { TestApi } from './http';

const AS_OF = '2027-06-15';

/**
 * Issue #6 §6 — revenue-at-risk worklist (manque à gagner). Hand-made patients at the edges, on
 * 2027-06-15: 30/31 days before an evidence expires (RULES §3 Annex 5: 12-month validity),
 * 22 months and 24 months since the last encounter (RULES §2), MDPH at 11 months, the 9 paid
 * months of an obstetric follow-up (RULES §3) and the 12-month anniversary inclusion (RULES §1).
 */
describe('revenue-at-risk worklist (issue #6 §6)', () => {
  let api: TestApi;
  let admin: Client;
  let s1: string;
  let s2: string;
  let d1: string;
  let d2: string;
  let tokens: Record<'coord1' | 'coord2' | 'ipso' | 'practD2' | 'practUnlinked', string>;

  async function rppsOf(id: string): Promise<string> {
    return (await admin.query(`SELECT rpps FROM practitioners WHERE id = $1`, [id])).rows[0].rpps;
  }
  async function patient(t: string, ext: string, mt: string, birth = '1980-01-01', sex = 'M'): Promise<string> {
    const { rows } = await admin.query(
      `INSERT INTO patients (tenant_id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, mt_rpps, mt_from, digest, import_id)
       VALUES ($1, $2, '\\x00', 'k1', '\\x00', $3, $4, $5, '2020-01-01', '\\x00', gen_random_uuid()) RETURNING id`,
      [t, ext, birth, sex, mt],
    );
    return rows[0].id;
  }
  async function criterion(t: string, pid: string, criterion: string, date: string, value: number | null = null): Promise<void> {
    await admin.query(
      `INSERT INTO patient_criteria (tenant_id, patient_id, criterion, value, date, digest, import_id)
       VALUES ($1, $2, $3, $4, $5, '\\x00', gen_random_uuid())`,
      [t, pid, criterion, value, date],
    );
  }
  async function encounter(t: string, pid: string, rpps: string, date: string, kind = 'consultation'): Promise<void> {
    await admin.query(
      `INSERT INTO encounters (tenant_id, patient_id, practitioner_rpps, date, kind, digest, import_id)
       VALUES ($1, $2, $3, $4, $5, '\\x00', gen_random_uuid())`,
      [t, pid, rpps, date, kind],
    );
  }

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    // S1: an MTR 1 ipso structure (every MT patient included at the launch, 15 %).
    s1 = await makeStructure(admin, { name: 'MSP Nation', ipso: true });
    await admin.query(`UPDATE structures SET mtr1_participant = true, convention_entry_date = '2026-05-01', state = 'active' WHERE id = $1`, [s1]);
    d1 = await makePractitioner(admin, s1);
    d2 = await makePractitioner(admin, s1);
    const r1 = await rppsOf(d1);
    const r2 = await rppsOf(d2);

    // Santé mentale: PHQ-9 valid 12 months; expiry in 30 days (listed at 30) and in 31 days (not).
    let p = await patient(s1, 'MH-30', r1);
    await encounter(s1, p, r1, '2027-01-10');
    await criterion(s1, p, 'phq9', '2026-07-15', 12);
    p = await patient(s1, 'MH-31', r1);
    await encounter(s1, p, r1, '2027-01-10');
    await criterion(s1, p, 'phq9', '2026-07-16', 12);
    // PHQ-9 expiring but a recent GAD-7 keeps the brique: nothing at stake.
    p = await patient(s1, 'MH-GAD', r1);
    await encounter(s1, p, r1, '2027-01-10');
    await criterion(s1, p, 'phq9', '2026-07-15', 12);
    await criterion(s1, p, 'gad7', '2027-03-01', 8);
    // Haut risque CV: IMC 32, expires in 47 days.
    p = await patient(s1, 'CV-47', r1);
    await encounter(s1, p, r1, '2027-01-10');
    await criterion(s1, p, 'imc', '2026-08-01', 32);
    // Perte d'autonomie: IADL expires in 87 days.
    p = await patient(s1, 'IADL-87', r1, '1940-01-01', 'F');
    await encounter(s1, p, r1, '2027-06-01', 'visit');
    await criterion(s1, p, 'iadl', '2026-09-10', 1);
    await criterion(s1, p, 'prise_en_charge_domicile', '2026-09-01');
    // Handicap: MDPH older than 11 months (listed) and exactly 11 months (not).
    p = await patient(s1, 'MDPH-OLD', r1);
    await encounter(s1, p, r1, '2027-01-10');
    await criterion(s1, p, 'mdph', '2026-07-14', 80);
    p = await patient(s1, 'MDPH-11', r1);
    await encounter(s1, p, r1, '2027-01-10');
    await criterion(s1, p, 'mdph', '2026-07-15', 80);
    // Consommant: last encounter exactly 22 months ago (listed), one day less (not), 24 months edge (listed), gone (not).
    p = await patient(s1, 'CONS-22', r1);
    await encounter(s1, p, r1, '2025-08-15');
    p = await patient(s1, 'CONS-22-1J', r1);
    await encounter(s1, p, r1, '2025-08-16');
    p = await patient(s1, '=CONS-24', r1);
    await encounter(s1, p, r1, '2025-07-01');
    p = await patient(s1, 'CONS-GONE', r1);
    await encounter(s1, p, r1, '2025-06-30');
    // Obstétrique: pregnancy declared 2026-10-01, 9th paid month is 2027-06 (MT: D2).
    p = await patient(s1, 'OBST', r2, '1995-01-01', 'F');
    await encounter(s1, p, r2, '2026-10-01');
    await criterion(s1, p, 'declaration_obstetrique', '2026-10-01');

    // S2: a non-ipso structure entered 2026-06-01 at 25 %: anniversary inclusion on 2027-06-01.
    s2 = await makeStructure(admin, { name: 'MSP du Causse' });
    await admin.query(`UPDATE structures SET convention_entry_date = '2026-06-01', theoretical_leakage_rate = 0.25, state = 'active' WHERE id = $1`, [s2]);
    const d3 = await rppsOf(await makePractitioner(admin, s2));
    await patient(s2, 'ANNIV', d3);
    p = await patient(s2, 'ANNIV-VU', d3);
    await encounter(s2, p, d3, '2025-12-01');

    const coord1 = await makeUser(admin, { membership: { tenantId: s1, role: 'coordinator' } });
    const coord2 = await makeUser(admin, { membership: { tenantId: s2, role: 'coordinator' } });
    const practD2 = await makeUser(admin, { membership: { tenantId: s1, role: 'practitioner' } });
    await admin.query(`UPDATE memberships SET practitioner_id = $1 WHERE user_id = $2`, [d2, practD2.id]);
    const practUnlinked = await makeUser(admin, { membership: { tenantId: s1, role: 'practitioner' } });
    tokens = {
      coord1: (await api.login(coord1)).accessToken,
      coord2: (await api.login(coord2)).accessToken,
      ipso: (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken,
      practD2: (await api.login(practD2)).accessToken,
      practUnlinked: (await api.login(practUnlinked)).accessToken,
    };
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  const get = (s: string, token: string, query: string) => api.request('GET', `/structures/${s}/worklist?asOf=${AS_OF}&${query}`, { token });
  const summary = (items: { patientId: string; kind: string; daysLeft: number; amountAtStakeCents: number }[]) =>
    items.map((i) => `${i.patientId} ${i.kind} ${i.daysLeft}j ${i.amountAtStakeCents}`);

  it('horizon 30 days: the edges of RULES §2–§3 (30 days in, 31 out; 22 months in, 22 months − 1 day out; gone patients out)', async () => {
    const r = await get(s1, tokens.coord1, 'horizonDays=30&sort=date');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ asOf: AS_OF, horizonDays: 30, theoreticalRate: '0.15', restrictedToMtRpps: null, notice: null });
    expect(summary(r.body.items)).toEqual([
      // 9 paid months (2026-10 … 2027-06): suivi obstétrique stops on 2027-07-01; 70,40 € × 0,85.
      'OBST obstetricCap 16j 5984',
      // last encounter 2025-07-01: still consommant in June (24-month window from 2025-07-01), not in July; the whole forfait (socle 6–64).
      '=CONS-24 consommantEnding 16j 723',
      // MDPH of 2026-07-14: older than 11 months; annual re-assessment due 2027-07-14; handicap 12,50 € × 0,85.
      'MDPH-OLD mdphAssessment 29j 1063',
      // PHQ-9 of 2026-07-15 valid until 2027-07-15: 30 days; santé mentale 10,40 € × 0,85.
      'MH-30 mentalHealthAssessment 30j 884',
      // last encounter exactly 22 months ago: consommant until 2027-08-15.
      'CONS-22 consommantEnding 61j 723',
    ]);
    const mh = r.body.items.find((i: { patientId: string }) => i.patientId === 'MH-30');
    expect(mh).toMatchObject({ date: '2027-07-15', lostFromMonth: '2027-07', lines: ['mentalHealth'], mtRpps: expect.any(String) });
    expect(mh.action).toMatch(/PHQ-9 du 15\/07\/2026 .* avant le 15\/07\/2027 .*31\/07\/2027/);
    expect(r.body.items.find((i: { patientId: string }) => i.patientId === 'CONS-22')).toMatchObject({ date: '2027-08-15', lostFromMonth: '2027-08' });
    expect(r.body.totals).toEqual({ items: 5, amountAtStakeCents: 5984 + 723 + 1063 + 884 + 723 });
  });

  it('horizon 60 and 90 days add the 31- and 47-day expiries, then the IADL at 87 days (perte d’autonomie: 44,60 €, no leakage)', async () => {
    const r60 = await get(s1, tokens.coord1, 'horizonDays=60&sort=date');
    expect(summary(r60.body.items)).toEqual(expect.arrayContaining(['MH-31 mentalHealthAssessment 31j 884', 'CV-47 cvRiskAssessment 47j 425']));
    expect(r60.body.items).toHaveLength(7);
    const r90 = await get(s1, tokens.coord1, 'horizonDays=90&sort=amount');
    expect(r90.body.items).toHaveLength(8);
    expect(summary(r90.body.items).slice(0, 2)).toEqual(['OBST obstetricCap 16j 5984', 'IADL-87 iadlAssessment 87j 4460']);
    // Never listed: a GAD-7 keeps santé mentale; MDPH exactly 11 months old; 22 months − 1 day; already not consommant.
    const ids = r90.body.items.map((i: { patientId: string }) => i.patientId);
    for (const out of ['MH-GAD', 'MDPH-11', 'CONS-22-1J', 'CONS-GONE']) expect(ids).not.toContain(out);
    const amounts = r90.body.items.map((i: { amountAtStakeCents: number }) => i.amountAtStakeCents);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
  });

  it('sort by kind groups the items in the order of the list', async () => {
    const r = await get(s1, tokens.ipso, 'horizonDays=30&sort=kind');
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { kind: string }) => i.kind)).toEqual([
      'mentalHealthAssessment',
      'mdphAssessment',
      'consommantEnding',
      'consommantEnding',
      'obstetricCap',
    ]);
  });

  it('anniversary inclusion (RULES §1) never seen: the amount one consultation would bring, at the structure’s 25 %', async () => {
    const r = await get(s2, tokens.coord2, 'horizonDays=30');
    expect(r.status).toBe(200);
    expect(r.body.theoreticalRate).toBe('0.25');
    // Socle 6–64: 8,50 € × 0,75 = 6,375 → 6,38 € (half-up to the cent). The patient seen in 2025-12 is consommant: not listed.
    expect(summary(r.body.items)).toEqual(['ANNIV anniversaryNeverSeen -14j 638']);
    expect(r.body.items[0]).toMatchObject({ date: '2027-06-01', lines: ['socle_6_64'] });
  });

  it('a practitioner sees only their own MT patients; one linked to no practitioner gets 403; another structure 404', async () => {
    const mine = await get(s1, tokens.practD2, 'horizonDays=90');
    expect(mine.status).toBe(200);
    expect(summary(mine.body.items)).toEqual(['OBST obstetricCap 16j 5984']);
    expect(mine.body.restrictedToMtRpps).toBe(await rppsOf(d2));
    expect((await get(s1, tokens.practUnlinked, 'horizonDays=30')).status).toBe(403);
    expect((await get(s1, tokens.coord2, 'horizonDays=30')).status).toBe(404);
    expect((await get(s1, tokens.coord1, 'horizonDays=45')).status).toBe(400);
    void d1;
  });

  it('CSV for French Excel: BOM, `;`, decimal comma, formula injection neutralised; every read audited', async () => {
    const r = await api.request('GET', `/structures/${s1}/worklist.csv?asOf=${AS_OF}&horizonDays=30&sort=date`, { token: tokens.coord1 });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/csv/);
    const text = String(r.body);
    expect(text.startsWith('\ufeffidentifiant patient;médecin traitant (RPPS);')).toBe(true);
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^OBST;\d{11};Praticien Test;Fin des 9 mois du suivi obstétrique;obstetricFollowUp;2027-07-01;2027-07;16;59,84;/);
    expect(lines[2].startsWith("'=CONS-24;")).toBe(true);
    const { rows } = await admin.query(
      `SELECT action, detail FROM audit_events WHERE tenant_id = $1 AND action LIKE 'worklist.%' ORDER BY seq`,
      [s1],
    );
    expect(rows.map((x) => x.action)).toContain('worklist.read');
    expect(rows[rows.length - 1]).toMatchObject({ action: 'worklist.export_csv', detail: { horizonDays: 30, items: 5 } });
  });
});
