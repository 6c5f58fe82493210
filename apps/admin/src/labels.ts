import type { LegalForm, Profession, StructureState } from '@mtr/api-contracts';

export const STATE_LABELS: Record<StructureState, string> = {
  identified: 'Identifiée',
  pre_selected: 'Présélectionnée',
  audit_in_progress: 'Audit en cours',
  audit_submitted: 'Audit remis',
  changes_requested: 'Compléments demandés',
  resubmitted: 'Audit remis à nouveau',
  gap_analysis: 'Analyse des écarts',
  copil_review: 'Examen COPIL',
  submitted_to_ctis: 'Soumise au CTIS',
  ctis_approved: 'Approuvée par le CTIS',
  ctis_rejected: 'Refusée par le CTIS',
  convention_signed: 'Convention signée',
  active: 'Active',
  suspended: 'Suspendue',
  exit_notified: 'Sortie notifiée',
  exited: 'Sortie',
};

export const PROFESSION_LABELS: Record<Profession, string> = {
  medecin_generaliste: 'Médecin généraliste',
  sage_femme: 'Sage-femme',
  infirmier: 'Infirmier ou infirmière',
  ipa: 'Infirmier ou infirmière en pratique avancée',
  pediatre: 'Pédiatre',
  gynecologue: 'Gynécologue',
  kinesitherapeute: 'Masseur-kinésithérapeute',
  psychologue: 'Psychologue',
  autre: 'Autre profession',
};

export const LEGAL_FORM_LABELS: Record<LegalForm, string> = {
  SISA: 'SISA',
  SEL: 'SEL',
  SELARL: 'SELARL',
  SCM: 'SCM',
  association: 'Association',
  centre_de_sante: 'Centre de santé',
  GIE: 'GIE',
  autre: 'Autre',
};

export const labelOf = <K extends string>(labels: Record<K, string>, key: string | null | undefined): string =>
  key == null ? '—' : ((labels as Record<string, string>)[key] ?? key);
