import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Me } from '@mtr/api-contracts';
import { createApi } from '../api/client';
import { SessionStore } from '../api/session';
import { AuthProvider, useAuth } from '../auth/AuthProvider';
import { theme } from '../theme';
import { ExitNoticePage, addMonths } from './ExitNoticePage';

/** RULES §7: exit notified in writing to CNAM; effective no earlier than 3 months after CNAM's receipt. */
const S = '33333333-3333-4333-8333-333333333333';
const me: Me = { id: '00000000-0000-4000-8000-000000000001', email: 'c@demo-mtr2.fr', displayName: 'Coordination', platformRole: null, memberships: [{ structureId: S, role: 'coordinator', practitionerId: null }] };
const candidacy = (state: string, next: unknown[]) => ({
  structureId: S, structureName: 'MSP', state, nextTransitions: next, exitNoticeReceivedOn: null, earliestExitOn: null, exitEffectiveOn: null, history: [], documents: [],
});
const EXIT = { to: 'exit_notified', label: 'Sortie notifiée à la CNAM et au COPIL', roles: ['ipso_team', 'coordinator', 'platform_admin'] };

function Loaded({ children }: { children: ReactNode }) {
  return useAuth().me ? children : null;
}

function renderPage(c: unknown, posted: unknown[]) {
  const store = new SessionStore(null);
  store.signedIn({ accessToken: 'a', refreshToken: 'r'.repeat(40), expiresIn: 900 });
  const fetchImpl = async (input: RequestInfo | URL) => {
    const req = input instanceof Request ? input : new Request(String(input));
    const json = (b: unknown, status = 200) => new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
    if (req.url.endsWith('/auth/me')) return json(me);
    if (req.method === 'POST' && req.url.endsWith('/candidacy/transitions')) {
      posted.push(await req.json());
      return json(c);
    }
    if (req.url.endsWith('/candidacy')) return json(c);
    return json({});
  };
  const api = createApi(store, { baseUrl: 'http://app.test/api', fetch: fetchImpl as typeof fetch });
  render(
    <MantineProvider theme={theme}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter initialEntries={[`/structures/${S}/sortie`]}>
          <AuthProvider api={api} store={store}>
            <Loaded>
              <Routes>
                <Route path="structures/:structureId/sortie" element={<ExitNoticePage />} />
              </Routes>
            </Loaded>
          </AuthProvider>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe('ExitNoticePage', () => {
  it('an active structure: the coordinator notifies the exit through the transition API, with the earliest exit date shown', async () => {
    const posted: unknown[] = [];
    renderPage(candidacy('active', [{ ...EXIT, allowedForYou: true }]), posted);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/Motif de la sortie/), 'Décision collective de l’assemblée des associés.');
    fireEvent.change(screen.getByLabelText(/Date de réception du préavis par la CNAM/), { target: { value: '2027-01-31' } });
    expect(screen.getByText(/Sortie effective au plus tôt le 30 avril 2027/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Notifier la sortie' }));
    await expect.poll(() => posted.length).toBe(1);
    expect(posted[0]).toEqual({ to: 'exit_notified', reason: 'Décision collective de l’assemblée des associés.', documentIds: [], decision: { cnamReceiptDate: '2027-01-31' } });
  });

  it('another state: no form, the state, who can and the rule', async () => {
    renderPage(candidacy('audit_in_progress', []), []);
    expect(await screen.findByText(/Préavis impossible dans l’état actuel/)).toBeInTheDocument();
    expect(screen.getByText(/au plus tôt 3 mois après la réception du préavis par la CNAM/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Notifier la sortie' })).toBeNull();
  });

  it('adds civil months clamped to the last day, as the API does', () => {
    expect(addMonths('2027-01-31', 3)).toBe('2027-04-30');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });
});
