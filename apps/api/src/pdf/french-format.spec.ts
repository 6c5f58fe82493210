import { euros, frLongDate, frMonth, parisDate, percent, signedEuros } from './french-format';

/** Issue #6 §3 — French formatting on statements (`1 234,56 €`, `1er mai 2027`). */
describe('French formatting of financial documents', () => {
  const intlEuros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
  const intlPercent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 20 });

  describe('euros (integer cents)', () => {
    it('prints cents as Intl fr-FR does, narrow no-break space between thousands, no-break space before €', () => {
      expect(euros(123456)).toBe('1\u202f234,56\u00a0€');
      expect(euros(0)).toBe('0,00\u00a0€');
      expect(euros(5)).toBe('0,05\u00a0€');
      expect(euros(-5)).toBe('-0,05\u00a0€');
      expect(euros(-123456)).toBe('-1\u202f234,56\u00a0€');
      expect(euros(100)).toBe('1,00\u00a0€');
    });
    it('matches Intl fr-FR over a sweep of amounts, negative ones included', () => {
      const samples = [0, 1, 9, 10, 99, 100, 999, 1000, 99999, 100000, 123456, 999999, 1000000, 12345678, 987654321, 4200000000];
      for (const c of samples.flatMap((x) => [x, -x]).filter((x) => !Object.is(x, -0))) {
        expect(euros(c)).toBe(intlEuros.format(c / 100));
      }
    });
    it('accepts bigint and PostgreSQL bigint text, beyond the float-safe range', () => {
      expect(euros(123456789012345678901n)).toBe('1\u202f234\u202f567\u202f890\u202f123\u202f456\u202f789,01\u00a0€');
      expect(euros('-250075')).toBe('-2\u202f500,75\u00a0€');
    });
    it('refuses anything that is not integer cents (never a float on money)', () => {
      expect(() => euros(12.5)).toThrow(/centimes/);
      expect(() => euros('12,50')).toThrow(/centimes/);
      expect(() => euros(undefined)).toThrow(/centimes/);
      expect(() => euros(Number.MAX_SAFE_INTEGER + 1)).toThrow(/centimes/);
    });
  });

  describe('frLongDate', () => {
    it('writes the first of the month « 1er » and other days as numbers', () => {
      expect(frLongDate('2027-05-01')).toBe('1er mai 2027');
      expect(frLongDate('2027-05-02')).toBe('2 mai 2027');
      expect(frLongDate('2026-08-15')).toBe('15 août 2026');
      expect(frLongDate('2028-02-29')).toBe('29 février 2028');
      expect(frLongDate('2027-12-31')).toBe('31 décembre 2027');
    });
    it('refuses impossible or non-ISO dates', () => {
      expect(() => frLongDate('2027-02-29')).toThrow(/AAAA-MM-JJ/);
      expect(() => frLongDate('01/05/2027')).toThrow(/AAAA-MM-JJ/);
      expect(() => frLongDate('2027-13-01')).toThrow(/AAAA-MM-JJ/);
    });
  });

  describe('frMonth', () => {
    it('names the civil month', () => {
      expect(frMonth('2027-05')).toBe('mai 2027');
      expect(frMonth('2026-01')).toBe('janvier 2026');
      expect(frMonth('2026-12')).toBe('décembre 2026');
    });
    it('refuses a month that is not AAAA-MM', () => {
      expect(() => frMonth('2026-13')).toThrow(/AAAA-MM/);
      expect(() => frMonth('2026-5')).toThrow(/AAAA-MM/);
    });
  });

  describe('percent (decimal text)', () => {
    it('keeps every significant digit', () => {
      expect(percent('0.15')).toBe('15\u00a0%');
      expect(percent('0.0425')).toBe('4,25\u00a0%');
      expect(percent('0.1')).toBe('10\u00a0%');
      expect(percent('1')).toBe('100\u00a0%');
      expect(percent('0')).toBe('0\u00a0%');
      expect(percent('0.150000')).toBe('15\u00a0%');
      expect(percent('-0.025')).toBe('-2,5\u00a0%');
      expect(percent('12.5')).toBe('1\u202f250\u00a0%');
    });
    it('matches Intl fr-FR percent for rates exactly representable', () => {
      for (const r of ['0.15', '0.0425', '0.5', '0.125', '2', '0.0001', '-0.1']) {
        expect(percent(r)).toBe(intlPercent.format(Number(r)));
      }
    });
    it('refuses text that is not a decimal', () => {
      expect(() => percent('15 %')).toThrow(/Taux/);
      expect(() => percent(null)).toThrow(/Taux/);
    });
  });
});

describe('signed amounts and document dates', () => {
  it('prints the sign of an amount owed either way', () => {
    expect(signedEuros(500000)).toBe('+5\u202f000,00\u00a0€');
    expect(signedEuros(-1)).toBe('-0,01\u00a0€');
    expect(signedEuros(0)).toBe('0,00\u00a0€');
  });
  it('takes the civil date in Europe/Paris', () => {
    expect(parisDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});
