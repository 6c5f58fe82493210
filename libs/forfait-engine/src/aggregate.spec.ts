/** RULES §3: a statement line is count × unit price; totals are sums of lines; both paths agree. */
import { aggregateMonth } from './aggregate';
import { compileMonthFacts, computeMonthTotals } from './columns';
import { computeMonthlyForfait } from './monthly-forfait';
import { computeStatement } from './statement';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCTOR_A, DOCTOR_B, consultation, contextFor, patient } from './testing/builders';

const example = JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'compute-scenario.json'), 'utf8'));

describe('aggregation per doctor and per structure (RULES §3)', () => {
  const ctx = contextFor();
  const patients = [
    patient({
      id: 'a1',
      birthDate: '1950-01-01',
      evidence: [{ type: 'ald', number: 8, from: '2020-01-01' }],
    }),
    patient({ id: 'a2', birthDate: '1990-01-01' }),
    patient({ id: 'b1', birthDate: '1995-01-01', mtDeclarations: [{ rpps: DOCTOR_B, from: '2021-01-01' }] }),
    patient({ id: 'n1', encounters: [consultation('2026-10-05')] }),
  ];
  const results = patients.map((p) => computeMonthlyForfait(p, ctx, '2026-10'));
  const s = aggregateMonth(results, ctx, '2026-10');

  it('counts lines per doctor with unit prices, line amounts = count × unit', () => {
    expect(s.doctors.map((d) => d.rpps)).toEqual([DOCTOR_A, DOCTOR_B]);
    const a = s.doctors[0];
    expect(a.patientsPaid).toBe(2);
    expect(a.lines.map((l) => [l.code, l.count, l.unitNetCents, l.netCents])).toEqual([
      ['socle_6_64', 1, 723, 723],
      ['socle_65_79', 1, 893, 893],
      ['ald', 1, 604, 604],
    ]);
    expect(a.netCents).toBe(723 + 893 + 604);
    expect(a.grossCents).toBe(850 + 1050 + 710);
  });

  it('totals the structure and counts patients by status', () => {
    expect(s.structure.patientsByStatus).toEqual({
      paid: 3,
      structureExited: 0,
      notCovered: 0,
      notYetIncluded: 1,
      notConsommant: 0,
    });
    expect(s.structure.netCents).toBe(s.doctors.reduce((t, d) => t + d.netCents, 0));
    expect(s.structure.netCents).toBe(results.reduce((t, r) => t + r.netCents, 0));
  });

  it('refuses results of another month', () => {
    expect(() => aggregateMonth(results, ctx, '2026-11')).toThrow(RangeError);
  });

  it('the columnar totals path gives the same statement as the explained path (README example)', () => {
    const statement = computeStatement(example);
    for (const month of statement.months) {
      const { patients: _explained, ...explained } = month;
      const ctx2 = contextFor({ convention: example.convention, practitioners: example.practitioners });
      expect(computeMonthTotals(compileMonthFacts(example.patients, ctx2, month.month), ctx2)).toEqual(
        explained,
      );
    }
  });
});
