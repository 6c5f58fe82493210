import type { AuditProblem, Result } from '../errors';
import type { AuditResponse } from '../model';
import { ANNEX6_V1 } from '../templates/annex6';
import {
  OTHER_STRUCTURE_USER,
  REVIEWER,
  SHA,
  STRUCTURE_USER,
  T0,
  fillRequired,
  minutesAfterT0,
} from '../testing/fixtures';
import { saveAnswer, type SaveAnswerOutcome } from './autosave';
import { createResponse } from './create';
import { submit } from './lifecycle';

const fresh = (): AuditResponse =>
  createResponse({ id: 'resp-a', structureId: 'struct-a', template: ANNEX6_V1, now: T0 });

const problemOf = (r: Result<unknown>): AuditProblem => {
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
};
const valueOf = (r: Result<SaveAnswerOutcome>): SaveAnswerOutcome => {
  if (!r.ok) throw new Error(`${r.problem.code}: ${r.problem.detail}`);
  return r.value;
};

const contract = (
  over: Partial<{ filename: string; mimeType: string; size: number; sha256: string }> = {},
) => ({
  filename: 'contrat-remplacement.pdf',
  mimeType: 'application/pdf',
  size: 350_000,
  sha256: SHA,
  ...over,
});

/** V.2.a.2 (contract attachment) is enabled once V.2.a = oui. */
function withContractEnabled(): AuditResponse {
  return valueOf(
    saveAnswer(fresh(), ANNEX6_V1, { linkId: 'V.2.a', value: true, expectedRevision: 0 }, STRUCTURE_USER, T0),
  ).response;
}

