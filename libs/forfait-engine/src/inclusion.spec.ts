/**
 * RULES §1 "Patients and inclusion" (specification §1 "Principes d'inclusion"). The test
 * structure is non-ipso and enters on 2026-09-01 unless stated otherwise.
 */
import { getProgrammeParams } from './params';
import { computeInclusion } from './inclusion';
import { createEngineContext } from './context';
import {
  DOCTOR_A,
  DOCTOR_B,
  OUTSIDE_DOCTOR,
  consultation,
  contextFor,
  forfaitOf,
  homeVisit,
  mtr1Convention,
  nonIpsoConvention,
  patient,
  practitioners,
  rppsFor,
} from './testing/builders';
import type { ProgrammeParams } from './params/schema';

const DOCTOR_C = rppsFor(4);
const withLateDoctor = {
  practitioners: practitioners([{ rpps: DOCTOR_C, role: 'doctor', arrivalDate: '2026-11-15' }]),
};

describe('MT declared before entry: entry consultation (RULES §1)', () => {
  const p = patient({ encounters: [consultation('2026-08-20'), consultation('2026-09-15')] });

  it('is included at the next consultation with a doctor of the structure on/after E; forfait from M+1', () => {
    expect(computeInclusion(p, contextFor())).toMatchObject({
      reason: 'entryConsultation',
      date: '2026-09-15',
      firstForfaitMonth: '2026-10',
      entryDate: '2026-09-01',
    });
  });

  it('keeps the month of the entry consultation fee-for-service', () => {
    expect(forfaitOf(p, '2026-09').status).toBe('notYetIncluded');
    expect(forfaitOf(p, '2026-10').status).toBe('paid');
  });

  it('counts a consultation on the entry date itself, not one before it', () => {
    expect(computeInclusion(patient({ encounters: [consultation('2026-09-01')] }), contextFor())?.date).toBe(
      '2026-09-01',
    );
    expect(
      computeInclusion(patient({ encounters: [consultation('2026-08-31')] }), contextFor())?.reason,
    ).toBe('anniversary');
  });

  it('counts a teleconsultation, but not a home visit, a midwife or an outside doctor [param: entry encounters]', () => {
    const inc = (e: Parameters<typeof patient>[0]['encounters']) =>
      computeInclusion(patient({ encounters: e }), contextFor());
    expect(inc([consultation('2026-10-02', { kind: 'teleconsultation' })])?.reason).toBe('entryConsultation');
    expect(inc([homeVisit('2026-10-02')])?.reason).toBe('anniversary');
    expect(inc([consultation('2026-10-02', { role: 'midwife' })])?.reason).toBe('anniversary');
    expect(inc([consultation('2026-10-02', { inStructure: false })])?.reason).toBe('anniversary');
  });
});

describe('MT declared before entry, no consultation: 12-month anniversary (RULES §1)', () => {
  // Seen by the midwife, so consommant, but never in (tele)consultation by a doctor.
  const p = patient({
    encounters: [consultation('2027-01-10', { role: 'midwife' }), consultation('2027-09-02')],
  });

  it('is included at E + 12 months; forfait from the following month [param]', () => {
    expect(computeInclusion(p, contextFor())).toMatchObject({
      reason: 'anniversary',
      date: '2027-09-01',
      firstForfaitMonth: '2027-10',
    });
    expect(forfaitOf(p, '2027-09').status).toBe('notYetIncluded');
    expect(forfaitOf(p, '2027-10').status).toBe('paid');
  });

  it('follows the anniversaryForfaitStart parameter', () => {
    const base = getProgrammeParams();
    const params: ProgrammeParams = {
      ...base,
      inclusion: { ...base.inclusion, anniversaryForfaitStart: 'firstFullMonth' },
    };
    const ctx = createEngineContext({
      params,
      convention: nonIpsoConvention(),
      practitioners: practitioners(),
    });
    expect(computeInclusion(p, ctx)?.firstForfaitMonth).toBe('2027-09');
  });
});

describe('MT declared after entry: declaration consultation (RULES §1)', () => {
  const p = patient({
    mtDeclarations: [{ rpps: DOCTOR_A, from: '2026-10-20' }],
    encounters: [consultation('2026-10-20')],
  });

  it('is included at the declaration; forfait from the 1st of the following month', () => {
    expect(computeInclusion(p, contextFor())).toMatchObject({
      reason: 'declarationAfterEntry',
      date: '2026-10-20',
      firstForfaitMonth: '2026-11',
    });
    expect(forfaitOf(p, '2026-10').status).toBe('notCovered'); // the declaration does not cover 1 October
    expect(forfaitOf(p, '2026-11').status).toBe('paid');
  });
});

