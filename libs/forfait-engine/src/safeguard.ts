/**
 * Safeguard clause (RULES §5, specification §8 "clause de sauvegarde"), non-ipso structures
 * only: during the first 12 months of their own participation (the structure's entry, or their
 * later arrival), a doctor earns no less than fee-for-service would have paid. Compensation =
 * max(0, fee-for-service value − forfait income) over the window, cumulative, with a monthly
 * provisional view; final once the 12th month is in.
 *
 * Fee-for-service value: Annex 3 acts (with their majorations) valued at the tariff in force on
 * the act date (a dated tariff table supplied as data), for included patients in covered months.
 * Two perimeters, named methods, the convention picks one:
 * - actsByDoctor: the acts the doctor performed;
 * - actsOnDoctorMtPatients: the acts anyone in the structure performed on the doctor's MT patients.
 */
import { resolveConvention } from './context';
import { formatMonth, monthIndexOfDay, monthIndexOfText, parseDay } from './dates';
import { InputError, parseWith, type InputIssue } from './errors';
import { canonicalDecimal, multiplyByDecimal, type Cents, type RoundingMode } from './money';
import type { SafeguardStatement } from './output-schemas';
import type { ProgrammeParams } from './params/schema';
import { SafeguardInputSchema, type ActInput, type SafeguardMethod, type TariffInput } from './schemas';
import { paramsFor } from './validate';

interface Tariff {
  from: number;
  to: number;
  amountCents: Cents;
}

/** A dated tariff table: code → periods. Overlapping periods of one code are rejected. */
export class TariffTable {
  private readonly byCode = new Map<string, Tariff[]>();

  constructor(tariffs: readonly TariffInput[], path = 'tariffs') {
    const issues: InputIssue[] = [];
    tariffs.forEach((t, i) => {
      const from = parseDay(t.validFrom);
      const to = t.validTo === undefined ? Number.MAX_SAFE_INTEGER : parseDay(t.validTo);
      if (to < from) issues.push({ path: `${path}[${i}].validTo`, message: 'validTo is before validFrom' });
      const list = this.byCode.get(t.code) ?? [];
      for (const other of list)
        if (from <= other.to && other.from <= to)
          issues.push({
            path: `${path}[${i}]`,
            message: `tariff of ${t.code} overlaps another period of the same code`,
          });
      list.push({ from, to, amountCents: t.amountCents });
      this.byCode.set(t.code, list);
    });
    if (issues.length > 0) throw new InputError(issues);
  }

  /** Tariff of a code on a day, or undefined. */
  priceOn(code: string, day: number): Cents | undefined {
    const list = this.byCode.get(code);
    if (list === undefined) return undefined;
    for (const t of list) if (t.from <= day && day <= t.to) return t.amountCents;
    return undefined;
  }
}

/** Annex 3 lookup: is this act (profession, code, coefficient) in the forfait's perimeter? */
export function annex3Matcher(
  params: ProgrammeParams,
): (act: Pick<ActInput, 'performerProfession' | 'code' | 'coefficient'>) => boolean {
  const entries = params.annex3Acts.map((a) => ({
    ...a,
    coefficient: a.coefficient === undefined ? undefined : canonicalDecimal(a.coefficient),
  }));
  return (act) => {
    const coefficient = act.coefficient === undefined ? undefined : canonicalDecimal(act.coefficient);
    return entries.some(
      (e) =>
        e.profession === act.performerProfession &&
        e.code === act.code &&
        (e.coefficient === undefined || e.coefficient === coefficient),
    );
  };
}

/** Fee-for-service value of one act with its majorations; issues name the missing tariff. */
export function actValue(
  act: ActInput,
  tariffs: TariffTable,
  mode: RoundingMode,
  path: string,
  issues: InputIssue[],
): Cents {
  const day = parseDay(act.date);
  const base = tariffs.priceOn(act.code, day);
  let value = 0;
  if (base === undefined)
    issues.push({ path: `${path}.code`, message: `no tariff for ${act.code} on ${act.date}` });
  else
    value =
      act.coefficient === undefined
        ? base
        : multiplyByDecimal(base, canonicalDecimal(act.coefficient) as string, mode);
  (act.majorations ?? []).forEach((code, j) => {
    const m = tariffs.priceOn(code, day);
    if (m === undefined)
      issues.push({
        path: `${path}.majorations[${j}]`,
        message: `no tariff for majoration ${code} on ${act.date}`,
      });
    else value += m;
  });
  return value;
}

