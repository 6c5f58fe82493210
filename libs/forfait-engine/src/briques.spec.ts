/**
 * RULES §3 "Monthly forfait" and the Annex 5 brique table, at every boundary. The patient is in
 * an MTR 1 structure (included since May 2026), consommant, billed for June 2027 unless stated:
 * age is read on 2027-06-01, states on 2027-06-01, "within 12 months" means 2026-07-01 …
 * 2027-06-30, "in the last 3 months" means 2027-04-01 … 2027-06-30.
 */
import { consultation, forfaitOf, homeVisit, mtr1Convention, paidCodes, patient } from './testing/builders';
import type { Evidence, PatientInput } from './schemas';

const setup = { convention: mtr1Convention() };
const MONTH = '2027-06';

function june(overrides: Partial<PatientInput> = {}, month = MONTH) {
  return forfaitOf(patient({ encounters: [consultation('2027-01-10')], ...overrides }), month, setup);
}
const withEvidence = (evidence: Evidence[], overrides: Partial<PatientInput> = {}) =>
  june({ evidence, ...overrides });
const notPaid = (r: ReturnType<typeof june>, code: string) => r.notPaid.find((n) => n.code === code);

describe('socle by age: completed years on the 1st of the billed month (RULES §3 [param])', () => {
  it.each([
    ['2021-06-01', 'socle_6_64', 6],
    ['2021-06-02', 'socle_0_5', 5],
    ['1962-06-01', 'socle_65_79', 65],
    ['1962-06-02', 'socle_6_64', 64],
    ['1947-06-01', 'socle_80_plus', 80],
    ['1947-06-02', 'socle_65_79', 79],
  ])('born %s → %s (age %i)', (birthDate, code, age) => {
    const r = june({ birthDate });
    expect(r.ageYears).toBe(age);
    expect(paidCodes(r)).toEqual([code]);
  });
});

describe('suivi pédiatrique: age < 25 months and the legal representative declaration', () => {
  const declared: Evidence[] = [{ type: 'paediatricDeclaration', date: '2025-07-01', author: 'père' }];
  it('is paid at 24 completed months on the 1st', () => {
    const r = withEvidence(declared, { birthDate: '2025-05-02' });
    expect(r.ageMonths).toBe(24);
    expect(paidCodes(r)).toEqual(['socle_0_5', 'paediatricFollowUp']);
    expect(r.lines[1].text).toContain('père');
  });
  it('stops at 25 completed months', () => {
    const r = withEvidence(declared, { birthDate: '2025-05-01' });
    expect(r.ageMonths).toBe(25);
    expect(paidCodes(r)).toEqual(['socle_0_5']);
    expect(notPaid(r, 'paediatricFollowUp')).toMatchObject({
      outcome: 'criteriaNotMet',
      rule: 'ageLimitReached',
    });
  });
  it('needs the declaration', () => {
    expect(paidCodes(june({ birthDate: '2026-01-15' }))).toEqual(['socle_0_5']);
  });
});

describe('vulnérabilité sociale: C2S or AME active', () => {
  it('holds with C2S or AME on the 1st, not with a cover ended before', () => {
    expect(paidCodes(withEvidence([{ type: 'c2s', from: '2027-01-01' }]))).toContain('socialVulnerability');
    expect(paidCodes(withEvidence([{ type: 'ame', from: '2027-06-01' }]))).toContain('socialVulnerability');
    const ended = withEvidence([{ type: 'c2s', from: '2026-01-01', to: '2027-05-31' }]);
    expect(paidCodes(ended)).not.toContain('socialVulnerability');
    expect(notPaid(ended, 'socialVulnerability')?.rule).toBe('coverNotActive');
  });
});

describe('ALD: at least one active ALD', () => {
  it('holds while an ALD is active on the 1st', () => {
    expect(
      paidCodes(withEvidence([{ type: 'ald', number: 8, from: '2020-01-01', to: '2027-06-01' }])),
    ).toContain('ald');
    expect(
      paidCodes(withEvidence([{ type: 'ald', number: 8, from: '2020-01-01', to: '2027-05-31' }])),
    ).not.toContain('ald');
  });
});

