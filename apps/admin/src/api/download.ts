import type { Api } from './client';
import { NETWORK_ERROR, toApiError } from './problem';

/**
 * Downloads a file the API serves behind the bearer token (CSV, PDF): fetched with the session's
 * client (renewal included), then saved through a temporary object URL. The filename comes from
 * Content-Disposition when the API names it.
 */
export async function downloadFile(api: Api, path: string, query: Record<string, string | number> = {}, fallbackName = 'export'): Promise<string> {
  let r: { data?: unknown; error?: unknown; response: Response };
  try {
    r = await (api.GET as unknown as (p: string, o: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(path, {
      params: { query },
      parseAs: 'blob',
    });
  } catch {
    throw NETWORK_ERROR;
  }
  if (!r.response.ok) {
    let body: unknown = r.error;
    if (body instanceof Blob) {
      try {
        body = JSON.parse(await body.text());
      } catch {
        body = undefined;
      }
    }
    throw toApiError(r.response.status, body);
  }
  const name = /filename="([^"]+)"/.exec(r.response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(r.data as Blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
