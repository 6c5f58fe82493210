/**
 * The monthly forfait of one patient (RULES §1–§3): whether the patient-month is payable
 * (structure active, MT coverage, inclusion, consommant), then the socle by age and every brique
 * with the reason it holds or the exclusion that removed it.
 */
import {
  HOME_DEPENDENCY_INDEX,
  describeDecision,
  evaluateBriques,
  newDecisions,
  type Decisions,
  type EvaluationInput,
} from './briques';
import { isConsommant, lastEncounterText } from './consommant';
import type { EngineContext, MonthAnchors } from './context';
import { FAR_PAST, formatDay, formatMonth, monthIndexOfText } from './dates';
import {
  coveringDeclaration,
  episodeStart,
  inclusionOfEpisode,
  inclusionToJson,
  type InclusionDecision,
  type InclusionReason,
} from './inclusion';
import type {
  ForfaitLine,
  NotPaid,
  EngineWarning,
  PatientMonthResult,
  PatientMonthStatus,
} from './output-schemas';
import { BRIQUE_CODES, CUMULATIVE_BRIQUES, REPLACING_BRIQUE } from './params/schema';
import { lastEncounter, prepared, type PreparedPatient } from './prepare';
import { HOME_DEPENDENCY_PAID, linesOfCode, profileCode } from './profile';
import type { PatientInput } from './schemas';

/** Integer facts of one patient-month: what the columnar path stores. */
export interface MonthFacts {
  status: PatientMonthStatus;
  /** Index of the covering MT declaration, −1 when none. */
  declarationIndex: number;
  inclusion: InclusionDecision | null;
  lastEncounterDay: number;
  /** Completed months on the age anchor day (0 for a baby born later in the month). */
  ageMonths: number;
  /** profile.ts flags; 0 unless paid. */
  flags: number;
  /** RPPS of the MT paid, null unless covered. */
  mtRpps: string | null;
  /** Input the briques were evaluated with (paid months only), reused by the explanation. */
  evaluation: EvaluationInput | null;
}

/**
 * Month index of birth, shifted by one when the birthday falls after the age anchor day, so that
 * age in completed months on the anchor day = billed month index − birthKey (one subtraction).
 */
export function birthKeyOf(p: PreparedPatient, anchorDayOfMonth: number): number {
  return p.birthMonthIndex + (p.birthDayOfMonth > anchorDayOfMonth ? 1 : 0);
}

export function ageMonthsOn(p: PreparedPatient, ctx: EngineContext, monthIndex: number): number {
  const age = monthIndex - birthKeyOf(p, ctx.params.age.anchorDayOfMonth);
  return age < 0 ? 0 : age > ctx.profile.maxAgeMonths ? ctx.profile.maxAgeMonths : age;
}

/** Status part of the facts (no brique evaluated). */
function statusFacts(p: PreparedPatient, ctx: EngineContext, a: MonthAnchors, out: MonthFacts): void {
  out.flags = 0;
  out.inclusion = null;
  out.mtRpps = null;
  out.declarationIndex = -1;
  out.lastEncounterDay = FAR_PAST;
  const idx = coveringDeclaration(p, ctx, a.coverageDay);
  if (idx >= 0) {
    out.declarationIndex = idx;
    out.mtRpps = p.declarations[idx].rpps;
    out.inclusion = inclusionOfEpisode(p, ctx, episodeStart(p, ctx, idx));
  }
  if (ctx.convention.exitDay <= a.firstDay) {
    out.status = 'structureExited';
    return;
  }
  if (idx < 0) {
    out.status = 'notCovered';
    return;
  }
  if (ctx.assumeIncluded) out.inclusion = null;
  else if ((out.inclusion as InclusionDecision).firstForfaitMonth > a.monthIndex) {
    out.status = 'notYetIncluded';
    return;
  }
  out.lastEncounterDay = lastEncounter(
    p,
    ctx.masks.consommant.kinds,
    ctx.masks.consommant.roles,
    a.consommantEnd,
  );
  out.status = out.lastEncounterDay >= a.consommantStart ? 'paid' : 'notConsommant';
}

/** Whether a patient-month is payable (covered, included, consommant, structure active). */
export function payableIn(p: PreparedPatient, ctx: EngineContext, monthIndex: number): boolean {
  const a = ctx.anchors(monthIndex);
  if (ctx.convention.exitDay <= a.firstDay) return false;
  const idx = coveringDeclaration(p, ctx, a.coverageDay);
  if (idx < 0) return false;
  if (
    !ctx.assumeIncluded &&
    inclusionOfEpisode(p, ctx, episodeStart(p, ctx, idx)).firstForfaitMonth > monthIndex
  )
    return false;
  return isConsommant(p, ctx, a);
}

