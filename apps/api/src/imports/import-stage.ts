import { timingSafeEqual, type Hmac } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { PatientCrypto } from '../patients/patient-crypto';

/**
 * The patient rows a successful dry run prepared for its commit: the imp_rows COPY text (NIR and
 * names already encrypted, blind indexes and digests computed) in a file beside the upload, and a
 * manifest of what they were checked against. The commit streams the file into its staging table
 * instead of parsing, checking and encrypting the upload a second time; it falls back to that full
 * path whenever the staged rows might not be what it would compute now:
 * - another tenant, import, file reading (format, encoding, delimiter, mapping profile),
 * - an earlier "today" than the dry run's (dates checked "not in the future" stay valid as days pass),
 * - a practitioner of the dry run no longer in the structure (RPPS check),
 * - a key change (the MAC key derives from the index and encryption keys, PatientCrypto.stageMac),
 * - a file or manifest altered on disk (the seal, an HMAC over both, is checked before any INSERT).
 * The file holds nothing the upload beside it does not already hold in clear.
 */
export interface StagePaths {
  stage: string;
  stageManifest: string;
}

/** What the staged rows depend on besides the upload itself. */
export interface StageContext {
  tenantId: string;
  importId: string;
  /** format, effective encoding and delimiter, mapping profile, as JSON */
  reading: string;
  today: string;
  rpps: Set<string>;
}

interface Manifest {
  /** 2: rows with their id (1 never reached a release) */
  v: 2;
  tenantId: string;
  importId: string;
  reading: string;
  today: string;
  rpps: string[];
  read: number;
  staged: number;
}

const sealOf = (mac: Hmac, m: Manifest) => mac.update('\u001e').update(JSON.stringify(m)).digest();

export const readingOf = (format: string, encoding: string | null | undefined, delimiter: string | null | undefined, profile: unknown): string =>
  JSON.stringify({ format, encoding: encoding ?? null, delimiter: delimiter ?? null, profile });

/** Writes the staged rows during a dry run; `seal` once the dry run found no error, else `discard`. */
export class StageWriter {
  private readonly mac: Hmac;
  private readonly out: WriteStream;
  private failed: Error | null = null;

  constructor(
    private readonly paths: StagePaths,
    crypto: PatientCrypto,
  ) {
    this.mac = crypto.stageMac();
    this.out = createWriteStream(paths.stage);
    this.out.on('error', (e) => (this.failed ??= e));
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    if (!chunk.length) return;
    this.mac.update(chunk);
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async seal(ctx: StageContext, read: number, staged: number): Promise<void> {
    this.out.end();
    await finished(this.out);
    const m: Manifest = { v: 2, tenantId: ctx.tenantId, importId: ctx.importId, reading: ctx.reading, today: ctx.today, rpps: [...ctx.rpps].sort(), read, staged };
    await writeFile(this.paths.stageManifest, JSON.stringify({ ...m, seal: sealOf(this.mac, m).toString('hex') }));
  }

  async discard(): Promise<void> {
    this.out.destroy();
    await discardStage(this.paths);
  }
}

export async function discardStage(paths: StagePaths): Promise<void> {
  await rm(paths.stageManifest, { force: true });
  await rm(paths.stage, { force: true });
}

/** The staged rows usable by this commit (manifest consistent with `ctx`), or null: full path. */
export async function usableStage(paths: StagePaths, ctx: StageContext): Promise<(Manifest & { seal: string }) | null> {
  let m: Manifest & { seal: string };
  try {
    m = JSON.parse(await readFile(paths.stageManifest, 'utf8'));
  } catch {
    return null;
  }
  const ok =
    m.v === 2 && m.tenantId === ctx.tenantId && m.importId === ctx.importId && m.reading === ctx.reading && typeof m.today === 'string' &&
    ctx.today >= m.today && Array.isArray(m.rpps) && m.rpps.every((r) => ctx.rpps.has(r)) && typeof m.seal === 'string';
  return ok ? m : null;
}

/**
 * Streams the staged file to `sink` chunk by chunk (whole lines) and tells whether its seal
 * verified; the caller must not use what it wrote when it did not.
 */
export async function streamStage(
  paths: StagePaths,
  m: Manifest & { seal: string },
  crypto: PatientCrypto,
  sink: (text: string, lines: number) => Promise<void>,
): Promise<boolean> {
  const mac = crypto.stageMac();
  let rest = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of createReadStream(paths.stage, { highWaterMark: 32 * 1024 }) as AsyncIterable<Buffer>) {
    mac.update(chunk);
    const text = rest + decoder.decode(chunk, { stream: true });
    const cut = text.lastIndexOf('\n') + 1;
    rest = text.slice(cut);
    let lines = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < cut; i = text.indexOf('\n', i + 1)) lines++;
    if (cut) await sink(text.slice(0, cut), lines);
  }
  rest += decoder.decode();
  if (rest) return false;
  const { seal, ...core } = m;
  const expected = sealOf(mac, core);
  const got = Buffer.from(seal, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
