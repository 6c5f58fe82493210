/**
 * Perte d'autonomie à domicile (Annex 5): IADL ≤ 2 assessed within 12 months and declared home
 * care. Exclusion: no home visit by a doctor, IPA or midwife in the last 3 months. When paid it
 * replaces the socle and every other brique and escapes leakage (RULES §3).
 */
import type { MonthAnchors } from '../context';
import { activeOn, countEncounters, lastEncounter, latestWithin } from '../prepare';
import type { BriqueDecision, EvaluationInput } from './decision';

export function evaluateHomeDependency(e: EvaluationInput, d: BriqueDecision): void {
  const { p, a, ctx } = e;
  if (p.iadl.length === 0 && p.homeCare.length === 0) return;
  const r = ctx.params.criteria.homeDependency;
  d.present = true;
  const iadl = latestWithin(p.iadl, a.assessmentStart, a.assessmentEnd);
  const care = activeOn(p.homeCare, a.statusDay);
  d.a = iadl;
  d.b = care;
  if (care !== undefined) {
    // Declared home care: warn when activity data contradicts it (RULES §3, last paragraph).
    d.n = countEncounters(
      p,
      ctx.masks.doctorHomeVisit.kinds,
      ctx.masks.doctorHomeVisit.roles,
      a.homeCareWarnStart,
      a.homeVisitEnd,
    );
  }
  if (iadl === undefined) {
    d.rule = 'iadlOutsideWindow';
    return;
  }
  if (iadl.value > r.iadlMax) {
    d.rule = 'iadlAboveThreshold';
    return;
  }
  if (care === undefined) {
    d.rule = 'noHomeCareDeclaration';
    return;
  }
  d.criteria = true;
  const visit = lastEncounter(p, ctx.masks.homeVisit.kinds, ctx.masks.homeVisit.roles, a.homeVisitEnd);
  if (visit < a.homeVisitStart) {
    d.excluded = true;
    d.rule = 'noRecentHomeVisit';
  } else {
    d.rule = 'iadlAndHomeCare';
  }
}

/** Whether perte d'autonomie is paid in a month (no scratch: used while counting obstetric months). */
export function homeDependencyPaidIn(
  e: { p: EvaluationInput['p']; ctx: EvaluationInput['ctx'] },
  a: MonthAnchors,
): boolean {
  const { p, ctx } = e;
  if (p.iadl.length === 0 || p.homeCare.length === 0) return false;
  const iadl = latestWithin(p.iadl, a.assessmentStart, a.assessmentEnd);
  if (iadl === undefined || iadl.value > ctx.params.criteria.homeDependency.iadlMax) return false;
  if (activeOn(p.homeCare, a.statusDay) === undefined) return false;
  return (
    lastEncounter(p, ctx.masks.homeVisit.kinds, ctx.masks.homeVisit.roles, a.homeVisitEnd) >= a.homeVisitStart
  );
}
