/**
 * RULES §5 "Safeguard clause": non-ipso doctors, first 12 months of their own participation,
 * compensation = max(0, fee-for-service value − forfait income), cumulative with a monthly
 * provisional view; Annex 3 acts with majorations at the tariff in force on the act date.
 */
import { InputError } from './errors';
import { computeSafeguard } from './safeguard';
import type { ActInput, SafeguardInput } from './schemas';
import { DOCTOR_A, DOCTOR_B, MIDWIFE, nonIpsoConvention, rppsFor } from './testing/builders';

const tariffs: SafeguardInput['tariffs'] = [
  { code: 'G', amountCents: 30_00, validFrom: '2024-12-22', validTo: '2026-12-31' },
  { code: 'G', amountCents: 31_50, validFrom: '2027-01-01' },
  { code: 'VG', amountCents: 30_00, validFrom: '2024-12-22' },
  { code: 'MD', amountCents: 10_00, validFrom: '2020-01-01' },
  { code: 'DEQP003', amountCents: 14_26, validFrom: '2020-01-01' },
  { code: 'SF', amountCents: 2_80, validFrom: '2020-01-01' },
  { code: 'C', amountCents: 25_00, validFrom: '2020-01-01' },
  { code: 'YYYY010', amountCents: 50_00, validFrom: '2020-01-01' },
];

function act(date: string, overrides: Partial<ActInput> = {}): ActInput {
  return {
    date,
    code: 'G',
    performerRpps: DOCTOR_A,
    performerProfession: 'gp',
    patientId: 'p1',
    patientMtRpps: DOCTOR_A,
    patientIncluded: true,
    ...overrides,
  };
}

/** 12 months from Sep 2026; forfaits of `forfait` cents a month. */
function input(acts: ActInput[], forfait: number, overrides: Partial<SafeguardInput> = {}): SafeguardInput {
  const months = [
    '2026-09',
    '2026-10',
    '2026-11',
    '2026-12',
    '2027-01',
    '2027-02',
    '2027-03',
    '2027-04',
    '2027-05',
    '2027-06',
    '2027-07',
    '2027-08',
  ];
  return {
    convention: nonIpsoConvention(),
    doctor: { rpps: DOCTOR_A },
    tariffs,
    forfaitIncome: months.map((month) => ({ month, netCents: forfait })),
    acts,
    ...overrides,
  };
}

