/**
 * Attributive briques read on the status anchor day (Annex 5): ALD, vulnérabilité sociale,
 * handicap. Their evidence comes from CNAM / MDPH data.
 */
import {
  activeOn,
  latestUpTo,
  type PreparedAld,
  type PreparedMeasure,
  type PreparedPeriod,
} from '../prepare';
import { recentlyRelevant, type BriqueDecision, type EvaluationInput } from './decision';

/** Active ALDs on a day, by number ascending (order-free). */
export function activeAlds(list: readonly PreparedAld[], day: number): PreparedAld[] {
  const out: PreparedAld[] = [];
  for (let i = 0; i < list.length; i++) if (list[i].from <= day && day <= list[i].to) out.push(list[i]);
  if (out.length > 1) out.sort((x, y) => x.number - y.number || x.from - y.from);
  return out;
}

/** First active ALD whose number is in `numbers`, or undefined. */
export function activeAldIn(
  list: readonly PreparedAld[],
  day: number,
  numbers: readonly number[],
): PreparedAld | undefined {
  let best: PreparedAld | undefined;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (
      x.from <= day &&
      day <= x.to &&
      numbers.includes(x.number) &&
      (best === undefined || x.number < best.number)
    )
      best = x;
  }
  return best;
}

/** ALD: at least one active ALD. */
export function evaluateAld(e: EvaluationInput, d: BriqueDecision): void {
  const list = e.p.ald;
  if (list.length === 0) return;
  const day = e.a.statusDay;
  let any = false;
  let recent = false;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x.from <= day && day <= x.to) any = true;
    else if (x.from <= day && recentlyRelevant(e.a, x.to)) recent = true;
  }
  if (any) {
    d.criteria = true;
    d.present = true;
    d.rule = 'aldActive';
  } else if (recent) {
    d.present = true;
    d.rule = 'noActiveAld';
  }
}

/** Vulnérabilité sociale: C2S or AME active. */
export function evaluateSocialVulnerability(e: EvaluationInput, d: BriqueDecision): void {
  const { c2s, ame } = e.p;
  if (c2s.length === 0 && ame.length === 0) return;
  const day = e.a.statusDay;
  const c = activeOn(c2s, day);
  if (c !== undefined) {
    d.criteria = d.present = true;
    d.rule = 'c2sActive';
    d.a = c;
    return;
  }
  const m = activeOn(ame, day);
  if (m !== undefined) {
    d.criteria = d.present = true;
    d.rule = 'ameActive';
    d.a = m;
    return;
  }
  const ended = (list: readonly PreparedPeriod[]) =>
    list.some((x) => x.from <= day && recentlyRelevant(e.a, x.to));
  if (ended(c2s) || ended(ame)) {
    d.present = true;
    d.rule = 'coverNotActive';
  }
}

/** Handicap: MDPH incapacity rate ≥ 50 % at the latest annual assessment. */
export function evaluateDisability(e: EvaluationInput, d: BriqueDecision): void {
  if (e.p.mdph.length === 0) return;
  const latest: PreparedMeasure | undefined = latestUpTo(e.p.mdph, e.a.statusDay);
  if (latest === undefined) return;
  d.present = true;
  d.a = latest;
  if (latest.value >= e.ctx.params.criteria.disability.mdphRateMinPercent) {
    d.criteria = true;
    d.rule = 'mdphRateAtThreshold';
  } else {
    d.rule = 'mdphRateBelowThreshold';
  }
}
