/**
 * Input formats (zod). The same schemas validate CLI files and API payloads and are exported as
 * JSON Schema under libs/forfait-engine/schema/. Structural checks live in the schemas;
 * cross-field checks (a declaration before birth, overlapping MT declarations…) live in
 * validate.ts so their messages can name the faulty field precisely.
 */
import { z } from 'zod';
import {
  Cents,
  DecimalInput,
  EncounterKind,
  IsoDate,
  IsoMonth,
  ProfessionalRole,
  RateInput,
  Annex3Profession,
} from './params/schema';

/** RPPS: 11 digits with a Luhn check digit (RULES glossary). */
export function isValidRpps(text: string): boolean {
  if (!/^\d{11}$/.test(text)) return false;
  let sum = 0;
  for (let i = 0; i < 11; i++) {
    let d = text.charCodeAt(10 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export const Rpps = z
  .string()
  .regex(/^\d{11}$/, 'an RPPS number has 11 digits')
  .refine(isValidRpps, { message: 'RPPS check digit (Luhn) is wrong' });

const Author = z.string().min(1).optional().describe('Who recorded or signed it (declarative criteria)');

const EVIDENCE_TYPES = [
  'ald',
  'c2s',
  'ame',
  'mdph',
  'phq9',
  'gad7',
  'bmi',
  'cvScore',
  'iadl',
  'homeCareDeclaration',
  'paediatricDeclaration',
  'gynaecologicalDeclaration',
  'obstetricDeclaration',
] as const;

/** Brique evidence (Annex 5 criteria), each with its date; periods are inclusive. */
export const EvidenceSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('ald').describe('Affection de longue durée, active from/to'),
      number: z
        .number()
        .int()
        .min(1)
        .max(32)
        .describe('ALD list number (23 = psychiatric; 1, 5, 12 = cardiovascular)'),
      from: IsoDate,
      to: IsoDate.optional(),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('c2s').describe('Complémentaire santé solidaire'),
      from: IsoDate,
      to: IsoDate.optional(),
    }),
    z.strictObject({
      type: z.literal('ame').describe('Aide médicale de l’État'),
      from: IsoDate,
      to: IsoDate.optional(),
    }),
    z.strictObject({
      type: z.literal('mdph').describe('MDPH incapacity rate at the annual assessment'),
      date: IsoDate,
      ratePercent: z.number().min(0).max(100),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('phq9'),
      date: IsoDate,
      score: z.number().int().min(0).max(27),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('gad7'),
      date: IsoDate,
      score: z.number().int().min(0).max(21),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('bmi').describe('IMC'),
      date: IsoDate,
      value: z.number().min(5).max(150),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('cvScore').describe('SCORE cardiovascular risk, in percent'),
      date: IsoDate,
      percent: z.number().min(0).max(100),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('iadl').describe('IADL (Lawton) score, 0–8'),
      date: IsoDate,
      score: z.number().int().min(0).max(8),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('homeCareDeclaration').describe('Declared home care (prise en charge à domicile)'),
      date: IsoDate,
      to: IsoDate.optional(),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('paediatricDeclaration').describe('Signed declaration of the legal representative'),
      date: IsoDate,
      to: IsoDate.optional(),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('gynaecologicalDeclaration').describe("Patient's signed declaration"),
      date: IsoDate,
      to: IsoDate.optional(),
      author: Author,
    }),
    z.strictObject({
      type: z.literal('obstetricDeclaration').describe("Patient's signed declaration for one pregnancy"),
      date: IsoDate,
      pregnancyEnd: IsoDate.optional().describe('Date the pregnancy ended (birth or otherwise)'),
      author: Author,
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `unknown evidence type ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)} (known: ${EVIDENCE_TYPES.join(', ')})`
        : undefined,
  },
);
export type Evidence = z.infer<typeof EvidenceSchema>;
export type EvidenceType = Evidence['type'];

export const MtDeclarationSchema = z.strictObject({
  rpps: Rpps.describe('RPPS of the declared médecin traitant'),
  from: IsoDate.describe('Date of the declaration (the consultation where it was made)'),
  to: IsoDate.optional().describe('Last day in force (MT change); absent while in force'),
});
export type MtDeclaration = z.infer<typeof MtDeclarationSchema>;

export const EncounterSchema = z.strictObject({
  date: IsoDate,
  kind: EncounterKind,
  role: ProfessionalRole.describe('Who saw the patient'),
  inStructure: z
    .boolean()
    .optional()
    .describe('Seen by a professional of the structure (default true: encounters come from its software)'),
  rpps: Rpps.optional(),
});
export type Encounter = z.infer<typeof EncounterSchema>;

export const PatientSchema = z.strictObject({
  id: z.string().min(1).describe('Pseudonymous patient id, unique in the structure'),
  birthDate: IsoDate,
  sex: z.enum(['F', 'M']),
  deathDate: IsoDate.optional(),
  mtr1InclusionDate: IsoDate.optional().describe(
    'Inclusion date in MTR 1 (counts for santé mentale seniority)',
  ),
  mtDeclarations: z.array(MtDeclarationSchema),
  evidence: z.array(EvidenceSchema).optional(),
  encounters: z.array(EncounterSchema).optional(),
});
export type PatientInput = z.infer<typeof PatientSchema>;

export const PractitionerSchema = z.strictObject({
  rpps: Rpps,
  role: ProfessionalRole,
  name: z.string().optional(),
  arrivalDate: IsoDate.optional().describe(
    'Arrival in the structure; absent: present since before its entry',
  ),
  departureDate: IsoDate.optional(),
});
export type PractitionerInput = z.infer<typeof PractitionerSchema>;

export const SafeguardMethodSchema = z
  .enum(['actsByDoctor', 'actsOnDoctorMtPatients'])
  .describe(
    'actsByDoctor: acts the doctor performed for included patients; actsOnDoctorMtPatients: acts by anyone in the structure on the doctor’s MT patients (RULES §5)',
  );
export type SafeguardMethod = z.infer<typeof SafeguardMethodSchema>;

/** The structure's convention parameters (CNAM convention). */
export const ConventionSchema = z.strictObject({
  structureId: z.string().min(1),
  name: z.string().optional(),
  isIpso: z.boolean().describe('Member of the ipso santé network'),
  mtr1Participant: z
    .boolean()
    .describe('One of the four MTR 1 structures (saint martin, nation, ourcq, italie)'),
  entryDate: IsoDate.describe('Structure entry date E fixed by the CNAM convention'),
  exitDate: IsoDate.optional().describe('Effective exit date: no forfait for months starting on or after it'),
  theoreticalLeakageRate: RateInput.optional().describe(
    'Theoretical leakage rate; default 15 % for ipso structures, required for non-ipso ones',
  ),
  safeguardMethod: SafeguardMethodSchema.optional(),
});
export type ConventionInput = z.infer<typeof ConventionSchema>;

const GridVersion = z.string().min(1).optional().describe('Programme parameter set, default "MTR2-2026"');

/** `compute` input: one structure, one or more months. */
export const ScenarioSchema = z.strictObject({
  gridVersion: GridVersion,
  convention: ConventionSchema,
  practitioners: z.array(PractitionerSchema).min(1),
  months: z.array(IsoMonth).min(1),
  explain: z.boolean().optional().describe('Include the per-patient explanation in the statement'),
  patients: z.array(PatientSchema),
});
export type ScenarioInput = z.infer<typeof ScenarioSchema>;

/** `regularise` input (RULES §4). */
export const RegulariseInputSchema = z
  .strictObject({
    year: z.number().int().min(2026).max(2031),
    theoreticalRate: RateInput,
    realRate: RateInput.optional().describe('Real leakage rate computed by CNAM; or give outsideAmountCents'),
    outsideAmountCents: Cents.optional().describe(
      'AMO value of in-scope acts done outside the structure for its consommant patients',
    ),
    forfaitTotalCents: Cents.optional().describe('Total forfaits of the year, denominator of the real rate'),
    grossSubjectToLeakageCents: Cents.describe('Gross forfaits of the year on lines subject to leakage'),
    grossExemptCents: Cents.optional().describe("Gross forfaits on exempt lines (perte d'autonomie)"),
    receivedCents: Cents.optional().describe(
      'Amount actually billed for the year; default: computed from the gross',
    ),
  })
  .superRefine((v, ctx) => {
    const hasRatio = v.outsideAmountCents !== undefined || v.forfaitTotalCents !== undefined;
    if (v.realRate === undefined && !hasRatio)
      ctx.addIssue({
        code: 'custom',
        path: ['realRate'],
        message: 'give realRate or outsideAmountCents and forfaitTotalCents',
      });
    if (v.realRate !== undefined && hasRatio)
      ctx.addIssue({
        code: 'custom',
        path: ['realRate'],
        message: 'give realRate or the two amounts, not both',
      });
    if (v.realRate === undefined && hasRatio) {
      if (v.outsideAmountCents === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['outsideAmountCents'],
          message: 'required with forfaitTotalCents',
        });
      if (v.forfaitTotalCents === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['forfaitTotalCents'],
          message: 'required with outsideAmountCents',
        });
      else if (v.forfaitTotalCents === 0)
        ctx.addIssue({ code: 'custom', path: ['forfaitTotalCents'], message: 'must be positive' });
      else if (v.outsideAmountCents !== undefined && v.outsideAmountCents >= v.forfaitTotalCents)
        ctx.addIssue({
          code: 'custom',
          path: ['outsideAmountCents'],
          message: 'a real rate of 100 % or more is outside [0, 1): check the amounts',
        });
    }
  });
