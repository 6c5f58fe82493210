import { unwrap } from '../errors';
import type { AuditResponse } from '../model';
import { saveAnswer } from '../response/autosave';
import { createResponse } from '../response/create';
import { requestChanges, resubmit, submit } from '../response/lifecycle';
import { ANNEX6_V1 } from '../templates/annex6';
import { EXT_ATTACHMENT_SHA256 } from '../template/extensions';
import { answerableItems } from '../template/index-template';
import { REVIEWER, SHA, STRUCTURE_USER, T0, fillRequired, minutesAfterT0 } from '../testing/fixtures';
import { CSV_HEADER, auditCsvRows, auditToCsv, neutraliseCsvCell, toCsv } from './csv';
import { fhirStatusOf, toFhirQuestionnaireResponse, type FhirResponseItem } from './fhir';

const save = (response: AuditResponse, linkId: string, value: unknown, at = T0) =>
  unwrap(
    saveAnswer(
      response,
      ANNEX6_V1,
      { linkId, value, expectedRevision: response.answers[linkId]?.revision ?? 0 },
      STRUCTURE_USER,
      at,
    ),
  ).response;

const structureA = { id: 'struct-a', name: 'MSP des Tilleuls' };

function audited(): AuditResponse {
  let r = createResponse({ id: 'resp-a', structureId: structureA.id, template: ANNEX6_V1, now: T0 });
  r = fillRequired(r, ANNEX6_V1, STRUCTURE_USER, T0);
  r = save(r, 'I.1.a', '=HYPERLINK("http://evil.example","clic")');
  r = save(r, 'I.1.b', 'Réunion "staff", le lundi;\nprotocoles partagés');
  r = save(r, 'I.5.b', 'both');
  r = save(r, 'II.1.b', false);
  r = save(r, 'III.b.1', 37.5);
  r = save(r, 'V.2.a.2', {
    filename: 'contrat.pdf',
    mimeType: 'application/pdf',
    size: 123_456,
    sha256: SHA,
    storageKey: 'audits/a/contrat.pdf',
  });
  r = save(r, 'V.3.a', false); // disables V.3.a.1, whose old answer must not be exported
  return r;
}

