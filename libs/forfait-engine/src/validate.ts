/**
 * Cross-field validation: impossible data is rejected with a message naming the faulty field
 * (a birth date after the billed month, a declaration before birth, overlapping MT
 * declarations, a period ending before it starts…).
 */
import { addMonthsToDay, formatDay, lastDayOfMonth, monthIndexOfText, parseDay } from './dates';
import { InputError, parseWith, type InputIssue } from './errors';
import { getProgrammeParams } from './params';
import type { ProgrammeParams } from './params/schema';
import { ScenarioSchema, type PatientInput, type ScenarioInput } from './schemas';

export interface PatientBounds {
  /** Last billed month ('YYYY-MM'): a birth after its last day is impossible. */
  lastMonth?: string;
}

/** Issues of one (schema-valid) patient; `path` is its location, e.g. "patients[3]". */
export function patientIssues(
  p: PatientInput,
  params: ProgrammeParams,
  path: string,
  bounds: PatientBounds = {},
): InputIssue[] {
  const issues: InputIssue[] = [];
  const at = (field: string, message: string) => issues.push({ path: `${path}.${field}`, message });
  const birth = p.birthDate;
  if (bounds.lastMonth !== undefined) {
    const last = formatDay(lastDayOfMonth(monthIndexOfText(bounds.lastMonth)));
    if (birth > last) at('birthDate', `birth date ${birth} is after the billed month ${bounds.lastMonth}`);
  }
  const oldest = formatDay(addMonthsToDay(parseDay(params.programme.endDate), -12 * params.age.maxAgeYears));
  if (birth < oldest)
    at(
      'birthDate',
      `implausible birth date ${birth} (more than ${params.age.maxAgeYears} years old during the programme)`,
    );
  if (p.deathDate !== undefined && p.deathDate < birth)
    at('deathDate', `death date ${p.deathDate} is before the birth date ${birth}`);
  if (p.mtr1InclusionDate !== undefined && p.mtr1InclusionDate < birth)
    at('mtr1InclusionDate', 'inclusion before the birth date');

  const decls = p.mtDeclarations.map((d, i) => ({ d, i }));
  for (const { d, i } of decls) {
    if (d.from < birth)
      at(`mtDeclarations[${i}].from`, `declaration on ${d.from}, before the birth date ${birth}`);
    if (d.to !== undefined && d.to < d.from)
      at(`mtDeclarations[${i}].to`, `ends on ${d.to}, before it starts (${d.from})`);
  }
  const sorted = [...decls].sort((x, y) => (x.d.from < y.d.from ? -1 : x.d.from > y.d.from ? 1 : x.i - y.i));
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1];
    const cur = sorted[k];
    if (prev.d.to === undefined || cur.d.from <= prev.d.to)
      at(
        `mtDeclarations[${cur.i}].from`,
        `overlaps mtDeclarations[${prev.i}]: a patient has one MT at a time (close the previous one with "to")`,
      );
  }

  (p.evidence ?? []).forEach((e, i) => {
    const start = 'from' in e ? e.from : e.date;
    const startField = 'from' in e ? 'from' : 'date';
    if (start < birth)
      at(`evidence[${i}].${startField}`, `${e.type} dated ${start}, before the birth date ${birth}`);
    if ('to' in e && e.to !== undefined && e.to < start)
      at(`evidence[${i}].to`, `ends on ${e.to}, before it starts (${start})`);
    if (e.type === 'obstetricDeclaration' && e.pregnancyEnd !== undefined && e.pregnancyEnd < e.date)
      at(
        `evidence[${i}].pregnancyEnd`,
        `pregnancy ends on ${e.pregnancyEnd}, before its declaration (${e.date})`,
      );
  });
  (p.encounters ?? []).forEach((e, i) => {
    if (e.date < birth) at(`encounters[${i}].date`, `encounter on ${e.date}, before the birth date ${birth}`);
    if (p.deathDate !== undefined && e.date > p.deathDate)
      at(`encounters[${i}].date`, `encounter on ${e.date}, after the death date ${p.deathDate}`);
  });
  return issues;
}

/** Billed months must be inside the programme and listed once. */
export function monthIssues(
  months: readonly string[],
  params: ProgrammeParams,
  path = 'months',
): InputIssue[] {
  const issues: InputIssue[] = [];
  const first = params.programme.launchDate.slice(0, 7);
  const last = params.programme.endDate.slice(0, 7);
  const seen = new Set<string>();
  months.forEach((m, i) => {
    if (m < first || m > last)
      issues.push({
        path: `${path}[${i}]`,
        message: `month ${m} is outside the programme (${first} – ${last})`,
      });
    if (seen.has(m)) issues.push({ path: `${path}[${i}]`, message: `month ${m} is listed twice` });
    seen.add(m);
  });
  return issues;
}

export function duplicateIdIssues(patients: readonly { id: string }[], path = 'patients'): InputIssue[] {
  const seen = new Map<string, number>();
  const issues: InputIssue[] = [];
  patients.forEach((p, i) => {
    const j = seen.get(p.id);
    if (j !== undefined)
      issues.push({
        path: `${path}[${i}].id`,
        message: `duplicate patient id ${JSON.stringify(p.id)} (also ${path}[${j}])`,
      });
    else seen.set(p.id, i);
  });
  return issues;
}

export function paramsFor(gridVersion: string | undefined, path = 'gridVersion'): ProgrammeParams {
  try {
    return getProgrammeParams(gridVersion);
  } catch (e) {
    throw new InputError([{ path, message: (e as Error).message }]);
  }
}

/** Parses and checks a `compute` scenario; throws InputError naming each faulty field. */
export function validateScenario(input: unknown): { scenario: ScenarioInput; params: ProgrammeParams } {
  const scenario = parseWith(ScenarioSchema, input);
  const params = paramsFor(scenario.gridVersion);
  const lastMonth = [...scenario.months].sort().at(-1);
  const issues = [
    ...monthIssues(scenario.months, params),
    ...duplicateIdIssues(scenario.patients),
    ...scenario.patients.flatMap((p, i) => patientIssues(p, params, `patients[${i}]`, { lastMonth })),
  ];
  if (issues.length > 0) throw new InputError(issues);
  return { scenario, params };
}
