import { fail, ok, problems, type Result } from '../errors';
import type { Actor, AuditResponse, StoredAnswer } from '../model';
import { validateAnswerValue } from '../answers/validate-answer';
import { indexTemplate, isAnswerable } from '../template/index-template';
import type { Questionnaire } from '../template/types';
import { checkPinned, sameValue } from './guards';
import { isEditable } from './transitions';

export interface SaveAnswerInput {
  linkId: string;
  /** Raw value from the client; null (or blank text) clears the answer. */
  value: unknown;
  /** Revision the editor loaded (0 if the question had never been answered). */
  expectedRevision: number;
}

export interface SaveAnswerOutcome {
  response: AuditResponse;
  /** The stored answer after the call; null when a never-answered question is "cleared". */
  answer: StoredAnswer | null;
  /** false when the value was already the stored one: no new revision, nothing to write. */
  changed: boolean;
}

/**
 * Sauvegarde automatique d'une réponse. Optimistic concurrency per answer: the caller sends the
 * revision it started from; if someone saved in between, the result is a `revision_conflict`
 * carrying the current answer, never a silent overwrite. Clearing keeps a tombstone (value null)
 * with a new revision, so an editor who never saw the clear cannot overwrite it unknowingly.
 * Answers to currently disabled questions are accepted (autosave order is not guaranteed) but
 * never make it into a submission.
 */
export function saveAnswer(
  response: AuditResponse,
  template: Questionnaire,
  input: SaveAnswerInput,
  actor: Actor,
  now: Date,
): Result<SaveAnswerOutcome> {
  const pinned = checkPinned(response, template);
  if (!pinned.ok) return pinned;
  if (!isEditable(response.status)) return fail(problems.responseNotEditable(response.status));

  const { linkId, expectedRevision } = input;
  const entry = indexTemplate(template).byLinkId.get(linkId);
  if (!entry) return fail(problems.unknownLinkId(linkId, template.version));
  const { item } = entry;
  if (!isAnswerable(item)) return fail(problems.itemNotAnswerable(linkId));
  if (!Number.isSafeInteger(expectedRevision) || expectedRevision < 0)
    return fail(problems.invalidRevision(linkId));

  const validated = validateAnswerValue(item, input.value);
  if (!validated.ok) return validated;

  const current = response.answers[linkId];
  if ((current?.revision ?? 0) !== expectedRevision) {
    return fail(problems.revisionConflict(linkId, expectedRevision, current ?? null));
  }
  if (sameValue(current?.value, validated.value)) {
    return ok({ response, answer: current ?? null, changed: false });
  }

  const at = now.toISOString();
  const answer: StoredAnswer = {
    linkId,
    value: validated.value,
    revision: expectedRevision + 1,
    answeredAt: at,
    answeredBy: actor,
  };
  return ok({
    response: { ...response, answers: { ...response.answers, [linkId]: answer }, updatedAt: at },
    answer,
    changed: true,
  });
}
