import { z } from 'zod';

/**
 * HTTP shapes of the financial simulation of a candidate structure's doctors (RULES §6
 * "financial simulations", issue #8 item 2): net forfaits at 5 / 15 / 25 % leakage per doctor,
 * compared with their current fee-for-service income (declared, or computed from the imported
 * activity), with the source of every figure.
 */
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'mois au format AAAA-MM');

export const runSimulationBodySchema = z.strictObject({
  referenceMonth: month
    .optional()
    .describe('Mois de référence (âges, fenêtre consommant de 24 mois) ; défaut : le dernier mois complet (Europe/Paris)'),
  feeForService: z
    .array(
      z.strictObject({
        practitionerId: z.uuid({ error: 'identifiant de praticien (UUID) attendu' }).describe('Praticien (médecin) de la structure'),
        monthlyCents: z
          .number({ error: 'montant mensuel en centimes attendu' })
          .int('montant en centimes entiers')
          .min(0, 'le montant ne peut pas être négatif')
          .max(100_000_000, 'montant mensuel invraisemblable (plus d’un million d’euros)')
          .describe('Revenu mensuel actuel à l’acte déclaré (centimes), par exemple tiré de l’extraction de l’annexe 6'),
      }),
    )
    .max(500)
    .optional()
    .describe('Revenus déclarés ; un médecin absent de la liste : revenu calculé depuis l’activité importée des 12 derniers mois'),
});
export type RunSimulationBody = z.infer<typeof runSimulationBodySchema>;

export const INCOME_SOURCES = ['declared', 'computed', 'unavailable'] as const;
export type IncomeSource = (typeof INCOME_SOURCES)[number];

const rateRow = z.object({
  rate: z.string().describe('Taux de fuite simulé, ex. "0.15"'),
  ratePercent: z.string().describe('ex. « 15 % »'),
  netMonthlyCents: z.number().int(),
  netAnnualCents: z.number().int(),
  gapMonthlyCents: z.number().int().nullable().describe('forfait net − revenu actuel à l’acte ; null sans revenu connu'),
  gapAnnualCents: z.number().int().nullable(),
});

export const simulationSchema = z.object({
  id: z.uuid(),
  structureId: z.uuid(),
  structureName: z.string(),
  referenceMonth: z.string(),
  gridVersion: z.string(),
  rates: z.array(z.string()),
  inputsFingerprint: z.string().describe('SHA-256 des données lues (patients, praticiens, activité, tarifs, revenus déclarés)'),
  createdAt: z.string(),
  createdBy: z.object({ id: z.uuid(), name: z.string(), role: z.string() }),
  assumptions: z.array(z.string()).describe('Hypothèses de la simulation, en français'),
  sources: z.object({
    patients: z.string().describe('D’où viennent les patients'),
    activityWindow: z.object({ from: z.string(), to: z.string() }).describe('Activité lue pour le revenu calculé'),
  }),
  doctors: z.array(
    z.object({
      practitionerId: z.uuid(),
      rpps: z.string(),
      lastName: z.string(),
      firstName: z.string(),
      mtPatients: z.number().int().describe('Patients ayant ce médecin pour médecin traitant au 1er du mois'),
      paidPatients: z.number().int().describe('Dont consommants, donc payés'),
      lines: z.array(z.object({ code: z.string(), label: z.string(), count: z.number().int() })),
      grossMonthlyCents: z.number().int(),
      currentIncome: z.object({
        monthlyCents: z.number().int().nullable(),
        source: z.enum(INCOME_SOURCES),
        detail: z.string().describe('Provenance du chiffre, en français'),
      }),
      byRate: z.array(rateRow),
    }),
  ),
  structure: z.object({
    mtPatients: z.number().int(),
    paidPatients: z.number().int(),
    grossMonthlyCents: z.number().int(),
    byRate: z.array(z.object({ rate: z.string(), ratePercent: z.string(), netMonthlyCents: z.number().int(), netAnnualCents: z.number().int() })),
  }),
});
export type SimulationView = z.infer<typeof simulationSchema>;
