import { fail, ok, problems, type Result } from '../errors';
import type { Actor, ActorSide, ResponseStatus } from '../model';

export interface ResponseTransition {
  from: ResponseStatus;
  to: ResponseStatus;
  /** Which side may trigger it. ipso may also submit (it sometimes fills the audit in during the visit). */
  sides: readonly ActorSide[];
  label: string;
}

/** The one table of legal response state changes; every lifecycle function goes through it. */
export const RESPONSE_TRANSITIONS: readonly ResponseTransition[] = [
  { from: 'draft', to: 'submitted', sides: ['structure', 'ipso'], label: 'Questionnaire remis' },
  { from: 'submitted', to: 'changes_requested', sides: ['ipso'], label: 'Compléments demandés' },
  {
    from: 'changes_requested',
    to: 'resubmitted',
    sides: ['structure', 'ipso'],
    label: 'Questionnaire complété et remis',
  },
  { from: 'resubmitted', to: 'changes_requested', sides: ['ipso'], label: 'Nouveaux compléments demandés' },
  { from: 'submitted', to: 'accepted', sides: ['ipso'], label: 'Questionnaire accepté' },
  { from: 'resubmitted', to: 'accepted', sides: ['ipso'], label: 'Questionnaire accepté' },
];

/** Answers can be saved only while the structure holds the pen. */
export const EDITABLE_STATUSES: readonly ResponseStatus[] = ['draft', 'changes_requested'];

export const isEditable = (status: ResponseStatus): boolean => EDITABLE_STATUSES.includes(status);

export const allowedTransitions = (from: ResponseStatus): ResponseStatus[] =>
  RESPONSE_TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);

export function checkTransition(
  from: ResponseStatus,
  to: ResponseStatus,
  actor: Actor,
): Result<ResponseTransition> {
  const transition = RESPONSE_TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (!transition) return fail(problems.invalidTransition(from, to, allowedTransitions(from)));
  if (!transition.sides.includes(actor.side)) {
    return fail(
      problems.forbiddenActor(`Seule l'équipe projet ipso peut effectuer l'action « ${transition.label} ».`),
    );
  }
  return ok(transition);
}
