/**
 * French formatting for documents, integer arithmetic only (money is integer cents, never a float):
 * 123456 → '1 234,56 €', -50 → '-0,50 €'; rates '0.1' → '10,00 %'; dates '2027-05-01' → '1er mai 2027'.
 */
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

export function formatEurosFr(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer amount of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const rest = String(abs % 100).padStart(2, '0');
  return `${sign}${euros},${rest} €`;
}

/** With an explicit sign: '+5 000,00 €', '-5 000,00 €', '0,00 €'. */
export function formatSignedEurosFr(cents: number): string {
  return `${cents > 0 ? '+' : ''}${formatEurosFr(cents)}`;
}

/** The engine's percent text ('10.00 %') in French ('10,00 %'). */
export function percentFr(enginePercent: string): string {
  return enginePercent.replace('.', ',');
}

/** '2027-05-01' → '1er mai 2027'. */
export function longDateFr(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const day = Number(m[3]);
  return `${day === 1 ? '1er' : day} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** A timestamp's civil date in Europe/Paris, 'YYYY-MM-DD'. */
export function parisDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
