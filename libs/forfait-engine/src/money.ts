/**
 * Money is integer cents end to end; rates are exact rationals. A leakage rate of 15 % applied to
 * 10.50 € must give 8.93 € (892.5 cents rounded half-up), which binary floating point gets wrong
 * (1050 × 0.85 = 892.4999…). Every multiplication by a rate therefore happens on BigInt
 * numerators and denominators, and only the rounded result comes back as a number of cents.
 */

/** Amount in euro cents (an integer). */
export type Cents = number;

/** How a rational amount is brought back to a multiple of the rounding step. */
export type RoundingMode = 'halfUp' | 'halfEven';

/** An exact rate in [0, 1): num / den, with the decimal text it was written as. */
export interface Rate {
  readonly num: bigint;
  readonly den: bigint;
  /** Canonical decimal text, e.g. "0.15"; for non-terminating ratios, 9 decimals followed by "…". */
  readonly text: string;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const MAX_RATE_DECIMALS = 9;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Turns a number's shortest round-trip text ("0.15") into the decimal a person meant. */
function decimalText(input: string | number): string | null {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return null;
    const text = String(input);
    if (/e/i.test(text)) return input === 0 ? '0' : input.toFixed(MAX_RATE_DECIMALS + 3).replace(/0+$/, '');
    return text;
  }
  return input.trim();
}

/** Reason a rate input is not acceptable, or null when it is. Used by the zod schemas. */
export function rateProblem(input: string | number): string | null {
  const text = decimalText(input);
  if (text === null) return 'expected a decimal rate such as "0.15"';
  const m = DECIMAL.exec(text);
  if (!m) return `"${String(input)}" is not a decimal rate (write 0.15 for 15 %)`;
  if ((m[2] ?? '').length > MAX_RATE_DECIMALS) return `rate has more than ${MAX_RATE_DECIMALS} decimals`;
  const r = ratioOf(m[1], m[2] ?? '');
  if (r.num >= r.den) return `rate ${text} is outside [0, 1)`;
  return null;
}

function ratioOf(intPart: string, fracPart: string): { num: bigint; den: bigint } {
  const den = 10n ** BigInt(fracPart.length);
  const num = BigInt(intPart) * den + (fracPart.length > 0 ? BigInt(fracPart) : 0n);
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

/** Parses "0.15", 0.15 or "0.150" into the exact rate 3/20. Throws RangeError outside [0, 1). */
export function parseRate(input: string | number): Rate {
  const problem = rateProblem(input);
  if (problem !== null) throw new RangeError(problem);
  const m = DECIMAL.exec(decimalText(input) as string) as RegExpExecArray;
  const { num, den } = ratioOf(m[1], m[2] ?? '');
  return { num, den, text: rateText(num, den) };
}

/** Exact rate from a ratio of amounts (e.g. outside-structure value / forfait total). */
export function rateFromRatio(numerator: bigint, denominator: bigint): Rate {
  if (denominator <= 0n) throw new RangeError('rate denominator must be positive');
  if (numerator < 0n) throw new RangeError('rate numerator must not be negative');
  const g = gcd(numerator, denominator) || 1n;
  const num = numerator / g;
  const den = denominator / g;
  return { num, den, text: rateText(num, den) };
}

/** Decimal text of num/den: exact when it terminates within 9 decimals, else truncated with "…". */
export function rateText(num: bigint, den: bigint): string {
  const intPart = num / den;
  let rem = num % den;
  let digits = '';
  for (let i = 0; i < MAX_RATE_DECIMALS && rem !== 0n; i++) {
    rem *= 10n;
    digits += String(rem / den);
    rem %= den;
  }
  const base = digits.length > 0 ? `${intPart}.${digits}` : String(intPart);
  return rem === 0n ? base : `${base}…`;
}

/** Percentage text with two decimals, for people ("15.00 %"). Rounded half-up. */
export function ratePercentText(rate: Rate): string {
  const hundredths = divRound(rate.num * 10000n, rate.den, 'halfUp');
  const sign = hundredths < 0n ? '-' : '';
  const abs = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')} %`;
}

/**
 * n / d rounded to an integer. halfUp rounds ties away from zero (the accounting convention, so a
 * negative regularisation of −0.5 cent becomes −1 cent, symmetric with +0.5 → +1); halfEven is
 * offered as an alternative rounding parameter.
 */
export function divRound(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d <= 0n) throw new RangeError('division by a non-positive denominator');
  const negative = n < 0n;
  const a = negative ? -n : n;
  let q = a / d;
  const twiceRem = (a % d) * 2n;
  if (twiceRem > d || (twiceRem === d && (mode === 'halfUp' || q % 2n === 1n))) q += 1n;
  return negative ? -q : q;
}

/** Amount × (1 − rate), rounded to a multiple of `stepCents`, in cents. */
export function applyLeakage(amount: Cents, rate: Rate, mode: RoundingMode, stepCents = 1): Cents {
  const step = BigInt(stepCents);
  return Number(divRound(BigInt(amount) * (rate.den - rate.num), rate.den * step, mode) * step);
}

/** Amount × factor (an exact decimal such as an NGAP coefficient "12.6"), rounded to the cent. */
export function multiplyByDecimal(amount: Cents, factor: string, mode: RoundingMode): Cents {
  const m = DECIMAL.exec(factor);
  if (!m) throw new RangeError(`"${factor}" is not a decimal`);
  const { num, den } = ratioOf(m[1], m[2] ?? '');
  return Number(divRound(BigInt(amount) * num, den, mode));
}

/** Canonical decimal text: "12,6" and "12.60" become "12.6"; 15 becomes "15". */
export function canonicalDecimal(input: string | number): string | null {
  const text = decimalText(typeof input === 'string' ? input.replace(',', '.') : input);
  if (text === null) return null;
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const intPart = String(BigInt(m[1]));
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return frac.length > 0 ? `${intPart}.${frac}` : intPart;
}

/** "8.93" for 893 cents, "-12.00" for −1200. */
export function formatEuros(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100);
  const rest = abs - euros * 100;
  return `${sign}${euros}.${rest < 10 ? '0' : ''}${rest}`;
}

/**
 * "12.2" for 1220 cents: the one-decimal form of the specification's printed grid. Amounts that
 * are not whole tenths keep their two decimals rather than being silently rounded.
 */
export function formatTenths(cents: Cents): string {
  const abs = Math.abs(cents);
  if (abs % 10 !== 0) return formatEuros(cents);
  const tenths = abs / 10;
  return `${cents < 0 ? '-' : ''}${Math.floor(tenths / 10)}.${tenths % 10}`;
}
