import type { Extension, QuestionnaireItem } from './types';

/** Standard FHIR extensions for attachment and numeric constraints (hl7.org/fhir/extensions). */
export const EXT_MIME_TYPE = 'http://hl7.org/fhir/StructureDefinition/mimeType';
export const EXT_MAX_SIZE = 'http://hl7.org/fhir/StructureDefinition/maxSize';
export const EXT_MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
export const EXT_MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';

/** Ours: marks items ipso added around the verbatim annex text (pièces jointes, précisions). */
export const EXT_ANNEX6_SUPPLEMENT = 'https://mtr2.ipso.fr/fhir/StructureDefinition/annex6-supplement';

/** Ours: the SHA-256 of an attachment (R4 Attachment.hash is SHA-1, so it cannot hold it). */
export const EXT_ATTACHMENT_SHA256 = 'https://mtr2.ipso.fr/fhir/StructureDefinition/attachment-sha256';

/** Ours: the platform's own response state, finer than the FHIR status. */
export const EXT_RESPONSE_STATE = 'https://mtr2.ipso.fr/fhir/StructureDefinition/audit-response-state';

/** Limits used when a text item does not set `maxLength`. */
export const DEFAULT_TEXT_MAX_LENGTH = 10_000;
export const DEFAULT_STRING_MAX_LENGTH = 500;

const byUrl = (item: QuestionnaireItem, url: string): Extension[] =>
  (item.extension ?? []).filter((e) => e.url === url);

export interface AttachmentConstraints {
  mimeTypes: string[];
  maxSize: number;
}

export function attachmentConstraints(item: QuestionnaireItem): AttachmentConstraints {
  const mimeTypes = byUrl(item, EXT_MIME_TYPE)
    .map((e) => e.valueCode)
    .filter((v): v is string => typeof v === 'string');
  const maxSize = byUrl(item, EXT_MAX_SIZE)[0]?.valueDecimal ?? 0;
  return { mimeTypes, maxSize };
}

export interface NumericConstraints {
  min?: number;
  max?: number;
}

export function numericConstraints(item: QuestionnaireItem): NumericConstraints {
  const pick = (e: Extension | undefined) => e?.valueDecimal ?? e?.valueInteger;
  const min = pick(byUrl(item, EXT_MIN_VALUE)[0]);
  const max = pick(byUrl(item, EXT_MAX_VALUE)[0]);
  return { ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
}

export function maxLengthOf(item: QuestionnaireItem): number {
  if (item.maxLength !== undefined) return item.maxLength;
  return item.type === 'string' ? DEFAULT_STRING_MAX_LENGTH : DEFAULT_TEXT_MAX_LENGTH;
}

export const isSupplement = (item: QuestionnaireItem): boolean =>
  byUrl(item, EXT_ANNEX6_SUPPLEMENT).some((e) => e.valueBoolean === true);
