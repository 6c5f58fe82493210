/**
 * A patient turned into integers once (epoch days, bit masks, evidence grouped by kind), so that
 * evaluating one or many months is integer comparisons. Source date strings are kept next to
 * their day numbers for the explanations.
 */
import { FAR_FUTURE, FAR_PAST, dayOfMonthOfText, monthIndexOfText, parseDay } from './dates';
import { EncounterKind, ProfessionalRole } from './params/schema';
import type { Evidence, PatientInput } from './schemas';

const KIND_BIT: Readonly<Record<string, number>> = Object.fromEntries(
  EncounterKind.options.map((k, i) => [k, 1 << i]),
);
const ROLE_BIT: Readonly<Record<string, number>> = Object.fromEntries(
  ProfessionalRole.options.map((r, i) => [r, 1 << (8 + i)]),
);
const [KIND_CONSULTATION, KIND_TELECONSULTATION, KIND_VISIT] = [
  KIND_BIT.consultation,
  KIND_BIT.teleconsultation,
  KIND_BIT.visit,
];
const [ROLE_DOCTOR, ROLE_MIDWIFE, ROLE_IPA] = [ROLE_BIT.doctor, ROLE_BIT.midwife, ROLE_BIT.ipa];

// Monomorphic fast paths for the common values; the tables for the rest.
function kindBit(kind: string): number {
  return kind === 'consultation'
    ? KIND_CONSULTATION
    : kind === 'teleconsultation'
      ? KIND_TELECONSULTATION
      : kind === 'visit'
        ? KIND_VISIT
        : KIND_BIT[kind];
}
function roleBit(role: string): number {
  return role === 'doctor'
    ? ROLE_DOCTOR
    : role === 'midwife'
      ? ROLE_MIDWIFE
      : role === 'ipa'
        ? ROLE_IPA
        : ROLE_BIT[role];
}
/** Encounter mask bit: seen by a professional of the structure. */
export const IN_STRUCTURE_BIT = 1 << 16;

/** Mask of encounters whose kind is in `kinds` and role in `roles`, done in the structure. */
export function encounterMask(
  kinds: readonly string[],
  roles: readonly string[],
): { kinds: number; roles: number } {
  return {
    kinds: kinds.reduce((m, k) => m | KIND_BIT[k], 0),
    roles: roles.reduce((m, r) => m | ROLE_BIT[r], 0),
  };
}

export interface PreparedPeriod {
  readonly from: number;
  readonly to: number;
  readonly fromText: string;
  readonly toText: string | undefined;
  readonly author: string | undefined;
}
export interface PreparedAld extends PreparedPeriod {
  readonly number: number;
}
export interface PreparedMeasure {
  readonly day: number;
  readonly value: number;
  readonly dateText: string;
  readonly author: string | undefined;
}
export interface PreparedPregnancy {
  readonly from: number;
  readonly end: number;
  readonly fromText: string;
  readonly endText: string | undefined;
}
export interface PreparedDeclaration {
  readonly rpps: string;
  readonly from: number;
  readonly to: number;
  readonly fromText: string;
}

const NONE: readonly never[] = Object.freeze([]);

function period(from: string, to: string | undefined, author: string | undefined): PreparedPeriod {
  return {
    from: parseDay(from),
    to: to === undefined ? FAR_FUTURE : parseDay(to),
    fromText: from,
    toText: to,
    author,
  };
}

function measure(date: string, value: number, author: string | undefined): PreparedMeasure {
  return { day: parseDay(date), value, dateText: date, author };
}

function push<T>(list: readonly T[], item: T): T[] {
  if (list === NONE) return [item];
  (list as T[]).push(item);
  return list as T[];
}

/**
 * A (validated) patient converted once; cost is linear in its declarations, encounters and
 * evidence. Fields are not to be modified after construction.
 */
