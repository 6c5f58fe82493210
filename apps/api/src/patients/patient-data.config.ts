import { z } from 'zod';
import { ConfigError, loadConfig } from '../config/load-config';

const key32 = (name: string) =>
  z.string().refine((v) => Buffer.from(v, 'base64').length === 32, `${name}: 32 octets encodés en base64 attendus (openssl rand -base64 32)`);

/** Development-only keys: refused when NODE_ENV=production. */
const DEV_KEYS = {
  PATIENT_DATA_KEYS: `dev1:${Buffer.alloc(32, 1).toString('base64')}`,
  PATIENT_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
  PATIENT_PSEUDONYM_KEY: Buffer.alloc(32, 3).toString('base64'),
};

const schema = z
  .object({
    NODE_ENV: z.string().optional(),
    /**
     * Encryption keys of patient identifiers (AES-256-GCM): `id:base64,id:base64`, the first one
     * encrypts, all of them decrypt (rotation: put the new key first, re-encrypt, drop the old).
     */
    PATIENT_DATA_KEYS: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=]+(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=]+)*$/, 'liste « id:clé-base64 » séparée par des virgules')
      .optional(),
    /** HMAC key of the blind indexes (exact lookup on NIR, name) and row digests. */
    PATIENT_INDEX_KEY: key32('PATIENT_INDEX_KEY').optional(),
    /** HMAC key of the pseudonyms of the evaluation extract (kept apart from the index key). */
    PATIENT_PSEUDONYM_KEY: key32('PATIENT_PSEUDONYM_KEY').optional(),
    /** Where uploaded files wait between the dry run and the commit (shared by API and worker). */
    IMPORT_STORAGE_DIR: z.string().min(1).default('.data/imports'),
    /** Largest accepted upload, checked on Content-Length before reading (default 512 MiB). */
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(4 * 1024 ** 3).default(512 * 1024 ** 2),
    /**
     * Hours an import left unapplied keeps its files (the upload and the faulty rows hold NIR and
     * names in clear) before it expires (imports/import-retention.ts); default 7 days.
     */
    IMPORT_FILE_RETENTION_HOURS: z.coerce.number().int().min(1).max(90 * 24).default(7 * 24),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV !== 'production') return;
    for (const k of ['PATIENT_DATA_KEYS', 'PATIENT_INDEX_KEY', 'PATIENT_PSEUDONYM_KEY'] as const) {
      if (!c[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'obligatoire en production (clé de chiffrement des données patients)' });
    }
  });

export interface PatientDataConfig {
  /** Current key id first. */
  keys: { id: string; key: Buffer }[];
  indexKey: Buffer;
  pseudonymKey: Buffer;
  storageDir: string;
  maxBytes: number;
  fileRetentionHours: number;
}

export function patientDataConfig(env = process.env): PatientDataConfig {
  const c = loadConfig('patient-data', schema, env);
  const keys = (c.PATIENT_DATA_KEYS ?? DEV_KEYS.PATIENT_DATA_KEYS).split(',').map((pair) => {
    const [id, b64] = pair.split(':');
    return { id, key: Buffer.from(b64, 'base64') };
  });
  const bad = keys.find((k) => k.key.length !== 32);
  if (bad) throw new ConfigError(`Configuration invalide (patient-data):\n  - PATIENT_DATA_KEYS: clé « ${bad.id} » : 32 octets attendus`);
  return {
    keys,
    indexKey: Buffer.from(c.PATIENT_INDEX_KEY ?? DEV_KEYS.PATIENT_INDEX_KEY, 'base64'),
    pseudonymKey: Buffer.from(c.PATIENT_PSEUDONYM_KEY ?? DEV_KEYS.PATIENT_PSEUDONYM_KEY, 'base64'),
    storageDir: c.IMPORT_STORAGE_DIR,
    maxBytes: c.IMPORT_MAX_BYTES,
    fileRetentionHours: c.IMPORT_FILE_RETENTION_HOURS,
  };
}
