/**
 * All briques of Annex 5 for one patient-month: decisions, the compact flags of profile.ts, and
 * the French explanation of each outcome.
 */
import { completedYears } from '../dates';
import { BRIQUE_CODES, CUMULATIVE_BRIQUES, type BriqueCode } from '../params/schema';
import type { PreparedAld, PreparedMeasure, PreparedPeriod, PreparedPregnancy } from '../prepare';
import { EXCLUSION_SHIFT, HOME_DEPENDENCY_PAID } from '../profile';
import {
  authorSuffix,
  emptyDecision,
  resetDecision,
  type BriqueDecision,
  type EvaluationInput,
} from './decision';
import { evaluateGynaecological, evaluateObstetric, evaluatePaediatric } from './declarations';
import { evaluateHighCvRisk } from './high-cv-risk';
import { evaluateHomeDependency } from './home-dependency';
import { evaluateMentalHealth } from './mental-health';
import { activeAlds, evaluateAld, evaluateDisability, evaluateSocialVulnerability } from './status-briques';

export type { BriqueDecision, EvaluationInput } from './decision';

/**
 * One decision per brique, indexed like BRIQUE_CODES: the cumulative briques at their profile
 * bit (0..7), perte d'autonomie last (an array, not a record: indexed access stays monomorphic).
 */
export type Decisions = BriqueDecision[];
export const HOME_DEPENDENCY_INDEX = CUMULATIVE_BRIQUES.length;

export function newDecisions(): Decisions {
  return BRIQUE_CODES.map(() => emptyDecision());
}

// Same order as CUMULATIVE_BRIQUES (profile bits), then perte d'autonomie.
const EVALUATORS: readonly ((e: EvaluationInput, d: BriqueDecision) => void)[] = [
  evaluateAld,
  evaluateSocialVulnerability,
  evaluateMentalHealth,
  evaluateDisability,
  evaluateHighCvRisk,
  evaluatePaediatric,
  evaluateObstetric,
  evaluateGynaecological,
  evaluateHomeDependency,
];

/** Evaluates every brique into `out` and returns the profile flags. */
export function evaluateBriques(e: EvaluationInput, out: Decisions): number {
  let flags = 0;
  for (let k = 0; k < HOME_DEPENDENCY_INDEX; k++) {
    const d = out[k];
    resetDecision(d);
    EVALUATORS[k](e, d);
    if (d.criteria) flags |= 1 << k;
    if (d.excluded) flags |= 1 << (k + EXCLUSION_SHIFT);
  }
  const pa = out[HOME_DEPENDENCY_INDEX];
  resetDecision(pa);
  evaluateHomeDependency(e, pa);
  if (pa.criteria && !pa.excluded) flags |= HOME_DEPENDENCY_PAID;
  return flags;
}

const pct = (v: number): string => `${v} %`;
const m = (x: unknown): PreparedMeasure => x as PreparedMeasure;

function aldList(alds: readonly PreparedAld[]): string {
  let out = '';
  for (let i = 0; i < alds.length; i++)
    out += `${i > 0 ? ', ' : ''}n° ${alds[i].number} (depuis le ${alds[i].fromText})`;
  return out;
}

function window(e: EvaluationInput): string {
  return `entre le ${e.a.text.assessmentStart} et le ${e.a.text.assessmentEnd}`;
}

