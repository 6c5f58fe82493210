/**
 * Columnar month facts and the totals kernel: the path for a whole structure or a whole
 * programme month when only per-doctor totals are needed (statements, indicators, budget).
 *
 * A patient-month is three integers in typed arrays (payee row, birth key, flags), compiled once from
 * the evidence by the same evaluation as the explained path. The kernel then allocates nothing
 * per patient: it reduces each row to a profile code (profile.ts) and counts codes per doctor;
 * codes are expanded to lines once per doctor at the end.
 */
import { statementFromCounts, UNPAID_STATUSES, type DoctorCounts } from './aggregate';
import { newDecisions } from './briques';
import type { EngineContext } from './context';
import { monthIndexOfText } from './dates';
import { evaluateMonthFacts, type MonthFacts } from './monthly-forfait';
import type { MonthStatement } from './output-schemas';
import { prepared, type PreparedPatient } from './prepare';
import { EXCLUSION_SHIFT, HOME_DEPENDENCY_PAID } from './profile';
import type { PatientInput } from './schemas';

export interface MonthFactsColumns {
  readonly month: string;
  readonly monthIndex: number;
  readonly length: number;
  /** RPPS by payee index (the context's doctors). */
  readonly doctors: readonly string[];
  /**
   * Histogram row of the patient-month: the payee (doctor index) when paid, else
   * doctors.length + k for the k-th status of UNPAID_STATUSES.
   */
  readonly payee: Int32Array;
  /** monthIndex − age in completed months on the age anchor day. */
  readonly birthKey: Int32Array;
  /** profile.ts flags (0 for unpaid rows). */
  readonly flags: Int32Array;
}

export function allocateMonthFacts(ctx: EngineContext, month: string, length: number): MonthFactsColumns {
  return {
    month,
    monthIndex: monthIndexOfText(month),
    length,
    doctors: ctx.doctors,
    payee: new Int32Array(length),
    birthKey: new Int32Array(length),
    flags: new Int32Array(length),
  };
}

const UNPAID_ROW: Readonly<Record<string, number>> = Object.fromEntries(
  UNPAID_STATUSES.map((s, k) => [s, k]),
);

/** Writes one patient-month's facts into row `row`. */
export function writeMonthFacts(
  cols: MonthFactsColumns,
  row: number,
  ctx: EngineContext,
  f: MonthFacts,
): void {
  cols.payee[row] =
    f.status === 'paid'
      ? (ctx.doctorIndex.get(f.mtRpps as string) as number)
      : cols.doctors.length + UNPAID_ROW[f.status];
  cols.birthKey[row] = cols.monthIndex - f.ageMonths;
  cols.flags[row] = f.flags;
}

/** Compiles patients (raw or prepared) into month facts columns. */
export function compileMonthFacts(
  patients: readonly (PatientInput | PreparedPatient)[],
  ctx: EngineContext,
  month: string,
): MonthFactsColumns {
  const cols = allocateMonthFacts(ctx, month, patients.length);
  const decisions = newDecisions();
  for (let i = 0; i < patients.length; i++) {
    const x = patients[i];
    const p = prepared(x);
    writeMonthFacts(cols, i, ctx, evaluateMonthFacts(p, ctx, cols.monthIndex, decisions));
  }
  return cols;
}

/**
 * Histogram of one month: per payee row (doctors, then one row per unpaid status), the count of
 * each profile code (profile.ts).
 */
export interface ProfileHistogram {
  readonly counts: Int32Array;
  readonly width: number;
}

export function allocateHistogram(cols: MonthFactsColumns, ctx: EngineContext): ProfileHistogram {
  const rows = cols.doctors.length + UNPAID_STATUSES.length;
  return { counts: new Int32Array(rows * ctx.profile.codeCount), width: ctx.profile.codeCount };
}

/**
 * Counts profile codes per payee row into `hist` (zeroed; expandProfiles leaves it zeroed for
 * the next month).
 */
export function countProfiles(
  cols: MonthFactsColumns,
  ctx: EngineContext,
  hist: ProfileHistogram = allocateHistogram(cols, ctx),
): ProfileHistogram {
  const rows = cols.doctors.length + UNPAID_STATUSES.length;
  if (hist.width !== ctx.profile.codeCount || hist.counts.length < rows * hist.width)
    throw new RangeError('histogram allocated for another structure');
  countLoop(
    cols.payee,
    cols.birthKey,
    cols.flags,
    cols.length,
    cols.monthIndex,
    ctx.profile.ageTable,
    ctx.profile.replacingCode,
    hist.width,
    hist.counts,
  );
  return hist;
}

