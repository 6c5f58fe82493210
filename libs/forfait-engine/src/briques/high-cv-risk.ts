/**
 * Haut risque CV (Annex 5): IMC ≥ 30, or SCORE ≥ 5 % (SCORE only valid for men ≥ 40 and women
 * ≥ 50, age at the date of the score), assessed within 12 months. Exclusion: ALD 1, 5 or 12.
 */
import { completedYears } from '../dates';
import { latestWithin, type PreparedMeasure } from '../prepare';
import { activeAldIn } from './status-briques';
import type { BriqueDecision, EvaluationInput } from './decision';

/** Is a SCORE measured on this patient at that date a valid SCORE (sex and age)? */
export function scoreApplies(e: EvaluationInput, m: PreparedMeasure): boolean {
  const r = e.ctx.params.criteria.highCvRisk;
  const minAge = e.p.sex === 'M' ? r.scoreMinAgeYearsMale : r.scoreMinAgeYearsFemale;
  return completedYears(e.p.birthDay, m.day) >= minAge;
}

export function evaluateHighCvRisk(e: EvaluationInput, d: BriqueDecision): void {
  const { p, a } = e;
  if (p.bmi.length === 0 && p.cvScore.length === 0) return;
  const r = e.ctx.params.criteria.highCvRisk;
  d.present = true;
  const bmi = latestWithin(p.bmi, a.assessmentStart, a.assessmentEnd);
  let validScore: PreparedMeasure | undefined;
  let invalidScore: PreparedMeasure | undefined;
  for (let i = 0; i < p.cvScore.length; i++) {
    const s = p.cvScore[i];
    if (s.day < a.assessmentStart || s.day > a.assessmentEnd) continue;
    if (scoreApplies(e, s)) {
      if (
        validScore === undefined ||
        s.day > validScore.day ||
        (s.day === validScore.day && s.value > validScore.value)
      )
        validScore = s;
    } else if (invalidScore === undefined || s.day > invalidScore.day) invalidScore = s;
  }
  if (bmi !== undefined && bmi.value >= r.bmiMin) {
    d.criteria = true;
    d.rule = 'bmiAtThreshold';
    d.a = bmi;
  } else if (validScore !== undefined && validScore.value >= r.scorePercentMin) {
    d.criteria = true;
    d.rule = 'scoreAtThreshold';
    d.a = validScore;
  }
  if (d.criteria) {
    const ald = activeAldIn(p.ald, a.statusDay, r.excludedAld);
    if (ald !== undefined) {
      d.excluded = true;
      d.rule = 'cardiovascularAld';
      d.b = ald;
    }
    return;
  }
  if (bmi !== undefined || validScore !== undefined) {
    d.rule = 'belowThreshold';
    d.a = bmi;
    d.b = validScore;
  } else if (invalidScore !== undefined) {
    d.rule = 'scoreNotApplicable';
    d.a = invalidScore;
  } else {
    d.rule = 'assessmentOutsideWindow';
  }
}
