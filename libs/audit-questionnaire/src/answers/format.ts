import type { AnswerValue } from '../model';
import type { QuestionnaireItem } from '../template/types';
import { isAttachmentValue } from './validate-answer';

/** Human-readable French rendering of an answer (CSV, dossier PDF). */
export function answerToText(item: QuestionnaireItem, value: AnswerValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (isAttachmentValue(value)) {
    return `${value.filename} (${value.mimeType}, ${value.size} octets, SHA-256 ${value.sha256})`;
  }
  switch (item.type) {
    case 'boolean':
      return value === true ? 'Oui' : 'Non';
    case 'choice':
      return (
        item.answerOption?.find((o) => o.valueCoding.code === value)?.valueCoding.display ?? String(value)
      );
    default:
      return String(value);
  }
}