describe('safeguard clause (RULES §5)', () => {
  it('compensates when fee-for-service would have paid more than the forfaits', () => {
    // 100 G a month at 30 € (2026) then 31.50 € (2027): 3 000 € / 3 150 € a month vs 2 500 € forfaits.
    const acts = [
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
      '2027-07',
      '2027-08',
    ].flatMap((m) => Array.from({ length: 100 }, () => act(`${m}-10`)));
    const s = computeSafeguard(input(acts, 2_500_00));
    expect(s).toMatchObject({ applicable: true, windowStart: '2026-09', windowEnd: '2027-08', final: true });
    expect(s.feeForServiceCents).toBe(4 * 3_000_00 + 8 * 3_150_00);
    expect(s.forfaitNetCents).toBe(12 * 2_500_00);
    expect(s.compensationCents).toBe(4 * 500_00 + 8 * 650_00);
    expect(s.months[0]).toMatchObject({
      runningDifferenceCents: 500_00,
      provisionalCompensationCents: 500_00,
    });
  });

  it('pays nothing when the forfaits exceed fee-for-service, and nets months over the window', () => {
    // First month: fee-for-service 3 000 € vs 0 € forfaits (provisional 3 000 €); later months reverse it.
    const acts = Array.from({ length: 100 }, () => act('2026-09-10'));
    const forfaits = input(acts, 0).forfaitIncome.map((f, i) => ({ ...f, netCents: i === 0 ? 0 : 1_000_00 }));
    const s = computeSafeguard(input(acts, 0, { forfaitIncome: forfaits }));
    expect(s.months[0].provisionalCompensationCents).toBe(3_000_00);
    expect(s.months[3].provisionalCompensationCents).toBe(0);
    expect(s.compensationCents).toBe(0);
    expect(s.differenceCents).toBe(3_000_00 - 11 * 1_000_00);
  });

  it('gives a provisional view before month 12 and the final one at month 12', () => {
    const s = computeSafeguard(input([act('2026-09-10')], 0, { asOfMonth: '2026-11' }));
    expect(s).toMatchObject({ final: false, asOfMonth: '2026-11', compensationCents: 30_00 });
    expect(s.months).toHaveLength(3);
  });

  it("starts the window at a doctor's later arrival", () => {
    const s = computeSafeguard(
      input([act('2026-10-05'), act('2026-11-20'), act('2027-10-30'), act('2027-11-02')], 0, {
        doctor: { rpps: DOCTOR_A, arrivalDate: '2026-11-15' },
      }),
    );
    expect(s).toMatchObject({ windowStart: '2026-11', windowEnd: '2027-10' });
    expect(s.feeForServiceCents).toBe(30_00 + 31_50);
    expect(s.ignoredActs.outsideWindow).toBe(2);
  });

  it('values Annex 3 acts only, with their majorations, at the tariff of the act date', () => {
    const s = computeSafeguard(
      input(
        [
          act('2026-12-31', { code: 'VG', majorations: ['MD'] }),
          act('2027-01-02'),
          act('2026-12-01', { code: 'DEQP003' }),
          act('2026-12-01', { code: 'YYYY010' }),
        ],
        0,
      ),
    );
    expect(s.feeForServiceCents).toBe(30_00 + 10_00 + 31_50 + 14_26);
    expect(s.ignoredActs.notAnnex3).toBe(1);
  });

  it('offers both perimeters as named methods', () => {
    const acts = [
      act('2026-10-01'), // by A on A's patient
      act('2026-10-02', { patientMtRpps: DOCTOR_B }), // by A on B's patient
      act('2026-10-03', {
        performerRpps: MIDWIFE,
        performerProfession: 'midwife',
        code: 'SF',
        coefficient: '12.6',
      }), // by the midwife on A's patient
      act('2026-10-04', { patientIncluded: false }),
    ];
    const byDoctor = computeSafeguard(input(acts, 0, { method: 'actsByDoctor' }));
    expect(byDoctor.feeForServiceCents).toBe(2 * 30_00);
    const onPatients = computeSafeguard(input(acts, 0, { method: 'actsOnDoctorMtPatients' }));
    expect(onPatients.feeForServiceCents).toBe(30_00 + 35_28); // SF 12.6 × 2.80 €
    expect(onPatients.ignoredActs).toMatchObject({ outsidePerimeter: 1, patientNotIncluded: 1 });
  });

  it('uses the convention method by default', () => {
    const s = computeSafeguard(
      input([], 0, { convention: nonIpsoConvention({ safeguardMethod: 'actsOnDoctorMtPatients' }) }),
    );
    expect(s.method).toBe('actsOnDoctorMtPatients');
  });

  it('does not apply to ipso structures', () => {
    const s = computeSafeguard(
      input([act('2026-10-01')], 0, {
        convention: { structureId: 'ipso', isIpso: true, mtr1Participant: false, entryDate: '2026-09-01' },
      }),
    );
    expect(s).toMatchObject({ applicable: false, compensationCents: 0 });
  });

  it('names the act whose tariff is missing', () => {
    expect(() => computeSafeguard(input([act('2026-10-01', { code: 'TCG' })], 0))).toThrow(InputError);
    expect(() => computeSafeguard(input([act('2026-10-01', { code: 'TCG' })], 0))).toThrow(
      /acts\[0\]\.code: no tariff for TCG on 2026-10-01/,
    );
    expect(() => computeSafeguard(input([act('2026-10-01', { majorations: ['XX'] })], 0))).toThrow(
      /acts\[0\]\.majorations\[0\]/,
    );
    expect(() =>
      computeSafeguard(
        input([], 0, { tariffs: [...tariffs, { code: 'G', amountCents: 1, validFrom: '2026-06-01' }] }),
      ),
    ).toThrow(/tariffs\[8\]: tariff of G overlaps/);
    expect(() => computeSafeguard(input([], 0, { doctor: { rpps: rppsFor(5).slice(0, 10) + '0' } }))).toThrow(
      /doctor\.rpps/,
    );
  });
});
