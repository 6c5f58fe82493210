import type { EntityManager } from 'typeorm';

/**
 * Read functions over a structure's patient data, for other features. Each takes the
 * EntityManager of a TenantDb transaction (RLS scopes it to one structure) — call them inside
 * `db.forTenant(tenantId, (em) => …)`. None returns names or NIR.
 */

export interface PatienteleProfile {
  /** Reference date (Europe/Paris) of ages and of the MT declarations in force. */
  asOf: string;
  /** Patients whose MT declaration to a doctor of the structure is in force on asOf. */
  total: number;
  men: number;
  aged65Plus: number;
  /** Shares in percent with two decimals (RULES §6: men > 45 %, 65+ > 20 %). */
  menPercent: number;
  aged65PlusPercent: number;
  /** Five-year bands, 90+ last. */
  pyramid: { band: string; women: number; men: number }[];
  /** List size per médecin traitant (RPPS), largest first. */
  perGp: { rpps: string; lastName: string | null; firstName: string | null; patients: number }[];
}

const BANDS = Array.from({ length: 19 }, (_, i) => (i === 18 ? '90+' : `${i * 5}-${i * 5 + 4}`));
const pct = (n: number, total: number) => (total ? Math.round((n * 10_000) / total) / 100 : 0);

/** RULES §6 — patientèle profile for the candidacy eligibility panel. */
export async function patienteleProfile(em: EntityManager, tenantId: string, asOf: string): Promise<PatienteleProfile> {
  const inForce = `p.tenant_id = $1 AND p.mt_rpps IS NOT NULL AND (p.mt_from IS NULL OR p.mt_from <= $2::date) AND (p.mt_to IS NULL OR p.mt_to >= $2::date)`;
  const bands: { band: number; sex: 'F' | 'M'; n: string }[] = await em.query(
    `SELECT least(floor(date_part('year', age($2::date, p.birth_date)) / 5), 18)::int AS band, p.sex, count(*) AS n
       FROM patients p WHERE ${inForce} GROUP BY 1, 2`,
    [tenantId, asOf],
  );
  const perGp: { rpps: string; last_name: string | null; first_name: string | null; n: string }[] = await em.query(
    `SELECT p.mt_rpps AS rpps, pr.last_name, pr.first_name, count(*) AS n FROM patients p
       LEFT JOIN practitioners pr ON pr.tenant_id = p.tenant_id AND pr.rpps = p.mt_rpps
      WHERE ${inForce} GROUP BY 1, 2, 3 ORDER BY n DESC, rpps`,
    [tenantId, asOf],
  );
  const pyramid = BANDS.map((band) => ({ band, women: 0, men: 0 }));
  let total = 0;
  let men = 0;
  let aged65Plus = 0;
  for (const b of bands) {
    const n = Number(b.n);
    total += n;
    if (b.sex === 'M') men += n;
    if (b.band >= 13) aged65Plus += n;
    pyramid[b.band][b.sex === 'M' ? 'men' : 'women'] += n;
  }
  return {
    asOf, total, men, aged65Plus, menPercent: pct(men, total), aged65PlusPercent: pct(aged65Plus, total), pyramid,
    perGp: perGp.map((g) => ({ rpps: g.rpps, lastName: g.last_name, firstName: g.first_name, patients: Number(g.n) })),
  };
}

/** Shapes of libs/forfait-engine's PatientSchema (evidence types, encounters), without identifiers. */
export interface ForfaitPatient {
  /** Internal patient uuid (pseudonymous). */
  id: string;
  birthDate: string;
  sex: 'F' | 'M';
  mtDeclarations: { rpps: string; from: string; to?: string }[];
  evidence: Record<string, unknown>[];
  encounters: { date: string; kind: 'consultation' | 'teleconsultation' | 'visit'; role: 'doctor' | 'midwife' | 'ipa' | 'nurse' | 'other'; rpps: string; inStructure: true }[];
  acts: { date: string; codes: string[]; rpps: string }[];
}

export const ROLE_OF_PROFESSION: Record<string, ForfaitPatient['encounters'][number]['role']> = {
  medecin_generaliste: 'doctor', pediatre: 'doctor', gynecologue: 'doctor', sage_femme: 'midwife', ipa: 'ipa', infirmier: 'nurse',
};

