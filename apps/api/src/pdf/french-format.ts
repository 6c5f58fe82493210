/**
 * French formatting for financial documents (issue #6 §3), pure functions also registered as
 * Handlebars helpers by PdfService. Output is character for character what Intl 'fr-FR' prints
 * (U+202F narrow no-break space between thousands, U+00A0 no-break space before « € » and « % »),
 * but money never goes through a float: cents are split with BigInt arithmetic.
 * Bad input throws: a financial document must not silently print « NaN € » or an empty cell.
 */

/** U+202F, the thousands separator of fr-FR. */
export const NARROW_NBSP = '\u202f';
/** U+00A0, before the currency sign and the percent sign in fr-FR. */
export const NBSP = '\u00a0';

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** Groups the digits of a non-negative integer string by three, as fr-FR does (« 1 234 »). */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, NARROW_NBSP);
}

/** Integer cents: a safe integer number, a bigint, or a decimal integer string (PostgreSQL bigint arrives as text). */
function toCents(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new TypeError(`Montant en centimes attendu (entier), reçu ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)}`);
}

/** Integer cents → « 1 234,56 € », « -0,05 € », exactly as Intl fr-FR currency EUR prints it. */
export function euros(cents: unknown): string {
  const c = toCents(cents);
  const negative = c < 0n;
  const abs = negative ? -c : c;
  const units = (abs / 100n).toString();
  const rest = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${groupThousands(units)},${rest}${NBSP}€`;
}

function civilDate(iso: unknown): { y: number; m: number; d: number } {
  const match = typeof iso === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth) return { y, m, d };
  }
  throw new TypeError(`Date ISO AAAA-MM-JJ attendue, reçu ${JSON.stringify(iso)}`);
}

/** '2027-05-01' → « 1er mai 2027 », '2027-05-02' → « 2 mai 2027 » (a civil date, no time zone involved). */
export function frLongDate(iso: unknown): string {
  const { y, m, d } = civilDate(iso);
  return `${d === 1 ? '1er' : d} ${MONTHS[m - 1]} ${y}`;
}

/** '2027-05' → « mai 2027 ». */
export function frMonth(month: unknown): string {
  const match = typeof month === 'string' ? /^(\d{4})-(\d{2})$/.exec(month) : null;
  const m = match ? Number(match[2]) : 0;
  if (!match || m < 1 || m > 12) throw new TypeError(`Mois AAAA-MM attendu, reçu ${JSON.stringify(month)}`);
  return `${MONTHS[m - 1]} ${match[1]}`;
}

/**
 * A rate as decimal text (NUMERIC from PostgreSQL, parameters) → percent with every significant
 * digit: '0.15' → « 15 % », '0.0425' → « 4,25 % » (Intl fr-FR percent with no rounding).
 * The decimal point is moved as text, so '0.1' never becomes 10.000000000000002 %.
 */
export function percent(rate: unknown): string {
  const text = typeof rate === 'number' && Number.isFinite(rate) ? String(rate) : rate;
  const match = typeof text === 'string' ? /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim()) : null;
  if (!match) throw new TypeError(`Taux décimal attendu (ex. '0.15'), reçu ${JSON.stringify(rate)}`);
  const [, sign, intPart, fracPart = ''] = match;
  const frac = fracPart.padEnd(2, '0');
  const whole = (intPart + frac.slice(0, 2)).replace(/^0+(?=\d)/, '');
  const decimals = frac.slice(2).replace(/0+$/, '');
  const isZero = /^0*$/.test(whole) && decimals === '';
  return `${sign && !isZero ? '-' : ''}${groupThousands(whole)}${decimals ? `,${decimals}` : ''}${NBSP}%`;
}

/** With an explicit sign, for amounts owed either way (« +5 000,00 € », « -5 000,00 € », « 0,00 € »). */
export function signedEuros(cents: unknown): string {
  const text = euros(cents);
  return toCents(cents) > 0n ? `+${text}` : text;
}

/** A timestamp's civil date in Europe/Paris, 'YYYY-MM-DD' (the date printed on a document). */
export function parisDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
