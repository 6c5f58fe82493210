import { createCipheriv, createDecipheriv, createHmac, randomBytes, type Hmac } from 'node:crypto';
import type { PatientDataConfig } from './patient-data.config';

/** What is encrypted of a patient: the identifying fields only. */
export interface PatientIdentity {
  nir: string | null;
  lastName: string;
  firstName: string;
}

const SEP = '\u001f';

/**
 * Application-level encryption of patient identifiers (issue #5 §5): AES-256-GCM with a random
 * 96-bit IV, blob = iv ‖ tag ‖ ciphertext, the key id stored beside it for rotation; HMAC-SHA-256
 * blind indexes for exact lookup (NIR; last name + first name + birth date) and row digests.
 */
export class PatientCrypto {
  readonly keyId: string;
  private readonly current: Buffer;
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly cfg: Pick<PatientDataConfig, 'keys' | 'indexKey' | 'pseudonymKey'>) {
    this.keyId = cfg.keys[0].id;
    this.current = cfg.keys[0].key;
    this.byId = new Map(cfg.keys.map((k) => [k.id, k.key]));
  }

  /** Key material for the import's encoding threads (worker_threads of this same process, imports/patient-stage-encoder.ts). */
  encoderKeys(): { keyId: string; key: Buffer; indexKey: Buffer } {
    return { keyId: this.keyId, key: this.current, indexKey: this.cfg.indexKey };
  }

  /** Every decryption key, for the export's formatting thread (exports/patients-csv-lines.ts, same process). */
  decoderKeys(): { id: string; key: Buffer }[] {
    return [...this.byId].map(([id, key]) => ({ id, key }));
  }

  /**
   * MAC of the rows a dry run prepares for its commit (imports/import-stage.ts). Its key is derived
   * from the index key and the current encryption key (id and bytes): a staged file sealed before a
   * key change no longer verifies, and the commit encrypts again. The derivation input holds the
   * encryption key's bytes, so no imported row (digest, blind index) can reproduce it.
   */
  stageMac(): Hmac {
    const key = createHmac('sha256', this.cfg.indexKey).update('mtr2-import-stage\u001e').update(this.keyId).update('\u001e').update(this.current).digest();
    return createHmac('sha256', key);
  }

  encryptIdentity(p: PatientIdentity): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.current, iv);
    const body = Buffer.concat([c.update(`${p.nir ?? ''}${SEP}${p.lastName}${SEP}${p.firstName}`, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  decryptIdentity(blob: Buffer, keyId: string): PatientIdentity {
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`clé de chiffrement inconnue: ${keyId}`);
    const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
    d.setAuthTag(blob.subarray(12, 28));
    const [nir, lastName, firstName] = Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8').split(SEP);
    return { nir: nir || null, lastName, firstName };
  }

  /** Blind index of a NIR (normalised, 15 characters). */
  nirIndex(nir: string): Buffer {
    return createHmac('sha256', this.cfg.indexKey).update(`nir${SEP}${nir}`).digest();
  }

  /** Blind index of (last name, first name, birth date), case and accents folded. */
  nameIndex(lastName: string, firstName: string, birthDate: string): Buffer {
    return createHmac('sha256', this.cfg.indexKey).update(`name${SEP}${fold(lastName)}${SEP}${fold(firstName)}${SEP}${birthDate}`).digest();
  }

  /** Keyed digest of a normalised row: equal digests mean an unchanged row. */
  digest(parts: readonly (string | number | boolean | null)[]): Buffer {
    return createHmac('sha256', this.cfg.indexKey).update(parts.map((p) => (p === null ? '' : String(p))).join(SEP)).digest().subarray(0, 16);
  }

  /** Pseudonym for the evaluation extract: HMAC with its own key, not reversible without it. */
  pseudonym(value: string): string {
    return createHmac('sha256', this.cfg.pseudonymKey).update(value).digest('base64url').slice(0, 22);
  }
}

export const fold = (s: string): string =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z]+/g, ' ').trim();
