/**
 * The documented column sets of the three import kinds (docs/imports/*.md). Each column has a
 * canonical name (the header of our example files) and the headers other medical software
 * export for it; a saved mapping profile can name any other header.
 */
export const IMPORT_KINDS = ['patients', 'criteria', 'activity'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * An import's steps; `expired`: left unapplied past the retention period, `discarded`: given up
 * by the structure — in both, its files are removed.
 */
export const IMPORT_STATUSES = ['uploaded', 'validating', 'validated', 'invalid', 'committing', 'committed', 'failed', 'reverted', 'expired', 'discarded'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Not applied, and no job at work on them: the structure may discard them; past the retention period, they expire. */
export const IDLE_IMPORT_STATUSES: readonly ImportStatus[] = ['uploaded', 'validated', 'invalid', 'failed'];

/** How the web app and the API's messages name each status. */
export const IMPORT_STATUS_LABELS: Record<ImportStatus, string> = {
  uploaded: 'Déposé, essai en attente',
  validating: 'Essai à blanc en cours',
  validated: 'Essai réussi, prêt à appliquer',
  invalid: 'Essai : erreurs à corriger',
  committing: 'Application en cours',
  committed: 'Appliqué',
  failed: 'Échec',
  reverted: 'Annulé',
  expired: 'Expiré, fichier supprimé',
  discarded: 'Abandonné, fichier supprimé',
};

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
