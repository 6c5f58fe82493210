import {
  aggregateFacts,
  emptyRow,
  funnelHidden,
  rowsToCsv,
  shownSum,
  showRow,
  type IndicatorRow,
  type PatientMonthFact,
} from './indicator-model';
import { programmeView } from './indicators.service';
import { SUPPRESSED } from './small-cell-suppression';

const fact = (f: Partial<PatientMonthFact> & Pick<PatientMonthFact, 'patientId'>): PatientMonthFact => ({
  month: '2027-01',
  practitionerId: 'D1',
  included: true,
  consommant: true,
  inclusionMonth: '2026-05',
  inclusionPath: 'mtr1',
  band: '6-64',
  briques: [],
  grossCents: 0,
  netCents: 0,
  sex: 'F',
  age: 40,
  infoNoteGiven: false,
  opposed: false,
  ...f,
});

/** Issue #7 §1 — indicators of one structure and month, computed by hand below. */
describe('indicator aggregation (issue #7 §1)', () => {
  const facts = [
    // P1: new by entry consultation, socle 6–64 + ALD, man of 40, information note given.
    fact({
      patientId: 'P1',
      inclusionMonth: '2027-01',
      inclusionPath: 'entry_consultation',
      sex: 'M',
      age: 40,
      infoNoteGiven: true,
      briques: [{ code: 'ald', grossCents: 710, netCents: 604 }],
      grossCents: 850 + 710,
      netCents: 723 + 604,
    }),
    // P2: MTR 1 carry-over, included but not consommant: counted in included, not in bands nor amounts; opposed.
    fact({ patientId: 'P2', consommant: false, band: '65-79', age: 70, infoNoteGiven: true, opposed: true }),
    // P3: MT in the structure, not included: only in patientsMt (its doctor does not count).
    fact({
      patientId: 'P3',
      practitionerId: 'D3',
      included: false,
      consommant: false,
      inclusionMonth: null,
      inclusionPath: null,
      band: null,
      sex: 'M',
      age: 30,
    }),
    // P4: new by declaration, socle 80+ + ALD + handicap, woman of 85.
    fact({
      patientId: 'P4',
      practitionerId: 'D2',
      inclusionMonth: '2027-01',
      inclusionPath: 'declaration',
      band: '80+',
      age: 85,
      briques: [
        { code: 'ald', grossCents: 710, netCents: 604 },
        { code: 'handicap', grossCents: 1250, netCents: 1063 },
      ],
      grossCents: 1400 + 710 + 1250,
      netCents: 1190 + 604 + 1063,
    }),
    // Another month, to check the split per month.
    fact({ patientId: 'P1', month: '2027-02', sex: 'M' }),
  ];

  it('counts patients, inclusions by path, bands, briques, profile, doctors and amounts per month', () => {
    const [jan, feb] = aggregateFacts(facts, {
      leakageTheoretical: 0.15,
      safeguardCentsByMonth: { '2027-01': 12_345 },
    });
    expect(jan).toEqual<IndicatorRow>({
      month: '2027-01',
      patientsMt: 4,
      included: 3,
      consommant: 2,
      newByPath: { entry_consultation: 1, declaration: 1, anniversary: 0, mtr1: 0 },
      bands: { '0-5': 0, '6-64': 1, '65-79': 0, '80+': 1 },
      briques: {
        ald: { count: 2, grossCents: 1420, netCents: 1208 },
        handicap: { count: 1, grossCents: 1250, netCents: 1063 },
      },
      men: 1,
      aged65Plus: 2,
      doctors: 2,
      grossCents: 1560 + 3360,
      netCents: 1327 + 2857,
      leakageTheoretical: 0.15,
      leakageReal: null,
      safeguardCents: 12_345,
      infoNotes: 2,
      oppositions: 1,
    });
    expect(feb).toMatchObject({ month: '2027-02', patientsMt: 1, included: 1, men: 1, safeguardCents: 0 });
  });
});

