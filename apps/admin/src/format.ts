/** French formatting through Intl (fr-FR), dates shown in Europe/Paris. */
const dateFmt = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateTimeFmt = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });
const percentFmt = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 2 });
const euroFmt = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const integerFmt = new Intl.NumberFormat('fr-FR');

/** An ISO civil date `YYYY-MM-DD` (no time zone: read as such). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return dateFmt.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

export const formatDateTime = (iso: string): string => dateTimeFmt.format(new Date(iso));
export const formatPercent = (rate: number): string => percentFmt.format(rate);
/** Amounts are integer cents in the API. */
export const formatCents = (cents: number): string => euroFmt.format(cents / 100);
export const formatInteger = (n: number): string => integerFmt.format(n);
export const yesNo = (b: boolean | null | undefined): string => (b == null ? '—' : b ? 'Oui' : 'Non');

const monthFmt = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonthFmt = new Intl.DateTimeFormat('fr-FR', { month: 'short', year: '2-digit', timeZone: 'UTC' });
const parseMonth = (ym: string): Date | null => {
  const m = /^(\d{4})-(\d{2})$/.exec(ym);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) : null;
};
/** A civil month `YYYY-MM`: « mai 2026 ». */
export const formatMonth = (ym: string): string => {
  const d = parseMonth(ym);
  return d ? monthFmt.format(d) : ym;
};
/** Short month for chart axes: « mai 26 ». */
export const formatShortMonth = (ym: string): string => {
  const d = parseMonth(ym);
  return d ? shortMonthFmt.format(d) : ym;
};
/** Whole euros (chart axes, large budgets). */
const euroWholeFmt = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
export const formatCentsWhole = (cents: number): string => euroWholeFmt.format(Math.round(cents / 100));
const bytesFmt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
export const formatBytes = (n: number): string =>
  n < 1024 ? `${integerFmt.format(n)} o` : n < 1024 * 1024 ? `${bytesFmt.format(n / 1024)} Kio` : `${bytesFmt.format(n / 1024 / 1024)} Mio`;
const compactEuroFmt = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 });
/** Chart axes: « 7,5 M€ ». */
export const formatCentsCompact = (cents: number): string => compactEuroFmt.format(cents / 100);
const signedEuroFmt = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', signDisplay: 'exceptZero' });
/** A signed amount (differences, regularisations): « +12,30 € », « -5 000,00 € », « 0,00 € ». */
export const formatSignedCents = (cents: number): string => signedEuroFmt.format(cents / 100);

/**
 * Euros typed by a person (« 31,50 », « 1 234.5 », « 30 ») to integer cents, without floating
 * point on money; null when it is not an amount with at most two decimals.
 */
export function parseEurosToCents(input: string): number | null {
  const s = input.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
/** « de novembre 2026 », « d’octobre 2026 » (elision before a vowel). */
export const ofMonth = (ym: string): string => {
  const m = formatMonth(ym);
  return /^[aeiouy]/i.test(m) ? `d’${m}` : `de ${m}`;
};
