/**
 * Output formats. The engine's result types are inferred from these schemas, so the JSON Schemas
 * published under schema/ describe exactly what the functions and the CLI return.
 */
import { z } from 'zod';
import { Cents, IsoDate, IsoMonth, SignedCents } from './params/schema';

const LineCode = z.string().describe('socle band code (socle_6_64…) or brique code (ald, mentalHealth…)');

export const ForfaitLineSchema = z.object({
  code: LineCode,
  label: z.string().describe('French label of the printed grid'),
  kind: z.enum(['socle', 'brique']),
  grossCents: Cents,
  netCents: Cents.describe('Unit price billed: gross × (1 − theoretical rate), rounded half-up to the cent'),
  leakageExempt: z.boolean(),
  rule: z.string().describe('Stable code of the rule that holds'),
  text: z.string().describe('Why this line is paid, in French'),
});
export type ForfaitLine = z.infer<typeof ForfaitLineSchema>;

export const NotPaidSchema = z.object({
  code: LineCode,
  label: z.string(),
  outcome: z
    .enum(['excluded', 'criteriaNotMet', 'replaced'])
    .describe("replaced: perte d'autonomie replaces socle and briques"),
  rule: z.string(),
  text: z.string(),
});
export type NotPaid = z.infer<typeof NotPaidSchema>;

export const WarningSchema = z.object({ code: z.string(), text: z.string() });
export type EngineWarning = z.infer<typeof WarningSchema>;

export const InclusionSchema = z.object({
  reason: z.enum(['entryConsultation', 'declarationAfterEntry', 'anniversary', 'mtr1CarryOver']),
  date: IsoDate,
  firstForfaitMonth: IsoMonth,
  entryDate: IsoDate.describe("Entry that applied: the structure's, or the MT doctor's later arrival"),
  doctorRpps: z.string(),
});

export const PatientMonthStatusSchema = z
  .enum(['paid', 'structureExited', 'notCovered', 'notYetIncluded', 'notConsommant'])
  .describe(
    'paid; structureExited: month after the exit; notCovered: no MT declaration to a doctor of the structure on the coverage day; notYetIncluded: forfait starts later; notConsommant: no qualifying encounter in the window',
  );
export type PatientMonthStatus = z.infer<typeof PatientMonthStatusSchema>;

export const PatientMonthResultSchema = z.object({
  patientId: z.string(),
  month: IsoMonth,
  status: PatientMonthStatusSchema,
  statusText: z.string(),
  mtRpps: z.string().nullable().describe('MT paid for this patient-month'),
  ageYears: z.number().int(),
  ageMonths: z.number().int(),
  inclusion: InclusionSchema.nullable(),
  lastQualifyingEncounter: IsoDate.nullable().describe('Last consommant encounter up to the window end'),
  lines: z.array(ForfaitLineSchema),
  notPaid: z.array(NotPaidSchema),
  warnings: z.array(WarningSchema),
  grossCents: Cents,
  netCents: Cents,
});
export type PatientMonthResult = z.infer<typeof PatientMonthResultSchema>;

export const StatementLineSchema = z.object({
  code: LineCode,
  label: z.string(),
  count: z.number().int().min(0),
  unitGrossCents: Cents,
  unitNetCents: Cents,
  grossCents: Cents.describe('count × unit gross'),
  netCents: Cents.describe('count × unit net'),
});
export type StatementLine = z.infer<typeof StatementLineSchema>;

const Totals = {
  patientsPaid: z.number().int(),
  lines: z.array(StatementLineSchema),
  grossCents: Cents.describe('Sum of the lines'),
  netCents: Cents.describe('Sum of the lines'),
};

export const DoctorMonthSchema = z.object({ rpps: z.string(), ...Totals });
export type DoctorMonth = z.infer<typeof DoctorMonthSchema>;

export const UnitPriceSchema = z.object({
  code: LineCode,
  label: z.string(),
  kind: z.enum(['socle', 'brique']),
  grossCents: Cents,
  netCents: Cents,
  leakageExempt: z.boolean(),
});

export const MonthStatementSchema = z.object({
  month: IsoMonth,
  gridVersion: z.string(),
  structureId: z.string(),
  theoreticalLeakageRate: z.string(),
  unitPrices: z.array(UnitPriceSchema),
  doctors: z
    .array(DoctorMonthSchema)
    .describe('One entry per MT doctor with at least one paid patient, by RPPS'),
  structure: z.object({
    ...Totals,
    patientsByStatus: z
      .record(z.string(), z.number().int())
      .describe('Patient count per status, paid included'),
  }),
  patients: z
    .array(PatientMonthResultSchema)
    .optional()
    .describe('Per-patient explanation (explain: true), by id'),
});
export type MonthStatement = z.infer<typeof MonthStatementSchema>;

