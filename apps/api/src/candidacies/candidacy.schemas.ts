import { z } from 'zod';
import { CANDIDACY_STATES } from './transitions';

const isoDate = z.iso.date({ error: 'date attendue au format AAAA-MM-JJ' });
const reason = z.string().trim().min(1).max(4000);

export const candidacyOpenSchema = z.strictObject({ reason: reason.optional() });

/** Decision references; which ones are required depends on the transition (see transitions.ts). */
export const decisionSchema = z.strictObject({
  ctisDecisionDate: isoDate.optional(),
  ctisDecisionNumber: z.string().trim().min(1).max(100).optional(),
  conventionNumber: z.string().trim().min(1).max(100).optional(),
  conventionSignedOn: isoDate.optional(),
  /** Entry date E fixed by the convention. */
  entryDate: isoDate.optional(),
  /** Date CNAM received the exit notice. */
  cnamReceiptDate: isoDate.optional(),
  /** Effective exit date. */
  effectiveOn: isoDate.optional(),
});
export type Decision = z.infer<typeof decisionSchema>;

export const transitionInputSchema = z.strictObject({
  to: z.enum(CANDIDACY_STATES),
  reason,
  documentIds: z.array(z.uuid()).max(20).default([]),
  decision: decisionSchema.default({}),
});
export type TransitionInput = z.infer<typeof transitionInputSchema>;

/** A percentage with at most two decimals, e.g. 45.01. */
const percent = z
  .number()
  .min(0)
  .max(100)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'au plus deux décimales');

const declared = <T extends z.ZodType>(value: T) =>
  z.strictObject({
    value,
    /** Where the information comes from (minutes of a meeting, software name…). */
    evidence: z.string().trim().max(2000).optional(),
    /** A candidacy document supporting the declaration (e.g. the signed commitments). */
    documentId: z.uuid().optional(),
  });

/** The structure's declarations for the eligibility panel (RULES.md §6), each optional in a patch. */
export const DECLARATION_KEYS = [
  'nationalGroupMember', 'sharedSoftware', 'sharedMedicalRecord', 'commonMedicalProject', 'sharedPathways',
  'regularConcertation', 'writtenCommitments', 'declaredMenShare', 'declaredAge65Share',
] as const;
export type DeclarationKey = (typeof DECLARATION_KEYS)[number];

export const declarationsInputSchema = z
  .strictObject({
    nationalGroupMember: declared(z.boolean()),
    sharedSoftware: declared(z.boolean()),
    sharedMedicalRecord: declared(z.boolean()),
    commonMedicalProject: declared(z.boolean()),
    sharedPathways: declared(z.boolean()),
    regularConcertation: declared(z.boolean()),
    writtenCommitments: declared(z.boolean()),
    declaredMenShare: declared(percent),
    declaredAge65Share: declared(percent),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'au moins une déclaration attendue');
export type DeclarationsInput = z.infer<typeof declarationsInputSchema>;

export const justificationInputSchema = z.strictObject({ text: z.string().trim().min(20).max(8000) });

/** Files attached to a candidacy or an audit item: JSON with base64 content (the API body limit is 1 MiB). */
export const documentUploadSchema = z.strictObject({
  filename: z.string().trim().min(1).max(200).regex(/^[^/\\\0]+$/, 'nom de fichier sans chemin'),
  mediaType: z.string().min(3).max(120),
  contentBase64: z.string().min(1).max(1_000_000),
});
export type DocumentUpload = z.infer<typeof documentUploadSchema>;

export const documentSchema = z.object({
  id: z.uuid(),
  filename: z.string(),
  mediaType: z.string(),
  byteSize: z.number(),
  sha256: z.string(),
  uploadedAt: z.string(),
  uploadedBy: z.string().nullable(),
});

export const criterionSchema = z.object({
  key: z.string(),
  label: z.string(),
  status: z.enum(['pass', 'fail', 'unknown']),
  evidence: z.string(),
  source: z.enum(['computed', 'declared', 'patient_list', 'reference_data', 'demo_reference_data']),
  date: z.string().nullable(),
});

export const eligibilitySchema = z.object({
  computedAt: z.string(),
  overall: z.enum(['pass', 'fail', 'unknown']),
  criteria: z.array(criterionSchema),
  aavPopulation: z.number().nullable(),
  justification: z.object({ text: z.string(), by: z.string().nullable(), at: z.string() }).nullable(),
});

export const transitionViewSchema = z.object({
  id: z.uuid(),
  from: z.string(),
  to: z.string(),
  label: z.string(),
  actorUserId: z.string().nullable(),
  actorRole: z.string(),
  occurredAt: z.string(),
  reason: z.string(),
  documentIds: z.array(z.string()),
  decision: z.record(z.string(), z.unknown()),
});

export const candidacySchema = z.object({
  id: z.uuid(),
  structureId: z.uuid(),
  structureName: z.string(),
  state: z.enum(CANDIDACY_STATES),
  openedAt: z.string(),
  updatedAt: z.string(),
  ctisDecisionDate: z.string().nullable(),
  ctisDecisionNumber: z.string().nullable(),
  conventionNumber: z.string().nullable(),
  conventionSignedOn: z.string().nullable(),
  entryDate: z.string().nullable(),
  exitNoticeReceivedOn: z.string().nullable(),
  earliestExitOn: z.string().nullable(),
  exitEffectiveOn: z.string().nullable(),
  /** Next states the caller may move the candidacy to, with the roles allowed for each. */
  nextTransitions: z.array(z.object({ to: z.string(), label: z.string(), roles: z.array(z.string()), allowedForYou: z.boolean() })),
  history: z.array(transitionViewSchema),
  documents: z.array(documentSchema),
});

export const portfolioSchema = z.object({
  generatedAt: z.string(),
  milestones: z.array(z.object({ key: z.string(), date: z.string(), label: z.string(), status: z.enum(['met', 'pending', 'missed']), detail: z.string() })),
  target: z.object({ label: z.string(), required: z.number(), selected: z.number(), inSmallAav: z.number() }),
  candidacies: z.array(
    z.object({
      structureId: z.uuid(),
      structureName: z.string(),
      city: z.string().nullable(),
      state: z.string(),
      updatedAt: z.string(),
      eligibility: eligibilitySchema,
    }),
  ),
});
