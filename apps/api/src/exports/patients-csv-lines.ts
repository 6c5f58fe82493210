import { Worker } from 'node:worker_threads';

/** Decryption keys (id → key), handed to a thread of this same process only. */
export type DecoderKeys = { id: string; key: Buffer }[];

export type FormatCsv = (copyText: string) => string;

/**
 * Turns lines of `COPY (…) TO STDOUT` text (external_id, identity_enc, key_id, then the other
 * columns already joined by PostgreSQL as CSV cells that never need quoting) into lines of the
 * patients CSV: identity decrypted (AES-256-GCM, blob = iv ‖ tag ‖ ciphertext, as PatientCrypto),
 * cells written by the rules of csv.ts (formula prefix, quoting; checked equal in the spec).
 * Self-contained (no closure, only `require`) so that its source also runs as a worker thread's code.
 */
export function makePatientsCsvFormatter(keys: DecoderKeys): FormatCsv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const c = require('node:crypto') as typeof import('node:crypto');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const FORMULA = /^[=+\-@\t\r]/;
  const NUMBER = /^-\d+([.,]\d+)?$/;
  const QUOTE = /[;"\r\n]/;
  const cell = (s: string) => {
    if (FORMULA.test(s) && !NUMBER.test(s)) s = `'${s}`;
    return QUOTE.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  // COPY text escapes (backslash, tab, newline, carriage return) in a text column.
  const unescape = (s: string) =>
    s.indexOf('\\') < 0 ? s : s.replace(/\\(.)/g, (_m, ch: string) => (ch === 't' ? '\t' : ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch));
  return (text) => {
    let out = '';
    let at = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; at = nl + 1, nl = text.indexOf('\n', at)) {
      const t1 = text.indexOf('\t', at);
      const t2 = text.indexOf('\t', t1 + 1);
      const t3 = text.indexOf('\t', t2 + 1);
      const key = byId.get(unescape(text.slice(t2 + 1, t3)));
      if (!key) throw new Error('clé de chiffrement inconnue');
      // bytea in COPY text: \\x then hex
      const blob = Buffer.from(text.slice(t1 + 4, t2), 'hex');
      const d = c.createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(12, 28));
      const plain = d.update(blob.subarray(28)).toString('utf8');
      d.final();
      const s1 = plain.indexOf('\u001f');
      const s2 = plain.indexOf('\u001f', s1 + 1);
      out += `${cell(unescape(text.slice(at, t1)))};${cell(plain.slice(0, s1))};${cell(plain.slice(s1 + 1, s2))};${cell(plain.slice(s2 + 1))};${text.slice(t3 + 1, nl)}\r\n`;
    }
    return out;
  };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const format = (${makePatientsCsvFormatter.toString()})(workerData);
parentPort.on('message', (m) => {
  try { parentPort.postMessage({ id: m.id, out: format(m.text) }); }
  catch (e) { parentPort.postMessage({ id: m.id, error: String(e && e.message || e) }); }
});`;

/**
 * Formats chunks in order, alternately on one worker thread and on the calling thread: decryption
 * is most of an export's CPU, so two cores share it. At most two chunks are in flight.
 */
export class PatientsCsvFormatter {
  private readonly inline: FormatCsv;
  private readonly worker: Worker | null;
  private readonly waiting = new Map<number, { resolve: (s: string) => void; reject: (e: Error) => void }>();
  private readonly inFlight: Promise<string>[] = [];
  private next = 0;

  constructor(keys: DecoderKeys, useThread: boolean) {
    this.inline = makePatientsCsvFormatter(keys);
    this.worker = useThread
      ? new Worker(WORKER_SOURCE, { eval: true, workerData: keys, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 } })
      : null;
    this.worker?.on('message', (m: { id: number; out?: string; error?: string }) => {
      const p = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.out!);
    });
    this.worker?.on('error', (e) => {
      for (const p of this.waiting.values()) p.reject(e);
      this.waiting.clear();
    });
    this.worker?.unref();
  }

  /** Queues one chunk of whole lines; returns the CSV of the oldest chunks done, in order. */
  async push(text: string): Promise<string> {
    const id = this.next++;
    let p: Promise<string>;
    if (this.worker && id % 2 === 0) {
      p = new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
      this.worker.postMessage({ id, text });
    } else {
      // Let the worker's chunk go out before this thread formats the next one.
      await new Promise<void>((r) => setImmediate(r));
      p = Promise.resolve(this.inline(text));
    }
    p.catch(() => undefined);
    this.inFlight.push(p);
    let out = '';
    while (this.inFlight.length > 2) out += await this.inFlight.shift()!;
    return out;
  }

  async drain(): Promise<string> {
    let out = '';
    while (this.inFlight.length) out += await this.inFlight.shift()!;
    return out;
  }

  async close(): Promise<void> {
    for (const p of this.waiting.values()) p.reject(new Error('export fermé'));
    this.waiting.clear();
    await this.worker?.terminate();
  }
}
