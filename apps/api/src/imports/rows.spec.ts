import { parseDate } from './rows';

/** Issue #5 bad inputs — dates: ISO or French, checked against the calendar (31/02/2027 refused). */
describe('parseDate', () => {
  it('reads JJ/MM/AAAA and AAAA-MM-JJ, short French forms and ISO with a time', () => {
    expect(['15/05/2026', '2026-05-15', '15.05.2026', '15-05-2026', '15/5/2026', '2026-05-15T10:00:00Z', ' 15/05/2026 '].map(parseDate)).toEqual(Array(7).fill('2026-05-15'));
    expect(parseDate('1/5/2026')).toBe('2026-05-01');
    expect(parseDate('')).toBeNull();
    expect(parseDate('  ')).toBeNull();
  });
  it('refuses dates that do not exist, whatever the form', () => {
    for (const v of ['31/02/2027', '2027-02-31', '29/02/2100', '2026-13-01', '00/05/2026', '32/01/2026', '01/01/0999', 'ab/cd/efgh', '2026/05/15', '15/05/26']) expect([v, parseDate(v)]).toEqual([v, 'invalid']);
    expect([parseDate('29/02/2024'), parseDate('29/02/2000')]).toEqual(['2024-02-29', '2000-02-29']);
  });
});
