import { z } from 'zod';

/**
 * Wire shapes of answers, for the API's request bodies. Type-against-item checks (is this
 * value right for *this* question?) happen in validate-answer.ts, which knows the template.
 */

export const AttachmentAnswerSchema = z.strictObject({
  filename: z.string().trim().min(1).max(255),
  mimeType: z.string().trim().min(1).max(255),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/),
  storageKey: z.string().min(1).max(1000).optional(),
});

export const AnswerValueSchema = z.union([
  z.string(),
  z.number().finite(),
  z.boolean(),
  AttachmentAnswerSchema,
]);

/** Body of an autosave call: one answer, with the revision the editor started from. */
export const SaveAnswerCommandSchema = z.strictObject({
  linkId: z.string().min(1),
  /** Checked against the item by validateAnswerValue; explicit null clears the answer. */
  value: z
    .unknown()
    .refine((v) => v !== undefined, { message: 'value est requis (null pour effacer la réponse)' }),
  expectedRevision: z.number().int().nonnegative(),
});
export type SaveAnswerCommand = z.infer<typeof SaveAnswerCommandSchema>;
