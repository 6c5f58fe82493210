import type { AnswerDiffEntry, AnswerMap } from '../model';
import { indexTemplate } from '../template/index-template';
import type { Questionnaire } from '../template/types';
import { sameValue } from './guards';

/**
 * What changed between two submitted snapshots, per linkId in document order: the reviewer
 * reads this instead of re-reading the whole audit. `flagged` marks the items they had asked about.
 */
export function diffAnswers(
  template: Questionnaire,
  before: AnswerMap,
  after: AnswerMap,
  flaggedLinkIds: readonly string[] = [],
): AnswerDiffEntry[] {
  const flagged = new Set(flaggedLinkIds);
  const entries: AnswerDiffEntry[] = [];
  for (const { item } of indexTemplate(template).ordered) {
    const { linkId } = item;
    const b = before[linkId]?.value ?? undefined;
    const a = after[linkId]?.value ?? undefined;
    if (b === undefined && a === undefined) continue;
    const base = { linkId, flagged: flagged.has(linkId) };
    if (b === undefined) entries.push({ ...base, change: 'added', after: a });
    else if (a === undefined) entries.push({ ...base, change: 'removed', before: b });
    else if (!sameValue(a, b)) entries.push({ ...base, change: 'changed', before: b, after: a });
  }
  return entries;
}
