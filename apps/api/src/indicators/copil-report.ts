import { budgetBarsSvg, lineChartSvg } from './svg-charts';
import { SUPPRESSED, type Shown } from './small-cell-suppression';
import type { StructureSeries } from './indicators.service';
import type { programmeView } from './indicators.service';

export const COPIL_REPORT_TEMPLATE = 'indicators-copil-report';

type Programme = ReturnType<typeof programmeView>;

const fr = (v: Shown | null | undefined, unit = '') =>
  v === null || v === undefined
    ? '—'
    : v === SUPPRESSED
      ? SUPPRESSED
      : `${new Intl.NumberFormat('fr-FR').format(v).replace(/\u202f|\u00a0/g, ' ')}${unit}`;
const eur = (c: Shown) => (c === SUPPRESSED ? SUPPRESSED : fr(Math.round(c / 100), ' €'));

/**
 * Issue #7 §4 — the data of the COPIL PDF: only already-shown values (suppressed for the COPIL
 * by `showRow`), charts as static SVG strings. Pure, so tests read it without Chromium.
 */
export function reportModel(
  series: readonly StructureSeries[],
  programme: Programme,
  from: string,
  to: string,
  generatedAt: string,
) {
  const suppressed = series.some((s) => s.suppressed) || programme.suppressed;
  return {
    from,
    to,
    generatedAt,
    suppressed,
    charts: {
      included: lineChartSvg(
        'Patients inclus par structure',
        series.map((s) => ({
          label: s.structureName,
          points: s.rows.map((r) => ({ x: r.month, y: r.included })),
        })),
      ),
      trajectory: lineChartSvg(
        'Patients du programme contre la trajectoire (pointillés)',
        [{ label: 'Programme', points: programme.trajectory.map((t) => ({ x: t.at, y: t.patients })) }],
        { target: programme.trajectory.map((t) => ({ x: t.at, y: t.targetPatients })) },
      ),
      budget: budgetBarsSvg(
        `Forfaits ${programme.year} contre le budget FISS`,
        programme.budget.map((b) => ({
          label: b.line === 'ipso' ? 'ipso' : 'hors ipso',
          paidCents: b.paidCents,
          projectedCents: b.projectedCents,
          budgetCents: b.budgetCents,
        })),
      ),
    },
    budgetAlert: programme.budgetAlert,
    trajectory: programme.trajectory.map((t) => ({
      at: t.at,
      doctors: fr(t.doctors),
      targetDoctors: fr(t.targetDoctors),
      patients: fr(t.patients),
      targetPatients: fr(t.targetPatients),
    })),
    budget: programme.budget.map((b) => ({
      line: b.line === 'ipso' ? 'ipso' : 'hors ipso',
      paid: eur(b.paidCents),
      projected: eur(b.projectedCents),
      budget: eur(b.budgetCents),
      alert: b.alert,
    })),
    nonIpso: { selected: fr(programme.nonIpso.selected), aavUnder300k: fr(programme.nonIpso.aavUnder300k) },
    structures: series.map((s) => ({
      name: s.structureName,
      ipso: s.ipsoNetwork,
      rows: s.rows.slice(-12).map((r) => ({
        month: r.month,
        patientsMt: fr(r.patientsMt),
        included: fr(r.included),
        consommant: fr(r.consommant),
        newInclusions: fr(r.newInclusions),
        men: fr(r.menPct, ' %'),
        aged65: fr(r.aged65PlusPct, ' %'),
        doctors: fr(r.doctors),
        gross: eur(r.grossCents),
        net: eur(r.netCents),
        safeguard: eur(r.safeguardCents),
        notes: fr(r.infoNotes),
        oppositions: fr(r.oppositions),
      })),
    })),
  };
}

/** Self-contained HTML (no script, no external resource; fonts from the `pdf-base` partial); SVG inserted raw: built and escaped by svg-charts.ts. */
export const COPIL_REPORT_SOURCE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Indicateurs MTR 2 — COPIL</title>
{{> pdf-base}}
<style>
  @page { size: A4 landscape; margin: 14mm; }
  body { font-size: 9pt; color: #222; }
  svg text { font-family: 'Inter', sans-serif; }
  h1 { font-size: 15pt; margin: 0 0 4px; } h2 { font-size: 11pt; margin: 14px 0 4px; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
  th, td { border: 1px solid #bbb; padding: 2px 4px; text-align: right; } th:first-child, td:first-child { text-align: left; }
  .note { color: #555; font-size: 8pt; } .alert { color: #a50021; font-weight: bold; }
  section { page-break-inside: avoid; }
</style></head><body>
<h1>Programme MTR 2 — indicateurs pour le comité de pilotage</h1>
<p>Période {{from}} – {{to}} · édité le {{frDate generatedAt}}</p>
{{#if suppressed}}<p class="note">Secret statistique : tout effectif de 1 à 10, et tout montant qui en découle, est affiché « &lt; 11 » ; une seconde case est masquée lorsqu’un total permettrait de retrouver la première.</p>{{/if}}
<section><h2>Trajectoire</h2>{{{charts.trajectory}}}
<table><tr><th>Échéance</th><th>Médecins</th><th>Cible</th><th>Patients</th><th>Cible</th></tr>
{{#each trajectory}}<tr><td>{{at}}</td><td>{{doctors}}</td><td>{{targetDoctors}}</td><td>{{patients}}</td><td>{{targetPatients}}</td></tr>{{/each}}</table></section>
<section><h2>Forfaits contre le budget FISS</h2>{{{charts.budget}}}
{{#if budgetAlert}}<p class="alert">Alerte : la projection à la fin de l’année dépasse le budget, qui ne peut être dépassé.</p>{{/if}}
<table><tr><th>Ligne</th><th>Payé</th><th>Projection fin d’année</th><th>Budget</th><th>Alerte</th></tr>
{{#each budget}}<tr><td>{{line}}</td><td>{{paid}}</td><td>{{projected}}</td><td>{{budget}}</td><td>{{#if alert}}oui{{else}}non{{/if}}</td></tr>{{/each}}</table>
<p>Structures hors ipso retenues : {{nonIpso.selected}} (dont aire d’attraction de moins de 300 000 habitants : {{nonIpso.aavUnder300k}}).</p></section>
<section><h2>Inclusions par structure</h2>{{{charts.included}}}</section>
{{#each structures}}<section><h2>{{name}}{{#if ipso}} (ipso){{/if}}</h2>
<table><tr><th>Mois</th><th>Patients MT</th><th>Inclus</th><th>Consommants</th><th>Nouvelles inclusions</th><th>Hommes</th><th>65 ans et +</th><th>Médecins</th><th>Forfaits bruts</th><th>Forfaits nets</th><th>Sauvegarde</th><th>Notes d’information</th><th>Oppositions</th></tr>
{{#each rows}}<tr><td>{{month}}</td><td>{{patientsMt}}</td><td>{{included}}</td><td>{{consommant}}</td><td>{{newInclusions}}</td><td>{{men}}</td><td>{{aged65}}</td><td>{{doctors}}</td><td>{{gross}}</td><td>{{net}}</td><td>{{safeguard}}</td><td>{{notes}}</td><td>{{oppositions}}</td></tr>{{/each}}
</table></section>{{/each}}
</body></html>`;
