import { projectYearEnd } from './budget-projection';
import { FISS_FORFAIT_BUDGET, FISS_FORFAIT_TOTAL_CENTS, programmeMonthsIn } from './programme-figures';

/** Issue #7 §2, RULES.md §8 — forfaits against the FISS budget, projected to year end. */
describe('FISS budget projection', () => {
  it('the printed annual lines exceed the printed total (46 076 901 €) by 1 € of rounding: the total is the cap', () => {
    // §8 prints 37 824 169 € (ipso) and 8 252 733 € (hors ipso) as column totals, but its
    // yearly cells add up to 37 824 168 € and 8 252 734 €: the cells were rounded to the euro.
    const sum = FISS_FORFAIT_BUDGET.reduce((s, b) => s + b.ipsoCents + b.nonIpsoCents, 0);
    expect(sum - FISS_FORFAIT_TOTAL_CENTS).toBe(100);
  });

  it('programme years: 2026 starts in May, 2030 ends in April', () => {
    expect(programmeMonthsIn(2026)).toHaveLength(8);
    expect(programmeMonthsIn(2030)).toEqual(['2030-01', '2030-02', '2030-03', '2030-04']);
  });

  it('projects paid + mean of the last three months × months left, and alerts above the budget', () => {
    const paid = ['2027-01', '2027-02', '2027-03', '2027-04'].map((month, i) => ({ month, amountCents: [100_000_00, 140_000_00, 150_000_00, 160_000_00][i] }));
    const p = projectYearEnd(2027, paid, 'nonIpso');
    expect(p.paidCents).toBe(550_000_00);
    expect(p.monthsLeft).toBe(8);
    expect(p.projectedCents).toBe(550_000_00 + 150_000_00 * 8);
    expect(p.budgetCents).toBe(1_791_440_00);
    expect(p.alert).toBe(false);
    const high = projectYearEnd(2027, paid.map((x) => ({ ...x, amountCents: x.amountCents * 2 })), 'nonIpso');
    expect(high.alert).toBe(true);
  });

  it('rounds the three-month mean half-up to the cent', () => {
    const paid = [{ month: '2028-01', amountCents: 1 }, { month: '2028-02', amountCents: 1 }, { month: '2028-03', amountCents: 2 }];
    expect(projectYearEnd(2028, paid, 'total').projectedCents).toBe(4 + 1 * 9);
  });
});
