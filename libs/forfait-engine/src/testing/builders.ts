/**
 * Builders for tests, examples and the benchmark: valid RPPS numbers and patients with sensible
 * defaults, so each specification states only the facts it is about.
 */
import type { ConventionInput, Encounter, Evidence, PatientInput, PractitionerInput } from '../schemas';

/** An 11-digit RPPS with a valid Luhn check digit, derived from `n`. */
export function rppsFor(n: number): string {
  const body = `1${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    // Positions counted from the right of the final 11-digit number: body digit i is at 10 − i.
    let d = body.charCodeAt(9 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export const DOCTOR_A = rppsFor(1);
export const DOCTOR_B = rppsFor(2);
export const MIDWIFE = rppsFor(3);
export const OUTSIDE_DOCTOR = rppsFor(9);

export function practitioners(extra: PractitionerInput[] = []): PractitionerInput[] {
  return [
    { rpps: DOCTOR_A, role: 'doctor', name: 'Dr A' },
    { rpps: DOCTOR_B, role: 'doctor', name: 'Dr B' },
    { rpps: MIDWIFE, role: 'midwife', name: 'SF' },
    ...extra,
  ];
}

/** A non-ipso structure entering on 2026-09-01 at 15 %. */
export function nonIpsoConvention(overrides: Partial<ConventionInput> = {}): ConventionInput {
  return {
    structureId: 'msp-test',
    isIpso: false,
    mtr1Participant: false,
    entryDate: '2026-09-01',
    theoreticalLeakageRate: '0.15',
    ...overrides,
  };
}

/** An MTR 1 ipso structure (entry at the launch, default 15 %). */
export function mtr1Convention(overrides: Partial<ConventionInput> = {}): ConventionInput {
  return {
    structureId: 'ipso-nation',
    isIpso: true,
    mtr1Participant: true,
    entryDate: '2026-05-01',
    ...overrides,
  };
}

export function consultation(date: string, overrides: Partial<Encounter> = {}): Encounter {
  return { date, kind: 'consultation', role: 'doctor', ...overrides };
}

export function homeVisit(date: string, role: Encounter['role'] = 'doctor'): Encounter {
  return { date, kind: 'visit', role };
}

/**
 * A patient of DOCTOR_A, declared long before any entry (2020), seen on 2026-09-15 (so included
 * at the entry consultation in a structure entering 2026-09-01: forfait from 2026-10).
 */
export function patient(overrides: Partial<PatientInput> & { evidence?: Evidence[] } = {}): PatientInput {
  return {
    id: 'p1',
    birthDate: '1980-03-10',
    sex: 'F',
    mtDeclarations: [{ rpps: DOCTOR_A, from: '2020-01-15' }],
    encounters: [consultation('2026-09-15')],
    evidence: [],
    ...overrides,
  };
}

import { createEngineContext, type EngineContext } from '../context';
import { computeMonthlyForfait } from '../monthly-forfait';
import type { PatientMonthResult } from '../output-schemas';

export interface StructureSetup {
  convention?: ConventionInput;
  practitioners?: PractitionerInput[];
}

export function contextFor(setup: StructureSetup = {}): EngineContext {
  return createEngineContext({
    convention: setup.convention ?? nonIpsoConvention(),
    practitioners: setup.practitioners ?? practitioners(),
  });
}

/** The explained forfait of one patient for one month in a test structure. */
export function forfaitOf(p: PatientInput, month: string, setup: StructureSetup = {}): PatientMonthResult {
  return computeMonthlyForfait(p, contextFor(setup), month);
}

/** Codes of the paid lines. */
export function paidCodes(r: PatientMonthResult): string[] {
  return r.lines.map((l) => l.code);
}