describe('MTR 1 structures: carry-over at the MTR 2 launch (RULES §1)', () => {
  const setup = { convention: mtr1Convention() };

  it('includes every MT patient on 2026-05-01 with a forfait from May 2026, without entry consultation', () => {
    const p = patient({ encounters: [consultation('2025-11-03')] });
    expect(computeInclusion(p, contextFor(setup))).toMatchObject({
      reason: 'mtr1CarryOver',
      date: '2026-05-01',
      firstForfaitMonth: '2026-05',
    });
    expect(forfaitOf(p, '2026-05', setup).status).toBe('paid');
  });

  it('treats a declaration after the launch as a declaration after entry', () => {
    const p = patient({
      mtDeclarations: [{ rpps: DOCTOR_A, from: '2026-06-10' }],
      encounters: [consultation('2026-06-10')],
    });
    expect(computeInclusion(p, contextFor(setup))).toMatchObject({
      reason: 'declarationAfterEntry',
      firstForfaitMonth: '2026-07',
    });
  });

  it('does not carry over the MT patients a doctor brings when arriving later', () => {
    const p = patient({
      mtDeclarations: [{ rpps: DOCTOR_C, from: '2021-01-01' }],
      encounters: [consultation('2026-12-03')],
    });
    expect(computeInclusion(p, contextFor({ ...setup, ...withLateDoctor }))).toMatchObject({
      reason: 'entryConsultation',
      entryDate: '2026-11-15',
      firstForfaitMonth: '2027-01',
    });
  });
});

describe('a doctor arriving after the structure entry (RULES §1, §7)', () => {
  const p = patient({
    mtDeclarations: [{ rpps: DOCTOR_C, from: '2021-04-12' }],
    encounters: [consultation('2026-12-03')],
  });

  it('brings their MT patients in from their arrival: entry consultation after the arrival', () => {
    expect(forfaitOf(p, '2026-11', withLateDoctor).status).toBe('notCovered'); // not in the structure on 1 November
    expect(forfaitOf(p, '2026-12', withLateDoctor).status).toBe('notYetIncluded');
    const jan = forfaitOf(p, '2027-01', withLateDoctor);
    expect(jan.status).toBe('paid');
    expect(jan.inclusion).toMatchObject({
      reason: 'entryConsultation',
      date: '2026-12-03',
      entryDate: '2026-11-15',
    });
  });

  it('falls back to the anniversary of their own arrival', () => {
    const q = patient({
      mtDeclarations: [{ rpps: DOCTOR_C, from: '2021-04-12' }],
      encounters: [consultation('2026-10-01')],
    });
    expect(computeInclusion(q, contextFor(withLateDoctor))).toMatchObject({
      reason: 'anniversary',
      date: '2027-11-15',
      firstForfaitMonth: '2027-12',
    });
  });
});

describe('MT coverage of the 1st day of the month (RULES §1 [param])', () => {
  it('stops after an MT change to an outside doctor, or death', () => {
    const moved = patient({
      mtDeclarations: [
        { rpps: DOCTOR_A, from: '2020-01-15', to: '2026-11-09' },
        { rpps: OUTSIDE_DOCTOR, from: '2026-11-10' },
      ],
    });
    expect(forfaitOf(moved, '2026-11').status).toBe('paid');
    expect(forfaitOf(moved, '2026-12').status).toBe('notCovered');
    const died = patient({ deathDate: '2026-11-10' });
    expect(forfaitOf(died, '2026-11').status).toBe('paid');
    expect(forfaitOf(died, '2026-12').status).toBe('notCovered');
  });

  it('keeps the inclusion across an MT change inside the structure and pays the new MT', () => {
    const p = patient({
      mtDeclarations: [
        { rpps: DOCTOR_A, from: '2020-01-15', to: '2027-01-14' },
        { rpps: DOCTOR_B, from: '2027-01-15' },
      ],
    });
    const feb = forfaitOf(p, '2027-02');
    expect(feb).toMatchObject({ status: 'paid', mtRpps: DOCTOR_B });
    expect(feb.inclusion).toMatchObject({ reason: 'entryConsultation', date: '2026-09-15' });
  });

  it('includes anew a patient who left and came back', () => {
    const p = patient({
      mtDeclarations: [
        { rpps: DOCTOR_A, from: '2020-01-15', to: '2026-12-31' },
        { rpps: OUTSIDE_DOCTOR, from: '2027-01-01', to: '2027-03-31' },
        { rpps: DOCTOR_A, from: '2027-04-01' },
      ],
      encounters: [consultation('2026-09-15'), consultation('2027-04-01')],
    });
    expect(forfaitOf(p, '2027-04').status).toBe('notYetIncluded');
    expect(forfaitOf(p, '2027-05').inclusion).toMatchObject({
      reason: 'declarationAfterEntry',
      date: '2027-04-01',
    });
  });

  it('pays nothing for months starting on or after the structure exit', () => {
    const setup = { convention: nonIpsoConvention({ exitDate: '2027-03-01' }) };
    expect(forfaitOf(patient(), '2027-02', setup).status).toBe('paid');
    expect(forfaitOf(patient(), '2027-03', setup).status).toBe('structureExited');
  });
});
