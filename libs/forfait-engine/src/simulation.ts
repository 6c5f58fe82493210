/**
 * Simulation for a candidate structure (issue 3 §9): from its patient-list extraction and its
 * doctors' current fee-for-service activity, the expected monthly forfaits per doctor at several
 * leakage rates (5 / 15 / 25 % by default) and the gap to their current income.
 *
 * Assumptions (stated in the output): every MT patient of the structure's doctors is included;
 * consommant status and briques come from the extraction's encounters and evidence, evaluated
 * for the reference month; fee-for-service income is the monthly average of the given period.
 */
import { newDecisions } from './briques';
import { createEngineContext, FAR_FUTURE, type ResolvedConvention } from './context';
import { FAR_PAST, monthIndexOfText } from './dates';
import { InputError, parseWith } from './errors';
import { divRound, parseRate, ratePercentText, type Cents } from './money';
import { evaluateMonthFacts } from './monthly-forfait';
import type { Simulation } from './output-schemas';
import { preparePatient } from './prepare';
import { buildPricing, linesOfCode, profileCode } from './profile';
import { SimulateInputSchema } from './schemas';
import { duplicateIdIssues, paramsFor, patientIssues } from './validate';

export function simulate(input: unknown): Simulation {
  const parsed = parseWith(SimulateInputSchema, input);
  const params = paramsFor(parsed.gridVersion);
  const issues = [
    ...duplicateIdIssues(parsed.patients),
    ...parsed.patients.flatMap((p, i) =>
      patientIssues(p, params, `patients[${i}]`, { lastMonth: parsed.referenceMonth }),
    ),
  ];
  if (issues.length > 0) throw new InputError(issues);
  const rates = (parsed.leakageRates ?? params.rounding.printedGridRates).map((r) => parseRate(r));
  const zero = parseRate('0');
  // A candidate has no convention yet: no entry date, no exit, inclusion assumed.
  const convention: ResolvedConvention = {
    structureId: parsed.structureName ?? 'candidate',
    name: parsed.structureName,
    isIpso: false,
    mtr1Participant: false,
    entryDate: params.programme.launchDate,
    entryDay: FAR_PAST,
    exitDay: FAR_FUTURE,
    theoreticalLeakageRate: zero,
    safeguardMethod: params.defaults.safeguardMethod,
  };
  const ctx = createEngineContext({
    params,
    convention,
    practitioners: parsed.practitioners,
    assumeIncluded: true,
  });
  const monthIndex = monthIndexOfText(parsed.referenceMonth);
  const L = ctx.pricing.lines.length;
  const perDoctor = new Map<string, { mt: number; paid: number; counts: Int32Array }>();
  for (const rpps of ctx.doctors) perDoctor.set(rpps, { mt: 0, paid: 0, counts: new Int32Array(L) });
  const decisions = newDecisions();
  for (const patient of parsed.patients) {
    const f = evaluateMonthFacts(preparePatient(patient), ctx, monthIndex, decisions);
    if (f.mtRpps === null) continue;
    const d = perDoctor.get(f.mtRpps);
    if (d === undefined) continue;
    d.mt++;
    if (f.status !== 'paid') continue;
    d.paid++;
    for (const line of linesOfCode(ctx.pricing, profileCode(ctx.profile, f.ageMonths, f.flags)))
      d.counts[line]++;
  }
  const pricings = rates.map((r) => buildPricing(params, r));
  const ffs = new Map(
    parsed.feeForService.map((f) => [
      f.rpps,
      Number(divRound(BigInt(f.amountCents), BigInt(f.periodMonths), params.rounding.mode)),
    ]),
  );
  const netOf = (counts: Int32Array, unit: Int32Array): Cents =>
    counts.reduce((s, c, i) => s + c * unit[i], 0);
  const doctors: Simulation['doctors'] = [];
  const structureCounts = new Int32Array(L);
  let mtPatients = 0;
  let paidPatients = 0;
  for (const [rpps, d] of perDoctor) {
    if (d.mt === 0 && !ffs.has(rpps)) continue;
    mtPatients += d.mt;
    paidPatients += d.paid;
    d.counts.forEach((c, i) => (structureCounts[i] += c));
    const current = ffs.get(rpps) ?? null;
    doctors.push({
      rpps,
      mtPatients: d.mt,
      paidPatients: d.paid,
      lines: ctx.pricing.lines
        .filter((l) => d.counts[l.index] > 0)
        .map((l) => ({ code: l.code, label: l.label, count: d.counts[l.index] })),
      grossMonthlyCents: netOf(d.counts, ctx.pricing.unitGross),
      currentMonthlyFeeForServiceCents: current,
      byRate: pricings.map((pr) => {
        const net = netOf(d.counts, pr.unitNet);
        return {
          rate: pr.rate.text,
          netMonthlyCents: net,
          netAnnualCents: net * 12,
          gapMonthlyCents: current === null ? null : net - current,
          gapAnnualCents: current === null ? null : (net - current) * 12,
        };
      }),
    });
  }
  return {
    gridVersion: params.version,
    structureName: parsed.structureName,
    referenceMonth: parsed.referenceMonth,
    assumptions: [
      'tous les patients ayant déclaré un médecin de la structure comme médecin traitant sont supposés inclus',
      `statut consommant et briques évalués pour ${parsed.referenceMonth} à partir des rencontres et des critères de l'extraction`,
      `taux de fuite simulés : ${rates.map((r) => ratePercentText(r)).join(', ')} ; montants annuels = mensuel × 12`,
      "revenu actuel à l'acte = moyenne mensuelle sur la période fournie (actes de l'annexe 3)",
    ],
    rates: rates.map((r) => r.text),
    doctors,
    structure: {
      mtPatients,
      paidPatients,
      grossMonthlyCents: netOf(structureCounts, ctx.pricing.unitGross),
      byRate: pricings.map((pr) => {
        const net = netOf(structureCounts, pr.unitNet);
        return { rate: pr.rate.text, netMonthlyCents: net, netAnnualCents: net * 12 };
      }),
    },
  };
}
