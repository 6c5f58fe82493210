import { z } from 'zod';
import { SafeguardMethodSchema, SafeguardMonthSchema } from '@mtr/forfait-engine';

/** Issue #6 §4 — HTTP shapes of the safeguard clause (clause de sauvegarde, RULES §5) and the tariff table. */
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'mois au format AAAA-MM');
const isoDate = z.iso.date({ error: 'date attendue au format AAAA-MM-JJ' });

export const safeguardQuerySchema = z.strictObject({
  asOf: month.optional().describe('Dernier mois pris en compte (vue provisoire) ; défaut : le mois courant'),
});
export type SafeguardQuery = z.infer<typeof safeguardQuerySchema>;

export const SAFEGUARD_STATUSES = ['not_started', 'in_progress', 'complete', 'issued'] as const;
export type SafeguardStatus = (typeof SAFEGUARD_STATUSES)[number];

const doctorSchema = z.object({
  practitionerId: z.uuid(),
  rpps: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  joinedOn: z.string(),
});

const totalsSchema = z.object({
  forfaitNetCents: z.number().int(),
  feeForServiceCents: z.number().int(),
  differenceCents: z.number().int(),
  compensationCents: z.number().int(),
});

export const safeguardSummarySchema = doctorSchema.extend({
  windowStart: month,
  windowEnd: month,
  status: z.enum(SAFEGUARD_STATUSES),
  asOfMonth: month.nullable(),
  final: z.boolean(),
  totals: totalsSchema,
  statementId: z.uuid().nullable(),
});
export type SafeguardSummary = z.infer<typeof safeguardSummarySchema>;

export const safeguardListSchema = z.object({
  structureId: z.uuid(),
  entryDate: z.string(),
  method: SafeguardMethodSchema,
  asOf: month,
  doctors: z.array(safeguardSummarySchema),
});

export const tariffUsedSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  label: z.string(),
  amountCents: z.number().int(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  source: z.string(),
});
export type TariffUsed = z.infer<typeof tariffUsedSchema>;

export const safeguardMonthSchema = SafeguardMonthSchema.extend({
  /** Number and version of the structure's issued monthly statement the forfaits come from, or null. */
  monthlyStatement: z.object({ id: z.uuid(), number: z.string(), version: z.number().int() }).nullable(),
});
export type SafeguardMonthView = z.infer<typeof safeguardMonthSchema>;

export const safeguardDetailSchema = safeguardSummarySchema.extend({
  structureId: z.uuid(),
  method: SafeguardMethodSchema,
  paramsVersion: z.string(),
  tariffVersion: z.string(),
  months: z.array(safeguardMonthSchema),
  tariffs: z.array(tariffUsedSchema),
  ignoredActs: z.record(z.string(), z.number().int()),
  issued: z
    .object({ id: z.uuid(), number: z.string(), issuedAt: z.string(), issuedBy: z.string().nullable(), documentId: z.uuid(), sha256: z.string() })
    .nullable(),
});
export type SafeguardDetail = z.infer<typeof safeguardDetailSchema>;

export const tariffSchema = tariffUsedSchema.extend({ createdBy: z.string().nullable(), createdAt: z.string() });
export const tariffListSchema = z.array(tariffSchema);
export const tariffQuerySchema = z.strictObject({
  code: z.string().trim().toUpperCase().optional(),
  on: isoDate.optional().describe('Seulement les tarifs en vigueur à cette date'),
});

export const tariffCreateSchema = z
  .strictObject({
    code: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9]{1,10}$/, 'code NGAP, CCAM ou de majoration attendu (lettres et chiffres, 10 au plus)'),
    label: z.string().trim().min(1).max(200),
    amountCents: z.number().int().min(0).max(10_000_000).describe('Montant en centimes'),
    validFrom: isoDate,
    validTo: isoDate.nullable().optional(),
    source: z.string().trim().min(3).max(1000).describe('Convention / avenant et sa publication (JO, date)'),
  })
  .refine((t) => t.validTo == null || t.validTo >= t.validFrom, {
    message: 'la date de fin doit suivre la date de début',
    path: ['validTo'],
  });
export type TariffCreate = z.infer<typeof tariffCreateSchema>;
export const tariffCreatedSchema = tariffSchema.extend({ closedTariffId: z.uuid().nullable() });
