/**
 * Santé mentale (Annex 5): PHQ-9 ≥ 5 or GAD-7 ≥ 5 scored within 12 months. Exclusions: ALD 23;
 * included more than a year (MTR 1 counts) without a re-assessment within 12 months.
 * The latest score of each instrument within the window decides (an improved patient whose last
 * PHQ-9 is below the threshold no longer qualifies).
 */
import { windowStartDay } from '../dates';
import { latestWithin } from '../prepare';
import { activeAldIn } from './status-briques';
import type { BriqueDecision, EvaluationInput } from './decision';

export function evaluateMentalHealth(e: EvaluationInput, d: BriqueDecision): void {
  const { p, a } = e;
  if (p.phq9.length === 0 && p.gad7.length === 0) return;
  const rules = e.ctx.params.criteria.mentalHealth;
  const phq = latestWithin(p.phq9, a.assessmentStart, a.assessmentEnd);
  const gad = latestWithin(p.gad7, a.assessmentStart, a.assessmentEnd);
  d.present = true;
  if (phq !== undefined && phq.value >= rules.phq9Min) {
    d.criteria = true;
    d.rule = 'phq9AtThreshold';
    d.a = phq;
  } else if (gad !== undefined && gad.value >= rules.gad7Min) {
    d.criteria = true;
    d.rule = 'gad7AtThreshold';
    d.a = gad;
  }
  if (d.criteria) {
    const ald = activeAldIn(p.ald, a.statusDay, rules.excludedAld);
    if (ald !== undefined) {
      d.excluded = true;
      d.rule = 'psychiatricAld';
      d.b = ald;
    }
    return;
  }
  if (phq !== undefined || gad !== undefined) {
    d.rule = 'scoreBelowThreshold';
    d.a = phq ?? gad;
    d.b = gad;
    return;
  }
  // No score within the window at all.
  const seniorityLimit = windowStartDay(a.assessmentEnd, rules.reassessmentRequiredAfterMonths);
  if (e.inclusionDay < seniorityLimit) {
    d.excluded = true;
    d.rule = 'noReassessmentAfterOneYear';
  } else {
    d.rule = 'scoreOutsideWindow';
  }
}
