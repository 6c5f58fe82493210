/** RULES §4 "Leakage regularisation" (specification §8 "Le taux de fuite"). */
import { InputError } from './errors';
import { netOfLeakage, realLeakageRate, regularise } from './leakage';

describe('leakage regularisation (RULES §4)', () => {
  it('worked example: 100 000 € of forfaits, 10 000 € outside → 10 %; a 100 € forfait is worth 90 €', () => {
    const rate = realLeakageRate(10_000_00, 100_000_00);
    expect(rate.text).toBe('0.1');
    expect(netOfLeakage(100_00, rate)).toBe(90_00);
  });

  it('real rate below the theoretical one: CNAM pays the difference', () => {
    const r = regularise({
      year: 2026,
      theoreticalRate: '0.15',
      outsideAmountCents: 10_000_00,
      forfaitTotalCents: 100_000_00,
      grossSubjectToLeakageCents: 100_000_00,
    });
    expect(r).toMatchObject({
      realRate: { text: '0.1', percent: '10.00 %' },
      dueCents: 90_000_00,
      receivedCents: 85_000_00,
      regularisationCents: 5_000_00,
      direction: 'cnamPaysStructure',
    });
  });

  it('real rate above the theoretical one: the structure pays back', () => {
    const r = regularise({
      year: 2027,
      theoreticalRate: '0.15',
      realRate: '0.2',
      grossSubjectToLeakageCents: 50_000_00,
    });
    expect(r).toMatchObject({
      dueCents: 40_000_00,
      receivedCents: 42_500_00,
      regularisationCents: -2_500_00,
      direction: 'structurePaysBack',
    });
  });

  it("keeps perte d'autonomie outside leakage: its gross is both due and received", () => {
    const r = regularise({
      year: 2027,
      theoreticalRate: '0.15',
      realRate: '0.05',
      grossSubjectToLeakageCents: 1_000_00,
      grossExemptCents: 446_00,
    });
    expect(r).toMatchObject({
      dueCents: 950_00 + 446_00,
      receivedCents: 850_00 + 446_00,
      regularisationCents: 100_00,
    });
  });

  it('uses the amount actually received when given', () => {
    const r = regularise({
      year: 2027,
      theoreticalRate: '0.15',
      realRate: '0.15',
      grossSubjectToLeakageCents: 1_000_00,
      receivedCents: 849_97,
    });
    expect(r.regularisationCents).toBe(3);
  });

  it('rejects incomplete or contradictory inputs with the field path', () => {
    expect(() => regularise({ year: 2027, theoreticalRate: '0.15', grossSubjectToLeakageCents: 1 })).toThrow(
      /realRate: give realRate/,
    );
    expect(() =>
      regularise({ year: 2027, theoreticalRate: '1.15', realRate: '0.1', grossSubjectToLeakageCents: 1 }),
    ).toThrow(/theoreticalRate: rate 1.15 is outside \[0, 1\)/);
    try {
      regularise({
        year: 2027,
        theoreticalRate: '0.15',
        outsideAmountCents: 5,
        forfaitTotalCents: 5,
        grossSubjectToLeakageCents: 1,
      });
      throw new Error('expected an InputError');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).issues[0].path).toBe('outsideAmountCents');
    }
  });
});
