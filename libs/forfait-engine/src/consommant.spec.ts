/**
 * RULES §2 "Consommant": a consultation, teleconsultation or visit with a doctor or midwife of
 * the structure within the 24 months ending on the last day of the billed month [param]. An MTR 1
 * structure is used so that inclusion needs no encounter.
 */
import { consultation, forfaitOf, homeVisit, mtr1Convention, patient } from './testing/builders';
import type { Encounter } from './schemas';

const setup = { convention: mtr1Convention() };
const statusIn = (month: string, encounters: Encounter[]) =>
  forfaitOf(patient({ encounters }), month, setup).status;

describe('consommant window (RULES §2)', () => {
  it('24-month edge: June 2027 looks back to 1 July 2025', () => {
    expect(statusIn('2027-06', [consultation('2025-07-01')])).toBe('paid');
    expect(statusIn('2027-06', [consultation('2025-06-30')])).toBe('notConsommant');
  });

  it('counts an encounter up to the last day of the billed month, not after', () => {
    expect(statusIn('2027-06', [consultation('2027-06-30')])).toBe('paid');
    expect(statusIn('2027-06', [consultation('2027-07-01')])).toBe('notConsommant');
  });

  it('counts consultation, teleconsultation and visit by a doctor or a midwife of the structure', () => {
    expect(statusIn('2027-06', [consultation('2026-01-10', { kind: 'teleconsultation' })])).toBe('paid');
    expect(statusIn('2027-06', [homeVisit('2026-01-10')])).toBe('paid');
    expect(statusIn('2027-06', [consultation('2026-01-10', { role: 'midwife' })])).toBe('paid');
  });

  it('ignores an IPA, an outside doctor and other encounter kinds', () => {
    expect(statusIn('2027-06', [homeVisit('2026-01-10', 'ipa')])).toBe('notConsommant');
    expect(statusIn('2027-06', [consultation('2026-01-10', { inStructure: false })])).toBe('notConsommant');
    expect(statusIn('2027-06', [consultation('2026-01-10', { kind: 'other' })])).toBe('notConsommant');
  });

  it('uses the last encounter, never the inclusion date', () => {
    const r = forfaitOf(patient({ encounters: [] }), '2026-05', setup);
    expect(r.inclusion?.reason).toBe('mtr1CarryOver');
    expect(r.status).toBe('notConsommant');
    expect(r.lastQualifyingEncounter).toBeNull();
  });
});
