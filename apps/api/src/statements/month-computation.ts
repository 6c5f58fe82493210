import {
  aggregateMonth,
  computeMonthlyForfait,
  createEngineContext,
  InputError,
  patientIssues,
  preparePatient,
  type MonthStatement,
  type PatientMonthResult,
} from '@mtr/forfait-engine';
import { Problem } from '../common/problem';
import type { MonthInputs } from './forfait-inputs';
import { frenchEngineIssue, frenchEngineMessage } from '../common/engine-messages';

/** One row of `statement_patient_lines`: why this patient is paid (or not) this month. */
export interface PatientLineRow {
  patientId: string;
  practitionerId: string;
  lineCode: string;
  grossCents: number;
  netCents: number;
  /** The explanation as JSON text (jsonb): built as text once, a run stores tens of thousands. */
  explanation: string;
}

/** Line code of a covered patient who is not paid this month (not yet included, not consommant…). */
export const NOT_PAID_LINE = 'none';

/** 'socle_6_64' → '6-64', 'socle_80_plus' → '80+' (the bands the indicators count). */
export const bandOf = (code: string): string =>
  code.replace(/^socle_/, '').replace(/_plus$/, '+').replace('_', '-');

/**
 * RULES §1–§3 applied to one structure and month by the engine: per-patient results with their
 * explanation, and the per-doctor / structure aggregation. Invalid data stops the run with the
 * engine's precise messages (which patient, which field) rather than paying on a guess.
 */
export function computeMonth(
  inputs: MonthInputs,
  month: string,
  gridVersion: string,
): { statement: MonthStatement; results: PatientMonthResult[] } {
  let ctx;
  try {
    ctx = createEngineContext({ gridVersion, convention: inputs.convention, practitioners: inputs.practitioners });
  } catch (e) {
    throw invalid(e);
  }
  // Messages name the structure's own patient id, the one its software shows.
  const issues = inputs.patients.flatMap((p) => patientIssues(p, ctx.params, `patient ${inputs.externalIds.get(p.id) ?? p.id}`));
  if (issues.length > 0) throw invalid(new InputError(issues));
  const results = inputs.patients.map((p) => computeMonthlyForfait(preparePatient(p), ctx, month));
  return { statement: aggregateMonth(results, ctx, month), results };
}

function invalid(e: unknown): Problem {
  if (!(e instanceof InputError)) throw e;
  const first = e.issues.slice(0, 10).map((i) => frenchEngineIssue(i));
  return new Problem(
    422,
    'donnees_forfait_invalides',
    `Les données de la structure ne permettent pas de calculer le mois (${e.issues.length} anomalie(s)) : ${first.join(' ; ')}.`,
    { errors: e.issues.slice(0, 100).map((i) => ({ field: i.path, code: 'invalide', detail: frenchEngineMessage(i.message) })) },
  );
}

/**
 * The per-patient lines to store: one per paid line, and one `none` line (0 €) for each patient
 * whose MT is a doctor of the structure but who is not paid this month, so the indicators can
 * count patients with an MT, included and consommant (issue #7) from the statement alone.
 */
export function patientLines(results: readonly PatientMonthResult[], practitionerIdOf: ReadonlyMap<string, string>): PatientLineRow[] {
  const rows: PatientLineRow[] = [];
  for (const r of results) {
    if (r.mtRpps === null) continue;
    const practitionerId = practitionerIdOf.get(r.mtRpps);
    if (!practitionerId) continue;
    const included = r.inclusion !== null && r.inclusion.firstForfaitMonth <= r.month;
    const socle = r.lines.find((l) => l.kind === 'socle');
    // Facts every line of the patient carries (the indicators read them from any line), as the
    // opening of a JSON object; each line closes it with its own fields.
    const common = JSON.stringify({
      status: r.status,
      included,
      consommant: r.status === 'paid',
      inclusionDate: r.inclusion?.date ?? null,
      inclusionReason: r.inclusion?.reason ?? null,
      band: socle ? bandOf(socle.code) : null,
      ageYears: r.ageYears,
      lastQualifyingEncounter: r.lastQualifyingEncounter,
    }).slice(0, -1);
    // The whole explanation (what was not paid and why, warnings) is kept once per patient.
    const detail = JSON.stringify({ statusText: r.statusText, notPaid: r.notPaid, warnings: r.warnings, firstForfaitMonth: r.inclusion?.firstForfaitMonth ?? null }).slice(1);
    if (r.lines.length === 0) {
      rows.push({ patientId: r.patientId, practitionerId, lineCode: NOT_PAID_LINE, grossCents: 0, netCents: 0, explanation: `${common},${detail}` });
      continue;
    }
    r.lines.forEach((l, i) => {
      const own = JSON.stringify({ label: l.label, rule: l.rule, text: l.text }).slice(1, -1);
      rows.push({
        patientId: r.patientId,
        practitionerId,
        lineCode: l.code,
        grossCents: l.grossCents,
        netCents: l.netCents,
        explanation: i === 0 ? `${common},${own},${detail}` : `${common},${own}}`,
      });
    });
  }
  return rows;
}
