import { FISS_FORFAIT_BUDGET, programmeMonthsIn } from './programme-figures';

export interface MonthlyPaid {
  /** 'YYYY-MM' */
  month: string;
  amountCents: number;
}

export interface BudgetProjection {
  year: number;
  budgetCents: number;
  paidCents: number;
  /** Paid so far + the mean of the last three months × months left in the programme year. */
  projectedCents: number;
  monthsLeft: number;
  /** true when the projection exceeds the annual budget, which "may not be exceeded" (§8). */
  alert: boolean;
}

/**
 * Year-end projection of forfaits against the FISS budget line (ipso, non-ipso or both).
 * Rounding: the three-month mean is rounded half-up to the cent before multiplying.
 */
export function projectYearEnd(
  year: number,
  paid: readonly MonthlyPaid[],
  line: 'ipso' | 'nonIpso' | 'total',
): BudgetProjection {
  const budget = FISS_FORFAIT_BUDGET.find((b) => b.year === year);
  if (!budget) throw new Error(`pas de budget FISS pour ${year}`);
  const budgetCents = line === 'ipso' ? budget.ipsoCents : line === 'nonIpso' ? budget.nonIpsoCents : budget.ipsoCents + budget.nonIpsoCents;
  const months = programmeMonthsIn(year);
  const inYear = paid.filter((p) => months.includes(p.month)).sort((a, b) => a.month.localeCompare(b.month));
  const paidCents = inYear.reduce((s, p) => s + p.amountCents, 0);
  const last = inYear.at(-1)?.month;
  const monthsLeft = last ? months.filter((m) => m > last).length : months.length;
  const recent = inYear.slice(-3);
  const meanCents = recent.length ? Math.floor((recent.reduce((s, p) => s + p.amountCents, 0) * 2 + recent.length) / (2 * recent.length)) : 0;
  const projectedCents = paidCents + meanCents * monthsLeft;
  return { year, budgetCents, paidCents, projectedCents, monthsLeft, alert: projectedCents > budgetCents };
}
