import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Me } from '@mtr/api-contracts';
import { call, type Api } from '../api/client';
import { toApiError } from '../api/problem';
import type { SessionStore, SignedOutReason } from '../api/session';

export interface SignInInput {
  email: string;
  password: string;
  totp?: string;
}

interface AuthValue {
  api: Api;
  store: SessionStore;
  signedIn: boolean;
  reason: SignedOutReason;
  me: Me | undefined;
  meError: unknown;
  signIn(input: SignInInput): Promise<void>;
  signOut(): Promise<void>;
  signOutEverywhere(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ api, store, children }: { api: Api; store: SessionStore; children: ReactNode }) {
  const { session, reason } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const queryClient = useQueryClient();
  const meQuery = useQuery({
    queryKey: ['me'],
    queryFn: () => call(api.GET('/auth/me')) as Promise<Me>,
    enabled: session !== null,
    staleTime: 5 * 60_000,
  });

  const signIn = useCallback(
    async (input: SignInInput) => {
      const r = await api.POST('/auth/login', { body: { email: input.email, password: input.password, ...(input.totp ? { totp: input.totp } : {}) } });
      if (!r.response.ok || !r.data) throw toApiError(r.response.status, r.error);
      queryClient.clear();
      store.signedIn(r.data);
    },
    [api, store, queryClient],
  );

  const signOut = useCallback(async () => {
    const refreshToken = store.session?.refreshToken;
    // The session ends here whatever the API answers (it may already have expired).
    if (refreshToken) await api.POST('/auth/logout', { body: { refreshToken } }).catch(() => undefined);
    store.signedOut('signed_out');
    queryClient.clear();
  }, [api, store, queryClient]);

  const signOutEverywhere = useCallback(async () => {
    await call(api.POST('/auth/logout-all'));
    store.signedOut('signed_out_everywhere');
    queryClient.clear();
  }, [api, store, queryClient]);

  const value = useMemo<AuthValue>(
    () => ({ api, store, signedIn: session !== null, reason, me: meQuery.data, meError: meQuery.error, signIn, signOut, signOutEverywhere }),
    [api, store, session, reason, meQuery.data, meQuery.error, signIn, signOut, signOutEverywhere],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The signed-in user (inside the protected layout, where it is always loaded). */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe before /auth/me answered');
  return me;
}