describe('handicap: MDPH incapacity rate ≥ 50 % at the latest assessment', () => {
  it.each([
    [50, true],
    [49, false],
  ])('rate %i %% → paid: %s', (ratePercent, paid) => {
    expect(
      paidCodes(withEvidence([{ type: 'mdph', date: '2026-03-01', ratePercent }])).includes('disability'),
    ).toBe(paid);
  });
  it('uses the latest assessment', () => {
    const r = withEvidence([
      { type: 'mdph', date: '2025-03-01', ratePercent: 80 },
      { type: 'mdph', date: '2026-03-01', ratePercent: 30 },
    ]);
    expect(notPaid(r, 'disability')?.rule).toBe('mdphRateBelowThreshold');
  });
});

describe('santé mentale: PHQ-9 ≥ 5 or GAD-7 ≥ 5 within 12 months; exclusions ALD 23 and no re-assessment', () => {
  const phq = (date: string, score = 7): Evidence => ({ type: 'phq9', date, score });
  it('score dated 12 months − 1 day before the window end counts, 12 months and 12 months + 1 day do not', () => {
    expect(paidCodes(withEvidence([phq('2026-07-01')]))).toContain('mentalHealth');
    expect(paidCodes(withEvidence([phq('2026-06-30')]))).not.toContain('mentalHealth');
    expect(paidCodes(withEvidence([phq('2026-06-29')]))).not.toContain('mentalHealth');
  });
  it('threshold 5 on either score; the latest score of each instrument decides', () => {
    expect(paidCodes(withEvidence([phq('2027-01-01', 4)]))).not.toContain('mentalHealth');
    expect(
      paidCodes(withEvidence([phq('2027-01-01', 4), { type: 'gad7', date: '2027-02-01', score: 5 }])),
    ).toContain('mentalHealth');
    const improved = withEvidence([phq('2026-09-01', 12), phq('2027-03-01', 3)]);
    expect(notPaid(improved, 'mentalHealth')?.rule).toBe('scoreBelowThreshold');
  });
  it('is excluded with ALD 23', () => {
    const r = withEvidence([phq('2027-01-01'), { type: 'ald', number: 23, from: '2024-01-01' }]);
    expect(paidCodes(r)).toEqual(['socle_6_64', 'ald']);
    expect(notPaid(r, 'mentalHealth')).toMatchObject({ outcome: 'excluded', rule: 'psychiatricAld' });
  });
  it('excludes a patient included for more than a year (MTR 1 counts) without re-assessment', () => {
    const old = withEvidence([phq('2026-05-15')], { mtr1InclusionDate: '2021-03-01' });
    expect(notPaid(old, 'mentalHealth')).toMatchObject({
      outcome: 'excluded',
      rule: 'noReassessmentAfterOneYear',
    });
  });
});