export class PreparedPatient {
  declare readonly id: string;
  declare readonly birthDay: number;
  declare readonly birthText: string;
  declare readonly birthMonthIndex: number;
  declare readonly birthDayOfMonth: number;
  declare readonly sex: 'F' | 'M';
  declare readonly deathDay: number;
  declare readonly mtr1InclusionDay: number;
  /** Sorted by start date. */
  declare declarations: readonly PreparedDeclaration[];
  /** Parallel arrays: day and kind/role/structure mask of each encounter (input order). */
  declare encounterDays: readonly number[];
  declare encounterMasks: readonly number[];
  declare ald: readonly PreparedAld[];
  declare c2s: readonly PreparedPeriod[];
  declare ame: readonly PreparedPeriod[];
  declare mdph: readonly PreparedMeasure[];
  declare phq9: readonly PreparedMeasure[];
  declare gad7: readonly PreparedMeasure[];
  declare bmi: readonly PreparedMeasure[];
  declare cvScore: readonly PreparedMeasure[];
  declare iadl: readonly PreparedMeasure[];
  declare homeCare: readonly PreparedPeriod[];
  declare paediatric: readonly PreparedPeriod[];
  declare gynaecological: readonly PreparedPeriod[];
  declare obstetric: readonly PreparedPregnancy[];

  constructor(patient: PatientInput) {
    // Plain assignments, all in the same order: one hidden class, no define semantics.
    this.id = patient.id;
    this.birthDay = parseDay(patient.birthDate);
    this.birthText = patient.birthDate;
    this.birthMonthIndex = monthIndexOfText(patient.birthDate);
    this.birthDayOfMonth = dayOfMonthOfText(patient.birthDate);
    this.sex = patient.sex;
    this.deathDay = patient.deathDate === undefined ? FAR_FUTURE : parseDay(patient.deathDate);
    this.mtr1InclusionDay =
      patient.mtr1InclusionDate === undefined ? FAR_FUTURE : parseDay(patient.mtr1InclusionDate);
    this.declarations = NONE;
    this.encounterDays = NONE;
    this.encounterMasks = NONE;
    this.ald = NONE;
    this.c2s = NONE;
    this.ame = NONE;
    this.mdph = NONE;
    this.phq9 = NONE;
    this.gad7 = NONE;
    this.bmi = NONE;
    this.cvScore = NONE;
    this.iadl = NONE;
    this.homeCare = NONE;
    this.paediatric = NONE;
    this.gynaecological = NONE;
    this.obstetric = NONE;
    const decls = patient.mtDeclarations;
    if (decls.length > 0) {
      const out: PreparedDeclaration[] = new Array(decls.length);
      for (let i = 0; i < decls.length; i++) {
        const d = decls[i];
        out[i] = {
          rpps: d.rpps,
          from: parseDay(d.from),
          to: d.to === undefined ? FAR_FUTURE : parseDay(d.to),
          fromText: d.from,
        };
      }
      if (out.length > 1)
        out.sort(
          (a, b) => a.from - b.from || a.to - b.to || (a.rpps < b.rpps ? -1 : a.rpps > b.rpps ? 1 : 0),
        );
      this.declarations = out;
    }
    const enc = patient.encounters;
    if (enc !== undefined && enc.length > 0) {
      const days: number[] = new Array(enc.length);
      const masks: number[] = new Array(enc.length);
      for (let i = 0; i < enc.length; i++) {
        const e = enc[i];
        days[i] = parseDay(e.date);
        masks[i] = kindBit(e.kind) | roleBit(e.role) | (e.inStructure === false ? 0 : IN_STRUCTURE_BIT);
      }
      this.encounterDays = days;
      this.encounterMasks = masks;
    }
    const evidence = patient.evidence;
    if (evidence !== undefined) for (let i = 0; i < evidence.length; i++) this.add(evidence[i]);
  }

