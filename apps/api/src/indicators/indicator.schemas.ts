import { z } from 'zod';
import { SUPPRESSED } from './small-cell-suppression';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'mois au format AAAA-MM');
export const periodQuerySchema = z
  .strictObject({ from: month.default('2026-05'), to: month.default('2030-04') })
  .refine((q) => q.from <= q.to, {
    message: 'le mois de début doit précéder le mois de fin',
    path: ['from'],
  });
export type PeriodQuery = z.infer<typeof periodQuerySchema>;

export const recomputeBodySchema = z.strictObject({ months: z.array(month).min(1).max(60) });
export const programmeQuerySchema = z.strictObject({
  year: z.coerce.number().int().min(2026).max(2030).default(2027),
});

const shown = z.union([z.number(), z.literal(SUPPRESSED)]);
const rowSchema = z.object({
  month: z.string(),
  patientsMt: shown,
  included: shown,
  consommant: shown,
  newInclusions: shown,
  newByPath: z.record(z.string(), shown),
  bands: z.record(z.string(), shown),
  briques: z.record(z.string(), z.object({ count: shown, grossCents: shown, netCents: shown })),
  menPct: shown.nullable(),
  aged65PlusPct: shown.nullable(),
  doctors: shown,
  grossCents: shown,
  netCents: shown,
  leakageTheoretical: z.number().nullable(),
  leakageReal: z.number().nullable(),
  safeguardCents: shown,
  infoNotes: shown,
  oppositions: shown,
  suppressed: z.boolean(),
});
export const seriesSchema = z.object({
  structureId: z.uuid(),
  structureName: z.string(),
  ipsoNetwork: z.boolean(),
  suppressed: z.boolean(),
  rows: z.array(rowSchema),
});
export const programmeSchema = z.object({
  year: z.number(),
  suppressed: z.boolean(),
  trajectory: z.array(
    z.object({
      at: z.string(),
      targetDoctors: z.number(),
      targetPatients: z.number(),
      doctors: shown,
      patients: shown,
    }),
  ),
  budget: z.array(
    z
      .object({
        line: z.string(),
        budgetCents: z.number(),
        paidCents: shown,
        projectedCents: shown,
        monthsLeft: z.number(),
        alert: z.boolean(),
      })
      .passthrough(),
  ),
  budgetAlert: z.boolean(),
  total: z.object({ budgetCents: z.number(), alert: z.boolean() }),
  nonIpso: z.object({
    selected: shown,
    aavUnder300k: shown,
    aavSizes: z.array(
      z.object({
        structureId: z.string(),
        aavCode: z.string().nullable(),
        population: z.number().nullable(),
      }),
    ),
  }),
});

export const reportQuerySchema = z
  .strictObject({
    from: month.default('2026-05'),
    to: month.default('2030-04'),
    year: z.coerce.number().int().min(2026).max(2030).default(2027),
  })
  .refine((q) => q.from <= q.to, {
    message: 'le mois de début doit précéder le mois de fin',
    path: ['from'],
  });
