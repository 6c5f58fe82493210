/**
 * The grid report: gross amounts and the net grid at 5 / 15 / 25 % exactly as the specification
 * prints it (§8 "Les modalités de valorisation": each net rounded to 0.10 € from the exact
 * value, perte d'autonomie not reduced), next to the unit price actually billed (rounded to the
 * cent). Rounding once from the exact value matters: 13.10 × 0.95 = 12.445 prints 12.4, while
 * rounding the billed 12.45 again would give 12.5.
 */
import { applyLeakage, formatEuros, formatTenths, parseRate, type Rate } from './money';
import { getProgrammeParams } from './params';
import type { ProgrammeParams } from './params/schema';
import { buildPricing } from './profile';
import type { GridReport } from './output-schemas';

export function gridReport(
  params: ProgrammeParams = getProgrammeParams(),
  rates?: readonly Rate[],
): GridReport {
  const rs = rates ?? params.rounding.printedGridRates.map((r) => parseRate(r));
  const lines = buildPricing(params, parseRate('0')).lines;
  const mode = params.rounding.mode;
  return {
    gridVersion: params.version,
    rates: rs.map((r) => r.text),
    rows: lines.map((l) => ({
      code: l.code,
      label: l.label,
      kind: l.kind,
      grossCents: l.grossCents,
      leakageExempt: l.leakageExempt,
      ...(l.code === 'obstetricFollowUp'
        ? { note: `versé ${params.criteria.obstetricFollowUp.maxPaidMonths} mois pour une grossesse` }
        : l.leakageExempt
          ? { note: 'pas d’application du taux de fuite' }
          : {}),
      net: rs.map((rate) => {
        const printedCents = l.leakageExempt
          ? l.grossCents
          : applyLeakage(l.grossCents, rate, mode, params.rounding.printedGridStepCents);
        return {
          rate: rate.text,
          printedCents,
          printed: formatTenths(printedCents),
          unitCents: l.leakageExempt
            ? l.grossCents
            : applyLeakage(l.grossCents, rate, mode, params.rounding.unitPriceStepCents),
        };
      }),
    })),
  };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function pctHeader(rate: string): string {
  const p = parseRate(rate);
  // Percent of a decimal rate, exactly: 0.15 → "15 %".
  const hundred = Number((p.num * 10000n) / p.den) / 100;
  return `${hundred} %`;
}

/** Plain-text table. With one rate, shows the billed unit price (cent) next to the printed net. */
export function formatGridTable(report: GridReport): string {
  const single = report.rates.length === 1;
  const header = [pad('ligne', 30), pad('brut', 8, true)];
  for (const r of report.rates) {
    header.push(pad(`net ${pctHeader(r)}`, 11, true));
    if (single) header.push(pad('facturé', 9, true));
  }
  const out = [
    `Grille ${report.gridVersion} — forfait mensuel brut et net après taux de fuite (net arrondi à 0,10 € comme la grille imprimée${single ? ' ; prix unitaire facturé arrondi au centime' : ''})`,
    header.join(' '),
  ];
  for (const row of report.rows) {
    const cells = [pad(row.label, 30), pad(formatEuros(row.grossCents), 8, true)];
    for (const n of row.net) {
      cells.push(pad(n.printed, 11, true));
      if (single) cells.push(pad(formatEuros(n.unitCents), 9, true));
    }
    out.push(cells.join(' ') + (row.note ? `  (${row.note})` : ''));
  }
  return out.join('\n');
}
