/** Issue 3 §9: candidate structure at 5 / 15 / 25 % leakage, gap to current fee-for-service. */
import { simulate } from './simulation';
import { DOCTOR_A, DOCTOR_B, consultation, patient, practitioners } from './testing/builders';

describe('simulation of a candidate structure', () => {
  const s = simulate({
    structureName: 'Cabinet candidat',
    referenceMonth: '2026-03',
    practitioners: practitioners(),
    patients: [
      patient({
        id: '1',
        birthDate: '1950-01-01',
        encounters: [consultation('2025-06-01')],
        evidence: [{ type: 'ald', number: 8, from: '2010-01-01' }],
      }),
      patient({ id: '2', birthDate: '1990-01-01', encounters: [consultation('2025-06-01')] }),
      patient({ id: '3', birthDate: '1990-01-01', encounters: [consultation('2023-06-01')] }), // not consommant
      patient({
        id: '4',
        birthDate: '2000-01-01',
        mtDeclarations: [{ rpps: DOCTOR_B, from: '2020-01-01' }],
        encounters: [consultation('2026-01-05')],
      }),
    ],
    feeForService: [{ rpps: DOCTOR_A, periodMonths: 12, amountCents: 12 * 30_00 }],
  });

  it('assumes every MT patient included and evaluates consommant and briques for the month', () => {
    const a = s.doctors.find((d) => d.rpps === DOCTOR_A)!;
    expect([a.mtPatients, a.paidPatients]).toEqual([3, 2]);
    expect(a.grossMonthlyCents).toBe(1050 + 710 + 850);
  });

  it('prices the month at 5, 15 and 25 % and compares with current fee-for-service', () => {
    const a = s.doctors.find((d) => d.rpps === DOCTOR_A)!;
    expect(s.rates).toEqual(['0.05', '0.15', '0.25']);
    // 10.50, 7.10, 8.50 at 15 %: 8.93 + 6.04 + 7.23 = 22.20 €
    expect(a.byRate[1]).toEqual({
      rate: '0.15',
      netMonthlyCents: 2220,
      netAnnualCents: 26640,
      gapMonthlyCents: 2220 - 3000,
      gapAnnualCents: (2220 - 3000) * 12,
    });
    expect(a.byRate[0].netMonthlyCents).toBe(998 + 675 + 808);
    const b = s.doctors.find((d) => d.rpps === DOCTOR_B)!;
    expect(b.currentMonthlyFeeForServiceCents).toBeNull();
    expect(s.structure.byRate[2].netMonthlyCents).toBe(
      a.byRate[2].netMonthlyCents + b.byRate[2].netMonthlyCents,
    );
  });
});
