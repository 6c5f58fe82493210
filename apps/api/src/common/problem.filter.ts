import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError } from '@casl/ability';
import { PrincipalChangedError } from '@mtr/tenancy';
import { Problem } from './problem';

const FRENCH_BY_STATUS: Record<number, [string, string]> = {
  400: ['requete_invalide', 'La requête est invalide.'],
  401: ['non_authentifie', 'Authentification requise: connectez-vous puis réessayez.'],
  403: ['interdit', "Vous n'avez pas les droits nécessaires pour cette action."],
  404: ['introuvable', "La ressource demandée est introuvable ou vous n'y avez pas accès."],
  405: ['methode_non_autorisee', "Cette méthode n'est pas autorisée sur cette ressource."],
  409: ['conflit', "L'action entre en conflit avec l'état actuel de la ressource."],
  413: ['trop_volumineux', 'Le contenu envoyé est trop volumineux.'],
  415: ['type_non_supporte', "Le type de contenu envoyé n'est pas pris en charge."],
  429: ['trop_de_requetes', 'Trop de tentatives: patientez une minute avant de réessayer.'],
  503: ['service_indisponible', 'Le service est momentanément indisponible; réessayez dans un instant.'],
};

/** Renders every error as application/problem+json (RFC 9457); a 500 reveals nothing internal. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const correlationId = String(req.id);
    let status = 500;
    let code = 'erreur_interne';
    let detail = `Une erreur interne est survenue. Si elle persiste, contactez le support en citant la référence ${correlationId}.`;
    let extra: Record<string, unknown> = {};

    if (exception instanceof Problem) {
      status = exception.getStatus();
      ({ code, detail } = exception);
      extra = exception.extra;
    } else if (exception instanceof PrincipalChangedError) {
      // The account was disabled, signed out everywhere or its memberships changed since cached:
      // the access token is as good as expired; a refresh gets a current one or is refused.
      status = 401;
      [code, detail] = ['jeton_expire', 'Votre session a expiré: reconnectez-vous.'];
    } else if (exception instanceof ForbiddenError) {
      status = 403;
      [code, detail] = FRENCH_BY_STATUS[403];
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      [code, detail] = FRENCH_BY_STATUS[status] ?? ['erreur', detail];
    } else if (isPgUnavailable(exception)) {
      status = 503;
      [code, detail] = FRENCH_BY_STATUS[503];
    } else if (isFastifyClientError(exception)) {
      status = exception.statusCode;
      [code, detail] = FRENCH_BY_STATUS[status] ?? FRENCH_BY_STATUS[400];
    }
    if (status >= 500) {
      this.log.error({ msg: 'request failed', correlationId, err: errorSummary(exception) });
    }
    // An error after the response started (a stream cut by the client, a late rejection) cannot
    // be reported to the client any more; writing headers again would throw and crash the process.
    if (reply.sent || reply.raw.headersSent) {
      this.log.warn({ msg: 'error after the response was sent', correlationId, status, code, err: errorSummary(exception) });
      return;
    }
    void reply
      .status(status)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .header('x-correlation-id', correlationId)
      .send({
        type: `https://mtr2.ipso-sante.fr/problemes/${code}`,
        title: code,
        status,
        code,
        detail,
        instance: req.url.split('?')[0],
        correlationId,
        ...extra,
      });
  }
}

function isPgUnavailable(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001', '53300'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect/.test(String((e as Error)?.message));
}

function isFastifyClientError(e: unknown): e is { statusCode: number } {
  const s = (e as { statusCode?: number })?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 500;
}

function errorSummary(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
