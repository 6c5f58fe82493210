import { describe, expect, it } from 'vitest';
import { percentToRate } from './ipso/RegularisationPage';
import { formatSignedCents, parseEurosToCents } from './format';
import { programmeMonths } from './statements/labels';

describe('amounts typed by people, without floating point on money', () => {
  it('euros to integer cents', () => {
    expect(parseEurosToCents('31,50')).toBe(3150);
    expect(parseEurosToCents('1 234.5')).toBe(123450);
    expect(parseEurosToCents('30 €')).toBe(3000);
    expect(parseEurosToCents('0,07')).toBe(7);
    expect(parseEurosToCents('12,345')).toBeNull();
    expect(parseEurosToCents('-3')).toBeNull();
    expect(parseEurosToCents('')).toBeNull();
  });
  it('percent to the API’s decimal rate', () => {
    expect(percentToRate('10')).toBe('0.1');
    expect(percentToRate('12,5')).toBe('0.125');
    expect(percentToRate('7 %')).toBe('0.07');
    expect(percentToRate('0')).toBe('0');
    expect(percentToRate('100')).toBeNull();
  });
  it('signed amounts', () => {
    expect(formatSignedCents(500_000).replace(/\s/g, ' ')).toBe('+5 000,00 €');
    expect(formatSignedCents(-500_000).replace(/\s/g, ' ')).toBe('-5 000,00 €');
    expect(formatSignedCents(0).replace(/\s/g, ' ')).toBe('0,00 €');
  });
  it('the programme months up to the current month in Paris, latest first', () => {
    const m = programmeMonths(new Date('2026-11-30T23:30:00Z'));
    expect(m[0]).toBe('2026-12');
    expect(m.at(-1)).toBe('2026-05');
    expect(m).toHaveLength(8);
  });
});
