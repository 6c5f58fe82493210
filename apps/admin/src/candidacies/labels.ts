import type { StructureState } from '@mtr/api-contracts';

/** Pipeline stages: the board groups the candidacy states (apps/api/src/candidacies/transitions.ts). */
export const STAGES: { key: string; label: string; states: StructureState[] }[] = [
  { key: 'selection', label: 'Repérage et présélection', states: ['identified', 'pre_selected'] },
  { key: 'audit', label: 'Audit annexe 6', states: ['audit_in_progress', 'audit_submitted', 'changes_requested', 'resubmitted'] },
  { key: 'review', label: 'Analyse des écarts et COPIL', states: ['gap_analysis', 'copil_review'] },
  { key: 'ctis', label: 'CTIS', states: ['submitted_to_ctis', 'ctis_approved', 'ctis_rejected'] },
  { key: 'run', label: 'Convention et suivi', states: ['convention_signed', 'active', 'suspended', 'exit_notified', 'exited'] },
];

export const CRITERION_STATUS: Record<string, { label: string; color: string }> = {
  pass: { label: 'Réussi', color: '#1b5e20' },
  fail: { label: 'Échec', color: 'red.9' },
  unknown: { label: 'Inconnu', color: 'gray.8' },
};

export const SOURCE_LABELS: Record<string, string> = {
  computed: 'calculé par la plateforme',
  declared: 'déclaré par la structure',
  patient_list: 'liste des patients importée',
  reference_data: 'données INSEE',
  demo_reference_data: 'échantillon INSEE de démonstration',
};

export type DecisionKind = 'none' | 'ctis' | 'convention' | 'exit_notice' | 'exit_effective';

/**
 * Which decision references a transition needs (mirror of `decision` in the API's transition
 * table, apps/api/src/candidacies/transitions.ts; the API re-checks and names any missing field).
 */
export function decisionKind(from: string, to: string): DecisionKind {
  if (to === 'ctis_approved' || to === 'ctis_rejected' || to === 'suspended') return 'ctis';
  if (from === 'suspended' && (to === 'active' || to === 'exited')) return 'ctis';
  if (to === 'convention_signed') return 'convention';
  if (to === 'exit_notified') return 'exit_notice';
  if (from === 'exit_notified' && to === 'exited') return 'exit_effective';
  return 'none';
}

export const DECISION_FIELDS: Record<DecisionKind, { key: string; label: string; type: 'date' | 'text' }[]> = {
  none: [],
  ctis: [
    { key: 'ctisDecisionDate', label: 'Date de la décision du CTIS', type: 'date' },
    { key: 'ctisDecisionNumber', label: 'Numéro de la décision du CTIS', type: 'text' },
  ],
  convention: [
    { key: 'conventionNumber', label: 'Numéro de la convention CNAM', type: 'text' },
    { key: 'conventionSignedOn', label: 'Date de signature', type: 'date' },
    { key: 'entryDate', label: 'Date d’entrée E fixée par la convention', type: 'date' },
  ],
  exit_notice: [{ key: 'cnamReceiptDate', label: 'Date de réception du préavis par la CNAM', type: 'date' }],
  exit_effective: [{ key: 'effectiveOn', label: 'Date de sortie effective', type: 'date' }],
};

export const DECISION_LABELS: Record<string, string> = Object.fromEntries(Object.values(DECISION_FIELDS).flat().map((f) => [f.key, f.label]));

export const ACTOR_ROLE_LABELS: Record<string, string> = {
  ipso_team: 'équipe ipso',
  coordinator: 'coordination de la structure',
  platform_admin: 'administration',
};
