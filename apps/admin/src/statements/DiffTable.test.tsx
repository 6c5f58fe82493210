import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderUi } from '../test/render';
import { DiffTable, type StatementDiff } from './DiffTable';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const diff: StatementDiff = {
  supersedesNumber: 'RM-202610-44444444-V1',
  netBeforeCents: 100_000,
  netAfterCents: 101_530,
  deltaCents: 1_530,
  lines: [
    { practitionerId: A, lineCode: 'socle_6_64', before: { patientCount: 10, amountCents: 7_650 }, after: { patientCount: 12, amountCents: 9_180 }, deltaCents: 1_530 },
    { practitionerId: A, lineCode: 'ald', before: { patientCount: 3, amountCents: 1_920 }, after: { patientCount: 3, amountCents: 1_920 }, deltaCents: 0 },
    { practitionerId: B, lineCode: 'mentalHealth', before: null, after: { patientCount: 1, amountCents: 936 }, deltaCents: 936 },
    { practitionerId: B, lineCode: 'highCvRisk', before: { patientCount: 2, amountCents: 936 }, after: null, deltaCents: -936 },
  ],
};
const names: Record<string, string> = { [A]: 'Martin Lucas' };

describe('DiffTable (issue #6 §2: version n + 1 against the issued version)', () => {
  it('lists only the lines that change, before / after / signed difference, named doctors and lines', () => {
    renderUi(<DiffTable diff={diff} doctorName={(id) => names[id] ?? `médecin ${id.slice(0, 8)}`} />);
    const table = screen.getByRole('table', { name: 'Différence avec la version émise' });
    const rows = within(table).getAllByRole('row').slice(1, -1);
    expect(rows).toHaveLength(3);
    const text = rows.map((r) => r.textContent?.replace(/\s/g, ' '));
    expect(text[0]).toBe('Martin Lucassocle 6–64 ans10 patient(s), 76,50 €12 patient(s), 91,80 €+15,30 €');
    expect(text[1]).toContain('médecin bbbbbbbbsanté mentale (nouvelle ligne)—1 patient(s), 9,36 €+9,36 €');
    expect(text[2]).toContain('haut risque CV (ligne retirée)2 patient(s), 9,36 €—-9,36 €');
    expect(rows[2]).toHaveAttribute('data-change', 'removed');
    expect(within(table).getByRole('rowheader', { name: 'Total net' }).closest('tr')?.textContent?.replace(/\s/g, ' ')).toBe('Total net1 000,00 €1 015,30 €+15,30 €');
    expect(screen.getByText(/Par rapport au relevé émis RM-202610-44444444-V1/)).toHaveTextContent('1 000,00 € → 1 015,30 €, soit +15,30 €');
  });

  it('says so when the corrected version changes nothing', () => {
    renderUi(<DiffTable diff={{ ...diff, netAfterCents: 100_000, deltaCents: 0, lines: [diff.lines[1]] }} doctorName={() => 'X'} />);
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText(/Aucune ligne ne change/)).toBeInTheDocument();
  });
});