/** Maps an imported criterion row to the forfait engine's evidence type. */
function toEvidence(c: { criterion: string; detail: string; value: string | null; date: string; valid_until: string | null; pregnancy_end: string | null; author: string | null }) {
  const author = c.author ?? undefined;
  const to = c.valid_until ?? undefined;
  switch (c.criterion) {
    case 'ald': return { type: 'ald', number: Number(c.detail), from: c.date, to, author };
    case 'c2s': return { type: 'c2s', from: c.date, to };
    case 'ame': return { type: 'ame', from: c.date, to };
    case 'mdph': return { type: 'mdph', date: c.date, ratePercent: Number(c.value), author };
    case 'iadl': return { type: 'iadl', date: c.date, score: Number(c.value), author };
    case 'phq9': return { type: 'phq9', date: c.date, score: Number(c.value), author };
    case 'gad7': return { type: 'gad7', date: c.date, score: Number(c.value), author };
    case 'imc': return { type: 'bmi', date: c.date, value: Number(c.value), author };
    case 'score': return { type: 'cvScore', date: c.date, percent: Number(c.value), author };
    case 'declaration_pediatrique': return { type: 'paediatricDeclaration', date: c.date, to, author };
    case 'declaration_gynecologique': return { type: 'gynaecologicalDeclaration', date: c.date, to, author };
    case 'declaration_obstetrique': return { type: 'obstetricDeclaration', date: c.date, pregnancyEnd: c.pregnancy_end ?? undefined, author };
    default: return { type: 'homeCareDeclaration', date: c.date, to, author };
  }
}

const strip = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * Patients, their evidence and encounters as the forfait engine reads them (libs/forfait-engine
 * PatientSchema + acts). Encounters and acts from `activityFrom` (e.g. 24 months before the
 * billed month, for consommant status) to `activityTo`. One structure, three queries.
 */
export async function readForfaitInputs(em: EntityManager, tenantId: string, range: { activityFrom: string; activityTo: string }): Promise<ForfaitPatient[]> {
  const patients: { id: string; birth_date: string; sex: 'F' | 'M'; mt_rpps: string | null; mt_from: string | null; mt_to: string | null }[] = await em.query(
    `SELECT id, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sex, mt_rpps, to_char(mt_from, 'YYYY-MM-DD') AS mt_from, to_char(mt_to, 'YYYY-MM-DD') AS mt_to
       FROM patients WHERE tenant_id = $1 ORDER BY id`,
    [tenantId],
  );
  const byId = new Map<string, ForfaitPatient>();
  for (const p of patients) {
    byId.set(p.id, {
      id: p.id, birthDate: p.birth_date, sex: p.sex,
      mtDeclarations: p.mt_rpps && p.mt_from ? [strip({ rpps: p.mt_rpps, from: p.mt_from, to: p.mt_to ?? undefined })] : [],
      evidence: [], encounters: [], acts: [],
    });
  }
  const criteria = await em.query(
    `SELECT patient_id, criterion, detail, value::text AS value, to_char(date, 'YYYY-MM-DD') AS date, to_char(valid_until, 'YYYY-MM-DD') AS valid_until,
            to_char(pregnancy_end, 'YYYY-MM-DD') AS pregnancy_end, author FROM patient_criteria WHERE tenant_id = $1 ORDER BY date`,
    [tenantId],
  );
  for (const c of criteria) byId.get(c.patient_id)?.evidence.push(strip(toEvidence(c)));
  const encounters: { patient_id: string; date: string; kind: 'consultation' | 'teleconsultation' | 'visit'; rpps: string; acts: string[]; profession: string | null }[] = await em.query(
    `SELECT e.patient_id, to_char(e.date, 'YYYY-MM-DD') AS date, e.kind, e.practitioner_rpps AS rpps, e.acts, pr.profession
       FROM encounters e LEFT JOIN practitioners pr ON pr.tenant_id = e.tenant_id AND pr.rpps = e.practitioner_rpps
      WHERE e.tenant_id = $1 AND e.date BETWEEN $2 AND $3 ORDER BY e.date`,
    [tenantId, range.activityFrom, range.activityTo],
  );
  for (const e of encounters) {
    const p = byId.get(e.patient_id);
    if (!p) continue;
    p.encounters.push({ date: e.date, kind: e.kind, role: ROLE_OF_PROFESSION[e.profession ?? ''] ?? 'other', rpps: e.rpps, inStructure: true });
    if (e.acts.length) p.acts.push({ date: e.date, codes: e.acts, rpps: e.rpps });
  }
  return [...byId.values()];
}

/**
 * For the statements feature: once a statement uses the data of the committed imports, they can
 * no longer be reverted. Call inside the statement's transaction.
 */
export async function markImportsUsedByStatement(em: EntityManager, tenantId: string): Promise<void> {
  await em.query(`UPDATE imports SET statement_issued_at = now() WHERE tenant_id = $1 AND status = 'committed' AND statement_issued_at IS NULL`, [tenantId]);
}