describe('haut risque CV: IMC ≥ 30, or SCORE ≥ 5 % (men ≥ 40, women ≥ 50) within 12 months; excluded with ALD 1, 5, 12', () => {
  it('IMC 30 holds, 29.9 does not', () => {
    expect(paidCodes(withEvidence([{ type: 'bmi', date: '2027-02-01', value: 30 }]))).toContain('highCvRisk');
    expect(paidCodes(withEvidence([{ type: 'bmi', date: '2027-02-01', value: 29.9 }]))).not.toContain(
      'highCvRisk',
    );
  });
  it('SCORE is valid for a man of 40 on the score date, not 39', () => {
    const score: Evidence = { type: 'cvScore', date: '2027-02-01', percent: 5 };
    expect(paidCodes(withEvidence([score], { sex: 'M', birthDate: '1987-02-01' }))).toContain('highCvRisk');
    const young = withEvidence([score], { sex: 'M', birthDate: '1987-02-02' });
    expect(notPaid(young, 'highCvRisk')?.rule).toBe('scoreNotApplicable');
  });
  it('SCORE is valid for a woman of 50, not 49', () => {
    const score: Evidence = { type: 'cvScore', date: '2027-02-01', percent: 7 };
    expect(paidCodes(withEvidence([score], { sex: 'F', birthDate: '1977-02-01' }))).toContain('highCvRisk');
    expect(paidCodes(withEvidence([score], { sex: 'F', birthDate: '1977-02-02' }))).not.toContain(
      'highCvRisk',
    );
  });
  it('SCORE 4 % does not hold; the 12-month window applies', () => {
    expect(
      paidCodes(
        withEvidence([{ type: 'cvScore', date: '2027-02-01', percent: 4 }], {
          sex: 'M',
          birthDate: '1960-01-01',
        }),
      ),
    ).not.toContain('highCvRisk');
    expect(paidCodes(withEvidence([{ type: 'bmi', date: '2026-06-30', value: 35 }]))).not.toContain(
      'highCvRisk',
    );
  });
  it.each([1, 5, 12])('is excluded with ALD %i', (number) => {
    const r = withEvidence([
      { type: 'bmi', date: '2027-02-01', value: 33 },
      { type: 'ald', number, from: '2020-01-01' },
    ]);
    expect(notPaid(r, 'highCvRisk')).toMatchObject({ outcome: 'excluded', rule: 'cardiovascularAld' });
  });
  it('is not excluded with another ALD', () => {
    const r = withEvidence([
      { type: 'bmi', date: '2027-02-01', value: 33 },
      { type: 'ald', number: 8, from: '2020-01-01' },
    ]);
    expect(paidCodes(r)).toEqual(['socle_6_64', 'ald', 'highCvRisk']);
  });
});

describe('suivi gynécologique and suivi obstétrique', () => {
  const gyn: Evidence = { type: 'gynaecologicalDeclaration', date: '2026-01-01' };
  it('gynaecology is paid on the declaration, and excluded during obstetric follow-up that month', () => {
    expect(paidCodes(withEvidence([gyn]))).toContain('gynaecologicalFollowUp');
    const pregnant = withEvidence([gyn, { type: 'obstetricDeclaration', date: '2027-03-10' }]);
    expect(paidCodes(pregnant)).toEqual(['socle_6_64', 'obstetricFollowUp']);
    expect(notPaid(pregnant, 'gynaecologicalFollowUp')).toMatchObject({
      outcome: 'excluded',
      rule: 'obstetricFollowUpThisMonth',
    });
  });

  describe('9-month obstetric cap', () => {
    // Declared 2026-08-20: first month read on a 1st after it is September 2026.
    const p = (extra: Partial<PatientInput> = {}) =>
      patient({
        encounters: [consultation('2026-08-20')],
        evidence: [{ type: 'obstetricDeclaration', date: '2026-08-20' }],
        ...extra,
      });
    it('pays the 9th month (May 2027) and not the 10th (June 2027)', () => {
      const may = forfaitOf(p(), '2027-05', setup);
      expect(paidCodes(may)).toContain('obstetricFollowUp');
      expect(may.lines.find((l) => l.code === 'obstetricFollowUp')?.text).toContain('mois payé 9 sur 9');
      const juneR = forfaitOf(p(), '2027-06', setup);
      expect(paidCodes(juneR)).not.toContain('obstetricFollowUp');
      expect(notPaid(juneR, 'obstetricFollowUp')).toMatchObject({
        outcome: 'excluded',
        rule: 'obstetricCapReached',
      });
    });
    it('a month that was not paid does not use the quota', () => {
      // MT outside the structure in Oct–Nov 2026, back on 1 Dec (a new inclusion: forfait from
      // Jan 2027). Paid: Sep 2026, then Jan–May 2027, so June 2027 is the 7th paid month.
      const moved = p({
        mtDeclarations: [
          { rpps: '10000000017', from: '2020-01-15', to: '2026-09-30' },
          { rpps: '10000000090', from: '2026-10-01', to: '2026-11-30' },
          { rpps: '10000000017', from: '2026-12-01' },
        ],
        encounters: [consultation('2026-08-20'), consultation('2026-12-01')],
      });
      expect(
        forfaitOf(moved, '2027-06', setup).lines.find((l) => l.code === 'obstetricFollowUp')?.text,
      ).toContain('mois payé 7 sur 9');
    });
    it('stops after the pregnancy ended', () => {
      const ended = p({
        evidence: [{ type: 'obstetricDeclaration', date: '2026-08-20', pregnancyEnd: '2027-01-15' }],
      });
      expect(paidCodes(forfaitOf(ended, '2027-01', setup))).toContain('obstetricFollowUp');
      const feb = forfaitOf(ended, '2027-02', setup);
      expect(notPaid(feb, 'obstetricFollowUp')).toMatchObject({
        outcome: 'excluded',
        rule: 'pregnancyEnded',
      });
    });
  });
});

