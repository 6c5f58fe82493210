/** Issue 3 §1: reject impossible data with a precise message naming the field path. */
import { InputError } from './errors';
import { ProgrammeParamsSchema } from './params/schema';
import { getProgrammeParams } from './params';
import { computeStatement } from './statement';
import type { ScenarioInput } from './schemas';
import { DOCTOR_A, OUTSIDE_DOCTOR, nonIpsoConvention, patient, practitioners } from './testing/builders';

function scenario(overrides: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    convention: nonIpsoConvention(),
    practitioners: practitioners(),
    months: ['2026-10'],
    patients: [patient()],
    ...overrides,
  };
}

function issuesOf(input: unknown): string[] {
  try {
    computeStatement(input);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

describe('input validation names the faulty field', () => {
  it('accepts the base scenario', () => {
    expect(issuesOf(scenario())).toEqual([]);
  });

  it('rejects a birth date after the billed month', () => {
    expect(
      issuesOf(scenario({ patients: [patient({ birthDate: '2026-11-02', mtDeclarations: [] })] })),
    ).toContain('patients[0].birthDate: birth date 2026-11-02 is after the billed month 2026-10');
  });

  it('rejects a theoretical rate outside [0, 1)', () => {
    expect(issuesOf(scenario({ convention: nonIpsoConvention({ theoreticalLeakageRate: 1 }) }))).toEqual([
      'convention.theoreticalLeakageRate: rate 1 is outside [0, 1)',
    ]);
    expect(
      issuesOf(scenario({ convention: nonIpsoConvention({ theoreticalLeakageRate: '15 %' }) }))[0],
    ).toMatch(/^convention\.theoreticalLeakageRate: "15 %" is not a decimal rate/);
  });

  it('rejects an unknown brique (evidence type or parameter line)', () => {
    const bad = { ...patient(), evidence: [{ type: 'obesity', date: '2026-01-01' }] };
    expect(issuesOf({ ...scenario(), patients: [bad] })[0]).toMatch(
      /^patients\[0\]\.evidence\[0\]\.type: unknown evidence type "obesity"/,
    );
    const params = { ...getProgrammeParams(), leakageExemptLines: ['homeDependency', 'teleconsultation'] };
    const r = ProgrammeParamsSchema.safeParse(params);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['leakageExemptLines', 1],
      message: expect.stringMatching(/unknown line "teleconsultation"/),
    });
  });

  it('rejects dates that are not calendar dates, and unknown fields', () => {
    expect(issuesOf(scenario({ patients: [patient({ birthDate: '1980-02-30' })] }))).toEqual([
      'patients[0].birthDate: not a calendar date',
    ]);
    expect(issuesOf({ ...scenario(), patients: [{ ...patient(), birthdate: '1980-01-01' }] })).toEqual([
      'patients[0]: Unrecognized key: "birthdate"',
    ]);
  });

  it('rejects declarations before birth and overlapping MT declarations', () => {
    const p = patient({
      birthDate: '2000-01-01',
      mtDeclarations: [
        { rpps: DOCTOR_A, from: '1999-01-01', to: '2010-01-01' },
        { rpps: OUTSIDE_DOCTOR, from: '2009-06-01' },
      ],
    });
    expect(issuesOf(scenario({ patients: [p] }))).toEqual([
      'patients[0].mtDeclarations[0].from: declaration on 1999-01-01, before the birth date 2000-01-01',
      'patients[0].mtDeclarations[1].from: overlaps mtDeclarations[0]: a patient has one MT at a time (close the previous one with "to")',
    ]);
  });

  it('rejects periods ending before they start, encounters after death, duplicate ids, bad RPPS', () => {
    const p = patient({
      deathDate: '2026-10-01',
      evidence: [{ type: 'ald', number: 8, from: '2020-01-01', to: '2019-01-01' }],
      encounters: [{ date: '2026-10-05', kind: 'consultation', role: 'doctor' }],
    });
    expect(issuesOf(scenario({ patients: [p, patient()] }))).toEqual([
      'patients[1].id: duplicate patient id "p1" (also patients[0])',
      'patients[0].evidence[0].to: ends on 2019-01-01, before it starts (2020-01-01)',
      'patients[0].encounters[0].date: encounter on 2026-10-05, after the death date 2026-10-01',
    ]);
    expect(
      issuesOf(
        scenario({ patients: [patient({ mtDeclarations: [{ rpps: '10000000018', from: '2020-01-01' }] })] }),
      ),
    ).toEqual(['patients[0].mtDeclarations[0].rpps: RPPS check digit (Luhn) is wrong']);
  });

  it('checks the convention: non-ipso rate, MTR 1 entry, months in the programme', () => {
    expect(
      issuesOf(scenario({ convention: nonIpsoConvention({ theoreticalLeakageRate: undefined }) })),
    ).toEqual([
      'convention.theoreticalLeakageRate: required for a non-ipso structure (set by its CNAM convention)',
    ]);
    expect(
      issuesOf(
        scenario({
          convention: { structureId: 'x', isIpso: true, mtr1Participant: true, entryDate: '2026-06-01' },
        }),
      ),
    ).toEqual(['convention.entryDate: an MTR 1 structure enters at the MTR 2 launch, 2026-05-01']);
    expect(issuesOf(scenario({ months: ['2026-04', '2026-10', '2026-10'] }))).toEqual([
      'months[0]: month 2026-04 is outside the programme (2026-05 – 2030-04)',
      'months[2]: month 2026-10 is listed twice',
    ]);
    expect(issuesOf(scenario({ gridVersion: 'MTR9' }))[0]).toMatch(
      /^gridVersion: unknown grid version "MTR9"/,
    );
  });
});