/** Validates and computes a doctor's safeguard statement (`safeguard` command). */
export function computeSafeguard(input: unknown): SafeguardStatement {
  const parsed = parseWith(SafeguardInputSchema, input);
  const params = paramsFor(parsed.gridVersion);
  const convention = resolveConvention(parsed.convention, params);
  const method: SafeguardMethod = parsed.method ?? convention.safeguardMethod;
  const arrival =
    parsed.doctor.arrivalDate === undefined ? convention.entryDay : parseDay(parsed.doctor.arrivalDate);
  const start = Math.max(convention.entryDay, arrival);
  const windowStart = monthIndexOfDay(start) + (params.safeguard.windowStart === 'followingMonth' ? 1 : 0);
  const windowEnd = windowStart + params.safeguard.windowMonths - 1;
  const asOf =
    parsed.asOfMonth === undefined ? windowEnd : Math.min(windowEnd, monthIndexOfText(parsed.asOfMonth));
  const issues: InputIssue[] = [];
  if (parsed.asOfMonth !== undefined && monthIndexOfText(parsed.asOfMonth) < windowStart)
    issues.push({
      path: 'asOfMonth',
      message: `before the start of the doctor's window (${formatMonth(windowStart)})`,
    });

  const income = new Map<number, Cents>();
  parsed.forfaitIncome.forEach((f, i) => {
    const m = monthIndexOfText(f.month);
    if (income.has(m))
      issues.push({ path: `forfaitIncome[${i}].month`, message: `month ${f.month} is listed twice` });
    income.set(m, f.netCents);
  });
  const tariffs = new TariffTable(parsed.tariffs);
  const inAnnex3 = annex3Matcher(params);
  const ffsByMonth = new Map<number, Cents>();
  const ignored = { notAnnex3: 0, outsideWindow: 0, outsidePerimeter: 0, patientNotIncluded: 0 };
  const rpps = parsed.doctor.rpps;
  parsed.acts.forEach((act, i) => {
    const m = monthIndexOfText(act.date);
    if (m < windowStart || m > asOf) return void ignored.outsideWindow++;
    const inPerimeter = method === 'actsByDoctor' ? act.performerRpps === rpps : act.patientMtRpps === rpps;
    if (!inPerimeter) return void ignored.outsidePerimeter++;
    if (!act.patientIncluded) return void ignored.patientNotIncluded++;
    if (!inAnnex3(act)) return void ignored.notAnnex3++;
    ffsByMonth.set(
      m,
      (ffsByMonth.get(m) ?? 0) + actValue(act, tariffs, params.rounding.mode, `acts[${i}]`, issues),
    );
  });
  if (issues.length > 0) throw new InputError(issues);

  const base = {
    doctorRpps: rpps,
    method,
    windowStart: formatMonth(windowStart),
    windowEnd: formatMonth(windowEnd),
    asOfMonth: formatMonth(asOf),
    ignoredActs: ignored,
  };
  if (convention.isIpso) {
    return {
      applicable: false,
      reason: 'la clause de sauvegarde ne concerne que les structures hors ipso (RULES §5)',
      ...base,
      final: false,
      months: [],
      forfaitNetCents: 0,
      feeForServiceCents: 0,
      differenceCents: 0,
      compensationCents: 0,
    };
  }
  const months: SafeguardStatement['months'] = [];
  let cumForfait = 0;
  let cumFfs = 0;
  for (let m = windowStart; m <= asOf; m++) {
    const forfaitNetCents = income.get(m) ?? 0;
    const feeForServiceCents = ffsByMonth.get(m) ?? 0;
    cumForfait += forfaitNetCents;
    cumFfs += feeForServiceCents;
    const diff = cumFfs - cumForfait;
    months.push({
      month: formatMonth(m),
      forfaitNetCents,
      feeForServiceCents,
      cumulativeForfaitCents: cumForfait,
      cumulativeFeeForServiceCents: cumFfs,
      runningDifferenceCents: diff,
      provisionalCompensationCents: Math.max(0, diff),
    });
  }
  const differenceCents = cumFfs - cumForfait;
  return {
    applicable: true,
    ...base,
    final: asOf === windowEnd,
    months,
    forfaitNetCents: cumForfait,
    feeForServiceCents: cumFfs,
    differenceCents,
    compensationCents: Math.max(0, differenceCents),
  };
}