describe('CSV export', () => {
  it('neutralises cells that a spreadsheet would run as formulas', () => {
    expect(['=1+1', '+33 6', '-2', '@SUM(A1)', '\tx', '\rx', 'sain', ''].map(neutraliseCsvCell)).toEqual([
      "'=1+1",
      "'+33 6",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      'sain',
      '',
    ]);
  });

  it('has one row per structure × question, in document order, with readable answers', () => {
    const r = audited();
    const other = fillRequired(
      createResponse({ id: 'resp-b', structureId: 'struct-b', template: ANNEX6_V1, now: T0 }),
      ANNEX6_V1,
      STRUCTURE_USER,
      T0,
    );
    const rows = auditCsvRows([
      { structure: structureA, template: ANNEX6_V1, response: r },
      { structure: { id: 'struct-b', name: 'Centre B' }, template: ANNEX6_V1, response: other },
    ]);
    const perStructure = answerableItems(ANNEX6_V1).length;
    expect(rows).toHaveLength(2 * perStructure);
    expect(rows[perStructure][0]).toBe('struct-b');

    const row = (linkId: string) => rows.find((x) => x[0] === 'struct-a' && x[3] === linkId)!;
    expect(row('I.5.b')).toEqual([
      'struct-a',
      'MSP des Tilleuls',
      '1.0.0',
      'I.5.b',
      'Existe-t-il des créneaux dédiés ou une permanence pour les soins non programmés ?',
      'Oui, les deux',
      T0.toISOString(),
      'Claire Martin',
    ]);
    expect(row('II.1.b')[5]).toBe('Non');
    expect(row('III.b.1')[5]).toBe('37.5');
    expect(row('V.2.a.2')[5]).toBe(`contrat.pdf (application/pdf, 123456 octets, SHA-256 ${SHA})`);
    expect(row('V.3.a.1').slice(5)).toEqual(['', '', '']); // disabled → blank
    expect(row('III.c.1').slice(5)).toEqual(['', '', '']); // enabled but optional and unanswered
  });

  it('renders RFC 4180 text with the header, quoting and injection neutralised', () => {
    const csv = auditToCsv([{ structure: structureA, template: ANNEX6_V1, response: audited() }]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(csv).toContain(
      `I.1.a,Comment l'aspect prévention est-il intégré dans la pratique médicale avec les patients MT ?,"'=HYPERLINK(""http://evil.example"",""clic"")"`,
    );
    expect(csv).toContain('"Réunion ""staff"", le lundi;\nprotocoles partagés"');
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('supports a semicolon delimiter and a BOM for French Excel', () => {
    const csv = toCsv([['a;b', '+1']], { delimiter: ';', bom: true });
    expect(csv).toBe(`\uFEFF${CSV_HEADER.join(';')}\r\n"a;b";'+1\r\n`);
  });

  it('can export the last submission instead of unsubmitted edits', () => {
    let r = unwrap(submit(audited(), ANNEX6_V1, STRUCTURE_USER, minutesAfterT0(1)));
    r = unwrap(requestChanges(r, ANNEX6_V1, { flaggedLinkIds: ['I.5.b'] }, REVIEWER, minutesAfterT0(2)));
    r = save(r, 'I.5.b', 'none', minutesAfterT0(3));
    const answerOf = (source: 'current' | 'last_submission') =>
      auditCsvRows([{ structure: structureA, template: ANNEX6_V1, response: r }], source).find(
        (x) => x[3] === 'I.5.b',
      )![5];
    expect(answerOf('current')).toBe('Non');
    expect(answerOf('last_submission')).toBe('Oui, les deux');
  });
});

describe('FHIR QuestionnaireResponse export', () => {
  const find = (items: FhirResponseItem[] | undefined, linkId: string): FhirResponseItem | undefined => {
    for (const item of items ?? []) {
      if (item.linkId === linkId) return item;
      const inner =
        find(item.item, linkId) ??
        find(
          item.answer?.flatMap((a) => a.item ?? []),
          linkId,
        );
      if (inner) return inner;
    }
    return undefined;
  };

  it('references the exact questionnaire version and the structure', () => {
    const fhir = toFhirQuestionnaireResponse(ANNEX6_V1, audited(), { structure: structureA });
    expect(fhir).toMatchObject({
      resourceType: 'QuestionnaireResponse',
      id: 'resp-a',
      questionnaire: 'https://mtr2.ipso.fr/fhir/Questionnaire/audit-annexe6|1.0.0',
      status: 'in-progress',
      subject: { display: 'MSP des Tilleuls', identifier: { value: 'struct-a' } },
    });
    expect(fhir.item.map((i) => i.linkId)).toEqual(['I', 'II', 'III', 'IV', 'V']);
  });

  it('nests groups and typed answers like the template', () => {
    const fhir = toFhirQuestionnaireResponse(ANNEX6_V1, audited(), { structure: structureA });
    const section1 = fhir.item[0];
    expect(section1.answer).toBeUndefined();
    expect(section1.item![0].linkId).toBe('I.1');
    expect(find(fhir.item, 'I.1')!.item!.map((i) => i.linkId)).toEqual(['I.1.a', 'I.1.b', 'I.1.c']); // no display item
    expect(find(fhir.item, 'I.1.a')!.answer).toEqual([
      { valueString: '=HYPERLINK("http://evil.example","clic")' },
    ]);
    expect(find(fhir.item, 'II.1.b')!.answer).toEqual([{ valueBoolean: false }]);
    expect(find(fhir.item, 'III.b.1')!.answer).toEqual([{ valueDecimal: 37.5 }]);
    expect(find(fhir.item, 'I.5.b')!.answer).toEqual([
      {
        valueCoding: {
          system: 'https://mtr2.ipso.fr/fhir/CodeSystem/audit-annexe6-unscheduled-care',
          code: 'both',
          display: 'Oui, les deux',
        },
      },
    ]);
    // Children of an answered question sit under its answer (FHIR nesting).
    const contract = find(fhir.item, 'V.2.a')!;
    expect(contract.item).toBeUndefined();
    expect(contract.answer![0].valueBoolean).toBe(true);
    expect(contract.answer![0].item!.map((i) => i.linkId)).toEqual(['V.2.a.1', 'V.2.a.2']);
    expect(contract.answer![0].item![1].answer).toEqual([
      {
        valueAttachment: {
          contentType: 'application/pdf',
          title: 'contrat.pdf',
          size: 123_456,
          url: 'audits/a/contrat.pdf',
          extension: [{ url: EXT_ATTACHMENT_SHA256, valueString: SHA }],
        },
      },
    ]);
    // Disabled follow-up is left out even though a stale answer exists.
    expect(find(fhir.item, 'V.3.a')!.answer).toEqual([{ valueBoolean: false }]);
    expect(find(fhir.item, 'V.3.a.1')).toBeUndefined();
    // No item ever carries both `item` and `answer` (R4 invariant qrs-1).
    const walk = (items: FhirResponseItem[] = []): boolean =>
      items.every(
        (i) => !(i.item && i.answer) && walk(i.item) && walk(i.answer?.flatMap((a) => a.item ?? [])),
      );
    expect(walk(fhir.item)).toBe(true);
  });

  it('maps the lifecycle to FHIR statuses', () => {
    let r = audited();
    expect(fhirStatusOf(r)).toBe('in-progress');
    r = unwrap(submit(r, ANNEX6_V1, STRUCTURE_USER, minutesAfterT0(1)));
    expect(fhirStatusOf(r)).toBe('completed');
    r = unwrap(requestChanges(r, ANNEX6_V1, { flaggedLinkIds: ['I.1.a'] }, REVIEWER, minutesAfterT0(2)));
    expect(fhirStatusOf(r)).toBe('in-progress');
    expect(
      toFhirQuestionnaireResponse(ANNEX6_V1, r, { structure: structureA, source: 'last_submission' }),
    ).toMatchObject({
      status: 'completed',
      authored: minutesAfterT0(1).toISOString(),
      author: { display: 'Claire Martin' },
    });
    r = unwrap(resubmit(r, ANNEX6_V1, STRUCTURE_USER, minutesAfterT0(3)));
    expect(fhirStatusOf(r)).toBe('amended');
  });

  it('refuses a response that is not on the given template version', () => {
    const other = { ...structuredClone(ANNEX6_V1), version: '2.0.0' };
    expect(() => toFhirQuestionnaireResponse(other, audited(), { structure: structureA })).toThrow(
      /version 1\.0\.0/,
    );
  });
});
