import { z } from 'zod';
import { AnswerValueSchema } from '../answers/schema';
import type { AuditResponse } from '../model';

/** For reloading a stored response (JSONB) with its shape checked before any lifecycle call. */

export const ActorSchema = z.strictObject({
  userId: z.string().min(1),
  side: z.enum(['ipso', 'structure']),
  displayName: z.string().optional(),
});

const isoDateTime = z.iso.datetime({ offset: true });

export const StoredAnswerSchema = z.strictObject({
  linkId: z.string().min(1),
  value: AnswerValueSchema.nullable(),
  revision: z.number().int().positive(),
  answeredAt: isoDateTime,
  answeredBy: ActorSchema,
});

const AnswerMapSchema = z.record(z.string(), StoredAnswerSchema);

export const SubmissionSchema = z.strictObject({
  number: z.number().int().positive(),
  kind: z.enum(['submission', 'resubmission']),
  submittedAt: isoDateTime,
  submittedBy: ActorSchema,
  answers: AnswerMapSchema,
  diff: z.array(
    z.strictObject({
      linkId: z.string().min(1),
      change: z.enum(['added', 'changed', 'removed']),
      before: AnswerValueSchema.optional(),
      after: AnswerValueSchema.optional(),
      flagged: z.boolean(),
    }),
  ),
});

export const ChangeRequestSchema = z.strictObject({
  number: z.number().int().positive(),
  requestedAt: isoDateTime,
  requestedBy: ActorSchema,
  flaggedLinkIds: z.array(z.string().min(1)).min(1),
  note: z.string().optional(),
  afterSubmission: z.number().int().nonnegative(),
});

export const AuditResponseSchema: z.ZodType<AuditResponse> = z.strictObject({
  id: z.string().min(1),
  structureId: z.string().min(1),
  questionnaire: z.strictObject({ url: z.string().min(1), version: z.string().min(1) }),
  status: z.enum(['draft', 'submitted', 'changes_requested', 'resubmitted', 'accepted']),
  answers: AnswerMapSchema,
  submissions: z.array(SubmissionSchema),
  changeRequests: z.array(ChangeRequestSchema),
  acceptedAt: isoDateTime.optional(),
  acceptedBy: ActorSchema.optional(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
