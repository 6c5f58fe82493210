import { Worker } from 'node:worker_threads';
import type { PatientRow } from './rows';

/** Keys of the patient identifiers, handed to threads of this same process only (never serialised elsewhere). */
export interface EncoderKeys {
  keyId: string;
  key: Buffer;
  indexKey: Buffer;
}

/** One checked patient row as a flat tuple (cheap to copy between threads). */
export type PatientTuple = [
  line: number, externalId: string, nir: string | null, lastName: string, firstName: string, birthDate: string, sex: string,
  mtRpps: string | null, mtFrom: string | null, mtTo: string | null, infoNoteDate: string | null, evaluationOpposed: boolean,
];

export const patientTuple = (line: number, p: PatientRow): PatientTuple => [
  line, p.externalId, p.nir, p.lastName, p.firstName, p.birthDate, p.sex, p.mtRpps, p.mtFrom, p.mtTo, p.infoNoteDate, p.evaluationOpposed,
];

/** 'dry': lines of imp_keys (line, id, key, digest); 'commit': lines of imp_rows (encrypted identity, blind indexes, digest). */
export type EncodeMode = 'dry' | 'commit';
export type Encode = (mode: EncodeMode, rows: PatientTuple[]) => string;

/**
 * The per-row cryptography of a patient import, as COPY text: the same computations as
 * PatientCrypto (digest, AES-256-GCM identity blob, NIR and name blind indexes; checked equal in
 * imports-encoder.spec.ts). Self-contained (no closure, only `require`) so that its source also
 * runs as a worker thread's code. IVs are drawn once per batch (12 random bytes per row).
 */
export function makePatientEncoder(keys: EncoderKeys): Encode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const c = require('node:crypto') as typeof import('node:crypto');
  const SEP = '\u001f';
  const ESC = /[\\\t\n\r]/;
  const text = (v: string | null): string => {
    if (v === null) return '\\N';
    if (!ESC.test(v)) return v;
    return v.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
  };
  const bytea = (b: Buffer) => `\\\\x${b.toString('hex')}`;
  const hmac = (s: string) => c.createHmac('sha256', keys.indexKey).update(s).digest();
  const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z]+/g, ' ').trim();
  const keyId = text(keys.keyId);
  return (mode, rows) => {
    const ivs = mode === 'commit' ? c.randomBytes(12 * rows.length) : null;
    let out = '';
    for (let i = 0; i < rows.length; i++) {
      const [line, ext, nir, last, first, birth, sex, rpps, from, to, note, opposed] = rows[i];
      const digest = hmac([ext, nir ?? '', last, first, birth, sex, rpps ?? '', from ?? '', to ?? '', note ?? '', String(opposed)].join(SEP)).subarray(0, 16);
      if (mode === 'dry') {
        out += `${line}\t${text(ext)}\t\t${bytea(digest)}\n`;
        continue;
      }
      const iv = ivs!.subarray(i * 12, i * 12 + 12);
      const cipher = c.createCipheriv('aes-256-gcm', keys.key, iv);
      const body = cipher.update(`${nir ?? ''}${SEP}${last}${SEP}${first}`, 'utf8');
      cipher.final();
      const blob = Buffer.concat([iv, cipher.getAuthTag(), body]);
      const nirIdx = nir ? bytea(hmac(`nir${SEP}${nir}`)) : '\\N';
      const nameIdx = bytea(hmac(`name${SEP}${fold(last)}${SEP}${fold(first)}${SEP}${birth}`));
      out += `${line}\t${text(ext)}\t${bytea(blob)}\t${keyId}\t${nirIdx}\t${nameIdx}\t${birth}\t${sex}\t${text(rpps)}\t${text(from)}\t${text(to)}\t${text(note)}\t${opposed ? 't' : 'f'}\t${bytea(digest)}\n`;
    }
    return out;
  };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const encode = (${makePatientEncoder.toString()})(workerData);
parentPort.on('message', (m) => {
  try { parentPort.postMessage({ id: m.id, text: encode(m.mode, m.rows) }); }
  catch (e) { parentPort.postMessage({ id: m.id, error: String(e && e.message || e) }); }
});`;

/**
 * Encoding threads by default: none. Measured on the 2 shared cores of the bench machine (README,
 * issue #5), threads brought no wall-clock gain (both cores already busy with parsing and the
 * PostgreSQL backend) and cost about 100 MiB of RSS (one V8 heap each), over the 256 MiB budget.
 * ImportRunner.encoderThreads (bench hook, BENCH_THREADS) sets it, to measure on other machines.
 */
export const DEFAULT_ENCODER_THREADS = 0;

/**
 * Encodes batches of rows in order, on `threads` worker threads (0: on the calling thread).
 * At most two batches per thread are in flight, so memory stays bounded whatever the file size.
 */
export class PatientStageEncoder {
  private readonly workers: Worker[] = [];
  private readonly inline: Encode | null;
  private readonly waiting = new Map<number, { resolve: (s: string) => void; reject: (e: Error) => void }>();
  private readonly inFlight: Promise<string>[] = [];
  private next = 0;
  private failure: Error | null = null;

  constructor(
    keys: EncoderKeys,
    private readonly mode: EncodeMode,
    threads: number,
  ) {
    this.inline = threads > 0 ? null : makePatientEncoder(keys);
    for (let i = 0; i < threads; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: keys, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 } });
      w.on('message', (m: { id: number; text?: string; error?: string }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.text!);
      });
      w.on('error', (e) => this.fail(e));
      w.unref();
      this.workers.push(w);
    }
  }

  private fail(e: Error) {
    this.failure ??= e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  /**
   * Queues one batch; resolves with the COPY text of the oldest batches now complete (in file
   * order), waiting when too many batches are in flight.
   */
  async push(rows: PatientTuple[]): Promise<string> {
    if (this.inline) return this.inline(this.mode, rows);
    if (this.failure) throw this.failure;
    const id = this.next++;
    const w = this.workers[id % this.workers.length];
    const p = new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    p.catch(() => undefined);
    this.inFlight.push(p);
    w.postMessage({ id, mode: this.mode, rows });
    let out = '';
    while (this.inFlight.length > 2 * this.workers.length) out += await this.inFlight.shift()!;
    return out;
  }

  /** The remaining batches, in order. */
  async drain(): Promise<string> {
    let out = '';
    while (this.inFlight.length) out += await this.inFlight.shift()!;
    return out;
  }

  async close(): Promise<void> {
    this.fail(new Error('encodeur fermé'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
