import { euros, frLongDate, parisDate, signedEuros } from '../pdf/french-format';

/** The engine's percent text ('10.00 %') in French ('10,00 %'). */
const percentFr = (enginePercent: string): string => enginePercent.replace('.', ',');
import type { RegularisationView } from './regularisation.schemas';

export const REGULARISATION_TEMPLATE = 'leakage-regularisation-statement';

/** Statement number: stable per structure and year. */
export const regularisationNumber = (tenantId: string, year: number) =>
  `MTR2-REG-${year}-${tenantId.slice(0, 8).toUpperCase()}`;

/**
 * Issue #6 §3/§5 — the data of the regularisation statement: every amount already formatted in
 * TS (integer cents → '1 234,56 €'), so the template only places text. Pure: testable without Chromium.
 */
export function regularisationModel(r: RegularisationView, structureName: string, issuedAt: string) {
  const direction =
    r.direction === 'cnamPaysStructure'
      ? 'L’Assurance Maladie verse le complément à la structure.'
      : r.direction === 'structurePaysBack'
        ? 'La structure reverse le solde à l’Assurance Maladie.'
        : 'Aucune régularisation : le montant perçu est égal au montant dû.';
  const source =
    r.input.kind === 'outsideAmount'
      ? `${euros(r.input.outsideAmountCents ?? 0)} d’actes du périmètre réalisés hors de la structure (part AMO) / ${euros(r.grossSubjectToLeakageCents)} de forfaits soumis au taux de fuite`
      : 'taux communiqué par la CNAM';
  return {
    number: regularisationNumber(r.structureId, r.year),
    structureName,
    year: r.year,
    issuedOn: frLongDate(issuedAt),
    statementCount: r.statementCount,
    forfaitGross: euros(r.forfaitGrossCents),
    grossSubject: euros(r.grossSubjectToLeakageCents),
    grossExempt: euros(r.grossExemptCents),
    hasExempt: r.grossExemptCents !== 0,
    theoreticalRate: percentFr(r.theoreticalRatePercent),
    realRate: percentFr(r.realRatePercent),
    realRateSource: source,
    due: euros(r.dueCents),
    received: euros(r.receivedCents),
    regularisation: signedEuros(r.regularisationCents),
    negative: r.regularisationCents < 0,
    direction,
    valueOf100: euros(r.valueOf100EurosCents),
    meetingDate: r.copilDecision ? frLongDate(r.copilDecision.meetingDate) : '',
    decisionNumber: r.copilDecision?.decisionNumber ?? '',
    recordedOn: r.copilDecision ? frLongDate(parisDate(new Date(r.copilDecision.recordedAt))) : '',
  };
}

export const REGULARISATION_SOURCE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Régularisation du taux de fuite {{year}}</title>
<style>
  @page { size: A4; margin: 15mm; }
  body { font-family: sans-serif; font-size: 10pt; color: #222; }
  h1 { font-size: 15pt; margin: 0 0 4px; } h2 { font-size: 11pt; margin: 16px 0 4px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #bbb; padding: 4px 6px; } td.amount { text-align: right; white-space: nowrap; }
  th { text-align: left; background: #f2f2f2; width: 60%; }
  .total td, .total th { font-weight: bold; }
  .negative { color: #a50021; } .note { color: #555; font-size: 8.5pt; }
</style></head><body>
<h1>Régularisation du taux de fuite — année {{year}}</h1>
<p>{{structureName}} · relevé n° {{number}} · émis le {{issuedOn}}</p>
<h2>Forfaits de l’année {{year}}</h2>
<table>
<tr><th>Forfaits bruts des relevés mensuels émis ({{statementCount}} mois)</th><td class="amount">{{forfaitGross}}</td></tr>
<tr><th>dont forfaits soumis au taux de fuite</th><td class="amount">{{grossSubject}}</td></tr>
{{#if hasExempt}}<tr><th>dont perte d’autonomie à domicile (hors taux de fuite)</th><td class="amount">{{grossExempt}}</td></tr>{{/if}}
</table>
<h2>Taux de fuite</h2>
<table>
<tr><th>Taux de fuite théorique (convention, appliqué à la facturation)</th><td class="amount">{{theoreticalRate}}</td></tr>
<tr><th>Taux de fuite réel ({{realRateSource}})</th><td class="amount">{{realRate}}</td></tr>
<tr><th>Valeur d’un forfait de 100 € au taux réel</th><td class="amount">{{valueOf100}}</td></tr>
</table>
<h2>Régularisation</h2>
<table>
<tr><th>Montant dû (forfaits bruts × (1 − taux réel), perte d’autonomie incluse sans taux)</th><td class="amount">{{due}}</td></tr>
<tr><th>Montant perçu (forfaits nets facturés)</th><td class="amount">{{received}}</td></tr>
<tr class="total"><th>Régularisation (dû − perçu)</th><td class="amount{{#if negative}} negative{{/if}}">{{regularisation}}</td></tr>
</table>
<p><strong>{{direction}}</strong></p>
<h2>Décision du COPIL</h2>
<p>Validée par le COPIL annuel du {{meetingDate}}, décision n° {{decisionNumber}} (décision enregistrée par l’équipe ipso le {{recordedOn}}).</p>
<p class="note">Cahier des charges MTR 2, §8 « Le taux de fuite » : le taux réel de l’année N est calculé par la CNAM en N+1 ;
montant dû = forfaits bruts × (1 − taux réel) ; montant perçu = forfaits nets facturés au taux théorique ;
une régularisation positive est versée par l’Assurance Maladie, une régularisation négative est reversée par la structure.</p>
</body></html>`;
