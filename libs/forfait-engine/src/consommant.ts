/**
 * Consommant status (RULES §2, specification §8 "Périmètre"): at least one consultation,
 * teleconsultation or visit with a doctor or midwife of the structure within the 24 months
 * ending on the last day of the billed month. Uses the last such encounter, never the inclusion
 * date (specification §1, "A noter").
 */
import type { EngineContext, MonthAnchors } from './context';
import { FAR_PAST, formatDay, monthIndexOfText } from './dates';
import { lastEncounter, prepared, type PreparedPatient } from './prepare';
import type { PatientInput } from './schemas';

export interface ConsommantDecision {
  readonly consommant: boolean;
  /** Last qualifying encounter on or before the window's end (FAR_PAST when none). */
  readonly lastEncounterDay: number;
}

export function consommantIn(p: PreparedPatient, ctx: EngineContext, a: MonthAnchors): ConsommantDecision {
  const last = lastEncounter(p, ctx.masks.consommant.kinds, ctx.masks.consommant.roles, a.consommantEnd);
  return { consommant: last >= a.consommantStart, lastEncounterDay: last };
}

/** Hot-path form: true when consommant for the month. */
export function isConsommant(p: PreparedPatient, ctx: EngineContext, a: MonthAnchors): boolean {
  return (
    lastEncounter(p, ctx.masks.consommant.kinds, ctx.masks.consommant.roles, a.consommantEnd) >=
    a.consommantStart
  );
}

export function lastEncounterText(day: number): string | null {
  return day === FAR_PAST ? null : formatDay(day);
}

/** Public form of the consommant status of a patient for a month. */
export interface ConsommantStatus {
  consommant: boolean;
  /** Last qualifying encounter up to the window end, or null. */
  lastEncounter: string | null;
  windowStart: string;
  windowEnd: string;
}

/** Consommant status of a (raw or prepared) patient for a billed month 'YYYY-MM'. */
export function consommantStatus(
  patient: PatientInput | PreparedPatient,
  ctx: EngineContext,
  month: string,
): ConsommantStatus {
  const a = ctx.anchors(monthIndexOfText(month));
  const d = consommantIn(prepared(patient), ctx, a);
  return {
    consommant: d.consommant,
    lastEncounter: lastEncounterText(d.lastEncounterDay),
    windowStart: a.text.consommantStart,
    windowEnd: a.text.consommantEnd,
  };
}
