/**
 * The candidacy workflow of a non-ipso structure (issue #4 §1, RULES.md §6–§7): the ONE table of
 * allowed transitions, who may trigger each, and what each must record. The API (409 for a
 * transition out of order) and CASL (403 for a role not listed) both read it; nothing else
 * decides whether a state change is legal.
 */
export const CANDIDACY_STATES = [
  'identified', 'pre_selected', 'audit_in_progress', 'audit_submitted', 'changes_requested', 'resubmitted',
  'gap_analysis', 'copil_review', 'submitted_to_ctis', 'ctis_approved', 'ctis_rejected', 'convention_signed',
  'active', 'suspended', 'exit_notified', 'exited',
] as const;
export type CandidacyState = (typeof CANDIDACY_STATES)[number];

/** Who may trigger a transition. A coordinator only of their own structure. */
export const TRANSITION_ROLES = ['ipso_team', 'coordinator', 'platform_admin'] as const;
export type TransitionRole = (typeof TRANSITION_ROLES)[number];

/** What the body of a transition must carry besides the reason. */
export type DecisionKind =
  | 'none'
  /** CTIS decision: date and number (approval, rejection, suspension, lifting, exclusion). */
  | 'ctis'
  /** CNAM convention: number, signature date and the entry date E it fixes. */
  | 'convention'
  /** Exit notice: date CNAM received it; the exit takes effect ≥ 3 months later (§10). */
  | 'exit_notice'
  /** Effective exit date, no earlier than CNAM's receipt + 3 months. */
  | 'exit_effective';

export interface TransitionRule {
  from: CandidacyState;
  to: CandidacyState;
  roles: readonly TransitionRole[];
  decision: DecisionKind;
  /** French label shown in the history and the dossier. */
  label: string;
  /** Submission to the CTIS: the eligibility panel must pass, or ipso_team has written a justification. */
  requiresEligibilityOrJustification?: boolean;
}

const IPSO = ['ipso_team', 'platform_admin'] as const;
const STRUCTURE = ['coordinator', 'platform_admin'] as const;
const BOTH = ['ipso_team', 'coordinator', 'platform_admin'] as const;

export const TRANSITIONS: readonly TransitionRule[] = [
  { from: 'identified', to: 'pre_selected', roles: IPSO, decision: 'none', label: 'Présélection par l’équipe projet ipso' },
  { from: 'pre_selected', to: 'audit_in_progress', roles: IPSO, decision: 'none', label: 'Ouverture de l’audit (questionnaire annexe 6)' },
  { from: 'audit_in_progress', to: 'audit_submitted', roles: STRUCTURE, decision: 'none', label: 'Audit remis par la structure' },
  { from: 'audit_submitted', to: 'changes_requested', roles: IPSO, decision: 'none', label: 'Compléments demandés sur l’audit' },
  { from: 'changes_requested', to: 'resubmitted', roles: STRUCTURE, decision: 'none', label: 'Audit complété et remis à nouveau' },
  { from: 'resubmitted', to: 'changes_requested', roles: IPSO, decision: 'none', label: 'Nouveaux compléments demandés' },
  { from: 'audit_submitted', to: 'gap_analysis', roles: IPSO, decision: 'none', label: 'Audit accepté, analyse des écarts' },
  { from: 'resubmitted', to: 'gap_analysis', roles: IPSO, decision: 'none', label: 'Audit accepté, analyse des écarts' },
  { from: 'gap_analysis', to: 'copil_review', roles: IPSO, decision: 'none', label: 'Examen par le COPIL' },
  {
    from: 'copil_review', to: 'submitted_to_ctis', roles: IPSO, decision: 'none', label: 'Transmission au CTIS',
    requiresEligibilityOrJustification: true,
  },
  { from: 'submitted_to_ctis', to: 'ctis_approved', roles: IPSO, decision: 'ctis', label: 'Décision d’approbation du CTIS' },
  { from: 'submitted_to_ctis', to: 'ctis_rejected', roles: IPSO, decision: 'ctis', label: 'Décision de rejet du CTIS' },
  { from: 'ctis_approved', to: 'convention_signed', roles: IPSO, decision: 'convention', label: 'Convention CNAM signée (date d’entrée E)' },
  { from: 'convention_signed', to: 'active', roles: IPSO, decision: 'none', label: 'Entrée effective dans MTR 2' },
  { from: 'active', to: 'suspended', roles: IPSO, decision: 'ctis', label: 'Suspension par décision du CTIS' },
  { from: 'suspended', to: 'active', roles: IPSO, decision: 'ctis', label: 'Levée de la suspension par le CTIS' },
  { from: 'active', to: 'exit_notified', roles: BOTH, decision: 'exit_notice', label: 'Sortie notifiée à la CNAM et au COPIL' },
  { from: 'suspended', to: 'exit_notified', roles: BOTH, decision: 'exit_notice', label: 'Sortie notifiée à la CNAM et au COPIL' },
  { from: 'suspended', to: 'exited', roles: IPSO, decision: 'ctis', label: 'Sortie par décision du CTIS' },
  { from: 'exit_notified', to: 'exited', roles: IPSO, decision: 'exit_effective', label: 'Sortie effective (préavis de 3 mois écoulé)' },
];

export const findTransition = (from: string, to: string): TransitionRule | undefined =>
  TRANSITIONS.find((t) => t.from === from && t.to === to);

export const transitionsFrom = (from: string): TransitionRule[] => TRANSITIONS.filter((t) => t.from === from);

/** Exit notice period (§10 "Notification et préavis"): at least 3 months from CNAM's receipt. [param] */
export const EXIT_NOTICE_MONTHS = 3;

/** `YYYY-MM-DD` + n civil months, clamped to the month's last day (31 Jan + 1 month → 28/29 Feb). */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Structure states with a signed convention: the structure takes part in MTR 2 (forfaits, statements). */
export const PARTICIPATING_STATES: readonly CandidacyState[] = ['active', 'suspended', 'exit_notified'];
