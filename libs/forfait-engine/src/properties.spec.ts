/**
 * Property tests (fast-check) over random structures and patients: RULES §3 invariants (net ≤
 * gross, perte d'autonomie alone, totals = sum of lines) and determinism (same output twice,
 * independent of input order, same totals on the columnar path).
 */
import fc from 'fast-check';
import { compileMonthFacts, computeMonthTotals } from './columns';
import { createEngineContext } from './context';
import { formatDay, parseDay } from './dates';
import type { MonthStatement } from './output-schemas';
import type {
  ConventionInput,
  Encounter,
  Evidence,
  MtDeclaration,
  PatientInput,
  ScenarioInput,
} from './schemas';
import { computeStatement } from './statement';
import { DOCTOR_A, DOCTOR_B, OUTSIDE_DOCTOR, practitioners, rppsFor } from './testing/builders';

const LAST = parseDay('2027-07-31');
const dayIn = (from: number, to: number) => fc.integer({ min: from, max: to }).map(formatDay);

const conventionArb: fc.Arbitrary<ConventionInput> = fc.oneof(
  fc.record({
    structureId: fc.constant('s'),
    isIpso: fc.constant(false),
    mtr1Participant: fc.constant(false),
    entryDate: dayIn(parseDay('2026-05-01'), parseDay('2027-01-01')),
    theoreticalLeakageRate: fc.integer({ min: 0, max: 9999 }).map((bp) => (bp / 10000).toString()),
  }),
  fc.constant<ConventionInput>({
    structureId: 's',
    isIpso: true,
    mtr1Participant: true,
    entryDate: '2026-05-01',
  }),
);

function patientArb(id: string): fc.Arbitrary<PatientInput> {
  return fc.integer({ min: parseDay('1925-01-01'), max: parseDay('2027-05-20') }).chain((birth) => {
    const start = Math.max(birth, parseDay('2023-01-01'));
    const date = dayIn(start, LAST);
    const encounter: fc.Arbitrary<Encounter> = fc.record({
      date,
      kind: fc.constantFrom('consultation', 'consultation', 'teleconsultation', 'visit', 'other'),
      role: fc.constantFrom('doctor', 'doctor', 'doctor', 'midwife', 'ipa', 'nurse'),
      inStructure: fc.boolean({}).map((b) => b || undefined) as fc.Arbitrary<boolean | undefined>,
    });
    const evidence: fc.Arbitrary<Evidence> = fc.oneof(
      fc.record({
        type: fc.constant('ald' as const),
        number: fc.constantFrom(1, 5, 8, 12, 23, 30),
        from: date,
      }),
      fc.record({ type: fc.constant('c2s' as const), from: date }),
      fc.record({ type: fc.constant('ame' as const), from: date }),
      fc.record({ type: fc.constant('mdph' as const), date, ratePercent: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ type: fc.constant('phq9' as const), date, score: fc.integer({ min: 0, max: 27 }) }),
      fc.record({ type: fc.constant('gad7' as const), date, score: fc.integer({ min: 0, max: 21 }) }),
      fc.record({
        type: fc.constant('bmi' as const),
        date,
        value: fc.integer({ min: 150, max: 450 }).map((v) => v / 10),
      }),
      fc.record({ type: fc.constant('cvScore' as const), date, percent: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ type: fc.constant('iadl' as const), date, score: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ type: fc.constant('homeCareDeclaration' as const), date }),
      fc.record({ type: fc.constant('paediatricDeclaration' as const), date }),
      fc.record({ type: fc.constant('gynaecologicalDeclaration' as const), date }),
      fc.record({ type: fc.constant('obstetricDeclaration' as const), date }),
    );
    // Up to two consecutive MT declarations, the first one possibly closed.
    const declarations: fc.Arbitrary<MtDeclaration[]> = fc
      .tuple(
        fc.integer({ min: birth, max: Math.max(birth, parseDay('2026-12-31')) }),
        fc.integer({ min: 1, max: 900 }),
        fc.constantFrom(DOCTOR_A, DOCTOR_A, DOCTOR_B, OUTSIDE_DOCTOR, rppsFor(4)),
        fc.constantFrom(DOCTOR_A, DOCTOR_B, OUTSIDE_DOCTOR),
        fc.boolean(),
      )
      .map(([from, len, first, second, change]) =>
        change && from + len < LAST
          ? [
              { rpps: first, from: formatDay(from), to: formatDay(from + len) },
              { rpps: second, from: formatDay(from + len + 1) },
            ]
          : [{ rpps: first, from: formatDay(from) }],
      );
    // Sometimes a coherent perte d'autonomie file: IADL, home care declaration and home visits.
    const homeDependency = fc.option(fc.integer({ min: start, max: LAST - 60 }), { freq: 3 });
    return fc
      .record({
        id: fc.constant(id),
        birthDate: fc.constant(formatDay(birth)),
        sex: fc.constantFrom('F' as const, 'M' as const),
        mtDeclarations: declarations,
        encounters: fc.array(encounter, { maxLength: 6 }),
        evidence: fc.array(evidence, { maxLength: 6 }),
      })
      .chain((p) =>
        homeDependency.map((d) =>
          d === null
            ? p
            : {
                ...p,
                evidence: [
                  ...p.evidence,
                  { type: 'iadl' as const, date: formatDay(d), score: 1 },
                  { type: 'homeCareDeclaration' as const, date: formatDay(d) },
                ],
                encounters: [
                  ...p.encounters,
                  { date: formatDay(d + 30), kind: 'visit' as const, role: 'doctor' as const },
                ],
              },
        ),
      );
  });
}

