import { z } from 'zod';
import { isIsoDate } from '../dates';
import { canonicalDecimal, rateProblem } from '../money';

/** Reusable field schemas. Messages name what is expected, the path is added by the caller. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isIsoDate, { message: 'not a calendar date' });
export const IsoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM');
export const Cents = z.number().int('amounts are integer cents').min(0).max(Number.MAX_SAFE_INTEGER);
export const SignedCents = z.number().int('amounts are integer cents');
/** A rate in [0, 1): a decimal string ("0.15", preferred: exact) or a JSON number (0.15). */
export const RateInput = z
  .union([z.string(), z.number()], { error: 'expected a rate such as "0.15"' })
  .superRefine((value, ctx) => {
    const problem = rateProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Rate in [0, 1) as a decimal string ("0.15") or number (0.15); 15 % is 0.15.');
/** A positive decimal such as an NGAP coefficient ("12.6", 12.6, "12,6"). */
export const DecimalInput = z
  .union([z.string(), z.number()])
  .refine((v) => canonicalDecimal(v) !== null, { message: 'expected a non-negative decimal such as "12.6"' });

export const MonthAnchor = z.enum(['firstDayOfMonth', 'lastDayOfMonth']);
export const EncounterKind = z
  .enum(['consultation', 'teleconsultation', 'visit', 'other'])
  .describe('visit = home visit (visite à domicile)');
export const ProfessionalRole = z
  .enum(['doctor', 'midwife', 'ipa', 'nurse', 'other'])
  .describe('doctor = médecin, midwife = sage-femme, ipa = infirmier en pratique avancée');
export const Annex3Profession = z
  .enum(['gp', 'midwife', 'gynaecologist', 'nurse', 'paediatrician'])
  .describe('Annex 3 groups: gp = médecine générale (spécialités 1, 22, 23); nurse = IPA forfaits');

/** Stable identifiers of the cumulative briques, in the order of the printed grid. */
export const CUMULATIVE_BRIQUES = [
  'ald', // ALD
  'socialVulnerability', // vulnérabilité sociale
  'mentalHealth', // santé mentale
  'disability', // handicap
  'highCvRisk', // haut risque CV
  'paediatricFollowUp', // suivi pédiatrique
  'obstetricFollowUp', // suivi obstétrique
  'gynaecologicalFollowUp', // suivi gynécologique
] as const;
export type CumulativeBrique = (typeof CUMULATIVE_BRIQUES)[number];
/** perte d'autonomie à domicile: replaces the socle and every other brique. */
export const REPLACING_BRIQUE = 'homeDependency' as const;
export const BRIQUE_CODES = [...CUMULATIVE_BRIQUES, REPLACING_BRIQUE] as const;
export type BriqueCode = (typeof BRIQUE_CODES)[number];
export const BriqueCodeSchema = z.enum(BRIQUE_CODES, {
  error: (issue) => `unknown brique ${JSON.stringify(issue.input)} (known: ${BRIQUE_CODES.join(', ')})`,
});

const Amount = z.strictObject({ label: z.string().min(1), grossCents: Cents });

const SocleBand = z.strictObject({
  code: z.string().regex(/^[a-z0-9_]+$/, 'band codes are lower-case identifiers'),
  label: z.string().min(1),
  minAgeYears: z.number().int().min(0),
  /** Inclusive upper bound in completed years; null for the open last band (80 and over). */
  maxAgeYears: z.number().int().min(0).nullable(),
  grossCents: Cents,
});

const Annex3Act = z.strictObject({
  profession: Annex3Profession,
  /** NGAP letter key (G, VG, SF…) or CCAM code (DEQP003). */
  code: z.string().min(1),
  /** Only this coefficient qualifies (SF 12, SF 15, SF 12.6, PAI 6…); absent: any coefficient. */
  coefficient: z.string().optional(),
  label: z.string(),
});

/**
 * A programme parameter set ("grid"). Every [param] of RULES.md is a field here; rule code reads
 * these values and never carries its own literal.
 */
export const ProgrammeParamsSchema = z
  .strictObject({
    version: z.string().min(1),
    description: z.string(),
    source: z.string(),
    programme: z.strictObject({
      /** MTR 2 launch: also the MTR 1 carry-over inclusion date (RULES §1). */
      launchDate: IsoDate,
      endDate: IsoDate,
    }),
    currency: z.literal('EUR'),
    /** Socle age bands (RULES §3), contiguous from 0, last band open. */
    socleBands: z.array(SocleBand).min(1).max(4),
    briques: z.strictObject({
      ald: Amount,
      socialVulnerability: Amount,
      mentalHealth: Amount,
      disability: Amount,
      highCvRisk: Amount,
      paediatricFollowUp: Amount,
      obstetricFollowUp: Amount,
      gynaecologicalFollowUp: Amount,
      homeDependency: Amount,
    }),
    /** Lines paid gross whatever the leakage rate (perte d'autonomie, RULES §3). */
    leakageExemptLines: z.array(z.string()),
    rounding: z.strictObject({
      mode: z.enum(['halfUp', 'halfEven']),
      /** Billed unit prices (RULES §3 [param: rounding]). */
      unitPriceStepCents: z.number().int().min(1),
      /** The specification's printed net grid is rounded to 0.10 €. */
      printedGridStepCents: z.number().int().min(1),
      printedGridRates: z.array(RateInput).min(1),
    }),
    age: z.strictObject({
      /** Age = completed years on this day of the billed month (RULES §3 [param]); 1..28. */
      anchorDayOfMonth: z.number().int().min(1).max(28),
      /** Upper bound used to size lookup tables and reject implausible birth dates. */
      maxAgeYears: z.number().int().min(100).max(200),
    }),
    eligibility: z.strictObject({
      /** The MT declaration must cover this day of the billed month (RULES §1 [param]). */
      coverageAnchor: MonthAnchor,
    }),
    inclusion: z.strictObject({
      entryEncounterKinds: z.array(EncounterKind).min(1),
      entryEncounterRoles: z.array(ProfessionalRole).min(1),
      /** Automatic inclusion at entry + N months without an entry consultation (RULES §1). */
      anniversaryMonths: z.number().int().min(1),
      /**
       * Forfait start after an anniversary inclusion (RULES §1 [param]): the month after the
       * anniversary's month, or the first month starting on or after the anniversary.
       */
      anniversaryForfaitStart: z.enum(['followingMonth', 'firstFullMonth']),
    }),
    consommant: z.strictObject({
      /** RULES §2 [param: window, anchor day]. */
      windowMonths: z.number().int().min(1),
      anchor: MonthAnchor,
      encounterKinds: z.array(EncounterKind).min(1),
      roles: z.array(ProfessionalRole).min(1),
    }),
    criteria: z.strictObject({
      /** Day on which states (ALD, C2S, declarations, pregnancy) are read. */
      statusAnchor: MonthAnchor,
      /** "assessed within 12 months": window length and the day it ends on. */
      assessmentWindowMonths: z.number().int().min(1),
      assessmentAnchor: MonthAnchor,
      paediatricFollowUp: z.strictObject({ maxAgeMonthsExclusive: z.number().int().min(1) }),
      mentalHealth: z.strictObject({
        phq9Min: z.number().int().min(0),
        gad7Min: z.number().int().min(0),
        excludedAld: z.array(z.number().int()),
        reassessmentRequiredAfterMonths: z.number().int().min(1),
      }),
      highCvRisk: z.strictObject({
        bmiMin: z.number().positive(),
        scorePercentMin: z.number().positive(),
        scoreMinAgeYearsMale: z.number().int().min(0),
        scoreMinAgeYearsFemale: z.number().int().min(0),
        excludedAld: z.array(z.number().int()),
      }),
      disability: z.strictObject({ mdphRateMinPercent: z.number().min(0).max(100) }),
      homeDependency: z.strictObject({
        iadlMax: z.number().int().min(0),
        homeVisitWindowMonths: z.number().int().min(1),
        /** "no home visit in the last 3 months": the window ends on this day of the billed month. */
        homeVisitAnchor: MonthAnchor,
        homeVisitRoles: z.array(ProfessionalRole).min(1),
        warnBelowDoctorHomeVisits: z.number().int().min(0),
        warnWindowMonths: z.number().int().min(1),
      }),
      obstetricFollowUp: z.strictObject({ maxPaidMonths: z.number().int().min(1) }),
    }),
    defaults: z.strictObject({
      /** RULES §3: 15 % for ipso structures unless the convention says otherwise. */
      ipsoTheoreticalLeakageRate: RateInput,
      safeguardMethod: z.enum(['actsByDoctor', 'actsOnDoctorMtPatients']),
    }),
    safeguard: z.strictObject({
      windowMonths: z.number().int().min(1),
      windowStart: z.enum(['participationMonth', 'followingMonth']),
    }),
    annex3Acts: z.array(Annex3Act).min(1),
  })
  .superRefine((p, ctx) => {
    let expectedMin = 0;
    p.socleBands.forEach((band, i) => {
      if (band.minAgeYears !== expectedMin)
        ctx.addIssue({
          code: 'custom',
          path: ['socleBands', i, 'minAgeYears'],
          message: `bands must be contiguous from 0: expected ${expectedMin}`,
        });
      const last = i === p.socleBands.length - 1;
      if (last !== (band.maxAgeYears === null))
        ctx.addIssue({
          code: 'custom',
          path: ['socleBands', i, 'maxAgeYears'],
          message: last ? 'the last band is open (null)' : 'only the last band is open',
        });
      if (band.maxAgeYears !== null) expectedMin = band.maxAgeYears + 1;
    });
    const lineCodes = new Set<string>([...p.socleBands.map((b) => b.code), ...BRIQUE_CODES]);
    p.leakageExemptLines.forEach((code, i) => {
      if (!lineCodes.has(code))
        ctx.addIssue({
          code: 'custom',
          path: ['leakageExemptLines', i],
          message: `unknown line ${JSON.stringify(code)} (known: ${[...lineCodes].join(', ')})`,
        });
    });
  });

export type ProgrammeParamsInput = z.input<typeof ProgrammeParamsSchema>;
export type ProgrammeParams = z.output<typeof ProgrammeParamsSchema>;
