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

/**
 * 'dry': lines of imp_keys (line, patient id, key, digest); 'commit': tuples of imp_rows (row id,
 * encrypted identity, blind indexes, digest); 'stage': both, from one computation (the dry run prepares the
 * commit's rows, see import-stage.ts).
 */
export type EncodeMode = 'dry' | 'commit' | 'stage';
export interface Encoded {
  /** imp_keys, COPY text */
  keys: string;
  /** imp_rows, COPY BINARY tuples */
  rows: Buffer;
}
/** idPrefix: the first 24 characters of the rows' ids (orderedIdPrefix), the file line completes them. */
export type Encode = (mode: EncodeMode, rows: PatientTuple[], idPrefix: string) => Encoded;

/**
 * The per-row cryptography of a patient import, as COPY data: the same computations as
 * PatientCrypto (digest, AES-256-GCM identity blob, NIR and name blind indexes; checked equal in
 * patient-stage-encoder.spec.ts). Self-contained (no closure, only `require`) so that its source
 * also runs as a worker thread's code. IVs are drawn once per batch (12 random bytes per row).
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
  // HMAC-SHA-256 exactly as RFC 2104 (and createHmac) computes it, SHA-256(K⊕opad ‖ SHA-256(K⊕ipad ‖ m)),
  // from two one-shot crypto.hash calls over buffers holding the padded key once: a Hmac object per
  // call costs more than the hashing itself (3 per row). Hex out, what COPY text wants, and cheaper
  // to return from C++ than a Buffer. Messages too long for the buffer go through createHmac.
  const block = keys.indexKey.length > 64 ? c.createHash('sha256').update(keys.indexKey).digest() : keys.indexKey;
  const inner = Buffer.alloc(64 + 4096);
  const outer = Buffer.alloc(64 + 32);
  for (let i = 0; i < 64; i++) {
    const k = i < block.length ? block[i] : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  const hmacHex = (s: string): string => {
    // 1 024 UTF-16 units are at most 3 072 UTF-8 bytes.
    if (s.length > 1024) return c.createHmac('sha256', keys.indexKey).update(s).digest('hex');
    const n = inner.write(s, 64, 'utf8');
    outer.write(c.hash('sha256', inner.subarray(0, 64 + n), 'hex'), 64, 'hex');
    return c.hash('sha256', outer, 'hex');
  };
  // Names repeat a lot across a structure's patients, and NFD normalisation is the costly part.
  const folded = new Map<string, string>();
  const fold = (s: string) => {
    let f = folded.get(s);
    if (f === undefined) {
      f = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z]+/g, ' ').trim();
      if (folded.size < 4096) folded.set(s, f);
    }
    return f;
  };
  // imp_rows lines as COPY BINARY tuples (header and trailer: COPY_BINARY_HEADER/TRAILER): raw
  // bytes instead of hex for the blob and the indexes, days instead of date text, so the file is a
  // third smaller and PostgreSQL loads it about twice as fast as the same rows in text.
  // Days since 2000-01-01 of an ISO date (proleptic Gregorian, as PostgreSQL), by integer
  // arithmetic on the digits ("days from civil"): no Date object, no substrings.
  const dg = (v: string, i: number) => v.charCodeAt(i) - 48;
  const days = (iso: string) => {
    let y = dg(iso, 0) * 1000 + dg(iso, 1) * 100 + dg(iso, 2) * 10 + dg(iso, 3);
    const m = dg(iso, 5) * 10 + dg(iso, 6);
    const d = dg(iso, 8) * 10 + dg(iso, 9);
    if (m <= 2) y -= 1;
    const era = Math.floor(y / 400);
    const yoe = y - era * 400;
    const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146_097 + doe - 730_425; // 730 425: 2000-01-01 counted from 0000-03-01
  };
  let buf = Buffer.allocUnsafeSlow(0);
  let pos = 0;
  const room = (n: number) => {
    if (pos + n <= buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(2 * buf.length, pos + n, 64 * 1024));
    buf.copy(next, 0, 0, pos);
    buf = next;
  };
  const i32 = (v: number) => {
    buf.writeInt32BE(v, pos);
    pos += 4;
  };
  const bin = (v: string | null) => {
    if (v === null) return i32(-1);
    const n = buf.write(v, pos + 4, 'utf8');
    i32(n);
    pos += n;
  };
  const hexField = (hex: string) => {
    i32(hex.length / 2);
    pos += buf.write(hex, pos, 'hex');
  };
  const date = (iso: string | null) => {
    if (iso === null) return i32(-1);
    i32(4);
    i32(days(iso));
  };
  return (mode, rows, idPrefix) => {
    const ivs = mode === 'dry' ? null : c.randomBytes(12 * rows.length);
    const idHead = Buffer.from(idPrefix.replace(/-/g, ''), 'hex');
    let outKeys = '';
    buf = Buffer.allocUnsafeSlow(mode === 'dry' ? 0 : rows.length * 360);
    pos = 0;
    for (let i = 0; i < rows.length; i++) {
      const [line, ext, nir, last, first, birth, sex, rpps, from, to, note, opposed] = rows[i];
      const digest = hmacHex(ext + SEP + (nir ?? '') + SEP + last + SEP + first + SEP + birth + SEP + sex + SEP + (rpps ?? '') + SEP + (from ?? '') + SEP + (to ?? '') + SEP + (note ?? '') + SEP + String(opposed)).slice(0, 32);
      if (mode !== 'commit') outKeys += `${line}\t${text(ext)}\t\t\\\\x${digest}\n`;
      if (mode === 'dry') continue;
      const cipher = c.createCipheriv('aes-256-gcm', keys.key, ivs!.subarray(i * 12, i * 12 + 12));
      const body = cipher.update(`${nir ?? ''}${SEP}${last}${SEP}${first}`, 'utf8');
      cipher.final();
      // Identifiers are at most 64 + 2 × 100 characters (rows.ts): 3 bytes each at most in UTF-8.
      room(1024 + 3 * (ext.length + last.length + first.length));
      buf.writeInt16BE(15, pos);
      pos += 2;
      i32(4);
      i32(line);
      // id: the prefix's 10 bytes, then the line on 6 bytes (as the text form `${idPrefix}${line as 12 hex digits}`)
      i32(16);
      idHead.copy(buf, pos);
      buf.writeUIntBE(line, pos + 10, 6);
      pos += 16;
      bin(ext);
      // blob = iv ‖ tag ‖ ciphertext, copied into place (no Buffer.concat).
      i32(28 + body.length);
      pos += ivs!.copy(buf, pos, i * 12, i * 12 + 12);
      pos += cipher.getAuthTag().copy(buf, pos);
      pos += body.copy(buf, pos);
      bin(keys.keyId);
      if (nir) hexField(hmacHex(`nir${SEP}${nir}`));
      else i32(-1);
      hexField(hmacHex(`name${SEP}${fold(last)}${SEP}${fold(first)}${SEP}${birth}`));
      date(birth);
      bin(sex);
      bin(rpps);
      date(from);
      date(to);
      date(note);
      i32(1);
      buf[pos++] = opposed ? 1 : 0;
      hexField(digest);
    }
    return { keys: outKeys, rows: buf.subarray(0, pos) };
  };
}

/** COPY BINARY framing around the tuples of makePatientEncoder ('PGCOPY' signature, no flags, no extension; end: -1). */
export const COPY_BINARY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
export const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);

