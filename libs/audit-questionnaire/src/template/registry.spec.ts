import { AuditQuestionnaireError } from '../errors';
import type { AuditResponse } from '../model';
import { saveAnswer } from '../response/autosave';
import { createResponse } from '../response/create';
import { ANNEX6_URL, ANNEX6_V1, createDefaultRegistry } from '../templates/annex6';
import { STRUCTURE_USER, T0 } from '../testing/fixtures';
import { TemplateRegistry } from './registry';
import type { Questionnaire } from './types';
import { validateTemplate } from './validate-template';

/** v1.1.0: one extra question in section III and a reworded note, as a later revision might. */
function nextVersion(): Questionnaire {
  const next = structuredClone(ANNEX6_V1) as Questionnaire;
  next.version = '1.1.0';
  next.item[2].item!.push({
    linkId: 'III.d',
    text: 'Utilisez-vous un outil de téléconsultation ?',
    type: 'boolean',
    required: true,
  });
  return next;
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof AuditQuestionnaireError ? e.code : 'not-an-audit-error';
  }
  return undefined;
};

describe('TemplateRegistry', () => {
  it('ships the Annex 6 v1.0.0 template', () => {
    const registry = createDefaultRegistry();
    expect(registry.versions(ANNEX6_URL)).toEqual(['1.0.0']);
    expect(registry.latest(ANNEX6_URL)?.version).toBe('1.0.0');
  });

  it('freezes what it publishes, deeply, without freezing the caller’s object', () => {
    const registry = new TemplateRegistry();
    const draft = nextVersion();
    const published = registry.publish(draft);
    expect(Object.isFrozen(published)).toBe(true);
    expect(Object.isFrozen(published.item[2].item![3])).toBe(true);
    expect(Object.isFrozen(draft)).toBe(false);
    // Mutating the caller's copy afterwards does not reach the published version.
    draft.item[2].item![3].text = 'Autre texte';
    expect(registry.get({ url: ANNEX6_URL, version: '1.1.0' })!.item[2].item![3].text).toBe(
      'Utilisez-vous un outil de téléconsultation ?',
    );
  });

  it('accepts republishing identical content and refuses different content under a published version', () => {
    const registry = createDefaultRegistry();
    expect(registry.publish(structuredClone(ANNEX6_V1))).toBe(
      registry.get({ url: ANNEX6_URL, version: '1.0.0' }),
    );

    const changed = structuredClone(ANNEX6_V1) as Questionnaire;
    changed.item[0].item![0].item![1].text = 'Question réécrite ?';
    expect(codeOf(() => registry.publish(changed))).toBe('template_version_conflict');
    expect(registry.get({ url: ANNEX6_URL, version: '1.0.0' })!.item[0].item![0].item![1].text).toBe(
      ANNEX6_V1.item[0].item![0].item![1].text,
    );
  });

  it('orders versions semantically and serves the latest for new responses', () => {
    const registry = createDefaultRegistry();
    registry.publish({ ...nextVersion(), version: '1.10.0' });
    registry.publish(nextVersion());
    expect(registry.versions(ANNEX6_URL)).toEqual(['1.0.0', '1.1.0', '1.10.0']);
    expect(registry.latest(ANNEX6_URL)?.version).toBe('1.10.0');
  });

  it('refuses drafts, unknown versions and invalid templates', () => {
    const registry = new TemplateRegistry();
    expect(codeOf(() => registry.publish({ ...nextVersion(), status: 'draft' }))).toBe('invalid_template');
    expect(codeOf(() => registry.require({ url: ANNEX6_URL, version: '9.9.9' }))).toBe('template_not_found');
    expect(codeOf(() => registry.publish({ ...nextVersion(), version: 'v2' }))).toBe('invalid_template');
  });

  it('keeps a response on its version after a new version is published', () => {
    const registry = createDefaultRegistry();
    const v1 = registry.latest(ANNEX6_URL)!;
    let response: AuditResponse = createResponse({
      id: 'resp-a',
      structureId: 'struct-a',
      template: v1,
      now: T0,
    });

    const v11 = registry.publish(nextVersion());
    expect(registry.latest(ANNEX6_URL)).toBe(v11);
    expect(response.questionnaire).toEqual({ url: ANNEX6_URL, version: '1.0.0' });

    // Its template is still served, unchanged, and still drives validation.
    const pinned = registry.require(response.questionnaire);
    expect(pinned).toBe(v1);
    const saved = saveAnswer(
      response,
      pinned,
      { linkId: 'III.d', value: true, expectedRevision: 0 },
      STRUCTURE_USER,
      T0,
    );
    expect(saved.ok || saved.problem.code).toBe('unknown_link_id');

    // Using the newer template on the old response is refused, not silently mixed.
    const mixed = saveAnswer(
      response,
      v11,
      { linkId: 'III.d', value: true, expectedRevision: 0 },
      STRUCTURE_USER,
      T0,
    );
    expect(mixed.ok || mixed.problem.code).toBe('template_mismatch');

    const okSave = saveAnswer(
      response,
      pinned,
      { linkId: 'III.c', value: false, expectedRevision: 0 },
      STRUCTURE_USER,
      T0,
    );
    expect(okSave.ok).toBe(true);
    if (okSave.ok) response = okSave.value.response;
    expect(response.questionnaire.version).toBe('1.0.0');
  });
});

