/**
 * Handlebars template of the COPIL/CTIS dossier (issue #4 §5). Self-contained HTML: no external
 * resource (the PDF service blocks every request), no script; fonts and base styles from the
 * shared `pdf-base` partial (apps/api/src/pdf/pdf-base.ts).
 */
export const DOSSIER_TEMPLATE = 'candidacy-dossier';

export const DOSSIER_SOURCE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Dossier de candidature — {{structure.name}}</title>
{{> pdf-base}}
<style>
  body { font-size: 10pt; }
  td, th { border: 1px solid #bbb; padding: 3pt 4pt; } .pass { color: #1b6e20; } .fail { color: #b00020; } .unknown { color: #8a5a00; }
  .meta { color: #555; font-size: 8.5pt; } .comment { color: #333; font-style: italic; }
</style></head>
<body>
<h1>Dossier de candidature MTR 2 — {{structure.name}}</h1>
<p class="meta">Généré le {{frDate generatedOn}} pour le COPIL et le CTIS · état de la candidature : {{candidacy.state}}</p>

<h2>1. Identité de la structure</h2>
<table>
<tr><th>Nom</th><td>{{structure.name}}</td><th>Forme juridique</th><td>{{structure.legal_form}}</td></tr>
<tr><th>FINESS</th><td>{{structure.finess}}</td><th>SIRET</th><td>{{structure.siret}}</td></tr>
<tr><th>Adresse</th><td colspan="3">{{structure.address_line}} {{structure.postal_code}} {{structure.city}} (commune INSEE {{structure.insee_code}})</td></tr>
<tr><th>Praticiens</th><td colspan="3">{{#each practitioners}}{{last_name}} {{first_name}} ({{profession}}){{#unless @last}}, {{/unless}}{{else}}aucun praticien enregistré{{/each}}</td></tr>
</table>

<h2>2. Critères d’éligibilité (résultat : {{eligibility.overall}})</h2>
<table><tr><th>Critère</th><th>Statut</th><th>Élément probant</th><th>Source</th><th>Date</th></tr>
{{#each eligibility.criteria}}<tr><td>{{label}}</td><td class="{{status}}">{{status}}</td><td>{{evidence}}</td><td>{{source}}</td><td>{{frDate date}}</td></tr>{{/each}}
</table>
{{#if eligibility.justification}}<p><strong>Justification de l’équipe projet ipso :</strong> {{eligibility.justification.text}}</p>{{/if}}

<h2>3. Historique de la candidature</h2>
<table><tr><th>Date</th><th>Étape</th><th>Rôle</th><th>Motif</th><th>Références</th></tr>
{{#each history}}<tr><td>{{frDate occurredAt}}</td><td>{{label}}</td><td>{{actorRole}}</td><td>{{reason}}</td><td>{{references}}</td></tr>{{else}}<tr><td colspan="5">Aucune transition.</td></tr>{{/each}}
</table>

<h2>4. Audit organisationnel (questionnaire annexe 6)</h2>
{{#if audit}}
<p class="meta">Questionnaire {{audit.questionnaire}} version {{audit.version}} · statut {{audit.status}}</p>
{{#each audit.sections}}
<h3>{{title}}{{#if score}} — note {{score.score}} ({{score.justification}}){{/if}}</h3>
<table><tr><th>Question</th><th>Réponse</th></tr>
{{#each items}}<tr><td>{{text}}</td><td>{{answer}}{{#each comments}}<div class="comment">Relecture : {{this}}</div>{{/each}}</td></tr>{{/each}}
</table>
{{/each}}
{{else}}<p>Audit non disponible.</p>{{/if}}

<h2>5. Simulation financière</h2>
{{#if simulation}}
<p class="meta">Simulation du mois de référence {{frMonth simulation.referenceMonth}}, lancée le {{simulation.createdOn}} par {{simulation.createdBy}} : forfaits nets mensuels par médecin aux taux de fuite simulés et écart au revenu actuel à l’acte (forfait − revenu actuel).</p>
<table><tr><th>Médecin</th><th>Patients MT / payés</th><th>Revenu actuel à l’acte (mensuel)</th>{{#each simulation.rates}}<th>Net à {{this}}</th><th>Écart à {{this}}</th>{{/each}}</tr>
{{#each simulation.doctors}}<tr><td>{{name}}</td><td>{{mtPatients}} / {{paidPatients}}</td><td>{{currentText}}</td>{{#each byRate}}<td>{{net}}</td><td>{{gap}}</td>{{/each}}</tr>{{/each}}
<tr><th>Structure</th><td>{{simulation.structure.mtPatients}} / {{simulation.structure.paidPatients}}</td><td></td>{{#each simulation.structure.byRate}}<td>{{net}}</td><td>{{annual}} par an</td>{{/each}}</tr>
</table>
<p class="meta">Hypothèses : {{join simulation.assumptions " ; "}}.</p>
{{else}}<p>Simulation non disponible à ce stade.</p>{{/if}}
</body></html>`;
