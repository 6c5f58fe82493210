/**
 * Calendar arithmetic on integers. Dates travel as ISO strings (YYYY-MM-DD) at the edges and as
 * "epoch days" (days since 1970-01-01, proleptic Gregorian, no time zone) inside the engine, so a
 * date never shifts with the server's time zone and comparisons are integer comparisons.
 * Months travel as 'YYYY-MM' and as month indices (year × 12 + month − 1).
 */

/** A day number later than any real date ("no end"). */
export const FAR_FUTURE = 10_000_000;
/** A day number earlier than any real date. */
export const FAR_PAST = -10_000_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/** Days since 1970-01-01 of a civil date (H. Hinnant's algorithm; exact for all years ≥ 0). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
}

/** Inverse of daysFromCivil (arithmetic; see civilPacked for the fast path). */
function civilArithmetic(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

// Day → civil date is on every explanation and anniversary; a table of packed dates
// (year << 9 | month << 5 | day) for 1850–2250 turns it into one array read.
const TABLE_FIRST_DAY = daysFromCivil(1850, 1, 1);
const TABLE_LAST_DAY = daysFromCivil(2250, 1, 1) - 1;
const PACKED = new Int32Array(TABLE_LAST_DAY - TABLE_FIRST_DAY + 1);
for (let y = 1850, i = 0; y < 2250; y++) {
  for (let m = 1; m <= 12; m++) {
    const n =
      m === 2
        ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
          ? 29
          : 28
        : m === 4 || m === 6 || m === 9 || m === 11
          ? 30
          : 31;
    for (let d = 1; d <= n; d++) PACKED[i++] = (y << 9) | (m << 5) | d;
  }
}

/** Civil date packed as year << 9 | month << 5 | day (no allocation). */
export function civilPacked(days: number): number {
  if (days >= TABLE_FIRST_DAY && days <= TABLE_LAST_DAY) return PACKED[days - TABLE_FIRST_DAY];
  const c = civilArithmetic(days);
  return (c.year << 9) | (c.month << 5) | c.day;
}

export function civilFromDays(days: number): CivilDate {
  const p = civilPacked(days);
  return { year: p >> 9, month: (p >> 5) & 15, day: p & 31 };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when the string is a real calendar date in ISO form (2026-02-30 is rejected). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

export function isIsoMonth(text: string): boolean {
  const m = ISO_MONTH.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

function digit(text: string, i: number): number {
  return text.charCodeAt(i) - 48;
}

// First day (epoch days) of every month of the table's years, for parseDay.
const MONTH_START = new Int32Array(400 * 12);
for (let y = 0; y < 400; y++)
  for (let m = 0; m < 12; m++) MONTH_START[y * 12 + m] = daysFromCivil(1850 + y, m + 1, 1);

/**
 * Parses a validated ISO date into epoch days. Hot path (called for every encounter and piece of
 * evidence), hence charCode arithmetic and a month table instead of a regex or Date.parse.
 */
export function parseDay(text: string): number {
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  const i = (year - 1850) * 12 + month - 1;
  return i >= 0 && i < MONTH_START.length ? MONTH_START[i] + day - 1 : daysFromCivil(year, month, day);
}

/** Month index (year × 12 + month − 1) of a validated ISO date or month string. */
export function monthIndexOfText(text: string): number {
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  return year * 12 + digit(text, 5) * 10 + digit(text, 6) - 1;
}

/** Day of month (1..31) of a validated ISO date. */
export function dayOfMonthOfText(text: string): number {
  return digit(text, 8) * 10 + digit(text, 9);
}

export function parseMonth(text: string): number {
  return monthIndexOfText(text);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const MONTH_TEXT = new Map<number, string>();

export function formatMonth(monthIndex: number): string {
  let text = MONTH_TEXT.get(monthIndex);
  if (text === undefined) {
    const year = Math.floor(monthIndex / 12);
    text = `${year}-${pad2(monthIndex - year * 12 + 1)}`;
    if (MONTH_TEXT.size < 10_000) MONTH_TEXT.set(monthIndex, text);
  }
  return text;
}

const DAY_TEXT: (string | undefined)[] = [];

/** ISO text of a day; memoised, explanations print the same few thousand days over and over. */
export function formatDay(days: number): string {
  const i = days - TABLE_FIRST_DAY;
  const inTable = i >= 0 && days <= TABLE_LAST_DAY;
  if (inTable) {
    const cached = DAY_TEXT[i];
    if (cached !== undefined) return cached;
  }
  const p = civilPacked(days);
  const text = `${p >> 9}-${pad2((p >> 5) & 15)}-${pad2(p & 31)}`;
  if (inTable) DAY_TEXT[i] = text;
  return text;
}

export function monthIndexOfDay(days: number): number {
  const p = civilPacked(days);
  return (p >> 9) * 12 + ((p >> 5) & 15) - 1;
}

/** Day of month (1..31) of an epoch day. */
export function dayOfMonthOfDay(days: number): number {
  return civilPacked(days) & 31;
}

export function firstDayOfMonth(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  return daysFromCivil(year, monthIndex - year * 12 + 1, 1);
}

export function lastDayOfMonth(monthIndex: number): number {
  return firstDayOfMonth(monthIndex + 1) - 1;
}

/**
 * Same day N months later (or earlier), clamped to the end of the target month: 2028-02-29 + 12
 * months is 2029-02-28, as for a contractual anniversary.
 */
export function addMonthsToDay(days: number, months: number): number {
  const p = civilPacked(days);
  const target = (p >> 9) * 12 + ((p >> 5) & 15) - 1 + months;
  const year = Math.floor(target / 12);
  const month = target - year * 12 + 1;
  return daysFromCivil(year, month, Math.min(p & 31, daysInMonth(year, month)));
}

/** Completed years between a birth date and a date (a 29 February birthday completes on 1 March). */
export function completedYears(birthDays: number, atDays: number): number {
  const b = civilPacked(birthDays);
  const a = civilPacked(atDays);
  // Month and day compare as one number (month << 5 | day).
  return (a >> 9) - (b >> 9) - ((a & 511) < (b & 511) ? 1 : 0);
}

/** Completed months between a birth date and a date. */
export function completedMonths(birthDays: number, atDays: number): number {
  const b = civilPacked(birthDays);
  const a = civilPacked(atDays);
  return ((a >> 9) - (b >> 9)) * 12 + (((a >> 5) & 15) - ((b >> 5) & 15)) - ((a & 31) < (b & 31) ? 1 : 0);
}

/** Which day of a billed month a rule looks at. */
export type MonthAnchor = 'firstDayOfMonth' | 'lastDayOfMonth';

export function anchorDay(monthIndex: number, anchor: MonthAnchor): number {
  return anchor === 'firstDayOfMonth' ? firstDayOfMonth(monthIndex) : lastDayOfMonth(monthIndex);
}

/**
 * First day of the window of `months` months ending on `endDay` (inclusive). Defined as
 * (endDay + 1) − N months so that a window ending on the last day of a month covers whole
 * calendar months: 24 months ending 2026-06-30 start on 2024-07-01.
 */
export function windowStartDay(endDay: number, months: number): number {
  return addMonthsToDay(endDay + 1, -months);
}