export const StatementSchema = z.object({
  gridVersion: z.string(),
  structureId: z.string(),
  months: z.array(MonthStatementSchema),
});
export type Statement = z.infer<typeof StatementSchema>;

export const RegularisationSchema = z.object({
  year: z.number().int(),
  theoreticalRate: z.string(),
  realRate: z.object({
    text: z.string().describe('Exact decimal, or 9 decimals followed by … when it does not terminate'),
    percent: z.string(),
    numerator: z.string(),
    denominator: z.string(),
  }),
  grossSubjectToLeakageCents: Cents,
  grossExemptCents: Cents,
  dueCents: Cents.describe('gross × (1 − real rate) + exempt gross'),
  receivedCents: Cents.describe('given, or gross × (1 − theoretical rate) + exempt gross'),
  regularisationCents: SignedCents.describe('due − received; positive: CNAM pays the structure'),
  direction: z.enum(['cnamPaysStructure', 'structurePaysBack', 'none']),
  text: z.string(),
});
export type Regularisation = z.infer<typeof RegularisationSchema>;

export const SafeguardMonthSchema = z.object({
  month: IsoMonth,
  forfaitNetCents: Cents,
  feeForServiceCents: Cents,
  cumulativeForfaitCents: Cents,
  cumulativeFeeForServiceCents: Cents,
  runningDifferenceCents: SignedCents.describe('cumulative fee-for-service − cumulative forfaits'),
  provisionalCompensationCents: Cents.describe('max(0, running difference)'),
});

export const SafeguardStatementSchema = z.object({
  applicable: z.boolean(),
  reason: z.string().optional(),
  doctorRpps: z.string(),
  method: z.enum(['actsByDoctor', 'actsOnDoctorMtPatients']),
  windowStart: IsoMonth,
  windowEnd: IsoMonth,
  asOfMonth: IsoMonth,
  final: z.boolean().describe('true once the 12-month window is complete'),
  months: z.array(SafeguardMonthSchema),
  forfaitNetCents: Cents,
  feeForServiceCents: Cents,
  differenceCents: SignedCents,
  compensationCents: Cents.describe('max(0, fee-for-service − forfaits) over the window so far'),
  ignoredActs: z.object({
    notAnnex3: z.number().int(),
    outsideWindow: z.number().int(),
    outsidePerimeter: z.number().int(),
    patientNotIncluded: z.number().int(),
  }),
});
export type SafeguardStatement = z.infer<typeof SafeguardStatementSchema>;

export const SimulationSchema = z.object({
  gridVersion: z.string(),
  structureName: z.string().optional(),
  referenceMonth: IsoMonth,
  assumptions: z.array(z.string()),
  rates: z.array(z.string()),
  doctors: z.array(
    z.object({
      rpps: z.string(),
      mtPatients: z.number().int().describe('Patients with this MT on the coverage day'),
      paidPatients: z.number().int().describe('Of which consommant, hence paid'),
      lines: z.array(z.object({ code: LineCode, label: z.string(), count: z.number().int() })),
      grossMonthlyCents: Cents,
      currentMonthlyFeeForServiceCents: Cents.nullable(),
      byRate: z.array(
        z.object({
          rate: z.string(),
          netMonthlyCents: Cents,
          netAnnualCents: Cents,
          gapMonthlyCents: SignedCents.nullable().describe('forfait − current fee-for-service'),
          gapAnnualCents: SignedCents.nullable(),
        }),
      ),
    }),
  ),
  structure: z.object({
    mtPatients: z.number().int(),
    paidPatients: z.number().int(),
    grossMonthlyCents: Cents,
    byRate: z.array(z.object({ rate: z.string(), netMonthlyCents: Cents, netAnnualCents: Cents })),
  }),
});
export type Simulation = z.infer<typeof SimulationSchema>;

export const GridReportSchema = z.object({
  gridVersion: z.string(),
  rates: z.array(z.string()),
  rows: z.array(
    z.object({
      code: LineCode,
      label: z.string(),
      kind: z.enum(['socle', 'brique']),
      grossCents: Cents,
      leakageExempt: z.boolean(),
      note: z.string().optional(),
      net: z.array(
        z.object({
          rate: z.string(),
          printedCents: Cents.describe('Net rounded to 0.10 € from the exact value, as printed'),
          printed: z.string().describe('e.g. "10.9"'),
          unitCents: Cents.describe('Billed unit price, rounded half-up to the cent'),
        }),
      ),
    }),
  ),
});
export type GridReport = z.infer<typeof GridReportSchema>;
