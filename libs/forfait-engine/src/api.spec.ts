/**
 * The public API as the API team calls it (index.ts): one context per structure, one explained
 * result per patient-month, a statement per month; results follow the published output schemas.
 */
import {
  MonthAggregator,
  PatientMonthResultSchema,
  aggregateMonth,
  computeInclusion,
  computeMonthlyForfait,
  consommantStatus,
  createEngineContext,
  preparePatient,
} from './index';
import { DOCTOR_A, consultation, nonIpsoConvention, patient, practitioners } from './testing/builders';

describe('public API', () => {
  const ctx = createEngineContext({ convention: nonIpsoConvention(), practitioners: practitioners() });
  const p = patient({
    birthDate: '1950-04-02',
    evidence: [
      { type: 'ald', number: 8, from: '2019-06-01' },
      { type: 'phq9', date: '2026-10-02', score: 11, author: 'Dr A' },
    ],
  });

  it('explains every line of a patient-month in French, with the rule that holds', () => {
    const r = computeMonthlyForfait(p, ctx, '2026-11');
    expect(PatientMonthResultSchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      status: 'paid',
      mtRpps: DOCTOR_A,
      ageYears: 76,
      grossCents: 1050 + 710 + 1040,
      netCents: 893 + 604 + 884,
    });
    expect(r.lines.map((l) => [l.code, l.rule, l.text])).toEqual([
      ['socle_65_79', 'ageBand', '76 ans révolus au 2026-11-01'],
      ['ald', 'aldActive', 'ALD active au 2026-11-01 : n° 8 (depuis le 2019-06-01)'],
      [
        'mentalHealth',
        'phq9AtThreshold',
        'PHQ-9 = 11 ≥ 5 le 2026-10-02 par Dr A, entre le 2025-12-01 et le 2026-11-30',
      ],
    ]);
    expect(r.statusText).toBe(
      "payé au médecin traitant 10000000017 ; inclus le 2026-09-15 (consultation d'entrée), forfait depuis 2026-10 ; consommant (dernier contact le 2026-09-15)",
    );
  });

  it('explains why a patient-month is not paid', () => {
    const r = computeMonthlyForfait(p, ctx, '2026-09');
    expect(r).toMatchObject({ status: 'notYetIncluded', lines: [], grossCents: 0, netCents: 0 });
    expect(r.statusText).toContain('forfait à partir de 2026-10');
  });

  it('gives the inclusion in force on a date and the consommant status of a month', () => {
    expect(computeInclusion(p, ctx, '2026-12-01')).toMatchObject({
      reason: 'entryConsultation',
      date: '2026-09-15',
    });
    expect(computeInclusion(patient({ mtDeclarations: [] }), ctx)).toBeNull();
    expect(consommantStatus(p, ctx, '2028-08')).toEqual({
      consommant: true,
      lastEncounter: '2026-09-15',
      windowStart: '2026-09-01',
      windowEnd: '2028-08-31',
    });
    expect(
      consommantStatus(patient({ encounters: [consultation('2026-09-15')] }), ctx, '2028-09').consommant,
    ).toBe(false);
  });

  it('accepts a prepared patient for several months, and streams results into a statement', () => {
    const prepared = preparePatient(p);
    const months = ['2026-10', '2026-11', '2026-12'];
    const results = months.map((m) => computeMonthlyForfait(prepared, ctx, m));
    expect(results.map((r) => r.netCents)).toEqual([893 + 604 + 884, 893 + 604 + 884, 893 + 604 + 884]);
    const agg = new MonthAggregator(ctx, '2026-11');
    agg.add(results[1]);
    expect(agg.statement()).toEqual(aggregateMonth([results[1]], ctx, '2026-11'));
  });
});
