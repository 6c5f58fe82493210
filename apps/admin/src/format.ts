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
