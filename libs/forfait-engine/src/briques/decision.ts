/**
 * The outcome of one brique for one patient-month, written into a reusable scratch object so
 * that evaluating a patient allocates nothing until an explanation is asked for.
 */
import type { EngineContext, MonthAnchors } from '../context';
import type { PreparedPatient } from '../prepare';

export interface BriqueDecision {
  /** The Annex 5 inclusion criteria hold. */
  criteria: boolean;
  /** An exclusion applies (with or without the criteria: see santé mentale re-assessment). */
  excluded: boolean;
  /** Some evidence concerns this brique, so a "not paid" entry is worth showing. */
  present: boolean;
  /** Stable rule code of the outcome (e.g. 'phq9AtThreshold', 'psychiatricAld'). */
  rule: string;
  /** Deciding evidence, rendered into the explanation. */
  a: unknown;
  b: unknown;
  /** A number the explanation needs (rank of the paid obstetric month, count of visits…). */
  n: number;
}

export function emptyDecision(): BriqueDecision {
  return { criteria: false, excluded: false, present: false, rule: '', a: undefined, b: undefined, n: 0 };
}

export function resetDecision(d: BriqueDecision): void {
  d.criteria = false;
  d.excluded = false;
  d.present = false;
  d.rule = '';
  d.a = undefined;
  d.b = undefined;
  d.n = 0;
}

/** What an evaluator may look at besides the patient. */
export interface EvaluationInput {
  readonly p: PreparedPatient;
  readonly ctx: EngineContext;
  readonly a: MonthAnchors;
  /** Earliest inclusion (MTR 2 episode or MTR 1), for the santé mentale seniority rule. */
  readonly inclusionDay: number;
  /** Whether the patient-month `monthIndex` was payable (used to count paid obstetric months). */
  payable(monthIndex: number): boolean;
}

/** Items that ended before the assessment window are history, not worth a "not paid" line. */
export function recentlyRelevant(a: MonthAnchors, endDay: number): boolean {
  return endDay >= a.assessmentStart;
}

export function euros(cents: number): string {
  return `${(cents / 100).toFixed(2).replace('.', ',')} €`;
}

export function authorSuffix(author: string | undefined): string {
  return author === undefined ? '' : ` par ${author}`;
}
