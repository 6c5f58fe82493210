/** A field error as the API sends it in `errors` (problem+json, RFC 9457). */
export interface FieldError {
  field: string;
  code?: string;
  detail: string;
}

/** An API error with its stable code and its French detail, ready to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export const NETWORK_ERROR = new ApiError(0, 'reseau', 'Le serveur ne répond pas : vérifiez votre connexion puis réessayez.');

const FALLBACK: Record<number, string> = {
  400: 'La demande est incorrecte : vérifiez les champs puis réessayez.',
  401: 'Votre session a expiré : reconnectez-vous.',
  403: 'Vous n’avez pas accès à cette action.',
  404: 'Cette ressource est introuvable ou vous n’y avez pas accès.',
  409: 'Conflit avec une modification récente : rechargez la page puis réessayez.',
  429: 'Trop de demandes : patientez une minute puis réessayez.',
  503: 'Le service est momentanément indisponible : réessayez dans quelques instants.',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Builds the error from a problem+json body (or anything else the server answered). */
export function toApiError(status: number, body: unknown): ApiError {
  const p = isRecord(body) ? body : {};
  const detail =
    typeof p.detail === 'string' && p.detail
      ? p.detail
      : (FALLBACK[status] ?? 'Une erreur inattendue est survenue : réessayez, puis signalez-la si elle persiste.');
  const errors = Array.isArray(p.errors)
    ? p.errors.filter(isRecord).flatMap((e) =>
        typeof e.field === 'string' && typeof e.detail === 'string'
          ? [{ field: e.field, detail: e.detail, code: typeof e.code === 'string' ? e.code : undefined }]
          : [],
      )
    : [];
  return new ApiError(status, typeof p.code === 'string' ? p.code : `http_${status}`, detail, errors);
}

/** The message to show for any thrown value. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.detail;
  return NETWORK_ERROR.detail;
}
