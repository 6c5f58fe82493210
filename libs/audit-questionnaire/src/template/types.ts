/**
 * The subset of FHIR R4 `Questionnaire` the platform supports. Anything else is rejected at
 * publication rather than silently ignored, because the engine would not honour it.
 */

export const ITEM_TYPES = [
  'group',
  'display',
  'text',
  'string',
  'boolean',
  'choice',
  'integer',
  'decimal',
  'attachment',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** Items that carry an answer (group and display do not). */
export type AnswerableItemType = Exclude<ItemType, 'group' | 'display'>;

export const ENABLE_WHEN_OPERATORS = ['exists', '=', '!=', '>', '<', '>=', '<='] as const;
export type EnableWhenOperator = (typeof ENABLE_WHEN_OPERATORS)[number];

export const TEMPLATE_STATUSES = ['draft', 'active', 'retired'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

export interface Coding {
  system?: string;
  code: string;
  display?: string;
}

export interface Extension {
  url: string;
  valueBoolean?: boolean;
  valueCode?: string;
  valueDecimal?: number;
  valueInteger?: number;
  valueString?: string;
}

export interface EnableWhen {
  question: string;
  operator: EnableWhenOperator;
  answerBoolean?: boolean;
  answerDecimal?: number;
  answerInteger?: number;
  answerString?: string;
  answerCoding?: Coding;
}

export interface AnswerOption {
  valueCoding: Coding;
}

export interface QuestionnaireItem {
  linkId: string;
  text?: string;
  type: ItemType;
  required?: boolean;
  maxLength?: number;
  enableWhen?: EnableWhen[];
  enableBehavior?: 'all' | 'any';
  answerOption?: AnswerOption[];
  extension?: Extension[];
  item?: QuestionnaireItem[];
}

export interface Questionnaire {
  resourceType: 'Questionnaire';
  id?: string;
  url: string;
  version: string;
  name?: string;
  title: string;
  status: TemplateStatus;
  date?: string;
  publisher?: string;
  language?: string;
  description?: string;
  item: QuestionnaireItem[];
}
