import { z } from 'zod';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'mois attendu au format AAAA-MM' });

export const runRequestSchema = z.strictObject({ month });
/** Default: the current month in Europe/Paris. */
export const monthQuerySchema = z.strictObject({ month: month.optional() });
export const issueBodySchema = z.strictObject({
  reason: z.string().trim().min(5, { error: 'motif de correction : 5 caractères au moins' }).max(1000).optional(),
});
export const patientLinesQuerySchema = z.strictObject({
  practitionerId: z.uuid().optional(),
  patientId: z.uuid().optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const runSchema = z.object({
  id: z.uuid(),
  month: z.string(),
  paramsVersion: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number(),
  errorCode: z.string().nullable(),
  errorDetail: z.string().nullable(),
  statementId: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  structureId: z.string().optional(),
  structureName: z.string().optional(),
});
export type RunView = z.infer<typeof runSchema>;

export const statementSummarySchema = z.object({
  id: z.uuid(),
  month: z.string(),
  version: z.number(),
  status: z.enum(['draft', 'issued', 'superseded']),
  number: z.string(),
  grossCents: z.number(),
  netCents: z.number(),
  theoreticalLeakageRate: z.string(),
  gridVersion: z.string(),
  supersedesId: z.string().nullable(),
  correctionReason: z.string().nullable(),
  issuedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type StatementSummary = z.infer<typeof statementSummarySchema>;

const amounts = { before: z.object({ patientCount: z.number(), amountCents: z.number() }).nullable(), after: z.object({ patientCount: z.number(), amountCents: z.number() }).nullable() };
export const statementDetailSchema = statementSummarySchema.extend({
  inputFingerprint: z.string(),
  patientsPaid: z.number(),
  patientsCovered: z.number(),
  diff: z
    .object({
      supersedesNumber: z.string(),
      netBeforeCents: z.number(),
      netAfterCents: z.number(),
      deltaCents: z.number(),
      lines: z.array(z.object({ practitionerId: z.string(), lineCode: z.string(), ...amounts, deltaCents: z.number() })),
    })
    .nullable(),
  doctors: z.array(
    z.object({
      practitionerId: z.string(),
      rpps: z.string(),
      name: z.string(),
      netCents: z.number(),
      lines: z.array(z.object({ code: z.string(), label: z.string(), patientCount: z.number(), unitGrossCents: z.number(), unitNetCents: z.number(), amountCents: z.number() })),
    }),
  ),
});
export type StatementDetail = z.infer<typeof statementDetailSchema>;

export const patientLineSchema = z.object({
  patientId: z.string(),
  externalId: z.string(),
  mtRpps: z.string(),
  status: z.string(),
  grossCents: z.number(),
  netCents: z.number(),
  lines: z.array(z.unknown()),
  explanation: z.record(z.string(), z.unknown()),
});
