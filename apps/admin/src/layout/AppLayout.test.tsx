import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Me } from '@mtr/api-contracts';
import { createApi } from '../api/client';
import { SessionStore } from '../api/session';
import { AuthProvider, useAuth } from '../auth/AuthProvider';
import { theme } from '../theme';
import { AppLayout, navigationFor } from './AppLayout';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const user = (over: Partial<Me>): Me => ({ id: '00000000-0000-4000-8000-000000000001', email: 'x@demo-mtr2.fr', displayName: 'X', platformRole: null, memberships: [], ...over });
const labels = (me: Me, current: string | null) => navigationFor(me, current).map((i) => `${i.label} ${i.to}`);

describe('navigation from roles and structures', () => {
  it('ipso team: structures, candidacies, INSEE reference data, indicators', () => {
    expect(labels(user({ platformRole: 'ipso_team' }), null)).toEqual([
      'Structures /structures',
      'Candidatures /candidatures',
      'Données de référence INSEE /donnees-de-reference',
      'Indicateurs COPIL /indicateurs',
      'Calculs du mois /calculs',
      'Grille tarifaire /tarifs',
      'Régularisation du taux de fuite /regularisations',
    ]);
  });
  it('COPIL: structures (identity) and indicators, no candidacies', () => {
    expect(labels(user({ platformRole: 'copil' }), null)).toEqual(['Structures /structures', 'Indicateurs COPIL /indicateurs']);
  });
  it('a coordinator: the pages of the structure they work in', () => {
    const me = user({ memberships: [{ structureId: A, role: 'coordinator', practitionerId: null }] });
    expect(labels(me, A)).toEqual([
      `Ma structure et ses praticiens /structures/${A}`,
      `Questionnaire d’audit /structures/${A}/audit`,
      `Patientèle /structures/${A}/patientele`,
      `Relevés mensuels /structures/${A}/releves`,
      `Clause de sauvegarde /structures/${A}/sauvegarde`,
      `Manque à gagner /structures/${A}/manque-a-gagner`,
      `Simulation financière /structures/${A}/simulation`,
      `Préavis de sortie /structures/${A}/sortie`,
    ]);
  });
});

function Where() {
  return <p data-testid="where">{useLocation().pathname}</p>;
}
function Loaded({ children }: { children: ReactNode }) {
  return useAuth().me ? children : null;
}

describe('a member of two structures', () => {
  beforeEach(() => sessionStorage.clear());

  it('switches between them from the header', async () => {
    const me = user({
      displayName: 'Camille Coordination',
      memberships: [
        { structureId: A, role: 'coordinator', practitionerId: null },
        { structureId: B, role: 'practitioner', practitionerId: null },
      ],
    });
    const store = new SessionStore(null);
    store.signedIn({ accessToken: 'a', refreshToken: 'r'.repeat(40), expiresIn: 900 });
    const fetchImpl = async (input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : String(input);
      const body = url.endsWith('/auth/me') ? me : url.endsWith('/structures') ? [{ id: A, name: 'ipso Saint-Martin' }, { id: B, name: 'Les Tilleuls' }] : {};
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const api = createApi(store, { baseUrl: 'http://app.test/api', fetch: fetchImpl as typeof fetch });
    render(
      <MantineProvider theme={theme}>
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
          <MemoryRouter initialEntries={[`/structures/${A}`]}>
            <AuthProvider api={api} store={store}>
              <Loaded>
                <Routes>
                  <Route element={<AppLayout />}>
                    <Route path="structures/:structureId" element={<Where />} />
                  </Route>
                </Routes>
              </Loaded>
            </AuthProvider>
          </MemoryRouter>
        </QueryClientProvider>
      </MantineProvider>,
    );
    const switcher = await screen.findByLabelText('Structure');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Les Tilleuls' })).toBeInTheDocument());
    expect(switcher).toHaveValue(A);
    await userEvent.setup().selectOptions(switcher, B);
    expect(screen.getByTestId('where')).toHaveTextContent(`/structures/${B}`);
    expect(screen.getByRole('link', { name: 'Ma structure et ses praticiens' })).toHaveAttribute('href', `/structures/${B}`);
    expect(sessionStorage.getItem('mtr2.structure')).toBe(B);
  });
});