/** French explanation of a decision. */
export function describeDecision(
  code: BriqueCode,
  d: BriqueDecision,
  e: EvaluationInput,
  ageMonths: number,
): string {
  const c = e.ctx.params.criteria;
  const t = e.a.text;
  switch (d.rule) {
    case 'aldActive':
      return `ALD active au ${t.statusDay} : ${aldList(activeAlds(e.p.ald, e.a.statusDay))}`;
    case 'noActiveAld':
      return `aucune ALD active au ${t.statusDay}`;
    case 'c2sActive':
      return `C2S active au ${t.statusDay} (depuis le ${(d.a as PreparedPeriod).fromText})`;
    case 'ameActive':
      return `AME active au ${t.statusDay} (depuis le ${(d.a as PreparedPeriod).fromText})`;
    case 'coverNotActive':
      return `ni C2S ni AME active au ${t.statusDay}`;
    case 'mdphRateAtThreshold':
      return `taux d'incapacité MDPH ${pct(m(d.a).value)} ≥ ${pct(c.disability.mdphRateMinPercent)} (évaluation du ${m(d.a).dateText})`;
    case 'mdphRateBelowThreshold':
      return `taux d'incapacité MDPH ${pct(m(d.a).value)} < ${pct(c.disability.mdphRateMinPercent)} (évaluation du ${m(d.a).dateText})`;
    case 'phq9AtThreshold':
      return `PHQ-9 = ${m(d.a).value} ≥ ${c.mentalHealth.phq9Min} le ${m(d.a).dateText}${authorSuffix(m(d.a).author)}, ${window(e)}`;
    case 'gad7AtThreshold':
      return `GAD-7 = ${m(d.a).value} ≥ ${c.mentalHealth.gad7Min} le ${m(d.a).dateText}${authorSuffix(m(d.a).author)}, ${window(e)}`;
    case 'psychiatricAld':
      return `exclue : ALD n° ${(d.b as PreparedAld).number} active au ${t.statusDay} (ALD ${c.mentalHealth.excludedAld.join(', ')})`;
    case 'scoreBelowThreshold': {
      const parts: string[] = [];
      const phq = d.a as PreparedMeasure | undefined;
      const gad = d.b as PreparedMeasure | undefined;
      if (phq !== undefined && phq !== gad) parts.push(`PHQ-9 = ${phq.value} le ${phq.dateText}`);
      if (gad !== undefined) parts.push(`GAD-7 = ${gad.value} le ${gad.dateText}`);
      return `dernier score ${window(e)} sous le seuil de ${c.mentalHealth.phq9Min} : ${parts.join(', ')}`;
    }
    case 'noReassessmentAfterOneYear':
      return `exclue : inclus depuis plus de ${c.mentalHealth.reassessmentRequiredAfterMonths} mois sans réévaluation PHQ-9 / GAD-7 ${window(e)}`;
    case 'scoreOutsideWindow':
      return `aucun score PHQ-9 / GAD-7 ${window(e)}`;
    case 'bmiAtThreshold':
      return `IMC ${m(d.a).value} ≥ ${c.highCvRisk.bmiMin} le ${m(d.a).dateText}, ${window(e)}`;
    case 'scoreAtThreshold': {
      const s = m(d.a);
      return `SCORE ${pct(s.value)} ≥ ${pct(c.highCvRisk.scorePercentMin)} le ${s.dateText} (${e.p.sex === 'M' ? 'homme' : 'femme'} de ${completedYears(e.p.birthDay, s.day)} ans), ${window(e)}`;
    }
    case 'cardiovascularAld':
      return `exclue : ALD n° ${(d.b as PreparedAld).number} active au ${t.statusDay} (ALD cardio-vasculaires ${c.highCvRisk.excludedAld.join(', ')})`;
    case 'belowThreshold': {
      const parts: string[] = [];
      if (d.a !== undefined) parts.push(`IMC ${m(d.a).value} < ${c.highCvRisk.bmiMin} le ${m(d.a).dateText}`);
      if (d.b !== undefined)
        parts.push(`SCORE ${pct(m(d.b).value)} < ${pct(c.highCvRisk.scorePercentMin)} le ${m(d.b).dateText}`);
      return `${parts.join(', ')} (${window(e)})`;
    }
    case 'scoreNotApplicable': {
      const s = m(d.a);
      return `SCORE du ${s.dateText} non valable : ${e.p.sex === 'M' ? 'homme' : 'femme'} de ${completedYears(e.p.birthDay, s.day)} ans (SCORE réservé aux hommes ≥ ${c.highCvRisk.scoreMinAgeYearsMale} ans et aux femmes ≥ ${c.highCvRisk.scoreMinAgeYearsFemale} ans)`;
    }
    case 'assessmentOutsideWindow':
      return `aucune mesure IMC / SCORE ${window(e)}`;
    case 'representativeDeclaration': {
      const decl = d.a as PreparedPeriod;
      const limit = c.paediatricFollowUp.maxAgeMonthsExclusive;
      if (ageMonths >= limit)
        return `${ageMonths} mois révolus au ${t.ageDay} : limite d'âge (< ${limit} mois) atteinte`;
      return `${ageMonths} mois révolus au ${t.ageDay} (< ${limit}) et déclaration du représentant légal du ${decl.fromText}${authorSuffix(decl.author)}`;
    }
    case 'declarationNotInForce':
      return `déclaration plus en vigueur au ${t.statusDay}`;
    case 'patientDeclaration': {
      const decl = d.a as PreparedPeriod;
      return `déclaration de la patiente du ${decl.fromText}${authorSuffix(decl.author)}`;
    }
    case 'obstetricFollowUpThisMonth':
      return `exclue : suivi obstétrique en cours dans la structure (grossesse déclarée le ${(d.b as PreparedPregnancy).fromText})`;
    case 'pregnancyDeclaration':
      return `grossesse déclarée le ${(d.a as PreparedPregnancy).fromText} : mois payé ${d.n + 1} sur ${c.obstetricFollowUp.maxPaidMonths}`;
    case 'obstetricCapReached':
      return `exclue : ${d.n} mois déjà payés pour la grossesse déclarée le ${(d.a as PreparedPregnancy).fromText} (maximum ${c.obstetricFollowUp.maxPaidMonths})`;
    case 'pregnancyEnded':
      return `exclue : grossesse terminée le ${(d.a as PreparedPregnancy).endText}`;
    case 'iadlAndHomeCare': {
      const care = d.b as PreparedPeriod;
      return `IADL = ${m(d.a).value} ≤ ${c.homeDependency.iadlMax} le ${m(d.a).dateText}, prise en charge à domicile déclarée le ${care.fromText}${authorSuffix(care.author)}, visite à domicile entre le ${t.homeVisitStart} et le ${t.homeVisitEnd} : remplace le socle et les briques, hors taux de fuite`;
    }
    case 'noRecentHomeVisit':
      return `exclue : aucune visite à domicile (${c.homeDependency.homeVisitRoles.join(', ')}) entre le ${t.homeVisitStart} et le ${t.homeVisitEnd}`;
    case 'iadlOutsideWindow':
      return `aucun IADL ${window(e)}`;
    case 'iadlAboveThreshold':
      return `IADL = ${m(d.a).value} > ${c.homeDependency.iadlMax} le ${m(d.a).dateText}`;
    case 'noHomeCareDeclaration':
      return `pas de déclaration de prise en charge à domicile en vigueur au ${t.statusDay}`;
    default:
      return `${code} : ${d.rule}`;
  }
}
