/**
 * Aggregation per MT doctor and per structure for a month (RULES §3): a statement line is
 * count × unit price; totals are sums of lines, so they always reconcile with the lines.
 */
import type { EngineContext } from './context';
import { monthIndexOfText } from './dates';
import type { DoctorMonth, MonthStatement, PatientMonthResult, StatementLine } from './output-schemas';
import { PatientMonthStatusSchema, type PatientMonthStatus } from './output-schemas';

/** Statuses other than 'paid', in a fixed order (used as negative payee codes in columns). */
export const UNPAID_STATUSES: readonly Exclude<PatientMonthStatus, 'paid'>[] =
  PatientMonthStatusSchema.options.filter((s): s is Exclude<PatientMonthStatus, 'paid'> => s !== 'paid');

/** Line counts of one doctor: counts[offset + line index of the pricing]. */
export interface DoctorCounts {
  counts: Int32Array;
  offset: number;
  patientsPaid: number;
}

function statementLines(
  ctx: EngineContext,
  counts: Int32Array,
  offset = 0,
): { lines: StatementLine[]; grossCents: number; netCents: number } {
  const lines: StatementLine[] = [];
  let grossCents = 0;
  let netCents = 0;
  for (const def of ctx.pricing.lines) {
    const count = counts[offset + def.index];
    if (count === 0) continue;
    const line: StatementLine = {
      code: def.code,
      label: def.label,
      count,
      unitGrossCents: def.grossCents,
      unitNetCents: def.netCents,
      grossCents: count * def.grossCents,
      netCents: count * def.netCents,
    };
    grossCents += line.grossCents;
    netCents += line.netCents;
    lines.push(line);
  }
  return { lines, grossCents, netCents };
}

/** Builds a month statement from per-doctor line counts and per-status patient counts. */
export function statementFromCounts(
  ctx: EngineContext,
  month: string,
  byDoctor: ReadonlyMap<string, DoctorCounts>,
  patientsByStatus: Record<string, number>,
): MonthStatement {
  const total = new Int32Array(ctx.pricing.lines.length);
  const doctors: DoctorMonth[] = [];
  let patientsPaid = 0;
  for (const rpps of [...byDoctor.keys()].sort()) {
    const dc = byDoctor.get(rpps) as DoctorCounts;
    if (dc.patientsPaid === 0) continue;
    for (let i = 0; i < total.length; i++) total[i] += dc.counts[dc.offset + i];
    patientsPaid += dc.patientsPaid;
    doctors.push({ rpps, patientsPaid: dc.patientsPaid, ...statementLines(ctx, dc.counts, dc.offset) });
  }
  const statuses: Record<string, number> = { paid: patientsPaid };
  for (const s of UNPAID_STATUSES) statuses[s] = patientsByStatus[s] ?? 0;
  return {
    month,
    gridVersion: ctx.gridVersion,
    structureId: ctx.convention.structureId,
    theoreticalLeakageRate: ctx.convention.theoreticalLeakageRate.text,
    unitPrices: ctx.pricing.lines.map((l) => ({
      code: l.code,
      label: l.label,
      kind: l.kind,
      grossCents: l.grossCents,
      netCents: l.netCents,
      leakageExempt: l.leakageExempt,
    })),
    doctors,
    structure: { patientsPaid, ...statementLines(ctx, total), patientsByStatus: statuses },
  };
}

/**
 * Streaming aggregation of explained results of one month: add results as they are computed
 * (no need to hold a million results in memory), then take the statement.
 */
export class MonthAggregator {
  private readonly byDoctor = new Map<string, DoctorCounts>();
  private readonly statuses: Record<string, number> = {};

  constructor(
    private readonly ctx: EngineContext,
    readonly month: string,
  ) {
    monthIndexOfText(month);
  }

  add(r: PatientMonthResult): void {
    if (r.month !== this.month)
      throw new RangeError(
        `result of ${r.month} for patient ${r.patientId} in the ${this.month} aggregation`,
      );
    if (r.status !== 'paid') {
      this.statuses[r.status] = (this.statuses[r.status] ?? 0) + 1;
      return;
    }
    const rpps = r.mtRpps as string;
    let dc = this.byDoctor.get(rpps);
    if (dc === undefined) {
      dc = { counts: new Int32Array(this.ctx.pricing.lines.length), offset: 0, patientsPaid: 0 };
      this.byDoctor.set(rpps, dc);
    }
    dc.patientsPaid++;
    const lines = r.lines;
    for (let i = 0; i < lines.length; i++) {
      const index = this.ctx.pricing.lineIndex.get(lines[i].code);
      if (index === undefined) throw new RangeError(`unknown line ${lines[i].code}`);
      dc.counts[index]++;
    }
  }

  statement(): MonthStatement {
    return statementFromCounts(this.ctx, this.month, this.byDoctor, this.statuses);
  }
}

/**
 * Aggregates explained patient results of one month into the statement per doctor and for the
 * structure. Results of other months are rejected (RangeError): mixing months is a caller bug.
 */
export function aggregateMonth(
  results: readonly PatientMonthResult[],
  ctx: EngineContext,
  month: string,
): MonthStatement {
  const agg = new MonthAggregator(ctx, month);
  for (const r of results) agg.add(r);
  return agg.statement();
}
