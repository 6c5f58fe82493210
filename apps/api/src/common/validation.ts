import { z } from 'zod';
import { Problem, type FieldError } from './problem';

function frenchMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `champ(s) non autorisé(s): ${issue.keys.join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined ? 'champ obligatoire manquant' : `type attendu: ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string' ? `au moins ${issue.minimum} caractère(s)` : `valeur minimale: ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string' ? `au plus ${issue.maximum} caractère(s)` : `valeur maximale: ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'adresse e-mail invalide' : `format invalide (${issue.format})`;
    case 'invalid_value':
      return `valeur attendue parmi: ${issue.values.map(String).join(', ')}`;
    default:
      return issue.message;
  }
}

/** Parses untrusted input; on failure a 400 problem whose detail names every faulty field, in French. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'corps de la requête'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors: FieldError[] = r.error.issues.map((i) => ({
    field: i.path.join('.') || undefined,
    code: i.code,
    detail: frenchMessage(i),
  }));
  const summary = errors.map((e) => (e.field ? `« ${e.field} » : ${e.detail}` : e.detail)).join(' ; ');
  throw new Problem(400, 'donnees_invalides', `Données invalides dans le ${where} — ${summary}.`, { errors });
}
