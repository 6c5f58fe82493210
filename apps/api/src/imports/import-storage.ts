import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { UploadScan } from './source';

/**
 * Files of one import: the upload as received, the faulty rows of its dry run, and the rows the
 * dry run prepared for the commit (import-stage.ts; removed once committed).
 */
export const importPaths = (dir: string, tenantId: string, importId: string) => ({
  dir: path.join(dir, tenantId),
  source: path.join(dir, tenantId, `${importId}.src`),
  errors: path.join(dir, tenantId, `${importId}.erreurs.csv`),
  stage: path.join(dir, tenantId, `${importId}.stage`),
  stageManifest: path.join(dir, tenantId, `${importId}.stage.json`),
});

/** Every file of one import (the manifest first: without it, a staged file is never used). */
export async function removeImportFiles(paths: ReturnType<typeof importPaths>): Promise<void> {
  for (const f of [paths.stageManifest, paths.stage, paths.source, paths.errors]) await rm(f, { force: true });
}

export class TooLarge extends Error {}

export interface Stored extends UploadScan {
  sha256: string;
  size: number;
  /** Newlines seen (CSV): the row total shown while the dry run progresses. */
  lines: number;
}

/**
 * Streams the request body to disk in constant memory, hashing (SHA-256), counting lines and
 * checking UTF-8 validity as it goes; stops at maxBytes.
 */
export async function storeUpload(body: Readable, target: string, maxBytes: number): Promise<Stored> {
  await mkdir(path.dirname(target), { recursive: true });
  const out = createWriteStream(target);
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let utf8Valid = true;
  let size = 0;
  let lines = 0;
  let head: Buffer | null = null;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new TooLarge();
      if (!head) head = chunk.subarray(0, 4);
      hash.update(chunk);
      if (utf8Valid) {
        try {
          utf8.decode(chunk, { stream: true });
        } catch {
          utf8Valid = false;
        }
      }
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    if (utf8Valid) {
      try {
        utf8.decode();
      } catch {
        utf8Valid = false;
      }
    }
    out.end();
    await finished(out);
  } catch (e) {
    out.destroy();
    await rm(target, { force: true });
    throw e;
  }
  const zip = !!head && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  const bom = !!head && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  return { sha256: hash.digest('hex'), size, lines, format: zip ? 'xlsx' : 'csv', utf8Valid, bom };
}
