import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../test/render';
import { enabledLinkIds, type AnswerMap, type QItem, type Questionnaire } from './questionnaire';
import { QuestionItem, savedAt } from './QuestionItem';

const idle = { state: 'idle' } as const;

/** Annex 6 questionnaire items (libs/audit-questionnaire templates): one renderer per FHIR type, autosaved. */
describe('QuestionItem', () => {
  it('boolean: Oui/Non radios, saved on choice, keyboard operable', async () => {
    const onCommit = vi.fn();
    renderUi(<QuestionItem item={{ linkId: 'III.c', text: 'Des règles existent-elles ?', type: 'boolean', required: true }} value={undefined} onCommit={onCommit} save={idle} />);
    expect(screen.getByRole('radiogroup', { name: /Des règles existent-elles \? \*/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Oui' }));
    expect(onCommit).toHaveBeenLastCalledWith(true);
  });

  it('text: saved when leaving the field, and only if it changed', async () => {
    const onCommit = vi.fn();
    renderUi(<QuestionItem item={{ linkId: 'x', text: 'Décrivez', type: 'text' }} value="avant" onCommit={onCommit} save={idle} />);
    const box = screen.getByLabelText('Décrivez');
    await userEvent.click(box);
    await userEvent.tab();
    expect(onCommit).not.toHaveBeenCalled();
    await userEvent.clear(box);
    await userEvent.type(box, 'après');
    expect(onCommit).not.toHaveBeenCalled();
    await userEvent.tab();
    expect(onCommit).toHaveBeenCalledWith('après');
  });

  it('decimal: template bounds checked before saving, French decimal comma accepted', async () => {
    const onCommit = vi.fn();
    const item: QItem = {
      linkId: 'III.b.1',
      text: 'Part des rendez-vous en ligne',
      type: 'decimal',
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueDecimal: 0 },
        { url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueDecimal: 100 },
      ],
    };
    renderUi(<QuestionItem item={item} value={undefined} onCommit={onCommit} save={idle} />);
    const box = screen.getByLabelText('Part des rendez-vous en ligne');
    await userEvent.type(box, '120');
    await userEvent.tab();
    expect(onCommit).not.toHaveBeenCalled();
    expect(screen.getByText('Saisissez une valeur entre 0 et 100.')).toBeInTheDocument();
    await userEvent.clear(box);
    await userEvent.type(box, '42,5');
    await userEvent.tab();
    expect(onCommit).toHaveBeenCalledWith(42.5);
  });

  it('choice: the template options, saved on change', async () => {
    const onCommit = vi.fn();
    const item: QItem = { linkId: 'c', text: 'Forme juridique', type: 'choice', answerOption: [{ valueCoding: { code: 'sisa', display: 'SISA' } }, { valueCoding: { code: 'sel', display: 'SEL' } }] };
    renderUi(<QuestionItem item={item} value={undefined} onCommit={onCommit} save={idle} />);
    await userEvent.selectOptions(screen.getByLabelText('Forme juridique'), 'SEL');
    expect(onCommit).toHaveBeenCalledWith('sel');
  });

  it('announces the save state: « enregistré à … », or the API’s French error', () => {
    const at = '2026-12-01T19:31:05.000Z';
    const first = renderUi(<QuestionItem item={{ linkId: 'b', text: 'Q', type: 'boolean' }} value={true} onCommit={() => undefined} save={{ state: 'saved', at }} />);
    expect(screen.getByText(savedAt(at))).toBeInTheDocument();
    expect(savedAt(at)).toBe('enregistré à 20:31:05');
    first.unmount();
    renderUi(<QuestionItem item={{ linkId: 'b', text: 'Q', type: 'boolean' }} value={true} onCommit={() => undefined} save={{ state: 'error', message: 'Réponse modifiée entre-temps : rechargez.' }} />);
    expect(screen.getByText('Réponse modifiée entre-temps : rechargez.')).toBeInTheDocument();
  });
});

describe('enableWhen (FHIR R4)', () => {
  const q: Questionnaire = {
    url: 'u',
    version: '1',
    item: [
      {
        linkId: 'S',
        type: 'group',
        item: [
          { linkId: 'a', type: 'boolean' },
          { linkId: 'a.1', type: 'text', enableWhen: [{ question: 'a', operator: '=', answerBoolean: true }] },
          { linkId: 'a.1.x', type: 'boolean', enableWhen: [{ question: 'a.1', operator: 'exists', answerBoolean: true }] },
        ],
      },
    ],
  };
  const ans = (v: Record<string, unknown>): AnswerMap =>
    Object.fromEntries(Object.entries(v).map(([k, value]) => [k, { linkId: k, value, revision: 1, answeredAt: '', answeredBy: { userId: 'u', side: 'structure' } }])) as AnswerMap;

  it('a follow-up shows only when its condition holds; a hidden answer switches nothing on', () => {
    expect(enabledLinkIds(q, ans({})).has('a.1')).toBe(false);
    expect(enabledLinkIds(q, ans({ a: true })).has('a.1')).toBe(true);
    expect(enabledLinkIds(q, ans({ a: true, 'a.1': 'x' })).has('a.1.x')).toBe(true);
    expect(enabledLinkIds(q, ans({ a: false, 'a.1': 'x' })).has('a.1.x')).toBe(false);
  });
});
