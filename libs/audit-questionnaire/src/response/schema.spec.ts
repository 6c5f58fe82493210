import { unwrap } from '../errors';
import { SaveAnswerCommandSchema } from '../answers/schema';
import { validateAnswerValue } from '../answers/validate-answer';
import { ANNEX6_V1 } from '../templates/annex6';
import { REVIEWER, STRUCTURE_USER, T0, fillRequired } from '../testing/fixtures';
import { createResponse } from './create';
import { requestChanges, submit } from './lifecycle';
import { AuditResponseSchema } from './schema';

describe('wire and storage schemas', () => {
  it('round-trips a response through JSON (as stored in JSONB)', () => {
    let r = fillRequired(
      createResponse({ id: 'r', structureId: 's', template: ANNEX6_V1, now: T0 }),
      ANNEX6_V1,
      STRUCTURE_USER,
      T0,
    );
    r = unwrap(submit(r, ANNEX6_V1, STRUCTURE_USER, T0));
    r = unwrap(requestChanges(r, ANNEX6_V1, { flaggedLinkIds: ['I.1.a'], note: 'Préciser' }, REVIEWER, T0));
    const reloaded = AuditResponseSchema.parse(JSON.parse(JSON.stringify(r)));
    expect(reloaded).toEqual(r);
  });

  it('rejects a stored response with an unknown status', () => {
    const r = createResponse({ id: 'r', structureId: 's', template: ANNEX6_V1, now: T0 });
    expect(AuditResponseSchema.safeParse({ ...r, status: 'archived' }).success).toBe(false);
  });

  it('parses an autosave body: value is explicit, null clears the answer', () => {
    expect(SaveAnswerCommandSchema.parse({ linkId: 'I.1.a', value: null, expectedRevision: 2 })).toEqual({
      linkId: 'I.1.a',
      value: null,
      expectedRevision: 2,
    });
    expect(SaveAnswerCommandSchema.safeParse({ linkId: 'I.1.a', expectedRevision: 2 }).success).toBe(false);
    expect(
      SaveAnswerCommandSchema.safeParse({ linkId: 'I.1.a', value: 'x', expectedRevision: 1.5 }).success,
    ).toBe(false);
  });

  it('checks integers as integers', () => {
    const item = { linkId: 'n', type: 'integer' as const, text: 'Nombre de MG ?' };
    expect(validateAnswerValue(item, 3)).toEqual({ ok: true, value: 3 });
    const fractional = validateAnswerValue(item, 2.5);
    expect(fractional.ok || fractional.problem.code).toBe('wrong_answer_type');
  });
});
