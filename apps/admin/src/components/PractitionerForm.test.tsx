import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { renderUi } from '../test/render';
import { PractitionerForm } from './PractitionerForm';

async function fillValid(user: ReturnType<typeof userEvent.setup>, rpps: string) {
  await user.type(screen.getByLabelText(/Numéro RPPS/), rpps);
  await user.type(screen.getByLabelText(/^Nom/), 'Lambert');
  await user.type(screen.getByLabelText(/^Prénom/), 'Zoé');
  await user.selectOptions(screen.getByLabelText(/^Profession/), 'sage_femme');
  await user.type(screen.getByLabelText(/Date d’arrivée/), '2027-05-01');
}

/** Issue #8: the practitioner form validates with the API's own zod contract (shared lib). */
describe('PractitionerForm', () => {
  it('shows the RPPS key error on the field, focuses it, and sends nothing', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    renderUi(<PractitionerForm mode="create" onSubmit={onSubmit} onCancel={() => undefined} />);
    await fillValid(user, '10000000133');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    const rpps = screen.getByLabelText(/Numéro RPPS/);
    expect(rpps).toHaveAttribute('aria-invalid', 'true');
    expect(rpps).toHaveAccessibleDescription(expect.stringContaining('numéro RPPS invalide (11 chiffres, clé de Luhn)'));
    expect(rpps).toHaveFocus();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('says which fields are required', async () => {
    const user = userEvent.setup();
    renderUi(<PractitionerForm mode="create" onSubmit={vi.fn()} onCancel={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(screen.getAllByText('Ce champ est obligatoire.')).toHaveLength(4);
  });

  it('sends the parsed body once valid (spaces in the RPPS removed, no departure date)', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    renderUi(<PractitionerForm mode="create" onSubmit={onSubmit} onCancel={() => undefined} />);
    await fillValid(user, '100 000 001 32');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit).toHaveBeenCalledWith({ rpps: '10000000132', lastName: 'Lambert', firstName: 'Zoé', profession: 'sage_femme', joinedOn: '2027-05-01', leftOn: null });
  });

  it('puts the API’s field errors and conflicts on their fields', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn().mockRejectedValue(new ApiError(409, 'rpps_deja_present', 'Le praticien RPPS 10000000132 est déjà rattaché à cette structure.'));
    renderUi(<PractitionerForm mode="create" onSubmit={onSubmit} onCancel={() => undefined} />);
    await fillValid(user, '10000000132');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await waitFor(() => expect(screen.getByLabelText(/Numéro RPPS/)).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText(/est déjà rattaché à cette structure/)).toBeInTheDocument();
  });

  it('refuses a departure before the arrival; in edit mode the RPPS is fixed', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    renderUi(
      <PractitionerForm
        mode="edit"
        initial={{ id: 'p', structureId: 's', rpps: '10000000132', lastName: 'Lambert', firstName: 'Zoé', profession: 'sage_femme', joinedOn: '2027-05-01', leftOn: null }}
        onSubmit={onSubmit}
        onCancel={() => undefined}
      />,
    );
    expect(screen.getByLabelText(/Numéro RPPS/)).toBeDisabled();
    await user.type(screen.getByLabelText(/Date de départ/), '2027-04-01');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(screen.getByText('La date de départ ne peut pas précéder la date d’arrivée.')).toBeInTheDocument();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