const scenarioArb: fc.Arbitrary<ScenarioInput> = fc
  .tuple(conventionArb, fc.integer({ min: 1, max: 12 }))
  .chain(([convention, n]) =>
    fc.record({
      convention: fc.constant(convention),
      practitioners: fc.constant(
        practitioners([{ rpps: rppsFor(4), role: 'doctor', arrivalDate: '2026-12-10' }]),
      ),
      months: fc.constant(['2027-01', '2027-06']),
      explain: fc.constant(true),
      patients: fc.tuple(...Array.from({ length: n }, (_, i) => patientArb(`p${i}`))),
    }),
  );

function shuffle<T>(list: readonly T[] | undefined, seed: number): T[] | undefined {
  if (list === undefined) return undefined;
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const sumLines = (m: MonthStatement['structure']) => m.lines.reduce((t, l) => t + l.netCents, 0);

describe('properties of the monthly forfait (fast-check)', () => {
  it('net ≤ gross; perte d’autonomie alone; totals = sum of lines = sum of doctors = sum of patients', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const statement = computeStatement(scenario);
        for (const m of statement.months) {
          for (const p of m.patients ?? []) {
            expect(p.netCents).toBeLessThanOrEqual(p.grossCents);
            p.lines.forEach((l) => expect(l.netCents).toBeLessThanOrEqual(l.grossCents));
            if (p.lines.some((l) => l.code === 'homeDependency')) expect(p.lines).toHaveLength(1);
            expect(p.netCents).toBe(p.lines.reduce((t, l) => t + l.netCents, 0));
          }
          expect(m.structure.netCents).toBeLessThanOrEqual(m.structure.grossCents);
          expect(m.structure.netCents).toBe(sumLines(m.structure));
          m.structure.lines.forEach((l) => expect(l.netCents).toBe(l.count * l.unitNetCents));
          expect(m.structure.netCents).toBe(m.doctors.reduce((t, d) => t + d.netCents, 0));
          expect(m.structure.netCents).toBe((m.patients ?? []).reduce((t, p) => t + p.netCents, 0));
          expect(m.structure.patientsPaid).toBe((m.patients ?? []).filter((p) => p.status === 'paid').length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('computing twice gives identical output, whatever the order of patients, declarations, encounters and evidence', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 1_000_000 }), (scenario, seed) => {
        const first = computeStatement(scenario);
        expect(computeStatement(scenario)).toEqual(first);
        const shuffled: ScenarioInput = {
          ...scenario,
          months: shuffle(scenario.months, seed) as string[],
          patients: (shuffle(scenario.patients, seed) as PatientInput[]).map((p, i) => ({
            ...p,
            mtDeclarations: shuffle(p.mtDeclarations, seed + i) as MtDeclaration[],
            encounters: shuffle(p.encounters, seed + 2 * i),
            evidence: shuffle(p.evidence, seed + 3 * i),
          })),
        };
        expect(computeStatement(shuffled)).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });

  it('the columnar totals path agrees with the explained path', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const statement = computeStatement(scenario);
        const ctx = createEngineContext({
          convention: scenario.convention,
          practitioners: scenario.practitioners,
        });
        for (const m of statement.months) {
          const { patients: _p, ...explained } = m;
          expect(computeMonthTotals(compileMonthFacts(scenario.patients, ctx, m.month), ctx)).toEqual(
            explained,
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});
