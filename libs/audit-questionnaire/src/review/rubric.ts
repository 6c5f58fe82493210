import { fail, ok, problems, type Result } from '../errors';
import type { Actor } from '../model';
import type { Questionnaire } from '../template/types';

/** Grille de notation par section; kept apart from the answers and from the threads. */
export const RUBRIC_SCALE = [
  { score: 0, label: 'Absent ou insuffisant' },
  { score: 1, label: 'Partiel' },
  { score: 2, label: 'Satisfaisant' },
  { score: 3, label: 'Exemplaire' },
] as const;
export type RubricScore = (typeof RUBRIC_SCALE)[number]['score'];

export const RUBRIC_MIN = 0;
export const RUBRIC_MAX = 3;
export const JUSTIFICATION_MAX_LENGTH = 5_000;

export interface SectionScore {
  sectionLinkId: string;
  score: RubricScore;
  /** Required: a bare number cannot be defended in front of the COPIL. */
  justification: string;
  scoredAt: string;
  scoredBy: Actor;
}

/** Latest score per section linkId; the API's audit trail keeps the history. */
export type ReviewRubric = Readonly<Record<string, SectionScore>>;

export interface ScoreSectionInput {
  sectionLinkId: string;
  score: number;
  justification: string;
}

export function scoreSection(
  rubric: ReviewRubric,
  template: Questionnaire,
  input: ScoreSectionInput,
  actor: Actor,
  now: Date,
): Result<ReviewRubric> {
  if (actor.side !== 'ipso')
    return fail(problems.forbiddenActor("Seule l'équipe projet ipso note les sections."));
  if (!template.item.some((s) => s.linkId === input.sectionLinkId)) {
    return fail(problems.unknownSection(input.sectionLinkId, template.version));
  }
  if (!Number.isInteger(input.score) || input.score < RUBRIC_MIN || input.score > RUBRIC_MAX) {
    return fail(problems.invalidScore(RUBRIC_MIN, RUBRIC_MAX));
  }
  const justification = input.justification?.trim() ?? '';
  if (!justification || justification.length > JUSTIFICATION_MAX_LENGTH) {
    return fail(problems.missingJustification(input.sectionLinkId));
  }
  const entry: SectionScore = {
    sectionLinkId: input.sectionLinkId,
    score: input.score as RubricScore,
    justification,
    scoredAt: now.toISOString(),
    scoredBy: actor,
  };
  return ok({ ...rubric, [input.sectionLinkId]: entry });
}

export interface RubricSummary {
  sections: { linkId: string; title: string; score: RubricScore | null; label: string | null }[];
  scored: number;
  total: number;
  /** Mean of the scored sections, null if none. */
  average: number | null;
}

export function summariseRubric(rubric: ReviewRubric, template: Questionnaire): RubricSummary {
  const sections = template.item.map((s) => {
    const entry = rubric[s.linkId];
    return {
      linkId: s.linkId,
      title: s.text ?? s.linkId,
      score: entry?.score ?? null,
      label: entry ? RUBRIC_SCALE[entry.score].label : null,
    };
  });
  const scores = sections.map((s) => s.score).filter((s): s is RubricScore => s !== null);
  return {
    sections,
    scored: scores.length,
    total: sections.length,
    average: scores.length ? scores.reduce<number>((a, b) => a + b, 0) / scores.length : null,
  };
}