describe('saveAnswer (autosave per answer)', () => {
  it('stores a first answer at revision 1 with who and when', () => {
    const { response, answer, changed } = valueOf(
      saveAnswer(
        fresh(),
        ANNEX6_V1,
        { linkId: 'I.1.a', value: '  Consultations dédiées.  ', expectedRevision: 0 },
        STRUCTURE_USER,
        T0,
      ),
    );
    expect(changed).toBe(true);
    expect(answer).toEqual({
      linkId: 'I.1.a',
      value: 'Consultations dédiées.',
      revision: 1,
      answeredAt: T0.toISOString(),
      answeredBy: STRUCTURE_USER,
    });
    expect(response.answers['I.1.a']).toEqual(answer);
    expect(response.updatedAt).toBe(T0.toISOString());
  });

  it('never mutates the response it is given', () => {
    const before = fresh();
    const copy = structuredClone(before);
    saveAnswer(before, ANNEX6_V1, { linkId: 'I.1.a', value: 'x', expectedRevision: 0 }, STRUCTURE_USER, T0);
    expect(before).toEqual(copy);
  });

  it('returns a conflict carrying the current answer when the revision is stale, and writes nothing', () => {
    // Claire and Paul both open the question at revision 0; Paul saves first.
    const afterPaul = valueOf(
      saveAnswer(
        fresh(),
        ANNEX6_V1,
        { linkId: 'I.1.b', value: 'Réunion le lundi', expectedRevision: 0 },
        OTHER_STRUCTURE_USER,
        T0,
      ),
    ).response;
    const claire = saveAnswer(
      afterPaul,
      ANNEX6_V1,
      { linkId: 'I.1.b', value: 'Staff hebdomadaire', expectedRevision: 0 },
      STRUCTURE_USER,
      minutesAfterT0(1),
    );
    const problem = problemOf(claire);
    expect(problem).toMatchObject({
      code: 'revision_conflict',
      status: 409,
      linkId: 'I.1.b',
      expectedRevision: 0,
      current: { value: 'Réunion le lundi', revision: 1, answeredBy: OTHER_STRUCTURE_USER },
    });
    expect(problem.detail).toMatch(/modifiée entre-temps/);
    expect(afterPaul.answers['I.1.b'].value).toBe('Réunion le lundi');

    // Having seen Paul's text, Claire saves on top of revision 1.
    const merged = valueOf(
      saveAnswer(
        afterPaul,
        ANNEX6_V1,
        { linkId: 'I.1.b', value: 'Réunion le lundi + staff', expectedRevision: 1 },
        STRUCTURE_USER,
        T0,
      ),
    );
    expect(merged.answer).toMatchObject({ revision: 2, answeredBy: STRUCTURE_USER });
  });

  it('does not conflict across different questions', () => {
    const a = valueOf(
      saveAnswer(
        fresh(),
        ANNEX6_V1,
        { linkId: 'I.1.a', value: 'A', expectedRevision: 0 },
        STRUCTURE_USER,
        T0,
      ),
    );
    const b = saveAnswer(
      a.response,
      ANNEX6_V1,
      { linkId: 'I.1.b', value: 'B', expectedRevision: 0 },
      OTHER_STRUCTURE_USER,
      T0,
    );
    expect(b.ok).toBe(true);
  });

  it('keeps a tombstone when an answer is cleared, so its revision keeps counting', () => {
    const first = valueOf(
      saveAnswer(
        fresh(),
        ANNEX6_V1,
        { linkId: 'I.1.a', value: 'A', expectedRevision: 0 },
        STRUCTURE_USER,
        T0,
      ),
    );
    const cleared = valueOf(
      saveAnswer(
        first.response,
        ANNEX6_V1,
        { linkId: 'I.1.a', value: '   ', expectedRevision: 1 },
        STRUCTURE_USER,
        T0,
      ),
    );
    expect(cleared.answer).toMatchObject({ value: null, revision: 2 });
    // Someone who still believes the question was never answered is stopped.
    const stale = saveAnswer(
      cleared.response,
      ANNEX6_V1,
      { linkId: 'I.1.a', value: 'B', expectedRevision: 0 },
      OTHER_STRUCTURE_USER,
      T0,
    );
    expect(problemOf(stale).code).toBe('revision_conflict');
  });

  it('does not bump the revision when the value is unchanged', () => {
    const first = valueOf(
      saveAnswer(
        fresh(),
        ANNEX6_V1,
        { linkId: 'II.1.b', value: true, expectedRevision: 0 },
        STRUCTURE_USER,
        T0,
      ),
    );
    const again = valueOf(
      saveAnswer(
        first.response,
        ANNEX6_V1,
        { linkId: 'II.1.b', value: true, expectedRevision: 1 },
        STRUCTURE_USER,
        T0,
      ),
    );
    expect(again.changed).toBe(false);
    expect(again.response).toBe(first.response);
  });

  describe('bad input is refused with a stable code and a French detail, nothing written', () => {
    it('unknown linkId', () => {
      const problem = problemOf(
        saveAnswer(
          fresh(),
          ANNEX6_V1,
          { linkId: 'X.9', value: 'x', expectedRevision: 0 },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem).toEqual({
        code: 'unknown_link_id',
        status: 422,
        linkId: 'X.9',
        detail: "La question « X.9 » n'existe pas dans la version 1.0.0 du questionnaire.",
      });
    });

    it('a section title or a note', () => {
      for (const linkId of ['I', 'I.1', 'I.1.note']) {
        const r = saveAnswer(
          fresh(),
          ANNEX6_V1,
          { linkId, value: 'x', expectedRevision: 0 },
          STRUCTURE_USER,
          T0,
        );
        expect(problemOf(r).code).toBe('item_not_answerable');
      }
    });

    it.each([
      ['I.1.a', true, 'un texte'],
      ['II.1.b', 'oui', 'oui ou non (booléen)'],
      ['III.b.1', '40 %', 'un nombre'],
      ['I.5.b', 3, "le code d'une des options proposées"],
      ['V.3.c.1', 'contrat.pdf', 'une pièce jointe'],
    ])('wrong type for %s', (linkId, value, expected) => {
      const problem = problemOf(
        saveAnswer(
          withContractEnabled(),
          ANNEX6_V1,
          { linkId, value, expectedRevision: 0 },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem.code).toBe('wrong_answer_type');
      expect(problem.status).toBe(422);
      expect(problem.detail).toContain(`La réponse à la question « ${linkId} » doit être ${expected}`);
    });

    it('a choice outside the options', () => {
      const problem = problemOf(
        saveAnswer(
          fresh(),
          ANNEX6_V1,
          { linkId: 'I.5.b', value: 'sometimes', expectedRevision: 0 },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem.code).toBe('invalid_choice');
    });

    it('a number out of range', () => {
      const problem = problemOf(
        saveAnswer(
          fresh(),
          ANNEX6_V1,
          { linkId: 'III.b.1', value: 140, expectedRevision: 0 },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem).toMatchObject({
        code: 'answer_out_of_range',
        detail: 'La réponse à la question « III.b.1 » doit être comprise entre 0 et 100.',
      });
    });

    it('text over the maximum length', () => {
      const problem = problemOf(
        saveAnswer(
          fresh(),
          ANNEX6_V1,
          { linkId: 'IV.2.b', value: 'x'.repeat(501), expectedRevision: 0 },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem.code).toBe('answer_too_long');
    });

    it('an attachment over the 10 MiB limit', () => {
      const problem = problemOf(
        saveAnswer(
          withContractEnabled(),
          ANNEX6_V1,
          { linkId: 'V.2.a.2', value: contract({ size: 10 * 1024 * 1024 + 1 }), expectedRevision: 0 },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem).toMatchObject({ code: 'attachment_too_large', status: 413, linkId: 'V.2.a.2' });
      expect(problem.detail).toBe(
        'Le fichier « contrat-remplacement.pdf » pèse 10 485 761 octets : la limite pour la question « V.2.a.2 » est de 10 485 760 octets.',
      );
      const big = saveAnswer(
        withContractEnabled(),
        ANNEX6_V1,
        { linkId: 'V.2.a.2', value: contract({ size: 13_000_000 }), expectedRevision: 0 },
        STRUCTURE_USER,
        T0,
      );
      expect(problemOf(big).detail).toBe(
        'Le fichier « contrat-remplacement.pdf » pèse 12,4 Mio : la limite pour la question « V.2.a.2 » est de 10 Mio.',
      );
    });

    it('an attachment of a type not accepted', () => {
      const problem = problemOf(
        saveAnswer(
          withContractEnabled(),
          ANNEX6_V1,
          {
            linkId: 'V.2.a.2',
            value: contract({ filename: 'x.exe', mimeType: 'application/x-msdownload' }),
            expectedRevision: 0,
          },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem).toMatchObject({ code: 'attachment_type_not_allowed', status: 415 });
    });

    it('an attachment without a valid SHA-256', () => {
      const problem = problemOf(
        saveAnswer(
          withContractEnabled(),
          ANNEX6_V1,
          { linkId: 'V.2.a.2', value: contract({ sha256: 'abc' }), expectedRevision: 0 },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem.code).toBe('invalid_attachment');
    });

    it('a negative or fractional expected revision', () => {
      const problem = problemOf(
        saveAnswer(
          fresh(),
          ANNEX6_V1,
          { linkId: 'I.1.a', value: 'x', expectedRevision: -1 },
          STRUCTURE_USER,
          T0,
        ),
      );
      expect(problem.code).toBe('invalid_revision');
    });

    it('an edit after submission', () => {
      const submitted = submit(
        fillRequired(fresh(), ANNEX6_V1, STRUCTURE_USER, T0),
        ANNEX6_V1,
        STRUCTURE_USER,
        T0,
      );
      if (!submitted.ok) throw new Error(submitted.problem.detail);
      const current = submitted.value.answers['I.1.a'].revision;
      for (const actor of [STRUCTURE_USER, REVIEWER]) {
        const problem = problemOf(
          saveAnswer(
            submitted.value,
            ANNEX6_V1,
            { linkId: 'I.1.a', value: 'modifié', expectedRevision: current },
            actor,
            T0,
          ),
        );
        expect(problem).toEqual({
          code: 'response_not_editable',
          status: 409,
          detail: 'Le questionnaire est soumis : ses réponses ne peuvent plus être modifiées.',
        });
      }
    });
  });

  it('stores attachment metadata with a normalised mime type and lower-case hash', () => {
    const { answer } = valueOf(
      saveAnswer(
        withContractEnabled(),
        ANNEX6_V1,
        {
          linkId: 'V.2.a.2',
          value: contract({ mimeType: 'Application/PDF', sha256: SHA.toUpperCase() }),
          expectedRevision: 0,
        },
        STRUCTURE_USER,
        T0,
      ),
    );
    expect(answer?.value).toEqual(contract());
  });

  it('accepts a choice as a bare code or a Coding', () => {
    const r = valueOf(
      saveAnswer(
        fresh(),
        ANNEX6_V1,
        { linkId: 'I.5.b', value: { code: 'both' }, expectedRevision: 0 },
        STRUCTURE_USER,
        T0,
      ),
    );
    expect(r.answer?.value).toBe('both');
  });
});