const row = (over: Partial<IndicatorRow> = {}): IndicatorRow => ({
  ...emptyRow('2027-01'),
  patientsMt: 200,
  included: 150,
  consommant: 120,
  newByPath: { entry_consultation: 10, declaration: 11, anniversary: 0, mtr1: 0 },
  bands: { '0-5': 4, '6-64': 80, '65-79': 25, '80+': 11 },
  briques: {
    ald: { count: 10, grossCents: 7100, netCents: 6040 },
    handicap: { count: 11, grossCents: 13_750, netCents: 11_690 },
  },
  men: 60,
  aged65Plus: 36,
  doctors: 10,
  grossCents: 100_000,
  netCents: 85_000,
  safeguardCents: 5000,
  infoNotes: 150,
  oppositions: 0,
  ...over,
});

/** Issue #7 §3 — what the COPIL sees of a row. */
describe('COPIL view of an indicator row (issue #7 §3)', () => {
  it('10 is hidden, 11 is shown, 0 is shown; amounts derived from a hidden count are hidden', () => {
    const s = showRow(row(), true);
    expect(s.briques.ald).toEqual({ count: SUPPRESSED, grossCents: SUPPRESSED, netCents: SUPPRESSED });
    expect(s.briques.handicap).toEqual({ count: 11, grossCents: 13_750, netCents: 11_690 });
    expect(s.doctors).toBe(SUPPRESSED);
    expect(s.safeguardCents).toBe(SUPPRESSED);
    expect(s.oppositions).toBe(0);
    expect(s.grossCents).toBe(100_000);
    expect(s.suppressed).toBe(true);
  });

  it('secondary suppression: a lone hidden band or path takes the smallest visible one with it, so the total gives nothing back', () => {
    const s = showRow(row(), true);
    expect(s.consommant).toBe(120);
    expect(s.bands).toEqual({ '0-5': SUPPRESSED, '6-64': 80, '65-79': 25, '80+': SUPPRESSED });
    expect(s.newInclusions).toBe(21);
    expect(s.newByPath).toEqual({
      entry_consultation: SUPPRESSED,
      declaration: SUPPRESSED,
      anniversary: 0,
      mtr1: 0,
    });
  });

  it('a share is hidden when its part or its complement is small (women = included − men)', () => {
    expect(showRow(row(), true).menPct).toBe(40);
    expect(showRow(row({ men: 145 }), true).menPct).toBe(SUPPRESSED);
    expect(showRow(row({ men: 145 }), false).menPct).toBe(96.7);
  });

  it('unsuppressed (structure, ipso) keeps every value', () => {
    const s = showRow(row(), false);
    expect(s.doctors).toBe(10);
    expect(s.bands['0-5']).toBe(4);
    expect(s.suppressed).toBe(false);
  });

  it('the CSV export carries the same suppressed values', () => {
    const csv = rowsToCsv([{ ...showRow(row(), true), structureName: 'Maison A' }]);
    const [header, line] = csv.trim().split('\r\n');
    const cols = header.split(';');
    const vals = line.split(';');
    expect(vals[cols.indexOf('medecins')]).toBe(SUPPRESSED);
    expect(vals[cols.indexOf('socle_80+')]).toBe(SUPPRESSED);
    expect(vals[cols.indexOf('ald_brut_cents')]).toBe(SUPPRESSED);
    expect(vals[cols.indexOf('consommants')]).toBe('120');
  });
});

