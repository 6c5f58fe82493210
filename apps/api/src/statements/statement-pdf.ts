import { createHash } from 'node:crypto';
import { PDF_BASE_PARTIAL } from '../pdf/pdf-base';
import type { StatementDetail } from './statement.schemas';

export const STRUCTURE_STATEMENT_TEMPLATE = 'statement-structure';
export const DOCTOR_STATEMENT_TEMPLATE = 'statement-doctor';

export interface StructureInfo {
  name: string;
  finess: string | null;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  ipsoNetwork: boolean;
}

export interface PaidPatientRow {
  externalId: string;
  ageYears: number;
  lines: string;
  netCents: number;
}

/**
 * SHA-256 of what the statement says (number, version, totals and every line), printed in each
 * page footer: anyone can recompute it from the billing file to check the paper matches.
 */
export function contentDigest(d: StatementDetail): string {
  const canonical = JSON.stringify({
    number: d.number,
    version: d.version,
    month: d.month,
    grossCents: d.grossCents,
    netCents: d.netCents,
    rate: d.theoreticalLeakageRate,
    lines: d.doctors.flatMap((doc) => doc.lines.map((l) => [doc.rpps, l.code, l.patientCount, l.unitNetCents, l.amountCents])),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

const statusLabel = (s: StatementDetail['status']) => ({ draft: 'BROUILLON — non émis, sans valeur de facturation', issued: 'émis', superseded: 'remplacé par une version corrigée' })[s];

/** Lines summed over doctors, in grid order of first appearance. */
function structureLines(d: StatementDetail) {
  const byCode = new Map<string, { label: string; patientCount: number; unitGrossCents: number; unitNetCents: number; amountCents: number }>();
  for (const doc of d.doctors)
    for (const l of doc.lines) {
      const x = byCode.get(l.code) ?? { label: l.label, patientCount: 0, unitGrossCents: l.unitGrossCents, unitNetCents: l.unitNetCents, amountCents: 0 };
      x.patientCount += l.patientCount;
      x.amountCents += l.amountCents;
      byCode.set(l.code, x);
    }
  return [...byCode.values()];
}

export function structureStatementModel(d: StatementDetail, s: StructureInfo, digest: string) {
  return {
    s,
    d,
    status: statusLabel(d.status),
    draft: d.status === 'draft',
    issuedOn: d.issuedAt?.slice(0, 10) ?? null,
    lines: structureLines(d),
    digest,
    correction: d.diff ? { number: d.diff.supersedesNumber, deltaCents: d.diff.deltaCents, reason: d.correctionReason } : null,
  };
}

export function doctorStatementModel(d: StatementDetail, s: StructureInfo, doctor: StatementDetail['doctors'][number], patients: PaidPatientRow[], digest: string) {
  return { s, d, doctor, patients, status: statusLabel(d.status), draft: d.status === 'draft', issuedOn: d.issuedAt?.slice(0, 10) ?? null, digest };
}

const HEADER = `
<div class="doc-header">
  <div class="issuer"><strong>{{s.name}}</strong><br>{{#if s.addressLine}}{{s.addressLine}}<br>{{/if}}{{s.postalCode}} {{s.city}}<br>{{#if s.finess}}FINESS {{s.finess}}{{/if}}</div>
  <div class="recipient">Expérimentation article 51<br><strong>Médecin Traitant Renforcé 2</strong><br>Assurance Maladie</div>
</div>
{{#if draft}}<p class="draft-banner">BROUILLON — ce relevé n'est pas émis et ne peut pas servir à la facturation.</p>{{/if}}`;

const REFS = `
<dl class="doc-refs">
  <dt>Période</dt><dd>{{frMonth d.month}}</dd>
  <dt>Numéro</dt><dd>{{d.number}} (version {{d.version}})</dd>
  <dt>Statut</dt><dd>{{status}}</dd>
  <dt>Date d'émission</dt><dd>{{#if issuedOn}}{{frLongDate issuedOn}}{{else}}—{{/if}}</dd>
  <dt>Grille</dt><dd>{{d.gridVersion}}</dd>
  <dt>Taux de fuite théorique</dt><dd>{{percent d.theoreticalLeakageRate}}</dd>
</dl>`;

const LINE_HEAD = `<thead><tr><th>Ligne de forfait</th><th class="num">Patients</th><th class="amount">Prix unitaire brut</th><th class="amount">Prix unitaire net</th><th class="amount">Montant net</th></tr></thead>`;

const SMALL_PRINT = `
<p class="small-print">Forfaits mensuels MTR 2 par patient consommant : un socle selon l'âge au 1er jour du mois et chaque brique dont les critères sont remplis
(cahier des charges §8, annexe 5). Prix unitaire net = brut × (1 − taux de fuite théorique), arrondi au centime le plus proche (demi-centime arrondi au-dessus) ;
montant = nombre de patients × prix unitaire net ; les totaux sont la somme des lignes. Le forfait « perte d'autonomie à domicile » remplace socle et briques
et n'est pas soumis au taux de fuite. Le forfait médecin traitant de droit commun reste versé en sus. Empreinte SHA-256 du contenu : {{digest}}.</p>`;

export const STRUCTURE_STATEMENT_SOURCE = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Relevé {{d.number}}</title>{{> ${PDF_BASE_PARTIAL}}}
<style>.draft-banner { border: 1pt solid #a00; color: #a00; padding: 2mm; font-weight: 700; } .summary td.amount { font-size: 10.5pt; }</style></head><body>
${HEADER}
<div class="doc-title"><h1>Relevé mensuel des forfaits</h1><div class="subtitle">{{s.name}} — {{frMonth d.month}}</div></div>
${REFS}
{{#if correction}}<p><strong>Version corrigée</strong> du relevé {{correction.number}} : {{correction.reason}} (écart {{euros correction.deltaCents}}).</p>{{/if}}
<h2>Synthèse</h2>
<table class="summary keep-together"><tbody>
  <tr><td>Patients dont le médecin traitant exerce dans la structure</td><td class="amount">{{d.patientsCovered}}</td></tr>
  <tr><td>Patients payés (inclus et consommants)</td><td class="amount">{{d.patientsPaid}}</td></tr>
  <tr><td>Total brut</td><td class="amount">{{euros d.grossCents}}</td></tr>
  <tr><td>Taux de fuite théorique</td><td class="amount">{{percent d.theoreticalLeakageRate}}</td></tr>
  <tr class="total"><td>Total net à facturer</td><td class="amount">{{euros d.netCents}}</td></tr>
</tbody></table>
<h2>Par ligne de forfait</h2>
<table>${LINE_HEAD}<tbody>
{{#each lines}}<tr><td>{{label}}</td><td class="num">{{patientCount}}</td><td class="amount">{{euros unitGrossCents}}</td><td class="amount">{{euros unitNetCents}}</td><td class="amount">{{euros amountCents}}</td></tr>{{/each}}
<tr class="total"><td colspan="4">Total net</td><td class="amount">{{euros d.netCents}}</td></tr>
</tbody></table>
<h2>Par médecin traitant</h2>
{{#each d.doctors}}
<h3>{{name}} — RPPS {{rpps}}</h3>
<table>${LINE_HEAD}<tbody>
{{#each lines}}<tr><td>{{label}}</td><td class="num">{{patientCount}}</td><td class="amount">{{euros unitGrossCents}}</td><td class="amount">{{euros unitNetCents}}</td><td class="amount">{{euros amountCents}}</td></tr>{{/each}}
<tr class="subtotal"><td colspan="4">Sous-total {{name}}</td><td class="amount">{{euros netCents}}</td></tr>
</tbody></table>
{{else}}<p class="muted">Aucun patient payé ce mois-ci.</p>
{{/each}}
${SMALL_PRINT}
</body></html>`;

export const DOCTOR_STATEMENT_SOURCE = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Relevé {{d.number}} — {{doctor.name}}</title>{{> ${PDF_BASE_PARTIAL}}}
<style>.draft-banner { border: 1pt solid #a00; color: #a00; padding: 2mm; font-weight: 700; }</style></head><body>
${HEADER}
<div class="doc-title"><h1>Relevé mensuel du médecin traitant</h1><div class="subtitle">{{doctor.name}} — RPPS {{doctor.rpps}} — {{frMonth d.month}}</div></div>
${REFS}
<h2>Forfaits de vos patients</h2>
<table>${LINE_HEAD}<tbody>
{{#each doctor.lines}}<tr><td>{{label}}</td><td class="num">{{patientCount}}</td><td class="amount">{{euros unitGrossCents}}</td><td class="amount">{{euros unitNetCents}}</td><td class="amount">{{euros amountCents}}</td></tr>{{/each}}
<tr class="total"><td colspan="4">Total net</td><td class="amount">{{euros doctor.netCents}}</td></tr>
</tbody></table>
<h2>Patients payés</h2>
<table><thead><tr><th>Patient (identifiant de la structure)</th><th class="num">Âge</th><th>Lignes</th><th class="amount">Montant net</th></tr></thead><tbody>
{{#each patients}}<tr><td>{{externalId}}</td><td class="num">{{ageYears}}</td><td>{{lines}}</td><td class="amount">{{euros netCents}}</td></tr>{{/each}}
</tbody></table>
${SMALL_PRINT}
</body></html>`;
