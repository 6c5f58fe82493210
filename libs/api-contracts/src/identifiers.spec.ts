import { isValidFiness, isValidInseeCommune, isValidRpps, isValidSiret, luhnValid } from './identifiers';

/** RULES.md glossary — RPPS 11 digits Luhn, SIRET 14 digits Luhn, FINESS 9 characters. */
describe('French identifiers', () => {
  it('Luhn', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });
  it('RPPS: 11 digits with a Luhn key', () => {
    expect(isValidRpps('10000000009')).toBe(true);
    expect(isValidRpps('10000000001')).toBe(false);
    expect(isValidRpps('1000000000')).toBe(false);
    expect(isValidRpps('1000000000A')).toBe(false);
  });
  it('SIRET: Luhn, and La Poste’s digit-sum rule', () => {
    expect(isValidSiret('73282932000074')).toBe(true);
    expect(isValidSiret('73282932000075')).toBe(false);
    expect(isValidSiret('35600000000010')).toBe(true);
    expect(isValidSiret('35600000000011')).toBe(false);
  });
  it('FINESS: department digits or 2A/2B, Luhn key', () => {
    expect(isValidFiness('2A0000016')).toBe(true);
    expect(isValidFiness('2A0000017')).toBe(false);
    expect(isValidFiness('75000001')).toBe(false);
  });
  it('INSEE commune codes, Corsica included', () => {
    expect(['75110', '2A004', '2B096', '97411'].every(isValidInseeCommune)).toBe(true);
    expect(['7511', '2C004', 'ABCDE'].some(isValidInseeCommune)).toBe(false);
  });
});
