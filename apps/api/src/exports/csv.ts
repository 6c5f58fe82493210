/**
 * CSV for French Excel: `;` separator, UTF-8 with BOM, CRLF. Cells starting with = + - @ (or a
 * tab / carriage return) are prefixed with an apostrophe so a spreadsheet never evaluates them
 * as formulas (CSV injection, OWASP).
 */
export const CSV_BOM = '\ufeff';
const FORMULA = /^[=+\-@\t\r]/;
const QUOTE = /[;"\r\n]/;

export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && FORMULA.test(s) && !/^-\d+([.,]\d+)?$/.test(s)) s = `'${s}`;
  return QUOTE.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: (string | number | boolean | null | undefined)[]): string => cells.map(csvCell).join(';') + '\r\n';
