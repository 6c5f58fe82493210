import createClient, { type Client } from 'openapi-fetch';
import type { TokenPair } from '@mtr/api-contracts';
import { ApiError, NETWORK_ERROR, toApiError } from './problem';
import type { paths } from './schema';
import type { SessionStore } from './session';

export type Api = Client<paths>;

export interface ApiOptions {
  /** Where the API is: `/api` (nginx in production, the API itself for `npm start`). */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

async function problemCode(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.clone().json()) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The typed client (paths and bodies from the API's OpenAPI), with the session's bearer token.
 * An access token refused as expired (401 `jeton_expire`) is renewed once with the refresh token
 * (rotation: the API answers a new pair and spends the old refresh token) and the request is
 * replayed; concurrent requests share that one renewal. If the renewal is refused the session
 * ends with the reason `expired` (the sign-in page says so).
 */
export function createApi(store: SessionStore, opts: ApiOptions = {}): Api {
  const baseUrl = opts.baseUrl ?? '/api';
  const rawFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  let renewal: Promise<boolean> | null = null;

  async function renew(): Promise<boolean> {
    const session = store.session;
    if (!session) return false;
    let res: Response;
    try {
      res = await rawFetch(`${baseUrl}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
    } catch {
      return false;
    }
    if (res.ok) {
      store.signedIn((await res.json()) as TokenPair);
      return true;
    }
    if (res.status === 401 || res.status === 403) store.signedOut('expired');
    return false;
  }

  const send = (req: Request): Promise<Response> => {
    const token = store.session?.accessToken;
    if (token) req.headers.set('authorization', `Bearer ${token}`);
    req.headers.set('accept', 'application/json');
    return rawFetch(req);
  };

  async function authFetch(input: Request): Promise<Response> {
    const replay = input.clone();
    const hadSession = store.session !== null;
    const res = await send(input);
    if (res.status !== 401 || !hadSession || (await problemCode(res)) !== 'jeton_expire') return res;
    renewal ??= renew().finally(() => {
      renewal = null;
    });
    return (await renewal) ? send(replay) : res;
  }

  return createClient<paths>({ baseUrl, fetch: authFetch });
}

/**
 * Unwraps an openapi-fetch result: the data, or an ApiError carrying the problem's French detail.
 * Network failures become a French "server not answering" error.
 */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: { data?: T; error?: unknown; response: Response };
  try {
    r = await request;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw NETWORK_ERROR;
  }
  if (!r.response.ok) throw toApiError(r.response.status, r.error);
  return r.data as T;
}
