/** Issue 3 §1: every [param] of RULES.md is a named, versioned parameter, validated as data. */
import { createEngineContext } from './context';
import { computeMonthlyForfait } from './monthly-forfait';
import { DEFAULT_GRID_VERSION, getProgrammeParams, gridVersions } from './params';
import { ProgrammeParamsSchema, type ProgrammeParams } from './params/schema';
import { consultation, mtr1Convention, patient, practitioners } from './testing/builders';

describe('programme parameters (grid "MTR2-2026")', () => {
  const p = getProgrammeParams();

  it('is registered under its version and validates against its schema', () => {
    expect(gridVersions()).toEqual(['MTR2-2026']);
    expect(DEFAULT_GRID_VERSION).toBe('MTR2-2026');
    expect(ProgrammeParamsSchema.safeParse(p).success).toBe(true);
    expect(() => getProgrammeParams('MTR2-2099')).toThrow(/unknown grid version/);
    expect(Object.isFrozen(p.briques)).toBe(true);
  });

  it('names each RULES.md [param]', () => {
    expect(p.inclusion.anniversaryForfaitStart).toBe('followingMonth'); // §1 anniversary forfait start
    expect(p.inclusion.anniversaryMonths).toBe(12);
    expect(p.eligibility.coverageAnchor).toBe('firstDayOfMonth'); // §1 coverage of the 1st day
    expect(p.consommant).toMatchObject({ windowMonths: 24, anchor: 'lastDayOfMonth' }); // §2 window, anchor day
    expect(p.age.anchorDayOfMonth).toBe(1); // §3 age on the 1st
    expect(p.rounding).toMatchObject({ mode: 'halfUp', unitPriceStepCents: 1, printedGridStepCents: 10 }); // §3 rounding
    expect(p.defaults.ipsoTheoreticalLeakageRate).toBe('0.15'); // §3 default theoretical rate
    expect(p.defaults.safeguardMethod).toBe('actsByDoctor'); // §5 method
    expect(p.leakageExemptLines).toEqual(['homeDependency']);
    expect(p.criteria.obstetricFollowUp.maxPaidMonths).toBe(9);
    expect(p.criteria.homeDependency.homeVisitWindowMonths).toBe(3);
    expect(p.safeguard.windowMonths).toBe(12);
    expect(p.annex3Acts.filter((a) => a.profession === 'gp').map((a) => a.code)).toContain('TCG');
  });

  it('drives the rules: changing a parameter changes the outcome, with no literal in rule code', () => {
    const base = { ...getProgrammeParams() } as ProgrammeParams;
    const params: ProgrammeParams = {
      ...base,
      version: 'TEST',
      consommant: { ...base.consommant, windowMonths: 12 },
      briques: { ...base.briques, ald: { label: 'ALD', grossCents: 800 } },
    };
    const ctx = createEngineContext({ params, convention: mtr1Convention(), practitioners: practitioners() });
    const seen18MonthsAgo = patient({
      encounters: [consultation('2025-12-15')],
      evidence: [{ type: 'ald', number: 8, from: '2020-01-01' }],
    });
    expect(computeMonthlyForfait(seen18MonthsAgo, ctx, '2027-06').status).toBe('notConsommant');
    const r = computeMonthlyForfait(seen18MonthsAgo, ctx, '2026-06');
    expect(r.lines.find((l) => l.code === 'ald')).toMatchObject({ grossCents: 800, netCents: 680 });
  });

  it('rejects a malformed parameter set with the field path', () => {
    const bad = {
      ...getProgrammeParams(),
      socleBands: getProgrammeParams().socleBands.map((b, i) => (i === 1 ? { ...b, minAgeYears: 7 } : b)),
    };
    const r = ProgrammeParamsSchema.safeParse(bad);
    expect(r.error?.issues[0]).toMatchObject({ path: ['socleBands', 1, 'minAgeYears'] });
  });
});
