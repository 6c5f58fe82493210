/**
 * Plain data shapes shared by the whole library. Everything here is JSON-serialisable so the
 * API can store a response as one JSONB document and reload it with `AuditResponseSchema`.
 */

/** Who acts: ipso (the porteur's project team, reviewers) or the candidate structure. */
export type ActorSide = 'ipso' | 'structure';

export interface Actor {
  userId: string;
  side: ActorSide;
  /** Shown in exports ("répondu par"); falls back to userId. */
  displayName?: string;
}

/** Reference of a published template version: a response is pinned to exactly one. */
export interface QuestionnaireRef {
  url: string;
  version: string;
}

/** Attachment metadata: the bytes live in object storage, the library only checks and records them. */
export interface AttachmentAnswer {
  filename: string;
  mimeType: string;
  /** Bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the file (pièce jointe horodatée et vérifiable). */
  sha256: string;
  /** Opaque key of the stored object, if the API wants it round-tripped. */
  storageKey?: string;
}

/**
 * One answer value. The item type disambiguates: text/string → string, choice → the option's
 * code (string), boolean → boolean, integer/decimal → number, attachment → AttachmentAnswer.
 */
export type AnswerValue = string | number | boolean | AttachmentAnswer;

export interface StoredAnswer {
  linkId: string;
  /** null = cleared. Kept as a tombstone so its revision keeps counting (see autosave). */
  value: AnswerValue | null;
  /** 1 on first save, +1 on every change; 0 means "never answered". */
  revision: number;
  answeredAt: string;
  answeredBy: Actor;
}

export type AnswerMap = Readonly<Record<string, StoredAnswer>>;

export type ResponseStatus = 'draft' | 'submitted' | 'changes_requested' | 'resubmitted' | 'accepted';

export type DiffChange = 'added' | 'changed' | 'removed';

export interface AnswerDiffEntry {
  linkId: string;
  change: DiffChange;
  before?: AnswerValue;
  after?: AnswerValue;
  /** The reviewer had flagged this item in the change request being answered. */
  flagged: boolean;
}

/** Immutable snapshot taken at each (re)submission (remise du questionnaire). */
export interface Submission {
  number: number;
  kind: 'submission' | 'resubmission';
  submittedAt: string;
  submittedBy: Actor;
  /** Only enabled, non-empty answers: what the structure actually handed in. */
  answers: AnswerMap;
  /** Against the previous submission; empty for the first one. */
  diff: readonly AnswerDiffEntry[];
}

/** Demande de compléments: the reviewer flags items and reopens the response. */
export interface ChangeRequest {
  number: number;
  requestedAt: string;
  requestedBy: Actor;
  flaggedLinkIds: readonly string[];
  note?: string;
  /** Number of the submission being reviewed. */
  afterSubmission: number;
}

export interface AuditResponse {
  id: string;
  structureId: string;
  questionnaire: QuestionnaireRef;
  status: ResponseStatus;
  answers: AnswerMap;
  submissions: readonly Submission[];
  changeRequests: readonly ChangeRequest[];
  acceptedAt?: string;
  acceptedBy?: Actor;
  createdAt: string;
  updatedAt: string;
}
