/**
 * The Annex 6 questionnaire as the API serves it (FHIR-shaped Questionnaire, published versions
 * immutable) and the answer rules the form needs in the browser. enableWhen comes from
 * libs/audit-questionnaire itself (its browser-safe module); the API recomputes progress and
 * checks every save.
 */
export interface Coding {
  system?: string;
  code: string;
  display?: string;
}
export interface EnableWhen {
  question: string;
  operator: 'exists' | '=' | '!=' | '>' | '<' | '>=' | '<=';
  answerBoolean?: boolean;
  answerInteger?: number;
  answerDecimal?: number;
  answerString?: string;
  answerCoding?: Coding;
}
export interface QItem {
  linkId: string;
  text?: string;
  type: 'group' | 'display' | 'boolean' | 'decimal' | 'integer' | 'date' | 'dateTime' | 'string' | 'text' | 'choice' | 'attachment';
  required?: boolean;
  maxLength?: number;
  enableWhen?: EnableWhen[];
  enableBehavior?: 'all' | 'any';
  answerOption?: { valueCoding: Coding }[];
  extension?: { url: string; valueCode?: string; valueDecimal?: number; valueInteger?: number; valueBoolean?: boolean }[];
  item?: QItem[];
}
export interface Questionnaire {
  url: string;
  version: string;
  title?: string;
  item: QItem[];
}
export interface AttachmentAnswer {
  filename: string;
  mimeType: string;
  size: number;
  sha256: string;
}
export type AnswerValue = string | number | boolean | AttachmentAnswer;
export interface StoredAnswer {
  linkId: string;
  value: AnswerValue | null;
  revision: number;
  answeredAt: string;
  answeredBy: { userId: string; side: 'ipso' | 'structure'; displayName?: string };
}
export type AnswerMap = Record<string, StoredAnswer>;

/** The API's own enableWhen (FHIR R4: an answer behind a disabled question counts as none), so the form shows what the API counts. */
export { enabledLinkIds } from '@mtr/audit-questionnaire/enable-when';

export const extensionValue = (item: QItem, suffix: string) => item.extension?.find((e) => e.url.endsWith(suffix));
export const acceptedTypes = (item: QItem): string[] => (item.extension ?? []).filter((e) => e.url.endsWith('/mimeType') && e.valueCode).map((e) => e.valueCode as string);

/** An answer as text (review, diff). */
export function answerText(item: QItem | undefined, v: AnswerValue | null | undefined, formatNumber: (n: number) => string = String): string {
  if (v === null || v === undefined || v === '') return 'Sans réponse';
  if (typeof v === 'boolean') return v ? 'Oui' : 'Non';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'object') return `Pièce jointe « ${v.filename} »`;
  if (item?.type === 'choice') return item.answerOption?.find((o) => o.valueCoding.code === v)?.valueCoding.display ?? v;
  return v;
}

export function indexItems(q: Questionnaire): Map<string, QItem> {
  const m = new Map<string, QItem>();
  const walk = (items: QItem[]) => items.forEach((i) => (m.set(i.linkId, i), i.item && walk(i.item)));
  walk(q.item);
  return m;
}
