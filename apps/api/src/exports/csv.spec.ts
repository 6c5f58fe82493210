import { csvCell, csvLine } from './csv';

/** Issue #5 — CSV injection neutralised in exports; French Excel (semicolon). */
describe('French Excel CSV', () => {
  it('neutralises formulas', () => {
    expect(csvCell('=HYPERLINK("http://x","clic")')).toBe(`"'=HYPERLINK(""http://x"",""clic"")"`);
    expect(csvCell('+33 1 02')).toBe(`'+33 1 02`);
    expect(csvCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(csvCell('-1,5')).toBe('-1,5');
    expect(csvCell(-3)).toBe('-3');
  });
  it('quotes separators and line breaks', () => {
    expect(csvLine(['a;b', 'c\nd', 'e'])).toBe('"a;b";"c\nd";e\r\n');
  });
});
