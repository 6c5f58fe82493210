import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderUi } from '../test/render';
import { mappingProblems, proposeMapping, sniffCsv, type Mapping } from './columns';
import { ImportMapping } from './ImportMapping';

/** docs/imports/README.md: headers matched on the canonical name and aliases, or a saved profile. */
describe('import column mapping', () => {
  it('proposes canonical names and aliases, accents, case and punctuation ignored', () => {
    const m = proposeMapping('patients', ['N° dossier', 'Nom', 'Prénom', 'Date de naissance', 'Sexe', 'Autre']);
    expect(m).toEqual({ identifiant_patient: 'N° dossier', nom: 'Nom', prenom: 'Prénom', date_naissance: 'Date de naissance', sexe: 'Sexe' });
    expect(mappingProblems('patients', m)).toEqual({ missing: [], reused: [] });
  });

  it('a saved profile wins over the aliases', () => {
    const m = proposeMapping('patients', ['Patronyme', 'Nom', 'ID'], { nom: 'Patronyme', identifiant_patient: 'ID' });
    expect(m.nom).toBe('Patronyme');
    expect(m.identifiant_patient).toBe('ID');
  });

  it('sniffs UTF-8 or Windows-1252 and the delimiter', () => {
    const utf8 = sniffCsv(new TextEncoder().encode('\uFEFFidentifiant_patient;nom;prénom\nP1;A;B\n'));
    expect(utf8).toMatchObject({ encoding: 'utf-8', delimiter: ';', headers: ['identifiant_patient', 'nom', 'prénom'], sampleLines: 1 });
    const latin = sniffCsv(Uint8Array.from([...'"id","pr'].map((c) => c.charCodeAt(0)).concat([0xe9], [...'nom"\n1,2\n'].map((c) => c.charCodeAt(0)))));
    expect(latin).toMatchObject({ encoding: 'windows-1252', delimiter: ',', headers: ['id', 'prénom'] });
  });

  function Harness({ headers, initial }: { headers: string[]; initial: Mapping }) {
    const [m, setM] = useState(initial);
    return (
      <>
        <ImportMapping kind="patients" headers={headers} mapping={m} onChange={setM} />
        <output data-testid="mapping">{JSON.stringify(m)}</output>
      </>
    );
  }

  it('lists a required column without header, and the user fixes it with the keyboard', async () => {
    const headers = ['ID', 'Patronyme', 'Prénom', 'Né le', 'Sexe'];
    renderUi(<Harness headers={headers} initial={proposeMapping('patients', headers)} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Identifiant du patient dans la structure');
    expect(alert).toHaveTextContent('Nom');
    const nom = screen.getByLabelText('En-tête pour « Nom »');
    expect(nom).toHaveAttribute('aria-invalid', 'true');
    await userEvent.selectOptions(nom, 'Patronyme');
    await userEvent.selectOptions(screen.getByLabelText('En-tête pour « Identifiant du patient dans la structure »'), 'ID');
    await userEvent.selectOptions(screen.getByLabelText('En-tête pour « Date de naissance »'), 'Né le');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(JSON.parse(screen.getByTestId('mapping').textContent ?? '{}')).toMatchObject({ nom: 'Patronyme', identifiant_patient: 'ID', date_naissance: 'Né le' });
  });

  it('flags a header chosen for two columns', async () => {
    renderUi(<Harness headers={['id', 'nom', 'prenom', 'date_naissance', 'sexe']} initial={proposeMapping('patients', ['id', 'nom', 'prenom', 'date_naissance', 'sexe'])} />);
    await userEvent.selectOptions(screen.getByLabelText('En-tête pour « Prénom »'), 'nom');
    expect(screen.getByRole('alert')).toHaveTextContent('En-têtes choisis deux fois : nom');
  });
});
