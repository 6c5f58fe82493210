import { unwrap } from '../errors';
import type { Actor, AuditResponse } from '../model';
import { saveAnswer } from '../response/autosave';
import { missingRequiredLinkIds } from '../response/progress';
import { attachmentConstraints, numericConstraints } from '../template/extensions';
import { indexTemplate } from '../template/index-template';
import type { Questionnaire, QuestionnaireItem } from '../template/types';

/** Shared spec fixtures (not part of the public API). */

export const STRUCTURE_USER: Actor = {
  userId: 'user-coord-a',
  side: 'structure',
  displayName: 'Claire Martin',
};
export const OTHER_STRUCTURE_USER: Actor = {
  userId: 'user-md-a',
  side: 'structure',
  displayName: 'Dr Paul Nguyen',
};
export const REVIEWER: Actor = { userId: 'user-ipso-1', side: 'ipso', displayName: 'Relectrice ipso' };

export const T0 = new Date('2026-12-01T09:00:00.000Z');
export const minutesAfterT0 = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export const SHA = 'ab'.repeat(32);

/** A valid value for any answerable item; booleans say "oui" so their follow-ups switch on. */
export function sampleValue(item: QuestionnaireItem): unknown {
  switch (item.type) {
    case 'boolean':
      return true;
    case 'choice':
      return item.answerOption?.[0].valueCoding.code;
    case 'integer':
      return numericConstraints(item).min ?? 1;
    case 'decimal':
      return numericConstraints(item).min ?? 42.5;
    case 'attachment':
      return {
        filename: 'document.pdf',
        mimeType: attachmentConstraints(item).mimeTypes[0],
        size: 2048,
        sha256: SHA,
      };
    default:
      return `Réponse à ${item.linkId}`;
  }
}

/** Answers every required enabled question (repeatedly: a "oui" may enable new required ones). */
export function fillRequired(
  response: AuditResponse,
  template: Questionnaire,
  actor: Actor,
  now: Date,
): AuditResponse {
  const index = indexTemplate(template);
  let current = response;
  for (let pass = 0; pass < 10; pass++) {
    const missing = missingRequiredLinkIds(template, current.answers);
    if (!missing.length) return current;
    for (const linkId of missing) {
      const item = index.byLinkId.get(linkId)!.item;
      const expectedRevision = current.answers[linkId]?.revision ?? 0;
      current = unwrap(
        saveAnswer(current, template, { linkId, value: sampleValue(item), expectedRevision }, actor, now),
      ).response;
    }
  }
  throw new Error('fillRequired did not converge');
}
