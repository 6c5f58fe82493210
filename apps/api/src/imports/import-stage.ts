import { timingSafeEqual, type Hmac } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { PatientCrypto } from '../patients/patient-crypto';

/**
 * The patient rows a successful dry run prepared for its commit: imp_rows COPY BINARY tuples (NIR and
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
  /** 3: COPY BINARY tuples with their row id (1 and 2 never reached a release) */
  v: 3;
  tenantId: string;
  importId: string;
  reading: string;
  today: string;
  rpps: string[];
  read: number;
  staged: number;
  bytes: number;
}

const sealOf = (mac: Hmac, m: Manifest) => mac.update('\u001e').update(JSON.stringify(m)).digest();

export const readingOf = (format: string, encoding: string | null | undefined, delimiter: string | null | undefined, profile: unknown): string =>
  JSON.stringify({ format, encoding: encoding ?? null, delimiter: delimiter ?? null, profile });

/** Writes the staged rows during a dry run; `seal` once the dry run found no error, else `discard`. */
export class StageWriter {
  private readonly mac: Hmac;
  private readonly out: WriteStream;
  private failed: Error | null = null;
  private bytes = 0;

  private constructor(
    private readonly paths: StagePaths,
    crypto: PatientCrypto,
  ) {
    this.mac = crypto.stageMac();
    this.out = createWriteStream(paths.stage);
    this.out.on('error', (e) => (this.failed ??= e));
  }

  /** A new dry run: the manifest of an earlier one goes first, so no commit pairs it with these rows. */
  static async open(paths: StagePaths, crypto: PatientCrypto): Promise<StageWriter> {
    await rm(paths.stageManifest, { force: true });
    return new StageWriter(paths, crypto);
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    if (!chunk.length) return;
    this.mac.update(chunk);
    this.bytes += chunk.length;
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async seal(ctx: StageContext, read: number, staged: number): Promise<void> {
    this.out.end();
    await finished(this.out);
    const m: Manifest = { v: 3, tenantId: ctx.tenantId, importId: ctx.importId, reading: ctx.reading, today: ctx.today, rpps: [...ctx.rpps].sort(), read, staged, bytes: this.bytes };
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
    m.v === 3 && Number.isInteger(m.bytes) && m.tenantId === ctx.tenantId && m.importId === ctx.importId && m.reading === ctx.reading && typeof m.today === 'string' &&
    ctx.today >= m.today && Array.isArray(m.rpps) && m.rpps.every((r) => ctx.rpps.has(r)) && typeof m.seal === 'string';
  return ok ? m : null;
}

/**
 * Streams the staged file (COPY BINARY tuples) to `sink` chunk by chunk, with the rows done so far
 * (estimated from the bytes, for progress), and tells whether its seal verified; the caller must
 * not use what it wrote when it did not.
 */
export async function streamStage(
  paths: StagePaths,
  m: Manifest & { seal: string },
  crypto: PatientCrypto,
  sink: (chunk: Buffer, rowsDone: number) => Promise<void>,
): Promise<boolean> {
  const mac = crypto.stageMac();
  let bytes = 0;
  for await (const chunk of createReadStream(paths.stage, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    mac.update(chunk);
    bytes += chunk.length;
    await sink(chunk, m.bytes ? Math.floor((m.staged * Math.min(bytes, m.bytes)) / m.bytes) : m.staged);
  }
  if (bytes !== m.bytes) return false;
  const { seal, ...core } = m;
  const expected = sealOf(mac, core);
  const got = Buffer.from(seal, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
