import { formatEurosFr, formatSignedEurosFr, longDateFr, parisDate, percentFr } from './french-format';

describe('French formatting of the regularisation statement (issue #6 §3)', () => {
  it('formats cents with integer arithmetic', () => {
    expect(formatEurosFr(123456)).toBe('1 234,56 €');
    expect(formatEurosFr(0)).toBe('0,00 €');
    expect(formatEurosFr(5)).toBe('0,05 €');
    expect(formatEurosFr(-500000)).toBe('-5 000,00 €');
    expect(formatEurosFr(10_000_000_00)).toBe('10 000 000,00 €');
    expect(formatSignedEurosFr(500000)).toBe('+5 000,00 €');
    expect(formatSignedEurosFr(-1)).toBe('-0,01 €');
    expect(() => formatEurosFr(1.5)).toThrow(RangeError);
  });
  it('formats rates and dates', () => {
    expect(percentFr('10.00 %')).toBe('10,00 %');
    expect(longDateFr('2027-05-01')).toBe('1er mai 2027');
    expect(longDateFr('2027-12-15')).toBe('15 décembre 2027');
    expect(parisDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});