/** Issue #7 §2, RULES.md §8 — programme view. */
describe('programme view (issue #7 §2)', () => {
  const A = 'a'; // ipso
  const B = 'b'; // non-ipso
  const rows = [
    { ...row({ month: '2026-11', doctors: 20, included: 20_000 }), tenantId: A },
    { ...row({ month: '2026-12', doctors: 21, included: 21_000 }), tenantId: A },
    { ...row({ month: '2026-12', doctors: 5, included: 3_000 }), tenantId: B },
    { ...row({ month: '2027-01', doctors: 22, included: 22_000, netCents: 1_000_000_00 }), tenantId: A },
    { ...row({ month: '2027-02', doctors: 22, included: 22_500, netCents: 1_100_000_00 }), tenantId: A },
    { ...row({ month: '2027-03', doctors: 22, included: 23_000, netCents: 1_200_000_00 }), tenantId: A },
  ];
  const ipso = new Map([
    [A, true],
    [B, false],
  ]);
  const ms = { selected: 3, aavSizes: [{ structureId: B, aavCode: '123', population: 150_000 }] };

  it('cumulative doctors and patients at each trajectory point: each structure’s latest month up to it', () => {
    const v = programmeView(rows, ipso, 2027, false, ms);
    expect(v.trajectory[0]).toEqual({
      at: '2026-12',
      targetDoctors: 49,
      targetPatients: 44_413,
      doctors: 26,
      patients: 24_000,
    });
    expect(v.trajectory[1]).toMatchObject({
      at: '2027-12',
      targetDoctors: 73,
      doctors: 22 + 5,
      patients: 23_000 + 3_000,
    });
  });

  it('projects the ipso line to year end from the last three months and raises the alert above the budget', () => {
    const v = programmeView(rows, ipso, 2027, false, ms);
    const line = v.budget.find((b) => b.line === 'ipso')!;
    expect(line.paidCents).toBe(3_300_000_00);
    expect(line.monthsLeft).toBe(9);
    expect(line.projectedCents).toBe(3_300_000_00 + 1_100_000_00 * 9);
    expect(line.budgetCents).toBe(8_482_253_00);
    expect(line.alert).toBe(true); // 13.2 M€ projected > 8.48 M€
    expect(v.budgetAlert).toBe(true);
    const calm = programmeView(
      rows.map((r) => ({ ...r, netCents: 50_000_00 })),
      ipso,
      2027,
      false,
      ms,
    );
    expect(calm.budget.find((b) => b.line === 'ipso')!.alert).toBe(false);
  });

  it('non-ipso milestones: selected structures and AAV sizes (structures, not people: shown to the COPIL as is)', () => {
    expect(programmeView(rows, ipso, 2027, true, ms).nonIpso).toEqual({
      selected: 3,
      aavUnder300k: 1,
      aavSizes: ms.aavSizes,
    });
  });

  it('for the COPIL, programme totals built on 1–10 patients are hidden', () => {
    const tiny = [
      { ...row({ month: '2027-01', doctors: 1, included: 7, consommant: 7, netCents: 5000 }), tenantId: B },
    ];
    const v = programmeView(tiny, ipso, 2027, true, ms);
    expect(v.trajectory[1]).toMatchObject({ doctors: SUPPRESSED, patients: SUPPRESSED });
    expect(v.budget.find((b) => b.line === 'nonIpso')).toMatchObject({
      paidCents: SUPPRESSED,
      projectedCents: SUPPRESSED,
      monthly: [{ month: '2027-01', amountCents: SUPPRESSED }],
    });
  });
});

/** Issue #7 §3 — secondary suppression of implicit differences and of totals over structures. */
describe('secondary suppression beyond one table (issue #7 §3)', () => {
  it('the funnel: 5 MT patients not included would be patientsMt − included, so both are hidden', () => {
    expect(funnelHidden({ patientsMt: 205, included: 200, consommant: 150 })).toBe(true);
    expect(funnelHidden({ patientsMt: 300, included: 200, consommant: 195 })).toBe(true);
    expect(funnelHidden({ patientsMt: 300, included: 200, consommant: 150 })).toBe(false);
    const s = showRow(row({ patientsMt: 155 }), true);
    expect([s.patientsMt, s.included, s.consommant]).toEqual([SUPPRESSED, SUPPRESSED, 120]);
  });

  it('a total over structures with exactly one hidden part is hidden; with two or more it is shown', () => {
    expect(
      shownSum(
        [
          { value: 7, hidden: true },
          { value: 500, hidden: false },
        ],
        true,
      ),
    ).toBe(SUPPRESSED);
    expect(
      shownSum(
        [
          { value: 7, hidden: true },
          { value: 4, hidden: true },
          { value: 500, hidden: false },
        ],
        true,
      ),
    ).toBe(511);
    expect(
      shownSum(
        [
          { value: 7, hidden: true },
          { value: 500, hidden: false },
        ],
        false,
      ),
    ).toBe(507);
  });

  it('programme trajectory: one structure with 1–10 doctors among others with more hides the doctors total', () => {
    const rows = [
      { ...row({ month: '2026-12', doctors: 3, included: 2_000 }), tenantId: 'a' },
      { ...row({ month: '2026-12', doctors: 14, included: 3_000 }), tenantId: 'b' },
    ];
    const v = programmeView(
      rows,
      new Map([
        ['a', true],
        ['b', true],
      ]),
      2026,
      true,
      { selected: 0, aavSizes: [] },
    );
    expect(v.trajectory[0]).toMatchObject({ doctors: SUPPRESSED, patients: 5_000 });
  });
});
