import type { EntityManager } from 'typeorm';
import {
  InputError,
  TariffTable,
  actValue,
  annex3Matcher,
  getProgrammeParams,
  type InputIssue,
  type ActInput,
  type PatientInput,
  type PractitionerInput,
} from '@mtr/forfait-engine';
import { readForfaitInputs, ROLE_OF_PROFESSION } from '../patients/patient-queries';
import { loadActs, toTariffInput } from '../safeguard/safeguard-inputs';
import type { TariffUsed } from '../safeguard/safeguard.schemas';
import { lastDayOf, monthsBefore } from '../statements/forfait-inputs';
import { frenchEngineIssue } from '../common/engine-messages';

/**
 * Reads what the engine's `simulate` needs for a candidate structure (RULES §6 "financial
 * simulations"): its practitioners, its imported patient list with evidence and encounters, and,
 * for the doctors whose income is not declared, their current fee-for-service value over the last
 * 12 months. No rule here: the forfaits are `simulate`'s, the fee-for-service valuation (Annex 3
 * acts with majorations at the tariff of the act date) is the engine's `annex3Matcher` + `actValue`.
 * Call inside `db.forTenant(tenantId, …)`.
 */
export interface RosterDoctor {
  id: string;
  rpps: string;
  lastName: string;
  firstName: string;
  profession: string;
  role: PractitionerInput['role'];
}

export async function loadRoster(em: EntityManager, tenantId: string): Promise<{ roster: RosterDoctor[]; practitioners: PractitionerInput[] }> {
  const rows: { id: string; rpps: string; last_name: string; first_name: string; profession: string; left_on: string | null }[] =
    await em.query(
      `SELECT id, rpps, last_name, first_name, profession, to_char(left_on, 'YYYY-MM-DD') AS left_on
         FROM practitioners WHERE tenant_id = $1 ORDER BY rpps`,
      [tenantId],
    );
  const roster = rows.map((p) => ({
    id: p.id,
    rpps: p.rpps.trim(),
    lastName: p.last_name,
    firstName: p.first_name,
    profession: p.profession,
    role: ROLE_OF_PROFESSION[p.profession] ?? 'other',
  }));
  // A candidate's doctors as they are now: joined_on may be a planned date (the programme entry),
  // so arrival is not applied; a departure is (its patients are no longer the structure's).
  const practitioners: PractitionerInput[] = rows.map((p, i) => ({
    rpps: roster[i].rpps,
    role: roster[i].role,
    name: `${p.first_name} ${p.last_name}`,
    ...(p.left_on ? { departureDate: p.left_on } : {}),
  }));
  return { roster, practitioners };
}

const byJson = (a: unknown, b: unknown) => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** 'YYYY-MM' + n months. */
export function addMonth(month: string, n: number): string {
  return monthsBefore(month, -n).slice(0, 7);
}

/** The imported patient list as the engine reads it, with the encounters of the consommant window (RULES §2). */
export async function loadPatients(em: EntityManager, tenantId: string, referenceMonth: string): Promise<PatientInput[]> {
  const windowMonths = getProgrammeParams().consommant.windowMonths;
  const raw = await readForfaitInputs(em, tenantId, { activityFrom: monthsBefore(referenceMonth, windowMonths), activityTo: lastDayOf(referenceMonth) });
  return raw.map((p) => ({
    id: p.id,
    birthDate: p.birthDate,
    sex: p.sex,
    mtDeclarations: p.mtDeclarations,
    evidence: [...p.evidence].sort(byJson) as PatientInput['evidence'],
    encounters: [...p.encounters].sort(byJson),
  }));
}

export type ComputedIncome =
  | { kind: 'computed'; totalCents: number; periodMonths: number; acts: number; from: string; to: string }
  | { kind: 'unavailable'; reason: string };

/**
 * Current fee-for-service value of one doctor over the 12 months ending with the reference month
 * (or from the first month of imported activity when shorter): the Annex 3 acts the doctor
 * performed on patients whose MT is a doctor of the structure — the acts the forfait would replace
 * (RULES §3: "the forfait replaces fee-for-service for the Annex 3 acts … for included patients";
 * the candidate is simulated as if every MT patient were included). The Annex 3 perimeter and the
 * valuation (majorations, coefficient, tariff in force on the act date) are the engine's, the same
 * functions its safeguard clause uses (RULES §5).
 */
export async function computedIncome(
  em: EntityManager,
  tenantId: string,
  doctor: RosterDoctor,
  structureDoctors: ReadonlySet<string>,
  window: { from: string; to: string },
  tariffs: readonly TariffUsed[],
): Promise<ComputedIncome> {
  const read = await loadActs(em, tenantId, doctor.rpps, window.from, window.to);
  const acts: ActInput[] = read.acts
    .filter((a) => a.performerRpps === doctor.rpps)
    .map((a) => ({ ...a, patientIncluded: a.patientMtRpps !== undefined && structureDoctors.has(a.patientMtRpps) }));
  const params = getProgrammeParams();
  const inAnnex3 = annex3Matcher(params);
  const issues: InputIssue[] = [];
  let totalCents = 0;
  let valued = 0;
  try {
    const table = new TariffTable(tariffs.map(toTariffInput));
    acts.forEach((act, i) => {
      if (!act.patientIncluded || !inAnnex3(act)) return;
      valued++;
      totalCents += actValue(act, table, params.rounding.mode, `acts[${i}]`, issues);
    });
    if (issues.length) throw new InputError(issues);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const missing = [...new Set(e.issues.map((i) => /no tariff for (?:majoration )?(\S+) on (\S+)/.exec(i.message)).filter((m) => m !== null).map((m) => `${m[1]} au ${m[2]}`))];
    return {
      kind: 'unavailable',
      reason: missing.length
        ? `non calculé : aucun tarif daté pour ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''} (l’équipe ipso peut l’ajouter à la table des tarifs) ; déclarez le revenu de ce médecin`
        : `non calculé : ${e.issues.map((i) => frenchEngineIssue(i)).join(' ; ')} ; déclarez le revenu de ce médecin`,
    };
  }
  const periodMonths = monthIndex(window.to) - monthIndex(window.from) + 1;
  return { kind: 'computed', totalCents, periodMonths, acts: valued, from: window.from, to: window.to };
}

const monthIndex = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;

/** First month with imported activity of the structure inside [from, to], or null. */
export async function firstActivityMonth(em: EntityManager, tenantId: string, from: string, to: string): Promise<string | null> {
  const [r] = await em.query(
    `SELECT to_char(min(date), 'YYYY-MM') AS m FROM encounters WHERE tenant_id = $1 AND date BETWEEN $2::date AND $3::date`,
    [tenantId, `${from}-01`, lastDayOf(to)],
  );
  return r?.m ?? null;
}