describe("perte d'autonomie à domicile: IADL ≤ 2 within 12 months and declared home care; replaces everything", () => {
  const criteria = (iadl = 2): Evidence[] => [
    { type: 'iadl', date: '2027-01-05', score: iadl },
    { type: 'homeCareDeclaration', date: '2026-12-01', author: 'Dr A' },
    { type: 'ald', number: 15, from: '2015-01-01' },
    { type: 'c2s', from: '2020-01-01' },
  ];
  const visits = (last: string) => [
    homeVisit('2026-09-01'),
    homeVisit('2026-11-01'),
    homeVisit('2027-01-05'),
    homeVisit(last),
  ];

  it('replaces socle and briques with one line, outside leakage', () => {
    const r = june({ birthDate: '1940-01-01', evidence: criteria(), encounters: visits('2027-04-01') });
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({
      code: 'homeDependency',
      grossCents: 4460,
      netCents: 4460,
      leakageExempt: true,
    });
    expect(r.notPaid.map((n) => [n.code, n.outcome])).toEqual([
      ['socle_80_plus', 'replaced'],
      ['ald', 'replaced'],
      ['socialVulnerability', 'replaced'],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('3-month home-visit edge: a visit on 1 April counts for June, one on 31 March does not', () => {
    const late = june({ birthDate: '1940-01-01', evidence: criteria(), encounters: visits('2027-03-31') });
    expect(paidCodes(late)).toEqual(['socle_80_plus', 'ald', 'socialVulnerability']);
    expect(notPaid(late, 'homeDependency')).toMatchObject({ outcome: 'excluded', rule: 'noRecentHomeVisit' });
  });

  it('counts a home visit by an IPA or a midwife', () => {
    const r = june({
      birthDate: '1940-01-01',
      evidence: criteria(),
      encounters: [...visits('2026-12-01'), homeVisit('2027-05-02', 'ipa')],
    });
    expect(paidCodes(r)).toEqual(['homeDependency']);
  });

  it('IADL 3 does not hold', () => {
    const r = june({ birthDate: '1940-01-01', evidence: criteria(3), encounters: visits('2027-05-01') });
    expect(notPaid(r, 'homeDependency')?.rule).toBe('iadlAboveThreshold');
  });

  it('warns when fewer than 4 doctor home visits in 12 months contradict the declaration', () => {
    const r = june({
      birthDate: '1940-01-01',
      evidence: criteria(),
      encounters: [homeVisit('2027-05-01'), consultation('2027-01-10')],
    });
    expect(paidCodes(r)).toEqual(['homeDependency']);
    expect(r.warnings.map((w) => w.code)).toEqual(['homeCareDeclarationContradicted']);
  });
});

describe('net and gross of a patient-month (RULES §3)', () => {
  it('sums the unit prices of the lines, net at the structure rate', () => {
    const r = withEvidence([{ type: 'ald', number: 8, from: '2020-01-01' }], { birthDate: '1955-01-01' });
    expect(r.lines.map((l) => [l.code, l.grossCents, l.netCents])).toEqual([
      ['socle_65_79', 1050, 893],
      ['ald', 710, 604],
    ]);
    expect([r.grossCents, r.netCents]).toEqual([1760, 1497]);
  });
});
