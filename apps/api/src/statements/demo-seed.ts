import type { EntityManager } from 'typeorm';
import { asTenantId } from '@mtr/tenancy';
import { recomputeIndicators } from '../indicators/indicator-store';
import { PatientCrypto } from '../patients/patient-crypto';
import { patientDataConfig } from '../patients/patient-data.config';
import { runMonth } from './monthly-run';

/** Issue #6 demo: an active non-ipso structure whose coordinator runs and issues its months. */
export const VALLEE = {
  id: '44444444-4444-4444-8444-444444444444',
  entryDate: '2026-09-01',
  /** Months issued by the seed; the coordinator runs the next one (November 2026) themself. */
  issuedMonths: ['2026-09', '2026-10'],
  doctors: [
    ['10000000140', 'Lucas', 'Martin', 'medecin_generaliste'],
    ['10000000157', 'Fabre', 'Élise', 'medecin_generaliste'],
    ['10000000165', 'Nguyen', 'Thomas', 'medecin_generaliste'],
    ['10000000173', 'Costes', 'Aurore', 'sage_femme'],
  ] as const,
};

/** Deterministic pseudo-random numbers: the demo is the same on every machine. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LAST = ['Roques', 'Bru', 'Cazals', 'Lafon', 'Marty', 'Vernhes', 'Calmels', 'Delpech', 'Issaly', 'Soulié', 'Bouyssou', 'Carles'];
const FIRST_F = ['Jeanne', 'Léa', 'Manon', 'Camille', 'Odette', 'Inès', 'Louise', 'Chloé'];
const FIRST_M = ['Pierre', 'Louis', 'Hugo', 'Jules', 'Marcel', 'Nathan', 'Émile', 'Adam'];
const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/*
 * Demo of "Maison de santé de la Vallée": 240 patients with MT declarations, activity and brique
 * evidence (ALD, C2S, PHQ-9, IMC, paediatric, obstetric, home care), identities encrypted like
 * an import writes them; then the months of VALLEE.issuedMonths computed and issued, and their
 * indicators stored. Runs inside the demo seed's transaction; idempotent.
 */

/** The structure and its practitioners (before the demo users, whose memberships point at them). */
export async function seedValleeStructure(em: EntityManager): Promise<void> {
  const t = VALLEE.id;
  await em.query(
    `INSERT INTO structures (id, name, legal_form, finess, address_line, postal_code, city, insee_code, ipso_network, mtr1_participant, state, convention_entry_date, theoretical_leakage_rate)
     VALUES ($1, 'Maison de santé de la Vallée', 'SISA', '120001234', '2 avenue du Lot', '12300', 'Decazeville', '12089', false, false, 'active', $2, 0.10)
     ON CONFLICT (id) DO NOTHING`,
    [t, VALLEE.entryDate],
  );
  for (const [rpps, last, first, profession] of VALLEE.doctors) {
    await em.query(
      `INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, $3, $4, $5, '2026-09-01')
       ON CONFLICT (tenant_id, rpps) DO NOTHING`,
      [t, rpps, last, first, profession],
    );
  }
}

