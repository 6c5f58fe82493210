/** RULES §3 "Net = gross × (1 − rate)… unit prices rounded half-up to the cent [param: rounding]". */
import {
  applyLeakage,
  canonicalDecimal,
  divRound,
  formatEuros,
  formatTenths,
  parseRate,
  rateFromRatio,
  ratePercentText,
  rateProblem,
} from './money';

describe('money in integer cents, rates as exact rationals (RULES §3)', () => {
  it('10.50 € at 15 % is 8.93 €, not the 8.92 € of floating point', () => {
    // The trap: euros × (1 − rate) in floating point is 8.924999…, which rounds to 8.92.
    expect(Math.round(10.5 * (1 - 0.15) * 100)).toBe(892);
    expect(applyLeakage(1050, parseRate('0.15'), 'halfUp')).toBe(893);
    expect(applyLeakage(1050, parseRate(0.15), 'halfUp')).toBe(893);
  });

  it('rounds ties half-up (away from zero) and offers half-even as a parameter', () => {
    expect(divRound(8925n, 10n, 'halfUp')).toBe(893n);
    expect(divRound(-8925n, 10n, 'halfUp')).toBe(-893n);
    expect(divRound(8925n, 10n, 'halfEven')).toBe(892n);
    expect(divRound(8935n, 10n, 'halfEven')).toBe(894n);
    expect(divRound(8924n, 10n, 'halfUp')).toBe(892n);
    expect(applyLeakage(850, parseRate('0.15'), 'halfEven')).toBe(722); // 722.5 → even
  });

  it('parses rates exactly and rejects rates outside [0, 1)', () => {
    expect(parseRate('0.150')).toMatchObject({ num: 3n, den: 20n, text: '0.15' });
    expect(parseRate(0).text).toBe('0');
    expect(rateProblem('1')).toMatch(/outside \[0, 1\)/);
    expect(rateProblem(1.2)).toMatch(/outside/);
    expect(rateProblem('-0.1')).toMatch(/not a decimal rate/);
    expect(rateProblem('15%')).toMatch(/not a decimal rate/);
    expect(() => parseRate('1.0')).toThrow(RangeError);
  });

  it('keeps ratios exact (1/3 is not 0.333…)', () => {
    const third = rateFromRatio(1n, 3n);
    expect(third.text).toBe('0.333333333…');
    expect(applyLeakage(300, third, 'halfUp')).toBe(200);
    expect(ratePercentText(rateFromRatio(10_000_00n, 100_000_00n))).toBe('10.00 %');
  });

  it('formats amounts', () => {
    expect(formatEuros(893)).toBe('8.93');
    expect(formatEuros(-5)).toBe('-0.05');
    expect(formatTenths(1220)).toBe('12.2');
    expect(formatTenths(1225)).toBe('12.25');
    expect(canonicalDecimal('12,60')).toBe('12.6');
    expect(canonicalDecimal(15)).toBe('15');
  });
});
