import { z } from 'zod';

const year = z.number().int().min(2026).max(2031);
const rate = z.union([
  z.string().regex(/^0(\.\d{1,9})?$/, 'taux décimal entre 0 et 1, par exemple "0.10"'),
  z.number().min(0).lt(1),
]);

/** ipso enters, for one year, either the real rate computed by CNAM or the outside amount it reports. */
export const enterBodySchema = z.union([
  z.strictObject({ year, realRate: rate.describe('Taux de fuite réel communiqué par la CNAM, ex. "0.10"') }),
  z.strictObject({
    year,
    outsideAmountCents: z
      .number()
      .int()
      .min(0)
      .describe('Valeur AMO (centimes) des actes du périmètre réalisés hors de la structure pour ses patients consommants'),
  }),
]);
export type EnterBody = z.infer<typeof enterBodySchema>;

export const copilDecisionBodySchema = z.strictObject({
  meetingDate: z.iso.date({ error: 'date attendue au format AAAA-MM-JJ' }).describe('Date de la réunion du COPIL annuel'),
  decisionNumber: z.string().trim().min(1).max(100).describe('Numéro de la décision du COPIL'),
});
export type CopilDecisionBody = z.infer<typeof copilDecisionBodySchema>;

export const regularisationSchema = z.object({
  id: z.uuid(),
  structureId: z.uuid(),
  year: z.number(),
  number: z.string(),
  status: z.enum(['entered', 'copil_validated', 'issued']),
  input: z.object({
    kind: z.enum(['realRate', 'outsideAmount']),
    realRate: z.string().optional(),
    outsideAmountCents: z.number().optional(),
  }),
  statementCount: z.number(),
  forfaitGrossCents: z.number().describe('Forfaits bruts des relevés mensuels émis de l’année'),
  grossSubjectToLeakageCents: z.number(),
  grossExemptCents: z.number().describe('Perte d’autonomie à domicile : hors taux de fuite'),
  theoreticalRate: z.string(),
  theoreticalRatePercent: z.string(),
  realRate: z.string(),
  realRatePercent: z.string(),
  valueOf100EurosCents: z.number().describe('Valeur d’un forfait de 100 € au taux réel (exemple du §8)'),
  dueCents: z.number(),
  receivedCents: z.number(),
  regularisationCents: z.number().describe('Signé : > 0 l’Assurance Maladie verse, < 0 la structure reverse'),
  direction: z.enum(['cnamPaysStructure', 'structurePaysBack', 'none']),
  text: z.string(),
  entered: z.object({ by: z.string(), at: z.string() }),
  copilDecision: z
    .object({ meetingDate: z.string(), decisionNumber: z.string(), recordedBy: z.string(), recordedAt: z.string() })
    .nullable(),
  issued: z.object({ by: z.string(), at: z.string(), documentId: z.string() }).nullable(),
});
export type RegularisationView = z.infer<typeof regularisationSchema>;
