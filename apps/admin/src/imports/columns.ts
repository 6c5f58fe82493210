/**
 * The import kinds' columns, as the API documents them (docs/imports/README.md), and the header
 * matching the API applies (a mirror of apps/api/src/imports/columns.ts: profile mapping first,
 * then the canonical name, then known aliases, with accents, case and punctuation ignored). The
 * wizard uses it to propose a mapping before upload; the API's dry run remains the judge.
 */
export const IMPORT_KINDS = ['patients', 'criteria', 'activity'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ColumnSpec {
  name: string;
  label: string;
  required: boolean;
  aliases: string[];
}

const col = (name: string, label: string, required: boolean, aliases: string[] = []): ColumnSpec => ({ name, label, required, aliases });

export const COLUMNS: Record<ImportKind, ColumnSpec[]> = {
  patients: [
    col('identifiant_patient', 'Identifiant du patient dans la structure', true, ['id_patient', 'idpatient', 'patient_id', 'numero_dossier', 'n_dossier', 'no_dossier', 'dossier', 'identifiant']),
    col('nir', 'NIR (facultatif)', false, ['numero_securite_sociale', 'n_securite_sociale', 'no_ss', 'n_ss', 'num_secu', 'numero_secu', 'nir_patient', 'matricule']),
    col('nom', 'Nom', true, ['nom_de_naissance', 'nom_patient', 'nom_usuel', 'last_name']),
    col('prenom', 'Prénom', true, ['prenom_patient', 'premier_prenom', 'first_name']),
    col('date_naissance', 'Date de naissance', true, ['date_de_naissance', 'ddn', 'ne_le', 'naissance', 'birth_date']),
    col('sexe', 'Sexe (F/M)', true, ['genre', 'sex', 'civilite']),
    col('rpps_medecin_traitant', 'RPPS du médecin traitant', false, ['rpps_mt', 'mt_rpps', 'rpps_du_medecin_traitant', 'medecin_traitant_rpps']),
    col('debut_declaration_mt', 'Début de la déclaration médecin traitant', false, ['date_declaration_mt', 'date_declaration_medecin_traitant', 'debut_mt']),
    col('fin_declaration_mt', 'Fin de la déclaration médecin traitant', false, ['fin_mt', 'date_fin_mt']),
    col('date_note_information', 'Date de remise de la note d’information', false, ['note_information', 'date_information']),
    col('opposition_evaluation', 'Opposition à l’usage des données pour l’évaluation (oui/non)', false, ['opposition', 'refus_evaluation']),
  ],
  criteria: [
    col('identifiant_patient', 'Identifiant du patient dans la structure', true, ['id_patient', 'idpatient', 'patient_id', 'numero_dossier', 'dossier']),
    col('critere', 'Critère', true, ['criterion', 'type', 'type_critere']),
    col('numero_ald', 'Numéro d’ALD (critère ald)', false, ['ald', 'n_ald', 'no_ald']),
    col('valeur', 'Valeur (score, taux, IMC)', false, ['value', 'score', 'resultat']),
    col('date', 'Date (évaluation, début de droit, signature)', true, ['date_evaluation', 'date_debut', 'date_critere']),
    col('valide_jusqu_au', 'Valide jusqu’au', false, ['date_fin', 'fin_validite', 'valid_until']),
    col('debut_grossesse', 'Début de grossesse (déclaration obstétrique)', false, ['date_debut_grossesse']),
    col('fin_grossesse', 'Fin de grossesse (déclaration obstétrique)', false, ['date_fin_grossesse', 'date_accouchement']),
    col('auteur', 'Auteur (qui a évalué ou recueilli)', false, ['author', 'saisi_par', 'evaluateur']),
  ],
  activity: [
    col('identifiant_patient', 'Identifiant du patient dans la structure', true, ['id_patient', 'idpatient', 'patient_id', 'numero_dossier', 'dossier']),
    col('rpps', 'RPPS du professionnel', true, ['rpps_praticien', 'rpps_professionnel', 'rpps_effecteur']),
    col('date', 'Date', true, ['date_consultation', 'date_acte', 'date_rencontre']),
    col('type', 'Type (consultation, téléconsultation, visite)', true, ['type_rencontre', 'nature', 'kind']),
    col('lieu', 'Lieu', false, ['lieu_consultation', 'site', 'place']),
    col('actes', 'Actes NGAP/CCAM avec majorations (ex. « G+MEG », plusieurs séparés par des espaces)', false, ['codes', 'codes_actes', 'acte', 'cotation']),
  ],
};
/** Header text folded for matching: lower case, no accents, non-alphanumerics as one underscore. */
export const foldHeader = (h: string): string =>
  h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

export type Mapping = Record<string, string>;

export const KIND_LABELS: Record<ImportKind, string> = {
  patients: 'Patients',
  criteria: 'Critères (briques : ALD, C2S, scores…)',
  activity: 'Activité (consultations, visites)',
};

/** The proposed mapping (canonical column → file header) for the file's headers, with a profile's choices first. */
export function proposeMapping(kind: ImportKind, headers: string[], profile: Mapping = {}): Mapping {
  const folded = headers.map(foldHeader);
  const mapping: Mapping = {};
  for (const c of COLUMNS[kind]) {
    const wanted = profile[c.name] !== undefined ? [foldHeader(profile[c.name])] : [c.name, ...c.aliases];
    const at = wanted.map((w) => folded.indexOf(w)).find((i) => i >= 0);
    if (at !== undefined) mapping[c.name] = headers[at];
  }
  return mapping;
}

/** Problems of a mapping the user is about to send: required columns without a header, a header used twice. */
export function mappingProblems(kind: ImportKind, mapping: Mapping): { missing: ColumnSpec[]; reused: string[] } {
  const missing = COLUMNS[kind].filter((c) => c.required && !mapping[c.name]);
  const used = Object.values(mapping).filter(Boolean);
  const reused = [...new Set(used.filter((h, i) => used.indexOf(h) !== i))];
  return { missing, reused };
}

export const sameMapping = (a: Mapping, b: Mapping): boolean => {
  const ka = Object.keys(a).filter((k) => a[k]);
  const kb = Object.keys(b).filter((k) => b[k]);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
};

export interface Sniffed {
  encoding: 'utf-8' | 'windows-1252';
  delimiter: ';' | ',' | 'tab';
  headers: string[];
  /** Data lines seen in the sample (approximate for very large files). */
  sampleLines: number;
}

const DELIMS: [Sniffed['delimiter'], string][] = [
  [';', ';'],
  [',', ','],
  ['tab', '\t'],
];

/**
 * Reads the start of a CSV in the browser: encoding (valid UTF-8, else Windows-1252, BOM
 * dropped), delimiter (the most frequent of ; , tab on the header line) and the headers (quotes
 * removed). XLSX files are not read here: the API detects their columns.
 */
export function sniffCsv(bytes: Uint8Array): Sniffed {
  let encoding: Sniffed['encoding'] = 'utf-8';
  let text: string;
  // A sample may end inside a multi-byte character: allow that trailing cut.
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, trimIncomplete(bytes)));
  } catch {
    encoding = 'windows-1252';
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  text = text.replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const first = lines[0] ?? '';
  const [delimiter, ch] = DELIMS.map(([d, c]) => [d, c, first.split(c).length] as const).sort((a, b) => b[2] - a[2])[0];
  const headers = first.split(ch).map((h) => h.trim().replace(/^"(.*)"$/, '$1').trim());
  return { encoding, delimiter, headers, sampleLines: lines.slice(1).filter((l) => l.trim()).length };
}

function trimIncomplete(b: Uint8Array): number {
  let end = b.length;
  // Step back over at most 3 continuation bytes and the lead byte of an incomplete sequence.
  for (let i = 1; i <= 4 && end - i >= 0; i++) {
    const byte = b[end - i];
    if ((byte & 0xc0) === 0x80) continue;
    if ((byte & 0xc0) === 0xc0) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      if (need > i) end -= i;
    }
    break;
  }
  return end;
}

export const DELIMITER_LABELS: Record<string, string> = { ';': 'point-virgule (;)', ',': 'virgule (,)', tab: 'tabulation' };
export const ENCODING_LABELS: Record<string, string> = { 'utf-8': 'UTF-8', 'windows-1252': 'Windows-1252 (Excel ancien)' };
