import { unwrap } from '../errors';
import type { AuditResponse } from '../model';
import { ANNEX6_V1 } from '../templates/annex6';
import { STRUCTURE_USER, T0, fillRequired } from '../testing/fixtures';
import type { Questionnaire } from '../template/types';
import { validateTemplate } from '../template/validate-template';
import { saveAnswer } from './autosave';
import { createResponse } from './create';
import { enabledLinkIds } from './enable-when';
import { computeProgress } from './progress';

const draft = (): AuditResponse =>
  createResponse({ id: 'r', structureId: 's', template: ANNEX6_V1, now: T0 });
const save = (response: AuditResponse, linkId: string, value: unknown, template: Questionnaire = ANNEX6_V1) =>
  unwrap(
    saveAnswer(
      response,
      template,
      { linkId, value, expectedRevision: response.answers[linkId]?.revision ?? 0 },
      STRUCTURE_USER,
      T0,
    ),
  ).response;

describe('enableWhen', () => {
  it('enables the contract follow-ups only when a standard contract exists', () => {
    const none = enabledLinkIds(ANNEX6_V1, {});
    expect(none.has('V.2.a')).toBe(true);
    expect(none.has('V.2.a.1')).toBe(false);
    expect(none.has('V.2.a.2')).toBe(false);

    const yes = save(draft(), 'V.2.a', true);
    expect(enabledLinkIds(ANNEX6_V1, yes.answers).has('V.2.a.2')).toBe(true);
    const no = save(yes, 'V.2.a', false);
    expect(enabledLinkIds(ANNEX6_V1, no.answers).has('V.2.a.2')).toBe(false);
  });

  it('supports exists, !=, numeric comparisons, any/all, and disables children of disabled items', () => {
    const template = unwrap(
      validateTemplate({
        resourceType: 'Questionnaire',
        url: 'https://example.org/Questionnaire/ew',
        version: '1.0.0',
        title: 'enableWhen',
        status: 'active',
        item: [
          {
            linkId: 'S',
            type: 'group',
            text: 'S',
            item: [
              { linkId: 'n', type: 'integer', text: 'Nombre de MG ?' },
              {
                linkId: 'c',
                type: 'choice',
                text: 'Choix',
                answerOption: [{ valueCoding: { code: 'a' } }, { valueCoding: { code: 'b' } }],
              },
              {
                linkId: 'many',
                type: 'text',
                text: '≥ 3 MG',
                enableWhen: [{ question: 'n', operator: '>=', answerInteger: 3 }],
              },
              {
                linkId: 'told',
                type: 'text',
                text: 'renseigné',
                enableWhen: [{ question: 'n', operator: 'exists', answerBoolean: true }],
              },
              {
                linkId: 'notA',
                type: 'text',
                text: '≠ a',
                enableWhen: [{ question: 'c', operator: '!=', answerCoding: { code: 'a' } }],
              },
              {
                linkId: 'either',
                type: 'group',
                text: 'any',
                enableBehavior: 'any',
                enableWhen: [
                  { question: 'n', operator: '<', answerInteger: 2 },
                  { question: 'c', operator: '=', answerCoding: { code: 'b' } },
                ],
                item: [{ linkId: 'either.q', type: 'boolean', text: 'enfant' }],
              },
            ],
          },
        ],
      }),
    );
    const r0 = createResponse({ id: 'r', structureId: 's', template, now: T0 });
    const on = (r: AuditResponse) =>
      [...enabledLinkIds(template, r.answers)].filter((id) => id !== 'S' && id !== 'n' && id !== 'c');
    expect(on(r0)).toEqual([]); // no answer: only `exists false`-style conditions could hold
    const r1 = save(r0, 'n', 3, template);
    expect(on(r1)).toEqual(['many', 'told']);
    const r2 = save(save(r1, 'n', 1, template), 'c', 'a', template);
    expect(on(r2)).toEqual(['told', 'either', 'either.q']);
    const r3 = save(save(r2, 'n', 5, template), 'c', 'b', template);
    expect(on(r3)).toEqual(['many', 'told', 'notA', 'either', 'either.q']);
  });
});

describe('computeProgress', () => {
  it('counts required enabled questions per section', () => {
    const progress = computeProgress(ANNEX6_V1, {});
    expect(progress.sections.map((s) => [s.linkId, s.answered, s.total, s.percent])).toEqual([
      ['I', 0, 12, 0],
      ['II', 0, 15, 0],
      ['III', 0, 3, 0],
      ['IV', 0, 14, 0],
      ['V', 0, 11, 0],
    ]);
    expect(progress).toMatchObject({ answered: 0, total: 55, percent: 0 });
  });

  it('moves with answers, grows when a "oui" enables a required follow-up, and ignores optional items', () => {
    let r = save(draft(), 'V.1.a', 'Comptes séparés');
    r = save(r, 'V.3.c.1', {
      filename: 'projet.pdf',
      mimeType: 'application/pdf',
      size: 10,
      sha256: 'a'.repeat(64),
    });
    let v = computeProgress(ANNEX6_V1, r.answers).sections[4];
    expect([v.answered, v.total]).toEqual([1, 11]);

    r = save(r, 'V.2.a', true); // enables the required V.2.a.1
    v = computeProgress(ANNEX6_V1, r.answers).sections[4];
    expect([v.answered, v.total, v.percent]).toEqual([2, 12, 16]);
    expect(v.missingLinkIds).toContain('V.2.a.1');

    r = save(r, 'V.2.a', false);
    v = computeProgress(ANNEX6_V1, r.answers).sections[4];
    expect([v.answered, v.total]).toEqual([2, 11]);
  });

  it('reaches 100 % in every section when everything required is answered', () => {
    const full = fillRequired(draft(), ANNEX6_V1, STRUCTURE_USER, T0);
    const progress = computeProgress(ANNEX6_V1, full.answers);
    expect(progress.sections.every((s) => s.percent === 100 && s.missingLinkIds.length === 0)).toBe(true);
    expect(progress.percent).toBe(100);
  });

  it('treats a cleared answer as unanswered', () => {
    const r = save(save(draft(), 'III.a', 'Doctolib'), 'III.a', null);
    expect(computeProgress(ANNEX6_V1, r.answers).sections[2].answered).toBe(0);
  });
});
