import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderUi } from '../test/render';
import { DataTable } from './DataTable';

const data = [
  { name: 'Tilleuls', city: 'Périgueux' },
  { name: 'Causse', city: 'Cahors' },
  { name: 'Saint-Martin', city: 'Paris' },
];
const columns = [
  { id: 'name', header: 'Nom', accessorKey: 'name' },
  { id: 'city', header: 'Commune', accessorKey: 'city' },
];
const names = () => within(screen.getByRole('table')).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[0].textContent);

describe('DataTable', () => {
  it('sorts from the keyboard with aria-sort on the header', async () => {
    const user = userEvent.setup();
    renderUi(<DataTable data={data} columns={columns} caption="Structures" empty="Aucune." />);
    expect(screen.getByRole('table', { name: 'Structures' })).toBeInTheDocument();
    const sortName = screen.getByRole('button', { name: /Nom/ });
    sortName.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('columnheader', { name: /Nom/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(names()).toEqual(['Causse', 'Saint-Martin', 'Tilleuls']);
    await user.keyboard('{Enter}');
    expect(screen.getByRole('columnheader', { name: /Nom/ })).toHaveAttribute('aria-sort', 'descending');
    expect(names()).toEqual(['Tilleuls', 'Saint-Martin', 'Causse']);
  });

  it('filters every column and says when nothing matches', async () => {
    const user = userEvent.setup();
    renderUi(<DataTable data={data} columns={columns} caption="Structures" searchLabel="Rechercher" empty="Aucune." />);
    await user.type(screen.getByLabelText('Rechercher'), 'cahors');
    expect(names()).toEqual(['Causse']);
    await user.clear(screen.getByLabelText('Rechercher'));
    await user.type(screen.getByLabelText('Rechercher'), 'Lyon');
    expect(screen.getByText('Aucun résultat pour « Lyon ».')).toBeInTheDocument();
  });
});
