import type { AnswerMap, AnswerValue } from '../model';
import { indexTemplate } from '../template/index-template';
import type { EnableWhen, Questionnaire } from '../template/types';

const presentValue = (answers: AnswerMap, linkId: string): AnswerValue | undefined => {
  const value = answers[linkId]?.value;
  return value === null || value === undefined ? undefined : value;
};

function conditionHolds(cond: EnableWhen, value: AnswerValue | undefined): boolean {
  if (cond.operator === 'exists') return (value !== undefined) === cond.answerBoolean;
  // FHIR R4: without an answer, every operator but `exists` is false.
  if (value === undefined) return false;
  const expected =
    cond.answerBoolean ??
    cond.answerInteger ??
    cond.answerDecimal ??
    cond.answerString ??
    cond.answerCoding?.code;
  switch (cond.operator) {
    case '=':
      return value === expected;
    case '!=':
      return value !== expected;
    case '>':
      return typeof value === 'number' && typeof expected === 'number' && value > expected;
    case '<':
      return typeof value === 'number' && typeof expected === 'number' && value < expected;
    case '>=':
      return typeof value === 'number' && typeof expected === 'number' && value >= expected;
    case '<=':
      return typeof value === 'number' && typeof expected === 'number' && value <= expected;
  }
}

/**
 * The set of enabled linkIds for a set of answers. An item is enabled when its parent is and its
 * enableWhen holds; an answer to a disabled question counts as no answer (FHIR semantics), so a
 * stale "oui" hidden behind a "non" cannot switch anything on. Templates only point enableWhen
 * backwards, so one pass in document order suffices.
 */
export function enabledLinkIds(template: Questionnaire, answers: AnswerMap): Set<string> {
  const enabled = new Set<string>();
  for (const { item, parentLinkId } of indexTemplate(template).ordered) {
    if (parentLinkId !== null && !enabled.has(parentLinkId)) continue;
    const conditions = item.enableWhen ?? [];
    const results = conditions.map((c) =>
      conditionHolds(c, enabled.has(c.question) ? presentValue(answers, c.question) : undefined),
    );
    const on =
      !conditions.length || (item.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean));
    if (on) enabled.add(item.linkId);
  }
  return enabled;
}

export const isEnabled = (template: Questionnaire, answers: AnswerMap, linkId: string): boolean =>
  enabledLinkIds(template, answers).has(linkId);