function newFacts(): MonthFacts {
  return {
    status: 'notCovered',
    declarationIndex: -1,
    inclusion: null,
    lastEncounterDay: FAR_PAST,
    ageMonths: 0,
    flags: 0,
    mtRpps: null,
    evaluation: null,
  };
}

/** Evaluation input shared by the briques of one patient-month. */
class Evaluation implements EvaluationInput {
  readonly inclusionDay: number;
  constructor(
    readonly p: PreparedPatient,
    readonly ctx: EngineContext,
    readonly a: MonthAnchors,
    inclusion: InclusionDecision | null,
  ) {
    this.inclusionDay = inclusion === null ? p.mtr1InclusionDay : Math.min(inclusion.day, p.mtr1InclusionDay);
  }

  payable(monthIndex: number): boolean {
    return payableIn(this.p, this.ctx, monthIndex);
  }
}

/**
 * Facts of one patient-month, evaluating the briques only when the month is payable.
 * `decisions` receives each brique's decision (pass a reused object to avoid allocation).
 */
export function evaluateMonthFacts(
  p: PreparedPatient,
  ctx: EngineContext,
  monthIndex: number,
  decisions: Decisions = newDecisions(),
  out: MonthFacts = newFacts(),
): MonthFacts {
  const a = ctx.anchors(monthIndex);
  statusFacts(p, ctx, a, out);
  out.ageMonths = ageMonthsOn(p, ctx, monthIndex);
  out.evaluation = null;
  if (out.status === 'paid') {
    out.evaluation = new Evaluation(p, ctx, a, out.inclusion);
    out.flags = evaluateBriques(out.evaluation, decisions);
  }
  return out;
}

const REASON_TEXT: Readonly<Record<InclusionReason, string>> = {
  entryConsultation: "consultation d'entrée",
  declarationAfterEntry: "déclaration de médecin traitant après l'entrée",
  anniversary: "date anniversaire de l'entrée",
  mtr1CarryOver: 'reprise des patients MTR 1',
};

function statusText(f: MonthFacts, a: MonthAnchors, ctx: EngineContext): string {
  const inc = f.inclusion;
  const incText = inc === null ? '' : `inclus le ${formatDay(inc.day)} (${REASON_TEXT[inc.reason]})`;
  const last = lastEncounterText(f.lastEncounterDay);
  switch (f.status) {
    case 'paid':
      return `payé au médecin traitant ${f.mtRpps} ; ${inc === null ? 'inclusion supposée (simulation)' : `${incText}, forfait depuis ${formatMonth(inc.firstForfaitMonth)}`} ; consommant (dernier contact le ${last})`;
    case 'structureExited':
      return `structure sortie du programme le ${formatDay(ctx.convention.exitDay)}`;
    case 'notCovered':
      return `pas de déclaration de médecin traitant auprès d'un médecin de la structure au ${a.text.coverageDay}`;
    case 'notYetIncluded': {
      const i = inc as InclusionDecision;
      const when =
        i.day > a.lastDay
          ? `inclusion prévue le ${formatDay(i.day)} (${REASON_TEXT[i.reason]}${i.reason === 'anniversary' ? ", sauf consultation d'entrée avant" : ''})`
          : incText;
      return `${when} : forfait à partir de ${formatMonth(i.firstForfaitMonth)}, ce mois reste à l'acte`;
    }
    case 'notConsommant':
      return `non consommant : aucune consultation, téléconsultation ou visite d'un médecin ou d'une sage-femme de la structure entre le ${a.text.consommantStart} et le ${a.text.consommantEnd}${last === null ? '' : ` (dernier contact le ${last})`}`;
  }
}

function socleText(ageMonths: number, a: MonthAnchors): string {
  return ageMonths < 36
    ? `${ageMonths} mois révolus au ${a.text.ageDay}`
    : `${Math.floor(ageMonths / 12)} ans révolus au ${a.text.ageDay}`;
}

/**
 * The explained monthly forfait of one patient. `patient` may be raw input (validated) or
 * prepared once with preparePatient() when several months are computed.
 */
export function computeMonthlyForfait(
  patient: PatientInput | PreparedPatient,
  ctx: EngineContext,
  month: string,
): PatientMonthResult {
  const p = prepared(patient);
  const monthIndex = monthIndexOfText(month);
  const decisions = SCRATCH;
  const f = evaluateMonthFacts(p, ctx, monthIndex, decisions, FACTS);
  return explainFacts(p, ctx, monthIndex, f, decisions);
}

// Reused between calls: evaluation is synchronous and results copy what they need.
const SCRATCH = newDecisions();
const FACTS = newFacts();

