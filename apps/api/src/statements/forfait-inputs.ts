import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { firstDayOfMonth, formatDay, lastDayOfMonth, monthIndexOf, type ConventionInput, type PatientInput, type PractitionerInput } from '@mtr/forfait-engine';
import { Problem } from '../common/problem';
import { readForfaitInputs, ROLE_OF_PROFESSION } from '../patients/patient-queries';

/** A practitioner of the structure as the statements know it (uuid for the lines, RPPS for the engine). */
export interface RosterRow {
  id: string;
  rpps: string;
  lastName: string;
  firstName: string;
  profession: string;
}

export interface MonthInputs {
  structureName: string;
  finess: string | null;
  convention: ConventionInput;
  practitioners: PractitionerInput[];
  roster: RosterRow[];
  patients: PatientInput[];
  /** The structure's own patient id (what the coordinator knows) by internal id, for messages. */
  externalIds: Map<string, string>;
  /** SHA-256 of everything the computation reads (canonical JSON), with the month and grid version. */
  fingerprint: string;
}

/** First day of the month `months` before 'YYYY-MM'. */
export const monthsBefore = (month: string, months: number): string => formatDay(firstDayOfMonth(monthIndexOf(month) - months));

export const lastDayOf = (month: string): string => formatDay(lastDayOfMonth(monthIndexOf(month)));

/** A canonical order (by JSON text, each element serialised once) so the fingerprint ignores row order. */
function canonical<T>(xs: readonly T[]): T[] {
  if (xs.length < 2) return [...xs];
  return xs
    .map((x) => [JSON.stringify(x), x] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, x]) => x);
}

/**
 * The structure's practitioners, as rows and as the engine's roster: a joined date on or before
 * the entry date E means "present since the structure's entry" (no arrival date for the engine).
 */
export async function readRoster(em: EntityManager, tenantId: string, entryDate: string): Promise<{ roster: RosterRow[]; practitioners: PractitionerInput[] }> {
  const rows = (await em.query(
    `SELECT id, rpps, last_name, first_name, profession, to_char(joined_on, 'YYYY-MM-DD') AS joined_on, to_char(left_on, 'YYYY-MM-DD') AS left_on
       FROM practitioners WHERE tenant_id = $1 ORDER BY rpps`,
    [tenantId],
  )) as { id: string; rpps: string; last_name: string; first_name: string; profession: string; joined_on: string; left_on: string | null }[];
  return {
    roster: rows.map((p) => ({ id: p.id, rpps: p.rpps, lastName: p.last_name, firstName: p.first_name, profession: p.profession })),
    practitioners: rows.map((p) => ({
      rpps: p.rpps,
      role: ROLE_OF_PROFESSION[p.profession] ?? 'other',
      name: `${p.first_name} ${p.last_name}`,
      ...(p.joined_on > entryDate ? { arrivalDate: p.joined_on } : {}),
      ...(p.left_on ? { departureDate: p.left_on } : {}),
    })),
  };
}

/**
 * Everything one month's computation reads for one structure, inside the caller's tenant
 * transaction. Activity is read from the structure's entry date or the start of the consommant
 * window (RULES §2: 24 months ending on the last day of the billed month), whichever is earlier.
 */
export async function readMonthInputs(
  em: EntityManager,
  tenantId: string,
  month: string,
  gridVersion: string,
  consommantWindowMonths: number,
): Promise<MonthInputs> {
  const [s] = (await em.query(
    `SELECT s.name, s.finess, s.ipso_network, s.mtr1_participant, to_char(s.convention_entry_date, 'YYYY-MM-DD') AS entry,
            s.theoretical_leakage_rate::text AS rate, to_char(c.exit_effective_on, 'YYYY-MM-DD') AS exit_on
       FROM structures s LEFT JOIN candidacies c ON c.tenant_id = s.id
      WHERE s.id = $1`,
    [tenantId],
  )) as { name: string; finess: string | null; ipso_network: boolean; mtr1_participant: boolean; entry: string | null; rate: string; exit_on: string | null }[];
  if (!s) throw new Problem(404, 'introuvable', 'La structure est introuvable.');
  if (!s.entry)
    throw new Problem(
      422,
      'date_entree_absente',
      "La date d'entrée de la structure (fixée par la convention CNAM) n'est pas renseignée : aucun forfait ne peut être calculé.",
    );
  const { roster, practitioners } = await readRoster(em, tenantId, s.entry);
  if (roster.length === 0)
    throw new Problem(422, 'aucun_praticien', "La structure n'a aucun praticien enregistré : ajoutez ses médecins avant de calculer un mois.");

  const convention: ConventionInput = {
    structureId: tenantId,
    name: s.name,
    isIpso: s.ipso_network,
    mtr1Participant: s.mtr1_participant,
    entryDate: s.entry,
    theoreticalLeakageRate: s.rate,
    ...(s.exit_on ? { exitDate: s.exit_on } : {}),
  };

  // From E at the latest: the entry consultation (RULES §1) may be older than the consommant window.
  const windowStart = monthsBefore(month, consommantWindowMonths);
  const raw = await readForfaitInputs(em, tenantId, {
    activityFrom: s.entry < windowStart ? s.entry : windowStart,
    activityTo: lastDayOf(month),
  });
  const patients: PatientInput[] = raw.map((p) => ({
    id: p.id,
    birthDate: p.birthDate,
    sex: p.sex,
    mtDeclarations: p.mtDeclarations,
    evidence: canonical(p.evidence) as PatientInput['evidence'],
    encounters: canonical(p.encounters),
  }));

  const external: { id: string; external_id: string }[] = await em.query(`SELECT id, external_id FROM patients WHERE tenant_id = $1`, [tenantId]);
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ month, gridVersion, convention, practitioners }));
  for (const p of patients) hash.update('\n').update(JSON.stringify(p));
  return {
    structureName: s.name,
    finess: s.finess,
    convention,
    practitioners,
    roster,
    patients,
    externalIds: new Map(external.map((p) => [p.id, p.external_id])),
    fingerprint: hash.digest('hex'),
  };
}
