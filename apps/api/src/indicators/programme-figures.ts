/**
 * Programme figures of the specification (§2 trajectory, §8 "besoins de financement annuels"),
 * as data. Amounts in integer euro cents.
 */
export const TRAJECTORY = [
  { at: '2026-12', doctors: 49, patients: 44_413 },
  { at: '2027-12', doctors: 73, patients: 79_924 },
  { at: '2028-12', doctors: 77, patients: 89_405 },
  { at: '2029-12', doctors: 79, patients: 93_419 },
  { at: '2030-04', doctors: 79, patients: 94_074 },
] as const;

export interface AnnualBudget {
  year: number;
  /** Forfaits, structures ipso (FISS). */
  ipsoCents: number;
  /** Forfaits, structures hors ipso (FISS). */
  nonIpsoCents: number;
}

const eur = (n: number) => n * 100;
export const FISS_FORFAIT_BUDGET: readonly AnnualBudget[] = [
  { year: 2026, ipsoCents: eur(3_675_006), nonIpsoCents: 0 },
  { year: 2027, ipsoCents: eur(8_482_253), nonIpsoCents: eur(1_791_440) },
  { year: 2028, ipsoCents: eur(10_420_024), nonIpsoCents: eur(2_769_126) },
  { year: 2029, ipsoCents: eur(11_357_537), nonIpsoCents: eur(2_769_126) },
  { year: 2030, ipsoCents: eur(3_889_348), nonIpsoCents: eur(923_042) },
];
/** "Le montant total ne pourra être dépassé" (§8): 46 076 901 €. */
export const FISS_FORFAIT_TOTAL_CENTS = eur(46_076_901);

/** The programme runs from May 2026 to April 2030: months billed in a given year. */
export function programmeMonthsIn(year: number): string[] {
  const months: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const month = `${year}-${String(m).padStart(2, '0')}`;
    if (month >= '2026-05' && month <= '2030-04') months.push(month);
  }
  return months;
}