/** Patients, activity and evidence, then the issued months and their indicators (after the indicator demo rows). */
export async function seedValleeMonths(em: EntityManager, issuedBy: string | null): Promise<void> {
  const t = VALLEE.id;
  // Tenant scope for the patient tables (they have no platform policy), restored below.
  await em.query(`SELECT set_config('app.tenant_id', $1, true), set_config('app.scope', 'tenant', true)`, [t]);
  try {
    const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM patients WHERE tenant_id = $1`, [t]);
    if (n === 0) await insertPatients(em, t);
    for (const month of VALLEE.issuedMonths) {
      const [issued] = await em.query(`SELECT id FROM statements WHERE tenant_id = $1 AND month = $2 AND status = 'issued'`, [t, month]);
      if (issued) continue;
      const outcome = await runMonth(em, t, month, 'MTR2-2026', null);
      await em.query(`UPDATE statements SET status = 'issued', issued_at = now(), issued_by = $3 WHERE tenant_id = $1 AND id = $2`, [t, outcome.statementId, issuedBy]);
    }
    // The indicator demo rows are illustrative; the Vallée's only real months are its issued ones.
    await em.query(`DELETE FROM structure_indicators WHERE tenant_id = $1 AND NOT (month = ANY($2))`, [t, VALLEE.issuedMonths]);
    await recomputeIndicators(em, asTenantId(t), VALLEE.issuedMonths);
  } finally {
    await em.query(`SELECT set_config('app.tenant_id', '', true), set_config('app.scope', 'platform', true)`);
  }
}

async function insertPatients(em: EntityManager, t: string): Promise<void> {
  const crypto = new PatientCrypto(patientDataConfig());
  const rand = rng(2026);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const gps = VALLEE.doctors.filter((d) => d[3] === 'medecin_generaliste').map((d) => d[0]);
  const importId = '44444444-0000-4000-8000-000000000001';
  for (let i = 1; i <= 240; i++) {
    const sex = i === 12 || i === 18 ? 'F' : rand() < 0.47 ? 'M' : 'F';
    // Age mix of a rural GP practice: children, working age, 65+ (≈ 24 %), 80+.
    const r = rand();
    const age = r < 0.06 ? Math.floor(rand() * 6) : r < 0.76 ? 6 + Math.floor(rand() * 59) : r < 0.94 ? 65 + Math.floor(rand() * 15) : 80 + Math.floor(rand() * 14);
    const birth = i === 7 ? '2026-02-10' : iso(2026 - age - 1, 1 + Math.floor(rand() * 12), 1 + Math.floor(rand() * 28));
    const mt = gps[i % gps.length];
    const lateDeclaration = i % 40 === 0; // MT declared after E (RULES §1)
    const declared = iso(2015 + Math.floor(rand() * 10), 1 + Math.floor(rand() * 12), 1 + Math.floor(rand() * 28));
    // A child's declaration is made after birth (by the legal representative).
    const mtFrom = lateDeclaration ? '2026-10-12' : declared > birth ? declared : iso(Number(birth.slice(0, 4)) + 1, 1, 15);
    const last = pick(LAST);
    const first = pick(sex === 'M' ? FIRST_M : FIRST_F);
    const externalId = `VAL-${String(i).padStart(4, '0')}`;
    const [{ id }] = await em.query(
      `INSERT INTO patients (tenant_id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, mt_rpps, mt_from, info_note_date, evaluation_opposed, digest, import_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [t, externalId, crypto.encryptIdentity({ nir: null, lastName: last, firstName: first }), crypto.keyId, crypto.nameIndex(last, first, birth), birth, sex, mt, mtFrom,
        i % 10 === 0 ? null : '2026-09-15', i % 37 === 0, crypto.digest([externalId, last, first, birth, sex, mt, mtFrom]), importId],
    );
    const encounter = (date: string, kind: string, rpps: string, acts: string[]) =>
      em.query(
        `INSERT INTO encounters (tenant_id, patient_id, practitioner_rpps, date, kind, acts, digest, import_id) VALUES ($1, $2, $3, $4, $5, $6, '\\x00', $7) ON CONFLICT DO NOTHING`,
        [t, id, rpps, date, kind, acts, importId],
      );
    const seen = rand();
    if (lateDeclaration) await encounter('2026-10-12', 'consultation', mt, ['G']);
    else if (seen < 0.8) await encounter(iso(2026, 9 + Math.floor(rand() * 3), 1 + Math.floor(rand() * 28)), rand() < 0.1 ? 'teleconsultation' : 'consultation', mt, ['G']);
    else if (seen < 0.93) await encounter(iso(2025, 3 + Math.floor(rand() * 8), 10), 'consultation', mt, ['G']); // seen before E only: anniversary inclusion
    else await encounter('2025-01-08', 'consultation', mt, ['G']); // last seen 23 months ago: about to stop being consommant
    const criterion = (criterion: string, o: { detail?: string; value?: number; date: string; until?: string; pregnancyEnd?: string }) =>
      em.query(
        `INSERT INTO patient_criteria (tenant_id, patient_id, criterion, detail, value, date, valid_until, pregnancy_end, author, digest, import_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'Dr référent', '\\x00', $9) ON CONFLICT DO NOTHING`,
        [t, id, criterion, o.detail ?? '', o.value ?? null, o.date, o.until ?? null, o.pregnancyEnd ?? null, importId],
      );
    if (rand() < 0.16) await criterion('ald', { detail: pick(['8', '30', '23', '5', '3']), date: mtFrom });
    if (rand() < 0.08) await criterion('c2s', { date: '2026-01-01', until: '2026-12-31' });
    if (age >= 18 && age < 65 && rand() < 0.06) await criterion('phq9', { value: 11, date: '2026-01-20' }); // expires in January 2027
    if (age >= 40 && rand() < 0.07) await criterion('imc', { value: 32.5, date: '2026-02-15' });
    if (i === 7) await criterion('declaration_pediatrique', { date: '2026-03-01' });
    if ((i === 12 || i === 18) && age >= 18 && age < 45) await criterion('declaration_obstetrique', { date: '2026-04-02' }); // 9-month cap reached in early 2027
    if (age >= 85 && i % 3 === 0) {
      await criterion('iadl', { value: 2, date: '2026-06-10' });
      await criterion('declaration_domicile', { date: '2026-06-10' });
      for (const d of ['2026-09-05', '2026-10-03', '2026-11-07']) await encounter(d, 'visit', mt, ['VG', 'MD']);
    }
  }
}
