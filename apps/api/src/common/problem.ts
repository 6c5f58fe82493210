import { HttpException } from '@nestjs/common';

export interface FieldError {
  /** JSON path of the field, e.g. `address.inseeCode`; for imports `line`/`column` instead. */
  field?: string;
  line?: number;
  column?: string;
  code: string;
  detail: string;
}

/**
 * An RFC 9457 problem: a stable machine `code` and a French `detail` for the person
 * in front of the screen. Thrown anywhere; the filter renders it.
 */
export class Problem extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; [k: string]: unknown } = {},
  ) {
    super(detail, status);
  }
}

export const notFound = (what = 'La ressource demandée') =>
  new Problem(404, 'introuvable', `${what} est introuvable ou vous n'y avez pas accès.`);
export const forbidden = (detail = "Vous n'avez pas les droits nécessaires pour cette action.") =>
  new Problem(403, 'interdit', detail);
