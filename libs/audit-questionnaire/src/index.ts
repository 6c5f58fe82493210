/**
 * @mtr/audit-questionnaire — the Annex 6 audit questionnaire of MTR 2 as a pure library:
 * versioned FHIR-shaped templates, answer validation, the response lifecycle with autosave,
 * reviewer threads and rubric, progress, and CSV / FHIR exports. No I/O: the API persists.
 */

// Errors (problem+json material)
export {
  AuditQuestionnaireError,
  STATUS_LABELS,
  fail,
  ok,
  problems,
  unwrap,
  type AuditErrorCode,
  type AuditProblem,
  type InvalidTemplateProblem,
  type InvalidTransitionProblem,
  type MissingRequiredProblem,
  type Result,
  type RevisionConflictProblem,
  type SimpleProblem,
} from './errors';

// Data model
export type {
  Actor,
  ActorSide,
  AnswerDiffEntry,
  AnswerMap,
  AnswerValue,
  AttachmentAnswer,
  AuditResponse,
  ChangeRequest,
  DiffChange,
  QuestionnaireRef,
  ResponseStatus,
  StoredAnswer,
  Submission,
} from './model';

// Templates
export {
  ENABLE_WHEN_OPERATORS,
  ITEM_TYPES,
  TEMPLATE_STATUSES,
  type AnswerOption,
  type AnswerableItemType,
  type Coding,
  type EnableWhen,
  type EnableWhenOperator,
  type Extension,
  type ItemType,
  type Questionnaire,
  type QuestionnaireItem,
  type TemplateStatus,
} from './template/types';
export {
  AnswerOptionSchema,
  CodingSchema,
  EnableWhenSchema,
  ExtensionSchema,
  QuestionnaireItemSchema,
  QuestionnaireSchema,
} from './template/schema';
export {
  DEFAULT_STRING_MAX_LENGTH,
  DEFAULT_TEXT_MAX_LENGTH,
  EXT_ANNEX6_SUPPLEMENT,
  EXT_ATTACHMENT_SHA256,
  EXT_MAX_SIZE,
  EXT_MAX_VALUE,
  EXT_MIME_TYPE,
  EXT_MIN_VALUE,
  EXT_RESPONSE_STATE,
  attachmentConstraints,
  isSupplement,
  maxLengthOf,
  numericConstraints,
  type AttachmentConstraints,
  type NumericConstraints,
} from './template/extensions';
export {
  answerableItems,
  indexTemplate,
  isAnswerable,
  type IndexedItem,
  type TemplateIndex,
} from './template/index-template';
export { validateTemplate } from './template/validate-template';
export { canonicalJson, deepFreeze } from './template/freeze';
export { TemplateRegistry } from './template/registry';
export { ANNEX6_URL, ANNEX6_V1, BUILT_IN_TEMPLATES, createDefaultRegistry } from './templates/annex6';

// Answers
export {
  AnswerValueSchema,
  AttachmentAnswerSchema,
  SaveAnswerCommandSchema,
  type SaveAnswerCommand,
} from './answers/schema';
export { isAttachmentValue, validateAnswerValue } from './answers/validate-answer';
export { answerToText } from './answers/format';

// Response lifecycle
export { createResponse, type CreateResponseInput } from './response/create';
export { saveAnswer, type SaveAnswerInput, type SaveAnswerOutcome } from './response/autosave';
export {
  CHANGE_REQUEST_NOTE_MAX_LENGTH,
  accept,
  lastSubmission,
  openChangeRequest,
  requestChanges,
  resubmit,
  snapshotAnswers,
  submit,
  type RequestChangesInput,
} from './response/lifecycle';
export {
  EDITABLE_STATUSES,
  RESPONSE_TRANSITIONS,
  allowedTransitions,
  checkTransition,
  isEditable,
  type ResponseTransition,
} from './response/transitions';
export { enabledLinkIds, isEnabled } from './response/enable-when';
export { diffAnswers } from './response/diff';
export {
  computeProgress,
  missingRequiredLinkIds,
  type ResponseProgress,
  type SectionProgress,
} from './response/progress';
export { checkPinned } from './response/guards';
export {
  ActorSchema,
  AuditResponseSchema,
  ChangeRequestSchema,
  StoredAnswerSchema,
  SubmissionSchema,
} from './response/schema';

// Review
export {
  MESSAGE_MAX_LENGTH,
  canSeeThread,
  openThread,
  reopenThread,
  replyToThread,
  resolveThread,
  visibleThreads,
  type OpenThreadInput,
  type ReviewThread,
  type ThreadMessage,
  type ThreadStatus,
  type ThreadVisibility,
} from './review/threads';
export {
  JUSTIFICATION_MAX_LENGTH,
  RUBRIC_MAX,
  RUBRIC_MIN,
  RUBRIC_SCALE,
  scoreSection,
  summariseRubric,
  type ReviewRubric,
  type RubricScore,
  type RubricSummary,
  type ScoreSectionInput,
  type SectionScore,
} from './review/rubric';

// Exports
export { type ExportSource } from './export/source';
export {
  CSV_HEADER,
  auditCsvRows,
  auditToCsv,
  neutraliseCsvCell,
  toCsv,
  type CsvExportEntry,
  type CsvOptions,
} from './export/csv';
export {
  FHIR_RESPONSE_ID_SYSTEM,
  FHIR_STRUCTURE_ID_SYSTEM,
  FHIR_USER_ID_SYSTEM,
  fhirStatusOf,
  toFhirQuestionnaireResponse,
  type FhirAnswer,
  type FhirAttachment,
  type FhirExportOptions,
  type FhirQuestionnaireResponse,
  type FhirResponseItem,
  type FhirResponseStatus,
} from './export/fhir';
