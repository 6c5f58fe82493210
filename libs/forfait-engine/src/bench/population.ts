/**
 * A realistic GP practice population, generated deterministically in typed arrays (a few bytes
 * per patient, so a million patients cost tens of MiB), and turned into PatientInput objects on
 * demand, chunk by chunk, for the paths that take objects.
 *
 * Mix (France, médecin traitant patientèle): ages 0–5 6 %, 6–17 13 %, 18–64 58 %, 65–79 15 %,
 * 80+ 8 %; ALD 15 % (rising with age), C2S 8 %, AME 1 %, MDPH ≥ 50 % 2 %, PHQ-9/GAD-7 10 %,
 * IMC/SCORE 12 %, paediatric declaration for 70 % of babies under 25 months, gynaecology 10 % of
 * women 15–65, pregnancy 1.5 % of women 18–44, perte d'autonomie 8 % of patients over 80;
 * 85 % declared before the structure's entry (70 % of them seen since), 15 % after; 90 %
 * consommant; 3 % moved to an outside MT.
 */
import { formatDay, parseDay } from '../dates';
import type { Encounter, Evidence, PatientInput, PractitionerInput } from '../schemas';
import { rppsFor } from '../testing/builders';

export interface Population {
  readonly size: number;
  readonly month: string;
  readonly doctors: readonly string[];
  readonly entryDate: string;
  readonly birth: Int32Array;
  readonly sex: Uint8Array;
  readonly doctor: Int32Array;
  /** MT declaration start; movedOut > 0: day the MT changed to an outside doctor. */
  readonly declFrom: Int32Array;
  readonly movedOut: Int32Array;
  /** Entry consultation day (0: none) and last encounter day. */
  readonly entryConsult: Int32Array;
  readonly lastEncounter: Int32Array;
  /** Bit set of evidence kinds, and one date per patient for them (dates derived from it). */
  readonly evidence: Int32Array;
  readonly evidenceDay: Int32Array;
  readonly score: Uint8Array;
}

export const EV = {
  ald: 1,
  aldCv: 2,
  ald23: 4,
  c2s: 8,
  ame: 16,
  mdph: 32,
  phq9: 64,
  bmi: 128,
  cvScore: 256,
  paediatric: 512,
  gynaecological: 1024,
  obstetric: 2048,
  homeDependency: 4096,
} as const;

/** Mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function practitionersOf(pop: Population): PractitionerInput[] {
  return pop.doctors.map((rpps) => ({ rpps, role: 'doctor' as const }));
}

export function generatePopulation(size: number, doctorCount = 800, seed = 20260501): Population {
  const r = rng(seed);
  const month = '2027-06';
  const entry = parseDay('2026-09-01');
  const ref = parseDay('2027-06-01');
  const lastDay = parseDay('2027-06-30');
  const doctors = Array.from({ length: doctorCount }, (_, i) => rppsFor(100 + i));
  const pop: Population = {
    size,
    month,
    doctors,
    entryDate: '2026-09-01',
    birth: new Int32Array(size),
    sex: new Uint8Array(size),
    doctor: new Int32Array(size),
    declFrom: new Int32Array(size),
    movedOut: new Int32Array(size),
    entryConsult: new Int32Array(size),
    lastEncounter: new Int32Array(size),
    evidence: new Int32Array(size),
    evidenceDay: new Int32Array(size),
    score: new Uint8Array(size),
  };
  const between = (from: number, to: number) => from + Math.floor(r() * (to - from + 1));
  for (let i = 0; i < size; i++) {
    const u = r();
    const [minY, maxY] =
      u < 0.06 ? [0, 5] : u < 0.19 ? [6, 17] : u < 0.77 ? [18, 64] : u < 0.92 ? [65, 79] : [80, 99];
    const birth = ref - Math.floor((minY + r() * (maxY - minY + 1)) * 365.25);
    const age = (ref - birth) / 365.25;
    const female = r() < 0.52;
    pop.birth[i] = birth;
    pop.sex[i] = female ? 1 : 0;
    pop.doctor[i] = Math.floor((i / size) * doctorCount); // extractions come doctor by doctor
    const before = r() < 0.85;
    const from = before
      ? Math.max(birth, between(entry - 4000, entry - 1))
      : between(Math.max(entry, birth), lastDay - 20);
    pop.declFrom[i] = from;
    pop.movedOut[i] = r() < 0.03 ? between(from + 1, lastDay) : 0;
    const consommant = r() < 0.9;
    const seenSinceEntry = before && r() < 0.7;
    pop.entryConsult[i] = seenSinceEntry ? between(entry, lastDay) : 0;
    pop.lastEncounter[i] = consommant
      ? between(Math.max(birth, lastDay - 700), lastDay)
      : Math.max(birth, lastDay - 800 - between(0, 2000));
    let ev = 0;
    if (r() < 0.05 + 0.25 * Math.min(1, age / 80)) ev |= EV.ald;
    if ((ev & EV.ald) !== 0 && r() < 0.2) ev |= EV.aldCv;
    if ((ev & EV.ald) !== 0 && r() < 0.08) ev |= EV.ald23;
    if (r() < 0.08) ev |= EV.c2s;
    else if (r() < 0.01) ev |= EV.ame;
    if (r() < 0.02) ev |= EV.mdph;
    if (age >= 12 && r() < 0.1) ev |= EV.phq9;
    if (age >= 18 && r() < 0.08) ev |= EV.bmi;
    if (age >= 40 && r() < 0.06) ev |= EV.cvScore;
    if (age < 2.1 && r() < 0.7) ev |= EV.paediatric;
    if (female && age >= 15 && age < 65 && r() < 0.1) ev |= EV.gynaecological;
    if (female && age >= 18 && age < 45 && r() < 0.015) ev |= EV.obstetric;
    if (age >= 80 && r() < 0.08) ev |= EV.homeDependency;
    pop.evidence[i] = ev;
    pop.evidenceDay[i] = Math.max(birth, between(lastDay - 420, lastDay - 5));
    pop.score[i] = Math.floor(r() * 20);
  }
  return pop;
}

/** The patient as the API would send it (ISO strings), rebuilt from the columns. */
export function patientAt(pop: Population, i: number): PatientInput {
  const d = formatDay;
  const day = pop.evidenceDay[i];
  const ev = pop.evidence[i];
  const rpps = pop.doctors[pop.doctor[i]];
  const movedOut = pop.movedOut[i];
  const mtDeclarations =
    movedOut > 0
      ? [
          { rpps, from: d(pop.declFrom[i]), to: d(movedOut - 1) },
          { rpps: OUTSIDE, from: d(movedOut) },
        ]
      : [{ rpps, from: d(pop.declFrom[i]) }];
  const encounters: Encounter[] = [{ date: d(pop.lastEncounter[i]), kind: 'consultation', role: 'doctor' }];
  if (pop.entryConsult[i] !== 0)
    encounters.push({ date: d(pop.entryConsult[i]), kind: 'consultation', role: 'doctor' });
  const evidence: Evidence[] = [];
  const score = pop.score[i];
  if ((ev & EV.ald) !== 0)
    evidence.push({
      type: 'ald',
      number: (ev & EV.ald23) !== 0 ? 23 : (ev & EV.aldCv) !== 0 ? 5 : 8 + (score % 20),
      from: d(day - 900),
    });
  if ((ev & EV.c2s) !== 0) evidence.push({ type: 'c2s', from: d(day - 200) });
  if ((ev & EV.ame) !== 0) evidence.push({ type: 'ame', from: d(day - 100) });
  if ((ev & EV.mdph) !== 0) evidence.push({ type: 'mdph', date: d(day), ratePercent: 30 + score * 3 });
  if ((ev & EV.phq9) !== 0) evidence.push({ type: 'phq9', date: d(day), score: score });
  if ((ev & EV.bmi) !== 0) evidence.push({ type: 'bmi', date: d(day), value: 24 + score / 2 });
  if ((ev & EV.cvScore) !== 0) evidence.push({ type: 'cvScore', date: d(day), percent: score / 2 });
  if ((ev & EV.paediatric) !== 0)
    evidence.push({ type: 'paediatricDeclaration', date: d(Math.max(pop.birth[i], day - 30)) });
  if ((ev & EV.gynaecological) !== 0)
    evidence.push({ type: 'gynaecologicalDeclaration', date: d(day - 400) });
  if ((ev & EV.obstetric) !== 0) evidence.push({ type: 'obstetricDeclaration', date: d(day - 120) });
  if ((ev & EV.homeDependency) !== 0) {
    evidence.push(
      { type: 'iadl', date: d(day), score: score % 4 },
      { type: 'homeCareDeclaration', date: d(day - 30) },
    );
    encounters.push(
      { date: d(pop.lastEncounter[i] - 40), kind: 'visit', role: 'doctor' },
      { date: d(day), kind: 'visit', role: 'doctor' },
    );
  }
  return {
    id: `p${i}`,
    birthDate: d(pop.birth[i]),
    sex: pop.sex[i] === 1 ? 'F' : 'M',
    mtDeclarations,
    encounters,
    evidence,
  };
}

const OUTSIDE = rppsFor(99_999);
