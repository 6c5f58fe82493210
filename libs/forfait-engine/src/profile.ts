/**
 * The compact form of one patient-month, shared by the explained path (one patient at a time)
 * and the columnar totals path (a million at a time), so both pay exactly the same lines.
 *
 * - `flags` (an int): bit k (k = 0..7) says the criteria of cumulative brique k hold; bit 8 + k
 *   says an exclusion removes brique k; bit 16 says perte d'autonomie is paid (criteria and no
 *   exclusion), which replaces everything else.
 * - age in completed months on the age anchor day selects the socle band and applies the
 *   paediatric age limit, through one lookup table.
 * - the profile code = band × 256 + paid cumulative brique bits, or `replacingCode` (one value
 *   past the last band) for perte d'autonomie. Distinct codes are few, so totals count codes per
 *   doctor and expand them to lines once.
 */
import { applyLeakage, type Cents, type Rate } from './money';
import {
  CUMULATIVE_BRIQUES,
  REPLACING_BRIQUE,
  type CumulativeBrique,
  type ProgrammeParams,
} from './params/schema';

export const BRIQUE_BIT: Readonly<Record<CumulativeBrique, number>> = Object.freeze(
  Object.fromEntries(CUMULATIVE_BRIQUES.map((code, i) => [code, i])) as Record<CumulativeBrique, number>,
);
export const EXCLUSION_SHIFT = 8;
export const HOME_DEPENDENCY_PAID = 1 << 16;
const BRIQUE_MASK = 0xff;

export type LineKind = 'socle' | 'brique';

/** One line of the grid with its unit prices for a given theoretical leakage rate. */
export interface LineDef {
  readonly index: number;
  readonly code: string;
  readonly label: string;
  readonly kind: LineKind;
  readonly grossCents: Cents;
  readonly netCents: Cents;
  readonly leakageExempt: boolean;
}

/** Line layout: socle bands, then the cumulative briques, then perte d'autonomie. */
export interface Pricing {
  readonly rate: Rate;
  readonly lines: readonly LineDef[];
  readonly lineIndex: ReadonlyMap<string, number>;
  readonly bandCount: number;
  /** Index of the first cumulative brique line. */
  readonly briqueBase: number;
  /** Index of the perte d'autonomie line. */
  readonly replacingLine: number;
  readonly unitGross: Int32Array;
  readonly unitNet: Int32Array;
  /** Memo of linesOfCode (a handful of distinct codes recur across millions of patients). */
  readonly codeLines: (readonly number[] | undefined)[];
}

/** Precomputes every unit price once per structure and rate: the hot path only counts. */
export function buildPricing(params: ProgrammeParams, rate: Rate): Pricing {
  const exempt = new Set(params.leakageExemptLines);
  const lines: LineDef[] = [];
  const add = (code: string, label: string, kind: LineKind, grossCents: Cents): void => {
    const leakageExempt = exempt.has(code);
    const netCents = leakageExempt
      ? grossCents
      : applyLeakage(grossCents, rate, params.rounding.mode, params.rounding.unitPriceStepCents);
    lines.push({ index: lines.length, code, label, kind, grossCents, netCents, leakageExempt });
  };
  for (const band of params.socleBands) add(band.code, band.label, 'socle', band.grossCents);
  for (const code of CUMULATIVE_BRIQUES)
    add(code, params.briques[code].label, 'brique', params.briques[code].grossCents);
  add(
    REPLACING_BRIQUE,
    params.briques[REPLACING_BRIQUE].label,
    'brique',
    params.briques[REPLACING_BRIQUE].grossCents,
  );
  return {
    rate,
    lines,
    lineIndex: new Map(lines.map((l) => [l.code, l.index])),
    bandCount: params.socleBands.length,
    briqueBase: params.socleBands.length,
    replacingLine: lines.length - 1,
    unitGross: Int32Array.from(lines, (l) => l.grossCents),
    unitNet: Int32Array.from(lines, (l) => l.netCents),
    codeLines: [],
  };
}

/** Lookup tables of the profile code. */
export interface ProfileTables {
  /** ageTable[ageMonths] = band × 256 | mask of briques allowed at that age. */
  readonly ageTable: Int32Array;
  readonly maxAgeMonths: number;
  readonly bandCount: number;
  readonly replacingCode: number;
  /** Number of distinct codes (histogram width per doctor). */
  readonly codeCount: number;
  /** Per socle band, the brique bits its ages allow (all but suivi pédiatrique after 25 months). */
  readonly bandAllowedBits: Int32Array;
}

export function buildProfileTables(params: ProgrammeParams): ProfileTables {
  const maxAgeMonths = (params.age.maxAgeYears + 1) * 12 - 1;
  const ageTable = new Int32Array(maxAgeMonths + 1);
  const paediatricBit = 1 << BRIQUE_BIT.paediatricFollowUp;
  const paediatricLimit = params.criteria.paediatricFollowUp.maxAgeMonthsExclusive;
  for (let months = 0; months <= maxAgeMonths; months++) {
    const years = Math.floor(months / 12);
    const band = params.socleBands.findIndex(
      (b) => years >= b.minAgeYears && (b.maxAgeYears === null || years <= b.maxAgeYears),
    );
    const allowed = months < paediatricLimit ? BRIQUE_MASK : BRIQUE_MASK & ~paediatricBit;
    ageTable[months] = (band << 8) | allowed;
  }
  const bandCount = params.socleBands.length;
  const bandAllowedBits = new Int32Array(bandCount);
  for (let months = 0; months <= maxAgeMonths; months++)
    bandAllowedBits[ageTable[months] >> 8] |= ageTable[months] & BRIQUE_MASK;
  return {
    ageTable,
    maxAgeMonths,
    bandCount,
    replacingCode: bandCount << 8,
    codeCount: (bandCount << 8) + 1,
    bandAllowedBits,
  };
}

/** Socle band index for an age in completed months. */
export function bandOf(tables: ProfileTables, ageMonths: number): number {
  return tables.ageTable[ageMonths] >> 8;
}

/** The profile code of a patient-month: the same expression the columnar kernel inlines. */
export function profileCode(tables: ProfileTables, ageMonths: number, flags: number): number {
  if ((flags & HOME_DEPENDENCY_PAID) !== 0) return tables.replacingCode;
  const t = tables.ageTable[ageMonths];
  return (t & ~BRIQUE_MASK) | (flags & ~(flags >>> EXCLUSION_SHIFT) & t & BRIQUE_MASK);
}

/** Line indices paid for a profile code, in grid order (shared, do not mutate). */
export function linesOfCode(pricing: Pricing, code: number): readonly number[] {
  const cached = pricing.codeLines[code];
  if (cached !== undefined) return cached;
  let out: number[];
  if (code === pricing.bandCount << 8) out = [pricing.replacingLine];
  else {
    out = [code >> 8];
    for (let bits = code & BRIQUE_MASK, k = 0; bits !== 0; bits >>>= 1, k++) {
      if ((bits & 1) !== 0) out.push(pricing.briqueBase + k);
    }
  }
  pricing.codeLines[code] = Object.freeze(out);
  return out;
}