// The kernel, in a function of typed arrays and integers only so that it compiles to one tight
// loop: per row three loads, one table lookup and one increment, no data-dependent branch except
// the rare, well-predicted perte d'autonomie test. Rows are taken from both halves at once: two
// consecutive patients of one doctor often share a code, and two independent increment chains
// run faster than one.
function countLoop(
  payee: Int32Array,
  birthKey: Int32Array,
  flags: Int32Array,
  n: number,
  m: number,
  ageTable: Int32Array,
  replacingCode: number,
  H: number,
  out: Int32Array,
): void {
  // Imported bindings compile to property reads on the module object: read them once.
  const PA = HOME_DEPENDENCY_PAID;
  const SHIFT = EXCLUSION_SHIFT;
  const half = n >> 1;
  for (let i = 0; i < half; i++) {
    const j = i + half;
    const r1 = payee[i];
    const r2 = payee[j];
    const f1 = flags[i];
    const f2 = flags[j];
    const t1 = ageTable[m - birthKey[i]];
    const t2 = ageTable[m - birthKey[j]];
    const c1 = (f1 & PA) !== 0 ? replacingCode : (t1 & ~0xff) | (f1 & ~(f1 >>> SHIFT) & t1 & 0xff);
    const c2 = (f2 & PA) !== 0 ? replacingCode : (t2 & ~0xff) | (f2 & ~(f2 >>> SHIFT) & t2 & 0xff);
    out[r1 * H + c1]++;
    out[r2 * H + c2]++;
  }
  for (let i = 2 * half; i < n; i++) {
    const f = flags[i];
    const t = ageTable[m - birthKey[i]];
    const c = (f & PA) !== 0 ? replacingCode : (t & ~0xff) | (f & ~(f >>> SHIFT) & t & 0xff);
    out[payee[i] * H + c]++;
  }
}

/** Per-doctor line counts from the histogram, which it leaves zeroed. */
export function expandProfiles(
  hist: ProfileHistogram,
  cols: MonthFactsColumns,
  ctx: EngineContext,
): {
  byDoctor: Map<string, DoctorCounts>;
  patientsByStatus: Record<string, number>;
} {
  const { counts: h, width: H } = hist;
  const D = cols.doctors.length;
  const L = ctx.pricing.lines.length;
  const { briqueBase, replacingLine } = ctx.pricing;
  const { bandCount, replacingCode, bandAllowedBits } = ctx.profile;
  const lineCounts = new Int32Array(D * L);
  const byDoctor = new Map<string, DoctorCounts>();
  for (let d = 0; d < D; d++) {
    const row = d * H;
    const out = d * L;
    let patients = 0;
    for (let band = 0; band < bandCount; band++) {
      // Only codes whose brique bits the band allows can occur (no suivi pédiatrique after 25
      // months): enumerate the allowed high bits, test blocks of 8 low-bit codes at once.
      const high = bandAllowedBits[band] & ~7;
      for (let sub = high; ; sub = (sub - 1) & high) {
        const block = row + (band << 8) + sub;
        if (
          (h[block] |
            h[block + 1] |
            h[block + 2] |
            h[block + 3] |
            h[block + 4] |
            h[block + 5] |
            h[block + 6] |
            h[block + 7]) !==
          0
        ) {
          for (let low = 0; low < 8; low++) {
            const k = h[block + low];
            if (k === 0) continue;
            h[block + low] = 0;
            patients += k;
            lineCounts[out + band] += k;
            for (let bits = sub | low; bits !== 0; bits &= bits - 1)
              lineCounts[out + briqueBase + 31 - Math.clz32(bits & -bits)] += k;
          }
        }
        if (sub === 0) break;
      }
    }
    const replaced = h[row + replacingCode];
    h[row + replacingCode] = 0;
    lineCounts[out + replacingLine] += replaced;
    patients += replaced;
    if (patients > 0)
      byDoctor.set(cols.doctors[d], { counts: lineCounts, offset: out, patientsPaid: patients });
  }
  const patientsByStatus: Record<string, number> = {};
  UNPAID_STATUSES.forEach((s, k) => {
    let total = 0;
    const base = (D + k) * H;
    for (let code = 0; code < H; code++) {
      total += h[base + code];
      h[base + code] = 0;
    }
    patientsByStatus[s] = total;
  });
  return { byDoctor, patientsByStatus };
}

/** Totals of a month from compiled facts: the same statement as aggregating explained results. */
export function computeMonthTotals(
  cols: MonthFactsColumns,
  ctx: EngineContext,
  hist?: ProfileHistogram,
): MonthStatement {
  const h = countProfiles(cols, ctx, hist);
  const { byDoctor, patientsByStatus } = expandProfiles(h, cols, ctx);
  return statementFromCounts(ctx, cols.month, byDoctor, patientsByStatus);
}
