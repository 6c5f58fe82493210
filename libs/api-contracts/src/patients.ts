import { z } from 'zod';
import { checkNir } from './identifiers';

const isoDate = z.iso.date({ error: 'date attendue au format AAAA-MM-JJ' });
const name = z.string().trim().min(1, 'obligatoire').max(100, '100 caractères au plus');

/**
 * Exact patient lookup (issue #5 §5: the HMAC blind indexes are for exact lookup) — one way at a
 * time: by NIR, by the structure's own patient id, or by last name + first name + birth date
 * (case and accents ignored). Never a partial match: the identities are encrypted.
 */
export const patientLookupQuery = z
  .strictObject({
    nir: z
      .string()
      .trim()
      .superRefine((v, ctx) => {
        const c = checkNir(v);
        if (!c.ok) ctx.addIssue({ code: 'custom', message: c.detail });
      })
      .optional(),
    externalId: z.string().trim().min(1, 'obligatoire').max(64, '64 caractères au plus').optional(),
    lastName: name.optional(),
    firstName: name.optional(),
    birthDate: isoDate.optional(),
  })
  .superRefine((q, ctx) => {
    const byName = [q.lastName, q.firstName, q.birthDate].filter((v) => v !== undefined).length;
    const ways = (q.nir !== undefined ? 1 : 0) + (q.externalId !== undefined ? 1 : 0) + (byName ? 1 : 0);
    if (ways === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'Indiquez un NIR, un identifiant patient, ou le nom, le prénom et la date de naissance.' });
    } else if (ways > 1) {
      ctx.addIssue({ code: 'custom', path: [], message: 'Une seule recherche à la fois : par NIR, par identifiant patient, ou par nom, prénom et date de naissance.' });
    } else if (byName && byName < 3) {
      for (const k of ['lastName', 'firstName', 'birthDate'] as const) {
        if (q[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'La recherche par nom demande le nom, le prénom et la date de naissance.' });
      }
    }
  });
export type PatientLookupQuery = z.infer<typeof patientLookupQuery>;
