import { describe, expect, it, vi } from 'vitest';
import { call, createApi } from './client';
import { ApiError } from './problem';
import { SessionStore } from './session';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
const problem = (status: number, code: string, detail: string) => json(status, { type: 'about:blank', status, code, detail }, 'application/problem+json');
const me = { id: '00000000-0000-4000-8000-000000000001', email: 'a@b.fr', displayName: 'A', platformRole: null, memberships: [] };

function setup(handler: (url: string, req: Request | undefined, init?: RequestInit) => Response) {
  const store = new SessionStore(null);
  store.signedIn({ accessToken: 'old-access', refreshToken: 'r1'.padEnd(40, 'x'), expiresIn: 900 });
  const calls: { url: string; auth: string | null; body?: string }[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : undefined;
    const url = req ? req.url : String(input);
    calls.push({ url, auth: req?.headers.get('authorization') ?? null, body: typeof init?.body === 'string' ? init.body : undefined });
    return handler(url, req, init);
  });
  const api = createApi(store, { baseUrl: 'http://app.test/api', fetch: fetchImpl as typeof fetch });
  return { store, api, calls };
}

/** Issue #8: silent renewal with refresh-token rotation; expiry said once renewal is refused. */
describe('API client', () => {
  it('on 401 jeton_expire renews once (rotation) and replays the request', async () => {
    const { store, api, calls } = setup((url, req) => {
      if (url.endsWith('/auth/refresh')) return json(200, { accessToken: 'new-access', refreshToken: 'r2'.padEnd(40, 'x'), expiresIn: 900 });
      if (req?.headers.get('authorization') === 'Bearer old-access') return problem(401, 'jeton_expire', 'Votre session a expiré: reconnectez-vous.');
      return json(200, me);
    });
    const [a, b] = await Promise.all([call(api.GET('/auth/me')), call(api.GET('/auth/me'))]);
    expect(a).toEqual(me);
    expect(b).toEqual(me);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(store.session?.refreshToken.startsWith('r2')).toBe(true);
    expect(calls.at(-1)?.auth).toBe('Bearer new-access');
  });

  it('ends the session as expired when the refresh token is refused', async () => {
    const { store, api } = setup((url) =>
      url.endsWith('/auth/refresh') ? problem(401, 'jeton_invalide', 'Votre session a expiré: reconnectez-vous.') : problem(401, 'jeton_expire', 'Votre session a expiré: reconnectez-vous.'),
    );
    await expect(call(api.GET('/auth/me'))).rejects.toMatchObject({ status: 401, code: 'jeton_expire' });
    expect(store.session).toBeNull();
    expect(store.getSnapshot().reason).toBe('expired');
  });

  it('does not renew on other errors, and carries the French detail', async () => {
    const { api, calls } = setup(() => problem(403, 'interdit', 'Vous n’avez pas accès à cette action.'));
    const err = await call(api.GET('/auth/me')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).detail).toBe('Vous n’avez pas accès à cette action.');
    expect(calls).toHaveLength(1);
  });

  it('turns a network failure into a French message', async () => {
    const { api } = setup(() => {
      throw new TypeError('fetch failed');
    });
    await expect(call(api.GET('/auth/me'))).rejects.toMatchObject({ code: 'reseau' });
  });
});