// Results go back as bytes in transferred buffers (not pooled: allocUnsafeSlow), not as strings:
// cloning ~100 KB strings between threads cost more than encoding them here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const encode = (${makePatientEncoder.toString()})(workerData);
const bytes = (s) => { const b = Buffer.allocUnsafeSlow(Buffer.byteLength(s)); b.write(s); return b; };
parentPort.on('message', (m) => {
  try {
    const out = encode(m.mode, m.rows, m.idPrefix);
    const keys = bytes(out.keys);
    parentPort.postMessage({ id: m.id, keys, rows: out.rows }, [keys.buffer, out.rows.buffer]);
  } catch (e) { parentPort.postMessage({ id: m.id, error: String(e && e.message || e) }); }
});`;

/** One batch's COPY text, as bytes. */
export interface EncodedBytes {
  keys: Buffer;
  rows: Buffer;
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * Encoding threads by default: one, while the dry run is the step that encrypts (import-stage.ts):
 * the main thread parses and checks the next rows while the thread hashes and encrypts, and the
 * PostgreSQL backend has little to do in a dry run, so the second core is free (README, issue #5).
 * ImportRunner.encoderThreads (bench hook, BENCH_THREADS) overrides it.
 */
export const DEFAULT_ENCODER_THREADS = 1;

/**
 * Encodes batches of rows in order, on `threads` worker threads (0: on the calling thread).
 * At most two batches per thread are in flight, so memory stays bounded whatever the file size.
 */
export class PatientStageEncoder {
  private readonly workers: Worker[] = [];
  private readonly inline: Encode;
  private readonly waiting = new Map<number, { resolve: (s: EncodedBytes) => void; reject: (e: Error) => void }>();
  private readonly inFlight: Promise<EncodedBytes>[] = [];
  private next = 0;
  private failure: Error | null = null;

  constructor(
    keys: EncoderKeys,
    private readonly mode: EncodeMode,
    threads: number,
    private readonly idPrefix: string,
    /** With threads: one batch in this many is encoded here (0: none), the thread being the slower side. */
    private readonly hereEvery = 0,
  ) {
    this.inline = makePatientEncoder(keys);
    for (let i = 0; i < threads; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: keys, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 } });
      w.on('message', (m: { id: number; keys?: Uint8Array; rows?: Uint8Array; error?: string }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve({ keys: asBuffer(m.keys!), rows: asBuffer(m.rows!) });
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
  private here(rows: PatientTuple[]): EncodedBytes {
    const out = this.inline(this.mode, rows, this.idPrefix);
    return { keys: Buffer.from(out.keys), rows: out.rows };
  }

  async push(rows: PatientTuple[]): Promise<EncodedBytes[]> {
    if (!this.workers.length) return [this.here(rows)];
    if (this.failure) throw this.failure;
    const id = this.next++;
    let p: Promise<EncodedBytes>;
    if (this.hereEvery && id % this.hereEvery === this.hereEvery - 1) {
      p = Promise.resolve(this.here(rows));
    } else {
      const w = this.workers[id % this.workers.length];
      p = new Promise<EncodedBytes>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
      w.postMessage({ id, mode: this.mode, rows, idPrefix: this.idPrefix });
    }
    p.catch(() => undefined);
    this.inFlight.push(p);
    const done: EncodedBytes[] = [];
    while (this.inFlight.length > 2 * this.workers.length) done.push(await this.inFlight.shift()!);
    return done;
  }

  /** The remaining batches, in order. */
  async drain(): Promise<EncodedBytes[]> {
    const done: EncodedBytes[] = [];
    while (this.inFlight.length) done.push(await this.inFlight.shift()!);
    return done;
  }

  async close(): Promise<void> {
    this.fail(new Error('encodeur fermé'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