  private add(e: Evidence): void {
    switch (e.type) {
      case 'ald':
        this.ald = push(this.ald, {
          from: parseDay(e.from),
          to: e.to === undefined ? FAR_FUTURE : parseDay(e.to),
          fromText: e.from,
          toText: e.to,
          author: e.author,
          number: e.number,
        });
        return;
      case 'c2s':
        this.c2s = push(this.c2s, period(e.from, e.to, undefined));
        return;
      case 'ame':
        this.ame = push(this.ame, period(e.from, e.to, undefined));
        return;
      case 'mdph':
        this.mdph = push(this.mdph, measure(e.date, e.ratePercent, e.author));
        return;
      case 'phq9':
        this.phq9 = push(this.phq9, measure(e.date, e.score, e.author));
        return;
      case 'gad7':
        this.gad7 = push(this.gad7, measure(e.date, e.score, e.author));
        return;
      case 'bmi':
        this.bmi = push(this.bmi, measure(e.date, e.value, e.author));
        return;
      case 'cvScore':
        this.cvScore = push(this.cvScore, measure(e.date, e.percent, e.author));
        return;
      case 'iadl':
        this.iadl = push(this.iadl, measure(e.date, e.score, e.author));
        return;
      case 'homeCareDeclaration':
        this.homeCare = push(this.homeCare, period(e.date, e.to, e.author));
        return;
      case 'paediatricDeclaration':
        this.paediatric = push(this.paediatric, period(e.date, e.to, e.author));
        return;
      case 'gynaecologicalDeclaration':
        this.gynaecological = push(this.gynaecological, period(e.date, e.to, e.author));
        return;
      case 'obstetricDeclaration':
        this.obstetric = push(this.obstetric, {
          from: parseDay(e.date),
          end: e.pregnancyEnd === undefined ? FAR_FUTURE : parseDay(e.pregnancyEnd),
          fromText: e.date,
          endText: e.pregnancyEnd,
        });
        return;
    }
  }
}

/** Converts a (validated) patient; pass the result to the engine to compute several months. */
export function preparePatient(patient: PatientInput): PreparedPatient {
  return new PreparedPatient(patient);
}

/** The prepared form of a raw or already prepared patient. */
export function prepared(patient: PatientInput | PreparedPatient): PreparedPatient {
  return patient instanceof PreparedPatient ? patient : new PreparedPatient(patient);
}

/** Latest measure dated within [start, end]; ties on the day keep the highest value (order-free). */
export function latestWithin(
  list: readonly PreparedMeasure[],
  start: number,
  end: number,
): PreparedMeasure | undefined {
  let best: PreparedMeasure | undefined;
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (m.day < start || m.day > end) continue;
    if (best === undefined || m.day > best.day || (m.day === best.day && m.value > best.value)) best = m;
  }
  return best;
}

/** Latest measure dated on or before `end`. */
export function latestUpTo(list: readonly PreparedMeasure[], end: number): PreparedMeasure | undefined {
  return latestWithin(list, FAR_PAST, end);
}

/** A period in force on `day`, preferring the most recent start (order-free). */
export function activeOn<T extends PreparedPeriod>(list: readonly T[], day: number): T | undefined {
  let best: T | undefined;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x.from <= day && day <= x.to && (best === undefined || x.from > best.from)) best = x;
  }
  return best;
}

/** Latest encounter on or before `end` matching the masks; −∞ (FAR_PAST) when none. */
export function lastEncounter(p: PreparedPatient, kinds: number, roles: number, end: number): number {
  const days = p.encounterDays;
  const masks = p.encounterMasks;
  let best = FAR_PAST;
  for (let i = 0; i < days.length; i++) {
    const d = days[i];
    const m = masks[i];
    if (d <= end && d > best && (m & kinds) !== 0 && (m & roles) !== 0 && (m & IN_STRUCTURE_BIT) !== 0)
      best = d;
  }
  return best;
}

/** First encounter on or after `start` (and ≤ `end`) matching the masks; FAR_FUTURE when none. */
export function firstEncounter(
  p: PreparedPatient,
  kinds: number,
  roles: number,
  start: number,
  end: number,
): number {
  const days = p.encounterDays;
  const masks = p.encounterMasks;
  let best = FAR_FUTURE;
  for (let i = 0; i < days.length; i++) {
    const d = days[i];
    const m = masks[i];
    if (
      d >= start &&
      d <= end &&
      d < best &&
      (m & kinds) !== 0 &&
      (m & roles) !== 0 &&
      (m & IN_STRUCTURE_BIT) !== 0
    )
      best = d;
  }
  return best;
}

/** Number of matching encounters dated within [start, end]. */
export function countEncounters(
  p: PreparedPatient,
  kinds: number,
  roles: number,
  start: number,
  end: number,
): number {
  const days = p.encounterDays;
  const masks = p.encounterMasks;
  let n = 0;
  for (let i = 0; i < days.length; i++) {
    const d = days[i];
    const m = masks[i];
    if (d >= start && d <= end && (m & kinds) !== 0 && (m & roles) !== 0 && (m & IN_STRUCTURE_BIT) !== 0) n++;
  }
  return n;
}
