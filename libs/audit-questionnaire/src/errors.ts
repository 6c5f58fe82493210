import type { QuestionnaireRef, ResponseStatus, StoredAnswer } from './model';

/**
 * Every refusal of the library is an `AuditProblem`: a stable machine `code`, the HTTP status the
 * API should answer with (problem+json), and a French `detail` for the person at the screen.
 * Functions return `Result`s so the caller decides; `unwrap` turns a failure into an exception.
 */
export type AuditErrorCode =
  | 'unknown_link_id'
  | 'item_not_answerable'
  | 'wrong_answer_type'
  | 'invalid_choice'
  | 'answer_out_of_range'
  | 'answer_too_long'
  | 'invalid_attachment'
  | 'attachment_type_not_allowed'
  | 'attachment_too_large'
  | 'invalid_revision'
  | 'revision_conflict'
  | 'response_not_editable'
  | 'invalid_transition'
  | 'missing_required_answers'
  | 'template_mismatch'
  | 'no_flagged_items'
  | 'forbidden_actor'
  | 'thread_not_found'
  | 'thread_resolved'
  | 'invalid_message'
  | 'unknown_section'
  | 'invalid_score'
  | 'missing_justification'
  | 'invalid_template'
  | 'template_version_conflict'
  | 'template_not_found';

interface ProblemBase<C extends AuditErrorCode> {
  code: C;
  status: number;
  detail: string;
}

export type RevisionConflictProblem = ProblemBase<'revision_conflict'> & {
  linkId: string;
  expectedRevision: number;
  /** What the other editor saved: the client shows it instead of silently overwriting. */
  current: StoredAnswer | null;
};
export type MissingRequiredProblem = ProblemBase<'missing_required_answers'> & { missingLinkIds: string[] };
export type InvalidTransitionProblem = ProblemBase<'invalid_transition'> & {
  from: ResponseStatus;
  to: ResponseStatus;
  allowed: ResponseStatus[];
};
export type InvalidTemplateProblem = ProblemBase<'invalid_template'> & { issues: string[] };

type SimpleCode = Exclude<
  AuditErrorCode,
  'revision_conflict' | 'missing_required_answers' | 'invalid_transition' | 'invalid_template'
>;
export type SimpleProblem = ProblemBase<SimpleCode> & { linkId?: string };

export type AuditProblem =
  | RevisionConflictProblem
  | MissingRequiredProblem
  | InvalidTransitionProblem
  | InvalidTemplateProblem
  | SimpleProblem;

export type Result<T> = { ok: true; value: T } | { ok: false; problem: AuditProblem };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(problem: AuditProblem): Result<T> => ({ ok: false, problem });

/** Exception form of a problem, for the few places that throw (registry) and for `unwrap`. */
export class AuditQuestionnaireError extends Error {
  constructor(readonly problem: AuditProblem) {
    super(problem.detail);
    this.name = 'AuditQuestionnaireError';
  }

  get code(): AuditErrorCode {
    return this.problem.code;
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new AuditQuestionnaireError(result.problem);
  return result.value;
}

/** French labels of the response states, reused in messages and exports. */
export const STATUS_LABELS: Record<ResponseStatus, string> = {
  draft: 'en cours de saisie',
  submitted: 'soumis',
  changes_requested: 'en attente de compléments',
  resubmitted: 'soumis à nouveau',
  accepted: 'accepté',
};

const q = (linkId: string) => `« ${linkId} »`;

const mebibytes = (bytes: number) => {
  const mib = bytes / 1024 / 1024;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1).replace('.', ',')} Mio`;
};
const bytesFr = (bytes: number) => `${String(bytes).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} octets`;

/** "12,4 Mio" reads better, but a file just over the limit rounds to it: then show exact bytes. */
const sizes = (size: number, max: number): [string, string] =>
  (size / 1024 / 1024).toFixed(1) === (max / 1024 / 1024).toFixed(1)
    ? [bytesFr(size), bytesFr(max)]
    : [mebibytes(size), mebibytes(max)];

const listIds = (ids: string[], max = 10) =>
  ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} et ${ids.length - max} autre(s)`;

const simple = (code: SimpleCode, status: number, detail: string, linkId?: string): SimpleProblem =>
  linkId === undefined ? { code, status, detail } : { code, status, detail, linkId };

