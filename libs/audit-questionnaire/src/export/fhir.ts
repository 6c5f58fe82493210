import { unwrap } from '../errors';
import { isAttachmentValue } from '../answers/validate-answer';
import type { AnswerMap, AnswerValue, AuditResponse } from '../model';
import { enabledLinkIds } from '../response/enable-when';
import { checkPinned } from '../response/guards';
import { lastSubmission } from '../response/lifecycle';
import { EXT_ATTACHMENT_SHA256, EXT_RESPONSE_STATE } from '../template/extensions';
import type { Coding, Extension, Questionnaire, QuestionnaireItem } from '../template/types';
import { answersFor, type ExportSource } from './source';

/** Minimal FHIR R4 QuestionnaireResponse types: only what this export emits. */
export type FhirResponseStatus = 'in-progress' | 'completed' | 'amended';

export interface FhirAttachment {
  contentType: string;
  title: string;
  size: number;
  url?: string;
  extension: Extension[];
}

export interface FhirAnswer {
  valueBoolean?: boolean;
  valueString?: string;
  valueInteger?: number;
  valueDecimal?: number;
  valueCoding?: Coding;
  valueAttachment?: FhirAttachment;
  item?: FhirResponseItem[];
}

export interface FhirResponseItem {
  linkId: string;
  text?: string;
  answer?: FhirAnswer[];
  item?: FhirResponseItem[];
}

export interface FhirQuestionnaireResponse {
  resourceType: 'QuestionnaireResponse';
  id: string;
  identifier: { system: string; value: string };
  /** Canonical `url|version`: the exact template version the answers belong to. */
  questionnaire: string;
  status: FhirResponseStatus;
  subject: { identifier: { system: string; value: string }; display: string };
  authored: string;
  author?: { identifier: { system: string; value: string }; display?: string };
  extension: Extension[];
  item: FhirResponseItem[];
}

export const FHIR_RESPONSE_ID_SYSTEM = 'https://mtr2.ipso.fr/fhir/sid/audit-response';
export const FHIR_STRUCTURE_ID_SYSTEM = 'https://mtr2.ipso.fr/fhir/sid/structure';
export const FHIR_USER_ID_SYSTEM = 'https://mtr2.ipso.fr/fhir/sid/user';

/**
 * Platform state → FHIR status. A reopened response is being edited again (in-progress); a
 * resubmission is, in FHIR's words, "changed after being marked as complete" (amended).
 */
export function fhirStatusOf(response: AuditResponse): FhirResponseStatus {
  switch (response.status) {
    case 'draft':
    case 'changes_requested':
      return 'in-progress';
    case 'submitted':
      return 'completed';
    case 'resubmitted':
      return 'amended';
    case 'accepted':
      return response.submissions.length > 1 ? 'amended' : 'completed';
  }
}

function fhirAnswer(item: QuestionnaireItem, value: AnswerValue): FhirAnswer {
  if (isAttachmentValue(value)) {
    return {
      valueAttachment: {
        contentType: value.mimeType,
        title: value.filename,
        size: value.size,
        ...(value.storageKey ? { url: value.storageKey } : {}),
        extension: [{ url: EXT_ATTACHMENT_SHA256, valueString: value.sha256 }],
      },
    };
  }
  switch (item.type) {
    case 'boolean':
      return { valueBoolean: value as boolean };
    case 'integer':
      return { valueInteger: value as number };
    case 'decimal':
      return { valueDecimal: value as number };
    case 'choice': {
      const option = item.answerOption?.find((o) => o.valueCoding.code === value)?.valueCoding;
      return { valueCoding: option ? { ...option } : { code: String(value) } };
    }
    default:
      return { valueString: String(value) };
  }
}

/**
 * Mirrors the template tree. Groups appear only if something below them is answered; a
 * question's children go under its answer (FHIR nesting), or directly under the item when the
 * question itself is unanswered (R4 qrs-1 forbids item and answer side by side).
 */
function buildItems(
  items: readonly QuestionnaireItem[],
  answers: AnswerMap,
  enabled: Set<string>,
): FhirResponseItem[] {
  const out: FhirResponseItem[] = [];
  for (const item of items) {
    if (item.type === 'display' || !enabled.has(item.linkId)) continue;
    const children = item.item ? buildItems(item.item, answers, enabled) : [];
    const base = { linkId: item.linkId, ...(item.text ? { text: item.text } : {}) };
    const value = item.type === 'group' ? null : (answers[item.linkId]?.value ?? null);
    if (value !== null) {
      out.push({
        ...base,
        answer: [{ ...fhirAnswer(item, value), ...(children.length ? { item: children } : {}) }],
      });
    } else if (children.length) {
      out.push({ ...base, item: children });
    }
  }
  return out;
}

/** Status of the last snapshot itself, whatever happened to the response since. */
const snapshotStatus = (response: AuditResponse): FhirResponseStatus => {
  const submission = lastSubmission(response);
  if (!submission) return 'in-progress';
  return submission.kind === 'resubmission' ? 'amended' : 'completed';
};

export interface FhirExportOptions {
  structure: { id: string; name: string };
  source?: ExportSource;
}

/** @throws AuditQuestionnaireError template_mismatch if the response is not on this template. */
export function toFhirQuestionnaireResponse(
  template: Questionnaire,
  response: AuditResponse,
  options: FhirExportOptions,
): FhirQuestionnaireResponse {
  unwrap(checkPinned(response, template));
  const source = options.source ?? 'current';
  const answers = answersFor(response, source);
  const submission = lastSubmission(response);
  // authored = when this set of answers was last changed or handed in.
  const authored = source === 'last_submission' && submission ? submission.submittedAt : response.updatedAt;
  const author = source === 'last_submission' ? submission?.submittedBy : undefined;
  return {
    resourceType: 'QuestionnaireResponse',
    id: response.id,
    identifier: { system: FHIR_RESPONSE_ID_SYSTEM, value: response.id },
    questionnaire: `${template.url}|${template.version}`,
    status: source === 'current' ? fhirStatusOf(response) : snapshotStatus(response),
    subject: {
      identifier: { system: FHIR_STRUCTURE_ID_SYSTEM, value: options.structure.id },
      display: options.structure.name,
    },
    authored,
    ...(author
      ? {
          author: {
            identifier: { system: FHIR_USER_ID_SYSTEM, value: author.userId },
            ...(author.displayName ? { display: author.displayName } : {}),
          },
        }
      : {}),
    extension: [{ url: EXT_RESPONSE_STATE, valueCode: response.status }],
    item: buildItems(template.item, answers, enabledLinkIds(template, answers)),
  };
}
