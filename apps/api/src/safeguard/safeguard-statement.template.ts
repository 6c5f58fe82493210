import { euros, frLongDate, frMonth } from '../pdf/french-format';
import type { SafeguardDetail } from './safeguard.schemas';

/**
 * Issue #6 §4 — the safeguard statement PDF (relevé de clause de sauvegarde, RULES §5): months,
 * forfaits, fee-for-service value, running difference, compensation, method, tariff sources.
 * Self-contained HTML (the PDF service blocks every request); amounts formatted here in integer
 * arithmetic, so the same inputs give the same HTML.
 */
export const SAFEGUARD_TEMPLATE = 'safeguard-statement';

export const METHOD_LABELS: Record<SafeguardDetail['method'], string> = {
  actsByDoctor: 'actes réalisés par le médecin pour des patients inclus (périmètre par défaut)',
  actsOnDoctorMtPatients: 'actes réalisés par toute la structure sur les patients dont il est le médecin traitant',
};

export function statementModel(d: SafeguardDetail, structureName: string, generatedOn: string, provisional: boolean) {
  return {
    provisional,
    structureName,
    doctor: `Dr ${d.firstName} ${d.lastName}`,
    rpps: d.rpps,
    number: d.issued?.number ?? null,
    issuedOn: d.issued ? frLongDate(d.issued.issuedAt.slice(0, 10)) : null,
    generatedOn: frLongDate(generatedOn.slice(0, 10)),
    window: `${frMonth(d.windowStart)} – ${frMonth(d.windowEnd)}`,
    asOf: d.asOfMonth ? frMonth(d.asOfMonth) : '',
    method: METHOD_LABELS[d.method],
    paramsVersion: d.paramsVersion,
    tariffVersion: d.tariffVersion.slice(0, 16),
    months: d.months.map((m) => ({
      month: frMonth(m.month),
      statement: m.monthlyStatement ? `${m.monthlyStatement.number} (v${m.monthlyStatement.version})` : 'non émis',
      forfait: euros(m.forfaitNetCents),
      ffs: euros(m.feeForServiceCents),
      cumForfait: euros(m.cumulativeForfaitCents),
      cumFfs: euros(m.cumulativeFeeForServiceCents),
      diff: euros(m.runningDifferenceCents),
      provisional: euros(m.provisionalCompensationCents),
    })),
    totals: {
      forfait: euros(d.totals.forfaitNetCents),
      ffs: euros(d.totals.feeForServiceCents),
      diff: euros(d.totals.differenceCents),
      compensation: euros(d.totals.compensationCents),
    },
    tariffs: d.tariffs.map((t) => ({
      code: t.code,
      label: t.label,
      amount: euros(t.amountCents),
      period: `du ${frLongDate(t.validFrom)}${t.validTo ? ` au ${frLongDate(t.validTo)}` : ''}`,
      source: t.source,
    })),
  };
}

export const SAFEGUARD_SOURCE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Clause de sauvegarde — {{doctor}}</title>
<style>
  @page { size: A4; margin: 14mm 12mm; }
  body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #1a1a1a; }
  h1 { font-size: 14pt; margin: 0 0 4pt; } h2 { font-size: 11pt; border-bottom: 1px solid #888; margin-top: 12pt; }
  table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
  th { background: #eee; } td.n { text-align: right; white-space: nowrap; } tr.total td { font-weight: bold; background: #f4f4f4; }
  .meta { color: #555; font-size: 8pt; } .banner { border: 2px solid #b00020; color: #b00020; padding: 4pt; font-weight: bold; }
</style></head>
<body>
<h1>Relevé de clause de sauvegarde — MTR 2</h1>
{{#if provisional}}<p class="banner">Relevé provisoire au mois de {{asOf}} : la compensation définitive est arrêtée à la fin du 12e mois.</p>{{/if}}
<table>
<tr><th>Structure</th><td>{{structureName}}</td><th>Médecin</th><td>{{doctor}} (RPPS {{rpps}})</td></tr>
<tr><th>Fenêtre de 12 mois</th><td>{{window}}</td><th>Relevé</th><td>{{#if number}}n° {{number}}, émis le {{issuedOn}}{{else}}non émis{{/if}}</td></tr>
<tr><th>Méthode (convention)</th><td colspan="3">{{method}}</td></tr>
</table>

<h2>Détail mensuel</h2>
<table>
<tr><th>Mois</th><th>Relevé mensuel</th><th>Forfaits nets</th><th>Valeur à l’acte</th><th>Forfaits cumulés</th><th>Acte cumulé</th><th>Écart cumulé</th><th>Compensation provisoire</th></tr>
{{#each months}}<tr><td>{{month}}</td><td>{{statement}}</td><td class="n">{{forfait}}</td><td class="n">{{ffs}}</td><td class="n">{{cumForfait}}</td><td class="n">{{cumFfs}}</td><td class="n">{{diff}}</td><td class="n">{{provisional}}</td></tr>{{/each}}
<tr class="total"><td colspan="2">Total</td><td class="n">{{totals.forfait}}</td><td class="n">{{totals.ffs}}</td><td></td><td></td><td class="n">{{totals.diff}}</td><td class="n">{{totals.compensation}}</td></tr>
</table>
<p><strong>Compensation {{#if provisional}}provisoire{{else}}due{{/if}} : {{totals.compensation}}</strong>
 = max(0, valeur à l’acte − forfaits) sur la fenêtre (cahier des charges §8, « clause de sauvegarde »).</p>

<h2>Tarifs appliqués (tarif en vigueur à la date de l’acte)</h2>
<table><tr><th>Code</th><th>Libellé</th><th>Montant</th><th>Période</th><th>Source</th></tr>
{{#each tariffs}}<tr><td>{{code}}</td><td>{{label}}</td><td class="n">{{amount}}</td><td>{{period}}</td><td>{{source}}</td></tr>{{else}}<tr><td colspan="5">Aucun acte valorisé.</td></tr>{{/each}}
</table>
<p class="meta">Paramètres {{paramsVersion}} · version des tarifs {{tariffVersion}}… · généré le {{generatedOn}}</p>
</body></html>`;
