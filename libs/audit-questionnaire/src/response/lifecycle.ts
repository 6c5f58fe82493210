import { fail, ok, problems, type Result } from '../errors';
import type { Actor, AnswerMap, AuditResponse, ChangeRequest, StoredAnswer, Submission } from '../model';
import { deepFreeze } from '../template/freeze';
import { indexTemplate, isAnswerable } from '../template/index-template';
import type { Questionnaire } from '../template/types';
import { diffAnswers } from './diff';
import { enabledLinkIds } from './enable-when';
import { checkPinned } from './guards';
import { missingRequiredLinkIds } from './progress';
import { checkTransition } from './transitions';

/** Longest reviewer note on a change request. */
export const CHANGE_REQUEST_NOTE_MAX_LENGTH = 5_000;

/**
 * What a (re)submission hands in: enabled, non-empty answers only. Frozen, because a snapshot is
 * the record the COPIL and the CTIS rely on.
 */
export function snapshotAnswers(template: Questionnaire, answers: AnswerMap): AnswerMap {
  const enabled = enabledLinkIds(template, answers);
  const snapshot: Record<string, StoredAnswer> = {};
  for (const { item } of indexTemplate(template).ordered) {
    const answer = answers[item.linkId];
    if (isAnswerable(item) && enabled.has(item.linkId) && answer && answer.value !== null) {
      snapshot[item.linkId] = { ...answer };
    }
  }
  return snapshot;
}

export const lastSubmission = (response: AuditResponse): Submission | undefined =>
  response.submissions[response.submissions.length - 1];

/** The change request the structure is currently answering, if any. */
export const openChangeRequest = (response: AuditResponse): ChangeRequest | undefined =>
  response.status === 'changes_requested'
    ? response.changeRequests[response.changeRequests.length - 1]
    : undefined;

function takeSubmission(
  response: AuditResponse,
  template: Questionnaire,
  to: 'submitted' | 'resubmitted',
  actor: Actor,
  now: Date,
): Result<AuditResponse> {
  const pinned = checkPinned(response, template);
  if (!pinned.ok) return pinned;
  const transition = checkTransition(response.status, to, actor);
  if (!transition.ok) return transition;
  const missing = missingRequiredLinkIds(template, response.answers);
  if (missing.length) return fail(problems.missingRequired(missing));

  const at = now.toISOString();
  const answers = snapshotAnswers(template, response.answers);
  const previous = lastSubmission(response);
  const flagged = response.changeRequests[response.changeRequests.length - 1]?.flaggedLinkIds ?? [];
  // Cloned first: freezing must not reach objects the caller still holds (actor, live answers).
  const submission: Submission = deepFreeze(
    structuredClone({
      number: response.submissions.length + 1,
      kind: to === 'submitted' ? 'submission' : 'resubmission',
      submittedAt: at,
      submittedBy: actor,
      answers,
      diff: previous ? diffAnswers(template, previous.answers, answers, flagged) : [],
    }),
  );
  return ok({ ...response, status: to, submissions: [...response.submissions, submission], updatedAt: at });
}

/** Remise du questionnaire: every required enabled question answered, then an immutable snapshot. */
export const submit = (response: AuditResponse, template: Questionnaire, actor: Actor, now: Date) =>
  takeSubmission(response, template, 'submitted', actor, now);

/** Nouvelle remise after a change request; the submission carries the diff since the last one. */
export const resubmit = (response: AuditResponse, template: Questionnaire, actor: Actor, now: Date) =>
  takeSubmission(response, template, 'resubmitted', actor, now);

export interface RequestChangesInput {
  /** Questions (or whole rubriques) the structure must revisit. */
  flaggedLinkIds: readonly string[];
  note?: string;
}

/**
 * Demande de compléments. Reopens the whole response for editing (a fix may require touching a
 * question the reviewer did not flag, e.g. the yes/no that enables it); the flagged items guide
 * the structure, and the diff at resubmission shows the reviewer every change, flagged or not.
 */
export function requestChanges(
  response: AuditResponse,
  template: Questionnaire,
  input: RequestChangesInput,
  actor: Actor,
  now: Date,
): Result<AuditResponse> {
  const pinned = checkPinned(response, template);
  if (!pinned.ok) return pinned;
  const transition = checkTransition(response.status, 'changes_requested', actor);
  if (!transition.ok) return transition;

  const flaggedLinkIds = [...new Set(input.flaggedLinkIds)];
  if (!flaggedLinkIds.length) return fail(problems.noFlaggedItems());
  const index = indexTemplate(template);
  for (const linkId of flaggedLinkIds) {
    const entry = index.byLinkId.get(linkId);
    if (!entry) return fail(problems.unknownLinkId(linkId, template.version));
    if (entry.item.type === 'display') return fail(problems.itemNotAnswerable(linkId));
  }
  const note = input.note?.trim();
  if (note && note.length > CHANGE_REQUEST_NOTE_MAX_LENGTH)
    return fail(problems.invalidMessage(CHANGE_REQUEST_NOTE_MAX_LENGTH));

  const at = now.toISOString();
  const order = new Map(index.ordered.map((e, i) => [e.item.linkId, i]));
  const changeRequest: ChangeRequest = deepFreeze(
    structuredClone({
      number: response.changeRequests.length + 1,
      requestedAt: at,
      requestedBy: actor,
      flaggedLinkIds: flaggedLinkIds.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
      ...(note ? { note } : {}),
      afterSubmission: response.submissions.length,
    }),
  );
  return ok({
    ...response,
    status: 'changes_requested',
    changeRequests: [...response.changeRequests, changeRequest],
    updatedAt: at,
  });
}

/** Audit accepté: final; the last submission is the reference version of the answers. */
export function accept(response: AuditResponse, actor: Actor, now: Date): Result<AuditResponse> {
  const transition = checkTransition(response.status, 'accepted', actor);
  if (!transition.ok) return transition;
  const at = now.toISOString();
  return ok({ ...response, status: 'accepted', acceptedAt: at, acceptedBy: actor, updatedAt: at });
}