describe('validateTemplate', () => {
  const base = (item: unknown[]) => ({
    resourceType: 'Questionnaire',
    url: 'https://example.org/Questionnaire/t',
    version: '1.0.0',
    title: 'Test',
    status: 'active',
    item: [{ linkId: 'S', type: 'group', text: 'Section', item }],
  });
  const issuesOf = (input: unknown) => {
    const r = validateTemplate(input);
    return r.ok ? [] : r.problem.code === 'invalid_template' ? r.problem.issues : [r.problem.code];
  };

  it('accepts a minimal template', () => {
    expect(issuesOf(base([{ linkId: 'S.1', type: 'boolean', text: 'Q ?' }]))).toEqual([]);
  });

  it('rejects unsupported FHIR elements instead of ignoring them', () => {
    expect(
      issuesOf(base([{ linkId: 'S.1', type: 'text', text: 'Q ?', repeats: true }])).length,
    ).toBeGreaterThan(0);
  });

  it('rejects duplicate linkIds', () => {
    expect(
      issuesOf(
        base([
          { linkId: 'S.1', type: 'text', text: 'A' },
          { linkId: 'S.1', type: 'text', text: 'B' },
        ]),
      ),
    ).toEqual(['linkId « S.1 » en double']);
  });

  it('rejects an enableWhen that points forward, at an unknown item or with the wrong answer type', () => {
    expect(
      issuesOf(
        base([
          {
            linkId: 'S.1',
            type: 'text',
            text: 'A',
            enableWhen: [{ question: 'S.2', operator: '=', answerBoolean: true }],
          },
          { linkId: 'S.2', type: 'boolean', text: 'B' },
          {
            linkId: 'S.3',
            type: 'text',
            text: 'C',
            enableWhen: [{ question: 'S.9', operator: 'exists', answerBoolean: true }],
          },
          {
            linkId: 'S.4',
            type: 'text',
            text: 'D',
            enableWhen: [{ question: 'S.2', operator: '=', answerString: 'oui' }],
          },
        ]),
      ),
    ).toEqual([
      "« S.1 » (enableWhen sur « S.2 ») : la question doit précéder l'élément conditionné",
      '« S.3 » (enableWhen sur « S.9 ») : question inconnue',
      '« S.4 » (enableWhen sur « S.2 ») : answerBoolean attendu pour une question boolean',
    ]);
  });

  it('requires attachment limits and choice options', () => {
    expect(
      issuesOf(
        base([
          { linkId: 'S.1', type: 'attachment', text: 'Pièce' },
          { linkId: 'S.2', type: 'choice', text: 'Choix' },
        ]),
      ),
    ).toEqual([
      '« S.1 » : indiquez les types de fichiers acceptés (extension mimeType)',
      '« S.1 » : indiquez la taille maximale en octets (extension maxSize)',
      '« S.2 » : une question à choix doit avoir des options',
    ]);
  });

  it('only allows sections (groups) at the top level', () => {
    const bad = { ...base([]), item: [{ linkId: 'Q', type: 'text', text: 'Q ?' }] };
    expect(issuesOf(bad)).toContain('« Q » : le premier niveau ne contient que des sections (group)');
  });
});
