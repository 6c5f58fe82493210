/**
 * Patient inclusion (RULES §1, specification §1 "Principes d'inclusion") and MT coverage.
 *
 * Inclusion is computed per "episode": a run of contiguous MT declarations to doctors of the
 * structure (an MT change inside the structure keeps the patient included; leaving the structure
 * and coming back starts a new episode, included at the new declaration).
 */
import {
  FAR_PAST,
  addMonthsToDay,
  dayOfMonthOfDay,
  formatDay,
  formatMonth,
  monthIndexOfDay,
  parseDay,
} from './dates';
import type { EngineContext } from './context';
import { firstEncounter, prepared, type PreparedPatient } from './prepare';
import type { PatientInput } from './schemas';

export type InclusionReason =
  /** inclus à la consultation d'entrée: MT declared before entry, next (tele)consultation on/after it */
  | 'entryConsultation'
  /** inclus à la déclaration: MT declared after the structure's (or the doctor's) entry */
  | 'declarationAfterEntry'
  /** inclus à la date anniversaire: no consultation within 12 months of entry */
  | 'anniversary'
  /** reprise MTR 1: the four MTR 1 ipso structures, all MT patients at the MTR 2 launch */
  | 'mtr1CarryOver';

export interface InclusionDecision {
  readonly reason: InclusionReason;
  /** Inclusion date (epoch day). */
  readonly day: number;
  /** Month index of the first month paid by forfait. */
  readonly firstForfaitMonth: number;
  /** max(structure entry, the MT doctor's arrival): the entry that applies to this patient. */
  readonly entryDay: number;
  /** RPPS of the MT at the start of the episode. */
  readonly doctorRpps: string;
}

/** Is the declaration's doctor a doctor of the structure on that day? */
function doctorOfStructureOn(ctx: EngineContext, rpps: string, day: number): boolean {
  const r = ctx.roster.get(rpps);
  return r !== undefined && r.role === 'doctor' && r.arrivalDay <= day && day <= r.departureDay;
}

function isStructureDoctor(ctx: EngineContext, rpps: string): boolean {
  const r = ctx.roster.get(rpps);
  return r !== undefined && r.role === 'doctor';
}

/**
 * Index of the MT declaration covering `day` to a doctor of the structure present that day, or
 * −1 (RULES §1: "an MT declaration to a doctor of the structure covers the 1st day of M").
 * Death ends the declaration.
 */
export function coveringDeclaration(p: PreparedPatient, ctx: EngineContext, day: number): number {
  if (day > p.deathDay) return -1;
  const decls = p.declarations;
  for (let i = decls.length - 1; i >= 0; i--) {
    const d = decls[i];
    if (d.from <= day && day <= d.to) return doctorOfStructureOn(ctx, d.rpps, day) ? i : -1;
  }
  return -1;
}

/** First declaration of the episode containing declaration `index`. */
export function episodeStart(p: PreparedPatient, ctx: EngineContext, index: number): number {
  const decls = p.declarations;
  let i = index;
  while (i > 0) {
    const prev = decls[i - 1];
    if (!isStructureDoctor(ctx, prev.rpps) || prev.to + 1 < decls[i].from) break;
    i--;
  }
  return i;
}

/** First month whose 1st day is on or after `day`. */
function firstMonthOnOrAfter(day: number): number {
  const m = monthIndexOfDay(day);
  return dayOfMonthOfDay(day) === 1 ? m : m + 1;
}

/** Inclusion of the episode starting at declaration `startIndex`. */
export function inclusionOfEpisode(
  p: PreparedPatient,
  ctx: EngineContext,
  startIndex: number,
): InclusionDecision {
  const decl = p.declarations[startIndex];
  const conv = ctx.convention;
  const arrival = ctx.roster.get(decl.rpps)?.arrivalDay ?? FAR_PAST;
  // A doctor arriving after the structure's entry brings their MT patients in from their arrival.
  const entryDay = Math.max(conv.entryDay, arrival);
  if (decl.from >= entryDay) {
    // Included at the declaration consultation; that month stays fee-for-service.
    return {
      reason: 'declarationAfterEntry',
      day: decl.from,
      firstForfaitMonth: monthIndexOfDay(decl.from) + 1,
      entryDay,
      doctorRpps: decl.rpps,
    };
  }
  if (conv.mtr1Participant && entryDay === conv.entryDay) {
    // MTR 1 structures: everyone at the launch, forfait from that date, no entry consultation.
    return {
      reason: 'mtr1CarryOver',
      day: entryDay,
      firstForfaitMonth: firstMonthOnOrAfter(entryDay),
      entryDay,
      doctorRpps: decl.rpps,
    };
  }
  const inc = ctx.params.inclusion;
  const anniversary = addMonthsToDay(entryDay, inc.anniversaryMonths);
  const consultation = firstEncounter(p, ctx.masks.entry.kinds, ctx.masks.entry.roles, entryDay, anniversary);
  if (consultation <= anniversary) {
    return {
      reason: 'entryConsultation',
      day: consultation,
      firstForfaitMonth: monthIndexOfDay(consultation) + 1,
      entryDay,
      doctorRpps: decl.rpps,
    };
  }
  return {
    reason: 'anniversary',
    day: anniversary,
    firstForfaitMonth:
      inc.anniversaryForfaitStart === 'followingMonth'
        ? monthIndexOfDay(anniversary) + 1
        : firstMonthOnOrAfter(anniversary),
    entryDay,
    doctorRpps: decl.rpps,
  };
}

/** Public form of an inclusion, with ISO strings. */
export interface Inclusion {
  reason: InclusionReason;
  date: string;
  firstForfaitMonth: string;
  /** Entry that applied: the structure's, or the MT doctor's later arrival. */
  entryDate: string;
  doctorRpps: string;
}

export function inclusionToJson(d: InclusionDecision): Inclusion {
  return {
    reason: d.reason,
    date: formatDay(d.day),
    firstForfaitMonth: formatMonth(d.firstForfaitMonth),
    entryDate: formatDay(d.entryDay),
    doctorRpps: d.doctorRpps,
  };
}

/**
 * Inclusion of a patient: of the episode in force on `onDate` (ISO date), or of the most recent
 * episode with a doctor of the structure when no date is given. Null when the patient never had
 * an MT of the structure (or none on that date).
 */
export function computeInclusion(
  patient: PatientInput | PreparedPatient,
  ctx: EngineContext,
  onDate?: string,
): Inclusion | null {
  const p = prepared(patient);
  let index = -1;
  if (onDate !== undefined) {
    const day = parseDay(onDate);
    index = coveringDeclaration(p, ctx, day);
  } else {
    for (let i = p.declarations.length - 1; i >= 0 && index < 0; i--)
      if (isStructureDoctor(ctx, p.declarations[i].rpps)) index = i;
  }
  if (index < 0) return null;
  return inclusionToJson(inclusionOfEpisode(p, ctx, episodeStart(p, ctx, index)));
}
