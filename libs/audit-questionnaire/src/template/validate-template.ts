import { fail, ok, problems, type Result } from '../errors';
import {
  EXT_MAX_SIZE,
  EXT_MAX_VALUE,
  EXT_MIME_TYPE,
  EXT_MIN_VALUE,
  attachmentConstraints,
} from './extensions';
import { indexTemplate, isAnswerable } from './index-template';
import { QuestionnaireSchema } from './schema';
import type { EnableWhen, ItemType, Questionnaire, QuestionnaireItem } from './types';

/** The answer[x] an enableWhen must use for each kind of referenced question. */
const ENABLE_WHEN_KEY: Record<Exclude<ItemType, 'group' | 'display' | 'attachment'>, keyof EnableWhen> = {
  boolean: 'answerBoolean',
  choice: 'answerCoding',
  integer: 'answerInteger',
  decimal: 'answerDecimal',
  text: 'answerString',
  string: 'answerString',
};

const ORDERING_OPERATORS = new Set(['>', '<', '>=', '<=']);

/**
 * Parses and checks a template: the zod shape first, then the rules that span items (unique
 * linkIds, enableWhen pointing backwards to a compatible question, attachment limits present…).
 * Backward-only enableWhen lets every evaluation run in one pass over the document order.
 */
export function validateTemplate(input: unknown): Result<Questionnaire> {
  const parsed = QuestionnaireSchema.safeParse(input);
  if (!parsed.success) {
    return fail(
      problems.invalidTemplate(
        parsed.error.issues.map((i) => `${i.path.join('.') || '(racine)'} : ${i.message}`),
      ),
    );
  }
  const template = parsed.data;
  const issues: string[] = [];
  const index = indexTemplate(template);
  const seen = new Set<string>();
  const position = new Map<string, number>();

  index.ordered.forEach((entry, i) => {
    const { item } = entry;
    const where = `« ${item.linkId} »`;
    if (seen.has(item.linkId)) issues.push(`linkId ${where} en double`);
    seen.add(item.linkId);
    position.set(item.linkId, i);

    if (entry.depth === 0 && item.type !== 'group')
      issues.push(`${where} : le premier niveau ne contient que des sections (group)`);
    if (item.type === 'group' && !item.item?.length)
      issues.push(`${where} : une rubrique doit contenir des éléments`);
    if (item.type === 'display' && item.item?.length)
      issues.push(`${where} : un texte explicatif ne contient pas d'éléments`);
    if (!isAnswerable(item) && item.required)
      issues.push(`${where} : seule une question peut être obligatoire`);
    if (item.type !== 'group' && !item.text) issues.push(`${where} : libellé manquant`);

    checkTypeSpecific(item, issues);
  });

  // Second pass: enableWhen targets must already be positioned.
  index.ordered.forEach((entry, i) => {
    const { item } = entry;
    const conditions = item.enableWhen ?? [];
    if (conditions.length > 1 && !item.enableBehavior) {
      issues.push(`« ${item.linkId} » : enableBehavior est requis avec plusieurs conditions`);
    }
    for (const cond of conditions) checkEnableWhen(item, cond, i, position, index.byLinkId, issues);
  });

  return issues.length ? fail(problems.invalidTemplate(issues)) : ok(template);
}

function checkTypeSpecific(item: QuestionnaireItem, issues: string[]): void {
  const where = `« ${item.linkId} »`;
  const urls = new Set((item.extension ?? []).map((e) => e.url));

  if (item.type === 'choice') {
    const codes = (item.answerOption ?? []).map((o) => o.valueCoding.code);
    if (!codes.length) issues.push(`${where} : une question à choix doit avoir des options`);
    if (new Set(codes).size !== codes.length) issues.push(`${where} : codes d'options en double`);
  } else if (item.answerOption) {
    issues.push(`${where} : answerOption n'est permis que pour une question à choix`);
  }

  if (item.type === 'attachment') {
    const { mimeTypes, maxSize } = attachmentConstraints(item);
    if (!mimeTypes.length)
      issues.push(`${where} : indiquez les types de fichiers acceptés (extension mimeType)`);
    if (!(maxSize > 0)) issues.push(`${where} : indiquez la taille maximale en octets (extension maxSize)`);
  } else if (urls.has(EXT_MIME_TYPE) || urls.has(EXT_MAX_SIZE)) {
    issues.push(`${where} : mimeType et maxSize ne s'appliquent qu'aux pièces jointes`);
  }

  if (item.maxLength !== undefined && item.type !== 'text' && item.type !== 'string') {
    issues.push(`${where} : maxLength ne s'applique qu'aux réponses textuelles`);
  }
  if (
    (urls.has(EXT_MIN_VALUE) || urls.has(EXT_MAX_VALUE)) &&
    item.type !== 'integer' &&
    item.type !== 'decimal'
  ) {
    issues.push(`${where} : minValue et maxValue ne s'appliquent qu'aux nombres`);
  }
}

function checkEnableWhen(
  item: QuestionnaireItem,
  cond: EnableWhen,
  itemPosition: number,
  position: Map<string, number>,
  byLinkId: ReturnType<typeof indexTemplate>['byLinkId'],
  issues: string[],
): void {
  const where = `« ${item.linkId} » (enableWhen sur « ${cond.question} »)`;
  const target = byLinkId.get(cond.question)?.item;
  const targetPosition = position.get(cond.question);
  if (!target || targetPosition === undefined) return void issues.push(`${where} : question inconnue`);
  if (!isAnswerable(target)) return void issues.push(`${where} : la cible n'est pas une question`);
  if (targetPosition >= itemPosition)
    return void issues.push(`${where} : la question doit précéder l'élément conditionné`);

  if (cond.operator === 'exists') {
    if (cond.answerBoolean === undefined) issues.push(`${where} : l'opérateur exists attend answerBoolean`);
    return;
  }
  if (target.type === 'attachment')
    return void issues.push(`${where} : une pièce jointe ne se teste qu'avec exists`);
  const expectedKey = ENABLE_WHEN_KEY[target.type];
  if (cond[expectedKey] === undefined)
    issues.push(`${where} : ${expectedKey} attendu pour une question ${target.type}`);
  if (ORDERING_OPERATORS.has(cond.operator) && target.type !== 'integer' && target.type !== 'decimal') {
    issues.push(`${where} : l'opérateur ${cond.operator} ne s'applique qu'aux nombres`);
  }
  if (target.type === 'choice' && cond.answerCoding) {
    const codes = (target.answerOption ?? []).map((o) => o.valueCoding.code);
    if (!codes.includes(cond.answerCoding.code))
      issues.push(`${where} : option « ${cond.answerCoding.code} » inconnue`);
  }
}
