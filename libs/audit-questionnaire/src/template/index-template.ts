import type { AnswerableItemType, Questionnaire, QuestionnaireItem } from './types';

/** One item with where it sits: what exports, progress and enableWhen need without re-walking. */
export interface IndexedItem {
  item: QuestionnaireItem;
  parentLinkId: string | null;
  /** linkId of the top-level group (section I … V). */
  sectionLinkId: string;
  depth: number;
}

export interface TemplateIndex {
  template: Questionnaire;
  /** Every item, pre-order (document order). */
  ordered: readonly IndexedItem[];
  byLinkId: ReadonlyMap<string, IndexedItem>;
  sections: readonly QuestionnaireItem[];
}

export const isAnswerable = (
  item: QuestionnaireItem,
): item is QuestionnaireItem & { type: AnswerableItemType } =>
  item.type !== 'group' && item.type !== 'display';

// Published templates are frozen, so an index computed once per object stays right.
const cache = new WeakMap<Questionnaire, TemplateIndex>();

export function indexTemplate(template: Questionnaire): TemplateIndex {
  const cached = cache.get(template);
  if (cached) return cached;
  const ordered: IndexedItem[] = [];
  const byLinkId = new Map<string, IndexedItem>();
  const walk = (
    items: readonly QuestionnaireItem[],
    parent: string | null,
    section: string | null,
    depth: number,
  ) => {
    for (const item of items) {
      const entry: IndexedItem = { item, parentLinkId: parent, sectionLinkId: section ?? item.linkId, depth };
      ordered.push(entry);
      // First occurrence wins; duplicates are reported by validateTemplate.
      if (!byLinkId.has(item.linkId)) byLinkId.set(item.linkId, entry);
      if (item.item) walk(item.item, item.linkId, section ?? item.linkId, depth + 1);
    }
  };
  walk(template.item, null, null, 0);
  const index: TemplateIndex = { template, ordered, byLinkId, sections: template.item };
  if (Object.isFrozen(template)) cache.set(template, index);
  return index;
}

/** All answerable items in document order. */
export const answerableItems = (template: Questionnaire): QuestionnaireItem[] =>
  indexTemplate(template)
    .ordered.map((e) => e.item)
    .filter(isAnswerable);

export const refOf = (template: Questionnaire) => ({ url: template.url, version: template.version });