export type RegulariseInput = z.infer<typeof RegulariseInputSchema>;

export const TariffSchema = z.strictObject({
  code: z.string().min(1).describe('NGAP letter key, CCAM code or majoration code'),
  amountCents: Cents,
  validFrom: IsoDate,
  validTo: IsoDate.optional(),
});
export type TariffInput = z.infer<typeof TariffSchema>;

export const ActSchema = z.strictObject({
  date: IsoDate,
  code: z.string().min(1).describe('NGAP letter key (G, VG, SF…) or CCAM code (DEQP003)'),
  coefficient: DecimalInput.optional().describe('NGAP coefficient (SF 12.6, K 2…); default 1'),
  majorations: z
    .array(z.string().min(1))
    .optional()
    .describe('Majoration codes attached to the act (MEG, MD…)'),
  performerRpps: Rpps,
  performerProfession: Annex3Profession,
  patientId: z.string().min(1),
  patientMtRpps: Rpps.optional().describe("RPPS of the patient's médecin traitant on the act date"),
  patientIncluded: z
    .boolean()
    .describe('Patient was in the forfait (included, forfait started) in the act month'),
});
export type ActInput = z.infer<typeof ActSchema>;

/** `safeguard` input (RULES §5). */
export const SafeguardInputSchema = z.strictObject({
  gridVersion: GridVersion,
  convention: ConventionSchema,
  doctor: z.strictObject({
    rpps: Rpps,
    arrivalDate: IsoDate.optional().describe('Arrival after the structure entry starts their own window'),
  }),
  method: SafeguardMethodSchema.optional().describe(
    'Default: the convention’s method, else the programme default',
  ),
  asOfMonth: IsoMonth.optional().describe(
    'Last month with data (provisional view); default: end of the window',
  ),
  tariffs: z.array(TariffSchema),
  forfaitIncome: z
    .array(z.strictObject({ month: IsoMonth, netCents: Cents }))
    .describe('Net forfaits of the doctor’s MT patients'),
  acts: z.array(ActSchema),
});
export type SafeguardInput = z.infer<typeof SafeguardInputSchema>;

/** `simulate` input: a candidate structure's extraction. */
export const SimulateInputSchema = z.strictObject({
  gridVersion: GridVersion,
  structureName: z.string().optional(),
  referenceMonth: IsoMonth.describe('Month the extraction describes (ages, windows)'),
  leakageRates: z.array(RateInput).min(1).optional().describe('Default: the printed grid rates 5, 15, 25 %'),
  practitioners: z.array(PractitionerSchema).min(1),
  patients: z.array(PatientSchema),
  feeForService: z
    .array(
      z.strictObject({
        rpps: Rpps,
        periodMonths: z.number().int().min(1).max(36),
        amountCents: Cents.describe('Fee-for-service income over the period on Annex 3 acts'),
      }),
    )
    .describe('Current fee-for-service activity of each doctor'),
});
export type SimulateInput = z.infer<typeof SimulateInputSchema>;
