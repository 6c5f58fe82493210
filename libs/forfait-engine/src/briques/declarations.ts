/**
 * Declarative briques (Annex 5): suivi pédiatrique, suivi gynécologique, suivi obstétrique.
 * A signed declaration is in force from its date, read on the status anchor day.
 */
import { monthIndexOfDay } from '../dates';
import { activeOn, type PreparedPeriod, type PreparedPregnancy } from '../prepare';
import { recentlyRelevant, type BriqueDecision, type EvaluationInput } from './decision';
import { homeDependencyPaidIn } from './home-dependency';

function declarationOutcome(
  e: EvaluationInput,
  list: readonly PreparedPeriod[],
  d: BriqueDecision,
  heldRule: string,
): void {
  if (list.length === 0) return;
  const active = activeOn(list, e.a.statusDay);
  if (active !== undefined) {
    d.criteria = d.present = true;
    d.rule = heldRule;
    d.a = active;
    return;
  }
  if (list.some((x) => x.from <= e.a.statusDay && recentlyRelevant(e.a, x.to))) {
    d.present = true;
    d.rule = 'declarationNotInForce';
  }
}

/**
 * Suivi pédiatrique: declaration of the legal representative. The age limit (< 25 months on the
 * age anchor day) is applied with the socle band, from the same age table (profile.ts).
 */
export function evaluatePaediatric(e: EvaluationInput, d: BriqueDecision): void {
  declarationOutcome(e, e.p.paediatric, d, 'representativeDeclaration');
}

/** The pregnancy whose declaration is the latest signed on or before `day`. */
export function currentPregnancy(
  list: readonly PreparedPregnancy[],
  day: number,
): PreparedPregnancy | undefined {
  let best: PreparedPregnancy | undefined;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x.from <= day && (best === undefined || x.from > best.from)) best = x;
  }
  return best;
}

/** Obstetric follow-up in the structure on that day: a declared pregnancy not yet ended. */
export function obstetricFollowUpOn(
  list: readonly PreparedPregnancy[],
  day: number,
): PreparedPregnancy | undefined {
  const p = currentPregnancy(list, day);
  return p !== undefined && p.end >= day ? p : undefined;
}

/** Suivi gynécologique: patient's declaration; excluded during obstetric follow-up that month. */
export function evaluateGynaecological(e: EvaluationInput, d: BriqueDecision): void {
  declarationOutcome(e, e.p.gynaecological, d, 'patientDeclaration');
  if (!d.criteria) return;
  const pregnancy = obstetricFollowUpOn(e.p.obstetric, e.a.statusDay);
  if (pregnancy !== undefined) {
    d.excluded = true;
    d.rule = 'obstetricFollowUpThisMonth';
    d.b = pregnancy;
  }
}

/**
 * Suivi obstétrique: patient's declaration for a pregnancy; paid at most 9 months per pregnancy
 * (months actually paid count, so a month the patient was not payable does not use the quota),
 * never after the pregnancy ended.
 */
export function evaluateObstetric(e: EvaluationInput, d: BriqueDecision): void {
  const { p, a, ctx } = e;
  if (p.obstetric.length === 0) return;
  const pregnancy = currentPregnancy(p.obstetric, a.statusDay);
  if (pregnancy === undefined) return;
  d.a = pregnancy;
  d.criteria = true;
  if (pregnancy.end < a.statusDay) {
    d.present = recentlyRelevant(a, pregnancy.end);
    d.excluded = true;
    d.rule = 'pregnancyEnded';
    return;
  }
  d.present = true;
  const cap = ctx.params.criteria.obstetricFollowUp.maxPaidMonths;
  let paid = 0;
  for (let m = monthIndexOfDay(pregnancy.from); m < a.monthIndex && paid < cap; m++) {
    const am = ctx.anchors(m);
    if (am.statusDay < pregnancy.from || pregnancy.end < am.statusDay) continue;
    if (!e.payable(m) || homeDependencyPaidIn(e, am)) continue;
    paid++;
  }
  d.n = paid;
  if (paid >= cap) {
    d.excluded = true;
    d.rule = 'obstetricCapReached';
  } else {
    d.rule = 'pregnancyDeclaration';
  }
}