/** Builds the explained result from facts and decisions. */
export function explainFacts(
  p: PreparedPatient,
  ctx: EngineContext,
  monthIndex: number,
  f: MonthFacts,
  decisions: Decisions,
): PatientMonthResult {
  const a = ctx.anchors(monthIndex);
  const pricing = ctx.pricing;
  const lines: ForfaitLine[] = [];
  const notPaid: NotPaid[] = [];
  const warnings: EngineWarning[] = [];
  let grossCents = 0;
  let netCents = 0;
  if (f.status === 'paid') {
    const e = f.evaluation ?? new Evaluation(p, ctx, a, f.inclusion);
    const code = profileCode(ctx.profile, f.ageMonths, f.flags);
    const paid = linesOfCode(pricing, code);
    let paidBits = 0;
    for (const index of paid) {
      const line = pricing.lines[index];
      grossCents += line.grossCents;
      netCents += line.netCents;
      let rule: string;
      let text: string;
      if (line.kind === 'socle') {
        rule = 'ageBand';
        text = socleText(f.ageMonths, a);
      } else {
        // Brique lines follow the socle bands in the order of the decisions.
        const k = index - pricing.briqueBase;
        const d = decisions[k];
        if (k < HOME_DEPENDENCY_INDEX) paidBits |= 1 << k;
        rule = d.rule;
        text = describeDecision(BRIQUE_CODES[k], d, e, f.ageMonths);
      }
      lines.push({
        code: line.code,
        label: line.label,
        kind: line.kind,
        grossCents: line.grossCents,
        netCents: line.netCents,
        leakageExempt: line.leakageExempt,
        rule,
        text,
      });
    }
    const replaced = (f.flags & HOME_DEPENDENCY_PAID) !== 0;
    // Briques perte d'autonomie displaced: what the profile would pay without it.
    let displacedBits = 0;
    if (replaced) {
      const without = profileCode(ctx.profile, f.ageMonths, f.flags & ~HOME_DEPENDENCY_PAID);
      displacedBits = without & 0xff;
      const band = pricing.lines[without >> 8];
      notPaid.push({
        code: band.code,
        label: band.label,
        outcome: 'replaced',
        rule: 'replacedByHomeDependency',
        text: "remplacé par la brique perte d'autonomie à domicile",
      });
    }
    for (let k = 0; k < CUMULATIVE_BRIQUES.length; k++) {
      if ((paidBits & (1 << k)) !== 0) continue;
      const code = CUMULATIVE_BRIQUES[k];
      const d = decisions[k];
      if (!d.present && !d.criteria) continue;
      const label = pricing.lines[pricing.briqueBase + k].label;
      if ((displacedBits & (1 << k)) !== 0) {
        notPaid.push({
          code,
          label,
          outcome: 'replaced',
          rule: 'replacedByHomeDependency',
          text: "remplacée par la brique perte d'autonomie à domicile",
        });
      } else if (d.criteria && !d.excluded) {
        // Criteria hold, no exclusion, yet not paid: the paediatric age limit of the profile.
        notPaid.push({
          code,
          label,
          outcome: 'criteriaNotMet',
          rule: 'ageLimitReached',
          text: describeDecision(code, d, e, f.ageMonths),
        });
      } else if (d.present) {
        notPaid.push({
          code,
          label,
          outcome: d.excluded ? 'excluded' : 'criteriaNotMet',
          rule: d.rule,
          text: describeDecision(code, d, e, f.ageMonths),
        });
      }
    }
    const pa = decisions[HOME_DEPENDENCY_INDEX];
    if (!replaced && pa.present) {
      notPaid.push({
        code: REPLACING_BRIQUE,
        label: pricing.lines[pricing.replacingLine].label,
        outcome: pa.excluded ? 'excluded' : 'criteriaNotMet',
        rule: pa.rule,
        text: describeDecision(REPLACING_BRIQUE, pa, e, f.ageMonths),
      });
    }
    const hd = ctx.params.criteria.homeDependency;
    if (pa.b !== undefined && pa.n < hd.warnBelowDoctorHomeVisits) {
      warnings.push({
        code: 'homeCareDeclarationContradicted',
        text: `prise en charge à domicile déclarée mais ${pa.n} visite(s) à domicile d'un médecin sur les ${hd.warnWindowMonths} derniers mois (attendu : au moins ${hd.warnBelowDoctorHomeVisits})`,
      });
    }
  }
  return {
    patientId: p.id,
    month: a.month,
    status: f.status,
    statusText: statusText(f, a, ctx),
    mtRpps: f.mtRpps,
    ageYears: Math.floor(f.ageMonths / 12),
    ageMonths: f.ageMonths,
    inclusion: f.inclusion === null ? null : inclusionToJson(f.inclusion),
    lastQualifyingEncounter: lastEncounterText(
      f.lastEncounterDay === FAR_PAST && f.status !== 'paid' && f.status !== 'notConsommant'
        ? lastEncounter(p, ctx.masks.consommant.kinds, ctx.masks.consommant.roles, a.consommantEnd)
        : f.lastEncounterDay,
    ),
    lines,
    notPaid,
    warnings,
    grossCents,
    netCents,
  };
}
