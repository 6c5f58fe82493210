/** RULES §3 and specification §8 "Les modalités de valorisation du forfait mensuel". */
import { formatGridTable, gridReport } from './grid';
import { parseRate } from './money';

// The table as printed in the specification (sources/cahier-des-charges-mtr2-2026.md, §8):
// gross, then net at 5 %, 15 %, 25 %, rounded to 0.10 €.
const PRINTED: Record<string, [string, string, string, string]> = {
  socle_0_5: ['12.80', '12.2', '10.9', '9.6'],
  socle_6_64: ['8.50', '8.1', '7.2', '6.4'],
  socle_65_79: ['10.50', '10.0', '8.9', '7.9'],
  socle_80_plus: ['14.00', '13.3', '11.9', '10.5'],
  ald: ['7.10', '6.7', '6.0', '5.3'],
  socialVulnerability: ['3.60', '3.4', '3.1', '2.7'],
  mentalHealth: ['10.40', '9.9', '8.8', '7.8'],
  disability: ['12.50', '11.9', '10.6', '9.4'],
  highCvRisk: ['5.00', '4.8', '4.3', '3.8'],
  paediatricFollowUp: ['13.10', '12.4', '11.1', '9.8'],
  obstetricFollowUp: ['70.40', '66.9', '59.8', '52.8'],
  gynaecologicalFollowUp: ['5.70', '5.4', '4.8', '4.3'],
  homeDependency: ['44.60', '44.6', '44.6', '44.6'],
};

describe('grid report (RULES §3: the platform must reproduce the printed grid exactly)', () => {
  const report = gridReport();

  it('lists every line of the printed grid, in its order', () => {
    expect(report.rows.map((r) => r.code)).toEqual(Object.keys(PRINTED));
    expect(report.rates).toEqual(['0.05', '0.15', '0.25']);
  });

  it.each(Object.entries(PRINTED))(
    '%s: gross and net at 5/15/25 %% as printed',
    (code, [gross, n5, n15, n25]) => {
      const row = report.rows.find((r) => r.code === code);
      expect(row).toBeDefined();
      expect((row!.grossCents / 100).toFixed(2)).toBe(gross);
      expect(row!.net.map((n) => n.printed)).toEqual([n5, n15, n25]);
    },
  );

  it('rounds the exact value once: 13.10 × 0.95 = 12.445 prints 12.4 although it bills 12.45', () => {
    const paed = report.rows.find((r) => r.code === 'paediatricFollowUp')!.net[0];
    expect(paed).toMatchObject({ printed: '12.4', unitCents: 1245 });
    const gyn = report.rows.find((r) => r.code === 'gynaecologicalFollowUp')!.net[1];
    expect(gyn).toMatchObject({ printed: '4.8', unitCents: 485 });
  });

  it("never reduces perte d'autonomie (** of the printed grid)", () => {
    const row = report.rows.find((r) => r.code === 'homeDependency')!;
    expect(row.leakageExempt).toBe(true);
    expect(row.net.every((n) => n.unitCents === 4460)).toBe(true);
  });

  it('shows the billed unit price for a single rate', () => {
    const single = gridReport(undefined, [parseRate('0.15')]);
    expect(single.rows.find((r) => r.code === 'socle_65_79')!.net[0]).toMatchObject({
      printed: '8.9',
      unitCents: 893,
    });
    expect(formatGridTable(single)).toContain('facturé');
  });
});
