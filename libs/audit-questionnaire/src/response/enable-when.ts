import type { EnableWhen } from '../template/types';

/**
 * Browser-safe on purpose: the web app's questionnaire form imports this module on its own
 * (`@mtr/audit-questionnaire/enable-when`, aliased to this file), so it imports types only and
 * takes the least of a questionnaire it needs. The API and the form then show and count the
 * same questions.
 */

/** What enableWhen needs of an item: its id, its conditions and its children. */
export interface EnableWhenItem {
  linkId: string;
  enableWhen?: readonly EnableWhen[];
  enableBehavior?: 'all' | 'any';
  item?: readonly EnableWhenItem[];
}

/** Answers by linkId, as stored (a null value is no answer); values are compared, never read into. */
export type EnableWhenAnswers = Readonly<Record<string, { value: unknown } | undefined>>;

const presentValue = (answers: EnableWhenAnswers, linkId: string): unknown => {
  const value = answers[linkId]?.value;
  return value === null || value === undefined ? undefined : value;
};

function conditionHolds(cond: EnableWhen, value: unknown): boolean {
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
export function enabledLinkIds(template: { item: readonly EnableWhenItem[] }, answers: EnableWhenAnswers): Set<string> {
  const enabled = new Set<string>();
  const walk = (items: readonly EnableWhenItem[]) => {
    for (const item of items) {
      const conditions = item.enableWhen ?? [];
      const results = conditions.map((c) =>
        conditionHolds(c, enabled.has(c.question) ? presentValue(answers, c.question) : undefined),
      );
      const on =
        !conditions.length || (item.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean));
      if (!on) continue;
      enabled.add(item.linkId);
      if (item.item) walk(item.item);
    }
  };
  walk(template.item);
  return enabled;
}

export const isEnabled = (template: { item: readonly EnableWhenItem[] }, answers: EnableWhenAnswers, linkId: string): boolean =>
  enabledLinkIds(template, answers).has(linkId);
