import { unwrap, type AuditProblem, type Result } from '../errors';
import type { AuditResponse } from '../model';
import { ANNEX6_V1 } from '../templates/annex6';
import { REVIEWER, STRUCTURE_USER, T0, fillRequired, minutesAfterT0 } from '../testing/fixtures';
import { saveAnswer } from './autosave';
import { createResponse } from './create';
import { accept, lastSubmission, openChangeRequest, requestChanges, resubmit, submit } from './lifecycle';
import { RESPONSE_TRANSITIONS, allowedTransitions } from './transitions';

const problemOf = (r: Result<unknown>): AuditProblem => {
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
};

const draft = (): AuditResponse =>
  createResponse({ id: 'resp-a', structureId: 'struct-a', template: ANNEX6_V1, now: T0 });
const complete = (): AuditResponse => fillRequired(draft(), ANNEX6_V1, STRUCTURE_USER, T0);

function save(response: AuditResponse, linkId: string, value: unknown, at = T0): AuditResponse {
  const expectedRevision = response.answers[linkId]?.revision ?? 0;
  return unwrap(saveAnswer(response, ANNEX6_V1, { linkId, value, expectedRevision }, STRUCTURE_USER, at))
    .response;
}

describe('response lifecycle', () => {
  it('starts as a draft pinned to its template version', () => {
    expect(draft()).toMatchObject({
      status: 'draft',
      questionnaire: { url: ANNEX6_V1.url, version: '1.0.0' },
      answers: {},
      submissions: [],
    });
  });

  it('refuses to submit while required enabled questions are unanswered, listing them', () => {
    const partial = save(draft(), 'I.1.a', 'Prévention intégrée');
    const problem = problemOf(submit(partial, ANNEX6_V1, STRUCTURE_USER, T0));
    expect(problem.code).toBe('missing_required_answers');
    if (problem.code !== 'missing_required_answers') return;
    expect(problem.missingLinkIds[0]).toBe('I.1.b');
    expect(problem.missingLinkIds).not.toContain('I.1.a');
    // V.2.a.1 only becomes required once V.2.a = oui.
    expect(problem.missingLinkIds).not.toContain('V.2.a.1');
    expect(problem.detail).toMatch(/^\d+ question\(s\) obligatoire\(s\) sans réponse : I\.1\.b, /);
  });

  it('submits an immutable snapshot of the enabled answers only', () => {
    let response = complete();
    // An answer hidden behind a "non" is kept in the draft but not handed in.
    response = save(response, 'V.3.a', false);
    const submitted = unwrap(submit(response, ANNEX6_V1, STRUCTURE_USER, minutesAfterT0(5)));
    expect(submitted.status).toBe('submitted');
    const snapshot = lastSubmission(submitted)!;
    expect(snapshot).toMatchObject({
      number: 1,
      kind: 'submission',
      submittedAt: minutesAfterT0(5).toISOString(),
      diff: [],
    });
    expect(snapshot.answers['V.3.a'].value).toBe(false);
    expect(snapshot.answers['V.3.a.1']).toBeUndefined();
    expect(submitted.answers['V.3.a.1']).toBeDefined();
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.answers['I.1.a'])).toBe(true);
    // Freezing the snapshot does not freeze the caller's actor object.
    expect(Object.isFrozen(STRUCTURE_USER)).toBe(false);
  });

  it('runs the request-changes loop with a diff since the last submission', () => {
    let response = save(save(complete(), 'I.5.b', 'none'), 'II.2.d.1', 'Score de Fagerström');
    response = unwrap(submit(response, ANNEX6_V1, STRUCTURE_USER, minutesAfterT0(10)));

    response = unwrap(
      requestChanges(
        response,
        ANNEX6_V1,
        { flaggedLinkIds: ['V.1.b', 'I.5.b', 'I.5.b'], note: 'Préciser les encaissements.' },
        REVIEWER,
        minutesAfterT0(60),
      ),
    );
    expect(response.status).toBe('changes_requested');
    expect(openChangeRequest(response)).toMatchObject({
      number: 1,
      flaggedLinkIds: ['I.5.b', 'V.1.b'], // deduplicated, document order
      note: 'Préciser les encaissements.',
      afterSubmission: 1,
      requestedBy: REVIEWER,
    });

    // The structure edits the flagged items, one unflagged item, adds an optional answer and clears another.
    response = save(response, 'I.5.b', 'dedicated_slots', minutesAfterT0(70));
    response = save(response, 'V.1.b', 'Encaissement centralisé par la SISA', minutesAfterT0(71));
    response = save(response, 'IV.2.b', '0,5 ETP', minutesAfterT0(72));
    response = save(response, 'III.b.1', 35, minutesAfterT0(73));
    response = save(response, 'II.2.d.1', null, minutesAfterT0(74));
    // Re-saving an identical value is not a change.
    response = save(response, 'I.1.a', response.answers['I.1.a'].value, minutesAfterT0(75));

    response = unwrap(resubmit(response, ANNEX6_V1, STRUCTURE_USER, minutesAfterT0(80)));
    expect(response.status).toBe('resubmitted');
    const second = lastSubmission(response)!;
    expect(second).toMatchObject({ number: 2, kind: 'resubmission' });
    expect(second.diff).toEqual([
      { linkId: 'I.5.b', change: 'changed', before: 'none', after: 'dedicated_slots', flagged: true },
      { linkId: 'II.2.d.1', change: 'removed', before: 'Score de Fagerström', flagged: false },
      { linkId: 'III.b.1', change: 'added', after: 35, flagged: false },
      { linkId: 'IV.2.b', change: 'changed', before: 'Réponse à IV.2.b', after: '0,5 ETP', flagged: false },
      {
        linkId: 'V.1.b',
        change: 'changed',
        before: 'Réponse à V.1.b',
        after: 'Encaissement centralisé par la SISA',
        flagged: true,
      },
    ]);
    // The first snapshot did not move.
    expect(response.submissions[0].answers['I.5.b'].value).toBe('none');

    // A second round trip is allowed, then acceptance.
    response = unwrap(
      requestChanges(response, ANNEX6_V1, { flaggedLinkIds: ['IV.2'] }, REVIEWER, minutesAfterT0(90)),
    );
    response = unwrap(resubmit(response, ANNEX6_V1, STRUCTURE_USER, minutesAfterT0(95)));
    expect(lastSubmission(response)!.diff).toEqual([]);
    response = unwrap(accept(response, REVIEWER, minutesAfterT0(100)));
    expect(response).toMatchObject({
      status: 'accepted',
      acceptedBy: REVIEWER,
      acceptedAt: minutesAfterT0(100).toISOString(),
    });
    expect(response.submissions).toHaveLength(3);
  });

  it('reopens the whole response while changes are requested', () => {
    let response = unwrap(submit(complete(), ANNEX6_V1, STRUCTURE_USER, T0));
    response = unwrap(requestChanges(response, ANNEX6_V1, { flaggedLinkIds: ['I.1.a'] }, REVIEWER, T0));
    // An unflagged item may change too (e.g. the yes/no that enables a flagged follow-up).
    expect(() => save(response, 'II.1.b', false)).not.toThrow();
  });

  it('validates the change request', () => {
    const submitted = unwrap(submit(complete(), ANNEX6_V1, STRUCTURE_USER, T0));
    expect(problemOf(requestChanges(submitted, ANNEX6_V1, { flaggedLinkIds: [] }, REVIEWER, T0)).code).toBe(
      'no_flagged_items',
    );
    expect(
      problemOf(requestChanges(submitted, ANNEX6_V1, { flaggedLinkIds: ['X.9'] }, REVIEWER, T0)).code,
    ).toBe('unknown_link_id');
    expect(
      problemOf(requestChanges(submitted, ANNEX6_V1, { flaggedLinkIds: ['I.1.note'] }, REVIEWER, T0)).code,
    ).toBe('item_not_answerable');
    expect(
      problemOf(requestChanges(submitted, ANNEX6_V1, { flaggedLinkIds: ['I.1.a'] }, STRUCTURE_USER, T0)),
    ).toMatchObject({
      code: 'forbidden_actor',
      status: 403,
    });
  });

  it('refuses transitions out of order with the allowed ones', () => {
    const d = complete();
    const problem = problemOf(accept(d, REVIEWER, T0));
    expect(problem).toMatchObject({
      code: 'invalid_transition',
      status: 409,
      from: 'draft',
      to: 'accepted',
      allowed: ['submitted'],
    });
    expect(problem.detail).toBe(
      "Le questionnaire ne peut pas passer de l'état « en cours de saisie » à l'état « accepté ». Depuis cet état : « soumis ».",
    );
    expect(problemOf(resubmit(d, ANNEX6_V1, STRUCTURE_USER, T0)).code).toBe('invalid_transition');

    const submitted = unwrap(submit(d, ANNEX6_V1, STRUCTURE_USER, T0));
    expect(problemOf(submit(submitted, ANNEX6_V1, STRUCTURE_USER, T0)).code).toBe('invalid_transition');
    expect(problemOf(accept(submitted, STRUCTURE_USER, T0)).code).toBe('forbidden_actor');

    const accepted = unwrap(accept(submitted, REVIEWER, T0));
    expect(allowedTransitions('accepted')).toEqual([]);
    expect(
      problemOf(requestChanges(accepted, ANNEX6_V1, { flaggedLinkIds: ['I.1.a'] }, REVIEWER, T0)).code,
    ).toBe('invalid_transition');
  });

  it('declares exactly the lifecycle of the issue', () => {
    expect(RESPONSE_TRANSITIONS.map((t) => `${t.from}→${t.to}`)).toEqual([
      'draft→submitted',
      'submitted→changes_requested',
      'changes_requested→resubmitted',
      'resubmitted→changes_requested',
      'submitted→accepted',
      'resubmitted→accepted',
    ]);
  });
});