/** Constructors: the only place the French wording lives, so it stays consistent. */
export const problems = {
  unknownLinkId: (linkId: string, version: string) =>
    simple(
      'unknown_link_id',
      422,
      `La question ${q(linkId)} n'existe pas dans la version ${version} du questionnaire.`,
      linkId,
    ),

  itemNotAnswerable: (linkId: string) =>
    simple(
      'item_not_answerable',
      422,
      `L'élément ${q(linkId)} est un titre de rubrique ou un texte explicatif : il n'attend pas de réponse.`,
      linkId,
    ),

  wrongAnswerType: (linkId: string, expected: string) =>
    simple('wrong_answer_type', 422, `La réponse à la question ${q(linkId)} doit être ${expected}.`, linkId),

  invalidChoice: (linkId: string, code: string, allowed: string[]) =>
    simple(
      'invalid_choice',
      422,
      `« ${code} » ne fait pas partie des options de la question ${q(linkId)} (options : ${allowed.join(', ')}).`,
      linkId,
    ),

  outOfRange: (linkId: string, min: number | undefined, max: number | undefined) =>
    simple(
      'answer_out_of_range',
      422,
      min !== undefined && max !== undefined
        ? `La réponse à la question ${q(linkId)} doit être comprise entre ${min} et ${max}.`
        : min !== undefined
          ? `La réponse à la question ${q(linkId)} doit être supérieure ou égale à ${min}.`
          : `La réponse à la question ${q(linkId)} doit être inférieure ou égale à ${max}.`,
      linkId,
    ),

  answerTooLong: (linkId: string, maxLength: number) =>
    simple(
      'answer_too_long',
      422,
      `La réponse à la question ${q(linkId)} dépasse la longueur maximale de ${maxLength} caractères.`,
      linkId,
    ),

  invalidAttachment: (linkId: string) =>
    simple(
      'invalid_attachment',
      422,
      `La pièce jointe de la question ${q(linkId)} est incomplète : nom de fichier, type MIME, taille en octets et empreinte SHA-256 (64 caractères hexadécimaux) sont requis.`,
      linkId,
    ),

  attachmentTypeNotAllowed: (linkId: string, mimeType: string, allowed: readonly string[]) =>
    simple(
      'attachment_type_not_allowed',
      415,
      `Le type de fichier « ${mimeType} » n'est pas accepté pour la question ${q(linkId)} (types acceptés : ${allowed.join(', ')}).`,
      linkId,
    ),

  attachmentTooLarge: (linkId: string, filename: string, size: number, maxSize: number) => {
    const [actual, limit] = sizes(size, maxSize);
    return simple(
      'attachment_too_large',
      413,
      `Le fichier « ${filename} » pèse ${actual} : la limite pour la question ${q(linkId)} est de ${limit}.`,
      linkId,
    );
  },

  invalidRevision: (linkId: string) =>
    simple(
      'invalid_revision',
      422,
      `La révision attendue pour la question ${q(linkId)} doit être un entier positif ou nul.`,
      linkId,
    ),

  revisionConflict: (
    linkId: string,
    expectedRevision: number,
    current: StoredAnswer | null,
  ): RevisionConflictProblem => ({
    code: 'revision_conflict',
    status: 409,
    detail: `La réponse à la question ${q(linkId)} a été modifiée entre-temps (révision ${current?.revision ?? 0}, vous modifiiez la révision ${expectedRevision}). Rechargez la réponse actuelle avant d'enregistrer la vôtre.`,
    linkId,
    expectedRevision,
    current,
  }),

  responseNotEditable: (status: ResponseStatus) =>
    simple(
      'response_not_editable',
      409,
      `Le questionnaire est ${STATUS_LABELS[status]} : ses réponses ne peuvent plus être modifiées.`,
    ),

  invalidTransition: (
    from: ResponseStatus,
    to: ResponseStatus,
    allowed: ResponseStatus[],
  ): InvalidTransitionProblem => ({
    code: 'invalid_transition',
    status: 409,
    detail:
      `Le questionnaire ne peut pas passer de l'état « ${STATUS_LABELS[from]} » à l'état « ${STATUS_LABELS[to]} ». ` +
      (allowed.length
        ? `Depuis cet état : ${allowed.map((s) => `« ${STATUS_LABELS[s]} »`).join(', ')}.`
        : 'Aucune transition n’est possible depuis cet état.'),
    from,
    to,
    allowed,
  }),

  missingRequired: (missingLinkIds: string[]): MissingRequiredProblem => ({
    code: 'missing_required_answers',
    status: 422,
    detail: `${missingLinkIds.length} question(s) obligatoire(s) sans réponse : ${listIds(missingLinkIds)}.`,
    missingLinkIds,
  }),

  templateMismatch: (pinned: QuestionnaireRef, given: QuestionnaireRef) =>
    simple(
      'template_mismatch',
      409,
      `Cette réponse est rattachée à la version ${pinned.version} du questionnaire ${pinned.url}, pas à la version ${given.version}.`,
    ),

  noFlaggedItems: () => simple('no_flagged_items', 422, 'Indiquez au moins une question à compléter.'),

  forbiddenActor: (detail: string) => simple('forbidden_actor', 403, detail),

  threadNotFound: () =>
    simple('thread_not_found', 404, 'Ce fil de discussion est introuvable ou vous n’y avez pas accès.'),

  threadResolved: () =>
    simple('thread_resolved', 409, 'Ce fil de discussion est clos : rouvrez-le avant d’y répondre.'),

  invalidMessage: (maxLength: number) =>
    simple('invalid_message', 422, `Le message doit contenir entre 1 et ${maxLength} caractères.`),

  unknownSection: (linkId: string, version: string) =>
    simple(
      'unknown_section',
      422,
      `La section ${q(linkId)} n'existe pas dans la version ${version} du questionnaire.`,
      linkId,
    ),

  invalidScore: (min: number, max: number) =>
    simple('invalid_score', 422, `La note d'une section doit être un entier de ${min} à ${max}.`),

  missingJustification: (linkId: string) =>
    simple(
      'missing_justification',
      422,
      `Une justification écrite est obligatoire pour noter la section ${q(linkId)}.`,
      linkId,
    ),

  invalidTemplate: (issues: string[]): InvalidTemplateProblem => ({
    code: 'invalid_template',
    status: 422,
    detail: `Le modèle de questionnaire est invalide : ${issues.slice(0, 5).join(' ; ')}${issues.length > 5 ? ' ; …' : ''}`,
    issues,
  }),

  templateVersionConflict: (ref: QuestionnaireRef) =>
    simple(
      'template_version_conflict',
      409,
      `La version ${ref.version} du questionnaire ${ref.url} est déjà publiée avec un autre contenu : une version publiée ne change plus, publiez une nouvelle version.`,
    ),

  templateNotFound: (ref: QuestionnaireRef) =>
    simple(
      'template_not_found',
      404,
      `La version ${ref.version} du questionnaire ${ref.url} n'est pas publiée.`,
    ),
};
