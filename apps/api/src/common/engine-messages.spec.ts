import { InputError, computeStatement, createEngineContext, getProgrammeParams, isValidRpps, monthIssues, patientIssues, type PatientInput } from '@mtr/forfait-engine';
import { frenchEngineIssue, frenchEngineMessage } from './engine-messages';

/** A Luhn-valid RPPS (the demo's first doctor). */
const DOCTOR = '10000000157';

/** English words the engine uses and a French sentence does not. */
const ENGLISH = /\b(before|after|is|the|of|for|on|duplicate|unknown|must|overlaps|listed|twice|outside|dated|ends|encounter|rate|required)\b/;

const messagesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => i.message);
    throw e;
  }
  return [];
};

/**
 * Issue #6/#9 — what the engine refuses reaches coordinators in a problem's French `detail`:
 * each check the engine makes on imported data, driven here through the engine itself, comes
 * out in French (a new or reworded engine message without its French rule fails this test).
 */
describe('engine validation messages said in French', () => {
  const params = getProgrammeParams();

  it('every patient, month and convention check of the engine is translated', () => {
    const bad: PatientInput = {
      id: 'p1',
      birthDate: '2026-11-02',
      sex: 'F',
      deathDate: '2026-01-01',
      mtr1InclusionDate: '2020-01-01',
      mtDeclarations: [
        { rpps: DOCTOR, from: '2019-01-01', to: '2018-01-01' },
        { rpps: DOCTOR, from: '2019-02-01' },
      ],
      evidence: [{ type: 'ald', number: 8, from: '2020-01-01', to: '2019-01-01' }],
      encounters: [{ date: '2020-05-01', kind: 'consultation', role: 'doctor' }],
    } as PatientInput;
    const messages = [
      ...patientIssues(bad, params, 'patients[0]', { lastMonth: '2026-10' }).map((i) => i.message),
      ...patientIssues({ ...bad, birthDate: '1850-01-01', deathDate: undefined, evidence: [], mtDeclarations: [], encounters: [{ date: '2020-05-01', kind: 'consultation', role: 'doctor' }] } as PatientInput, params, 'patients[1]').map((i) => i.message),
      ...patientIssues(
        { id: 'p2', birthDate: '1980-01-01', sex: 'M', mtDeclarations: [{ rpps: DOCTOR, from: '2020-01-01' }, { rpps: DOCTOR, from: '2021-01-01' }] } as PatientInput,
        params,
        'patients[2]',
      ).map((i) => i.message),
      ...monthIssues(['2026-04', '2026-10', '2026-10'], params).map((i) => i.message),
      ...messagesOf(() =>
        createEngineContext({
          convention: { structureId: 's', isIpso: false, mtr1Participant: true, entryDate: '2031-01-01', exitDate: '2030-01-01' },
          practitioners: [
            { rpps: DOCTOR, role: 'doctor', name: 'A', arrivalDate: '2026-06-01', departureDate: '2026-05-01' },
            { rpps: DOCTOR, role: 'doctor', name: 'B' },
          ],
        } as never),
      ),
      ...messagesOf(() =>
        computeStatement({
          convention: { structureId: 's', isIpso: false, mtr1Participant: false, entryDate: '2026-09-01', theoreticalLeakageRate: '15 %' },
          practitioners: [{ rpps: DOCTOR, role: 'doctor', name: 'A' }],
          months: ['2026-10'],
          patients: [{ id: 'x', birthDate: '1980-01-01', sex: 'F', mtDeclarations: [{ rpps: '10000000018', from: '2020-01-01' }] }],
        } as never),
      ),
    ];
    expect(messages.length).toBeGreaterThan(12);
    const untranslated = messages.filter((m) => ENGLISH.test(frenchEngineMessage(m)));
    expect(untranslated).toEqual([]);
  });

  it('keeps the values of the message and the field path', () => {
    expect(isValidRpps(DOCTOR)).toBe(true);
    expect(frenchEngineIssue({ path: 'patient VAL-0007.birthDate', message: 'birth date 2026-11-02 is after the billed month 2026-10' })).toBe(
      'patient VAL-0007.birthDate : date de naissance 2026-11-02 postérieure au mois facturé 2026-10',
    );
    expect(frenchEngineMessage('no tariff for majoration MD on 2026-03-02')).toBe('aucun tarif de la majoration MD au 2026-03-02');
    expect(frenchEngineMessage('no tariff for G on 2026-03-02')).toBe('aucun tarif de G au 2026-03-02');
  });

  it('passes an unknown message through unchanged rather than lose it', () => {
    expect(frenchEngineMessage('something new')).toBe('something new');
  });
});
