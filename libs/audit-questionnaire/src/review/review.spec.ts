import { unwrap, type AuditProblem, type Result } from '../errors';
import type { Actor } from '../model';
import { createResponse } from '../response/create';
import { ANNEX6_V1 } from '../templates/annex6';
import { REVIEWER, STRUCTURE_USER, T0, minutesAfterT0 } from '../testing/fixtures';
import { RUBRIC_SCALE, scoreSection, summariseRubric, type ReviewRubric } from './rubric';
import {
  openThread,
  reopenThread,
  replyToThread,
  resolveThread,
  visibleThreads,
  type ReviewThread,
} from './threads';

const problemOf = (r: Result<unknown>): AuditProblem => {
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
};

const response = createResponse({ id: 'resp-a', structureId: 'struct-a', template: ANNEX6_V1, now: T0 });

const open = (
  id: string,
  linkId: string,
  visibility: 'internal' | 'shared',
  actor: Actor = REVIEWER,
): ReviewThread =>
  unwrap(
    openThread(
      response,
      ANNEX6_V1,
      { threadId: id, messageId: `${id}-m1`, linkId, visibility, body: `Remarque ${id}` },
      actor,
      T0,
    ),
  );

describe('reviewer threads', () => {
  it('opens a thread on an item with its first message', () => {
    expect(open('t1', 'V.2.a', 'shared')).toEqual({
      id: 't1',
      responseId: 'resp-a',
      linkId: 'V.2.a',
      visibility: 'shared',
      status: 'open',
      messages: [{ id: 't1-m1', author: REVIEWER, body: 'Remarque t1', postedAt: T0.toISOString() }],
      createdAt: T0.toISOString(),
      createdBy: REVIEWER,
    });
  });

  it('shows a structure user the shared threads only; ipso sees everything', () => {
    const threads = [
      open('t1', 'I.1.a', 'internal'),
      open('t2', 'I.1.a', 'shared'),
      open('t3', 'II', 'internal'),
    ];
    expect(visibleThreads(threads, STRUCTURE_USER).map((t) => t.id)).toEqual(['t2']);
    expect(visibleThreads(threads, REVIEWER).map((t) => t.id)).toEqual(['t1', 't2', 't3']);
  });

  it('lets the structure answer a shared thread but not open, read or answer an internal one', () => {
    const shared = open('t2', 'I.1.a', 'shared');
    const answered = unwrap(
      replyToThread(shared, { messageId: 'm2', body: 'Voici le détail.' }, STRUCTURE_USER, minutesAfterT0(3)),
    );
    expect(answered.messages.map((m) => m.author.side)).toEqual(['ipso', 'structure']);

    const internal = open('t1', 'I.1.a', 'internal');
    expect(
      problemOf(replyToThread(internal, { messageId: 'm', body: 'x' }, STRUCTURE_USER, T0)),
    ).toMatchObject({
      code: 'thread_not_found',
      status: 404,
    });
    const structureInternal = openThread(
      response,
      ANNEX6_V1,
      { threadId: 't9', messageId: 'm', linkId: 'I.1.a', visibility: 'internal', body: 'x' },
      STRUCTURE_USER,
      T0,
    );
    expect(problemOf(structureInternal).code).toBe('forbidden_actor');
    // A structure user may start a shared thread (a question to the reviewers).
    expect(open('t10', 'V.1.a', 'shared', STRUCTURE_USER).createdBy).toBe(STRUCTURE_USER);
  });

  it('is resolved and reopened by ipso only; a resolved thread takes no reply', () => {
    const thread = open('t2', 'I.1.a', 'shared');
    expect(problemOf(resolveThread(thread, STRUCTURE_USER, T0)).code).toBe('forbidden_actor');
    const resolved = unwrap(resolveThread(thread, REVIEWER, minutesAfterT0(9)));
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: REVIEWER,
      resolvedAt: minutesAfterT0(9).toISOString(),
    });
    expect(
      problemOf(replyToThread(resolved, { messageId: 'm', body: 'encore' }, STRUCTURE_USER, T0)).code,
    ).toBe('thread_resolved');
    const reopened = unwrap(reopenThread(resolved, REVIEWER));
    expect(reopened.status).toBe('open');
    expect(reopened.resolvedAt).toBeUndefined();
  });

  it('rejects unknown items and empty messages', () => {
    expect(
      problemOf(
        openThread(
          response,
          ANNEX6_V1,
          { threadId: 't', messageId: 'm', linkId: 'X.9', visibility: 'shared', body: 'x' },
          REVIEWER,
          T0,
        ),
      ).code,
    ).toBe('unknown_link_id');
    expect(
      problemOf(
        openThread(
          response,
          ANNEX6_V1,
          { threadId: 't', messageId: 'm', linkId: 'I.1.a', visibility: 'shared', body: '  ' },
          REVIEWER,
          T0,
        ),
      ).code,
    ).toBe('invalid_message');
  });
});

describe('reviewer rubric', () => {
  it('scores a section 0–3 with a required justification, kept apart from the answers', () => {
    let rubric: ReviewRubric = {};
    rubric = unwrap(
      scoreSection(
        rubric,
        ANNEX6_V1,
        { sectionLinkId: 'II', score: 2, justification: ' Logiciel partagé, extraction par API. ' },
        REVIEWER,
        T0,
      ),
    );
    rubric = unwrap(
      scoreSection(
        rubric,
        ANNEX6_V1,
        { sectionLinkId: 'V', score: 1, justification: 'Contrat type à adapter.' },
        REVIEWER,
        T0,
      ),
    );
    expect(rubric.II).toEqual({
      sectionLinkId: 'II',
      score: 2,
      justification: 'Logiciel partagé, extraction par API.',
      scoredAt: T0.toISOString(),
      scoredBy: REVIEWER,
    });
    const summary = summariseRubric(rubric, ANNEX6_V1);
    expect(summary).toMatchObject({ scored: 2, total: 5, average: 1.5 });
    expect(summary.sections[1]).toEqual({
      linkId: 'II',
      title: ANNEX6_V1.item[1].text,
      score: 2,
      label: RUBRIC_SCALE[2].label,
    });
    expect(summary.sections[0].score).toBeNull();
  });

  it('refuses a missing justification, an out-of-scale score, an unknown section and a structure user', () => {
    const base = { sectionLinkId: 'I', score: 3, justification: 'ok' };
    expect(
      problemOf(scoreSection({}, ANNEX6_V1, { ...base, justification: '   ' }, REVIEWER, T0)),
    ).toMatchObject({
      code: 'missing_justification',
      detail: 'Une justification écrite est obligatoire pour noter la section « I ».',
    });
    expect(problemOf(scoreSection({}, ANNEX6_V1, { ...base, score: 4 }, REVIEWER, T0)).code).toBe(
      'invalid_score',
    );
    expect(problemOf(scoreSection({}, ANNEX6_V1, { ...base, score: 1.5 }, REVIEWER, T0)).code).toBe(
      'invalid_score',
    );
    expect(problemOf(scoreSection({}, ANNEX6_V1, { ...base, sectionLinkId: 'I.1' }, REVIEWER, T0)).code).toBe(
      'unknown_section',
    );
    expect(problemOf(scoreSection({}, ANNEX6_V1, base, STRUCTURE_USER, T0)).code).toBe('forbidden_actor');
  });
});
