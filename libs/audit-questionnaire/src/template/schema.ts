import { z } from 'zod';
import {
  ENABLE_WHEN_OPERATORS,
  ITEM_TYPES,
  TEMPLATE_STATUSES,
  type EnableWhen,
  type Questionnaire,
  type QuestionnaireItem,
} from './types';

/**
 * Shape of a template. Objects are strict: an unsupported FHIR element (repeats, initial, …)
 * is an error, not a silently ignored field. Cross-item rules live in validate-template.ts.
 */

const linkId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'linkId invalide');

export const CodingSchema = z.strictObject({
  system: z.string().min(1).optional(),
  code: z.string().min(1),
  display: z.string().min(1).optional(),
});

export const ExtensionSchema = z.strictObject({
  url: z.string().min(1),
  valueBoolean: z.boolean().optional(),
  valueCode: z.string().min(1).optional(),
  valueDecimal: z.number().finite().optional(),
  valueInteger: z.number().int().optional(),
  valueString: z.string().optional(),
});

const ANSWER_KEYS = [
  'answerBoolean',
  'answerDecimal',
  'answerInteger',
  'answerString',
  'answerCoding',
] as const;

export const EnableWhenSchema: z.ZodType<EnableWhen> = z
  .strictObject({
    question: linkId,
    operator: z.enum(ENABLE_WHEN_OPERATORS),
    answerBoolean: z.boolean().optional(),
    answerDecimal: z.number().finite().optional(),
    answerInteger: z.number().int().optional(),
    answerString: z.string().optional(),
    answerCoding: CodingSchema.optional(),
  })
  .refine((w) => ANSWER_KEYS.filter((k) => w[k] !== undefined).length === 1, {
    message: 'enableWhen doit porter exactement une valeur answer[x]',
  });

export const AnswerOptionSchema = z.strictObject({ valueCoding: CodingSchema });

export const QuestionnaireItemSchema: z.ZodType<QuestionnaireItem> = z.lazy(() =>
  z.strictObject({
    linkId,
    text: z.string().min(1).optional(),
    type: z.enum(ITEM_TYPES),
    required: z.boolean().optional(),
    maxLength: z.number().int().positive().optional(),
    enableWhen: z.array(EnableWhenSchema).min(1).optional(),
    enableBehavior: z.enum(['all', 'any']).optional(),
    answerOption: z.array(AnswerOptionSchema).min(1).optional(),
    extension: z.array(ExtensionSchema).optional(),
    item: z.array(QuestionnaireItemSchema).min(1).optional(),
  }),
);

export const QuestionnaireSchema: z.ZodType<Questionnaire> = z.strictObject({
  resourceType: z.literal('Questionnaire'),
  id: z.string().min(1).optional(),
  url: z.url(),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'version attendue au format majeur.mineur.correctif'),
  name: z.string().min(1).optional(),
  title: z.string().min(1),
  status: z.enum(TEMPLATE_STATUSES),
  date: z.string().optional(),
  publisher: z.string().optional(),
  language: z.string().optional(),
  description: z.string().optional(),
  item: z.array(QuestionnaireItemSchema).min(1),
});
