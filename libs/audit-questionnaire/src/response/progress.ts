import type { AnswerMap } from '../model';
import { indexTemplate, isAnswerable } from '../template/index-template';
import type { Questionnaire } from '../template/types';
import { enabledLinkIds } from './enable-when';

export interface SectionProgress {
  linkId: string;
  title: string;
  /** Required, enabled questions that have an answer. */
  answered: number;
  /** Required, enabled questions. A "non" that disables follow-ups shrinks the total. */
  total: number;
  /** Rounded down, so 100 means really complete. */
  percent: number;
  missingLinkIds: string[];
}

export interface ResponseProgress {
  sections: SectionProgress[];
  answered: number;
  total: number;
  percent: number;
}

const percentOf = (answered: number, total: number) =>
  total === 0 ? 100 : Math.floor((answered * 100) / total);

const hasAnswer = (answers: AnswerMap, linkId: string) => {
  const value = answers[linkId]?.value;
  return value !== null && value !== undefined;
};

/** Avancement par section: answered required enabled items / required enabled items. */
export function computeProgress(template: Questionnaire, answers: AnswerMap): ResponseProgress {
  const index = indexTemplate(template);
  const enabled = enabledLinkIds(template, answers);
  const sections: SectionProgress[] = index.sections.map((s) => ({
    linkId: s.linkId,
    title: s.text ?? s.linkId,
    answered: 0,
    total: 0,
    percent: 100,
    missingLinkIds: [],
  }));
  const bySection = new Map(sections.map((s) => [s.linkId, s]));

  for (const { item, sectionLinkId } of index.ordered) {
    if (!isAnswerable(item) || !item.required || !enabled.has(item.linkId)) continue;
    const section = bySection.get(sectionLinkId);
    if (!section) continue;
    section.total += 1;
    if (hasAnswer(answers, item.linkId)) section.answered += 1;
    else section.missingLinkIds.push(item.linkId);
  }
  for (const s of sections) s.percent = percentOf(s.answered, s.total);

  const answered = sections.reduce((n, s) => n + s.answered, 0);
  const total = sections.reduce((n, s) => n + s.total, 0);
  return { sections, answered, total, percent: percentOf(answered, total) };
}

/** Required enabled questions still without an answer, in document order. */
export const missingRequiredLinkIds = (template: Questionnaire, answers: AnswerMap): string[] =>
  computeProgress(template, answers).sections.flatMap((s) => s.missingLinkIds);
