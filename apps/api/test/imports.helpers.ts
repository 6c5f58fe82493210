import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { DatabaseModule } from '../src/database/database.module';
import { ImportsWorkerModule } from '../src/imports/imports-worker.module';
import type { TestApi } from './http';

@Module({ imports: [DatabaseModule, ImportsWorkerModule] })
class TestWorkerModule {}

/** The BullMQ worker of the imports, in-process (same queue prefix as the API of this run). */
export const startImportWorker = (): Promise<INestApplicationContext> => NestFactory.createApplicationContext(TestWorkerModule, { logger: false });

/** A valid NIR (key = 97 − n mod 97; Corsica 2A → 19, 2B → 18). */
export function nir(body13: string): string {
  const n = Number(body13.replace(/^(.{5})2A/, '$119').replace(/^(.{5})2B/, '$118'));
  return body13 + String(97 - (n % 97)).padStart(2, '0');
}

export const cp1252 = (s: string): Buffer => {
  const out: number[] = [];
  const table: Record<string, number> = { '€': 0x80, '’': 0x92, 'œ': 0x9c, 'Œ': 0x8c };
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out.push(c < 256 ? c : (table[ch] ?? 0x3f));
  }
  return Buffer.from(out);
};

export async function upload(api: TestApi, token: string, structureId: string, body: Buffer, query: string, contentType = 'text/csv') {
  return api.request('POST', `/structures/${structureId}/imports?${query}`, { token, body, headers: { 'content-type': contentType } });
}

/** Polls the import until its job has settled (20 s by default). */
export async function settle(api: TestApi, token: string, structureId: string, id: string, pending = ['uploaded', 'validating', 'committing'], timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const r = await api.request('GET', `/structures/${structureId}/imports/${id}`, { token });
    if (r.status !== 200) throw new Error(`GET import ${r.status} ${JSON.stringify(r.body)}`);
    if (!pending.includes(r.body.status)) return r.body;
    last = { status: r.body.status, progress: r.body.progress, failure: r.body.failure };
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`import did not settle: ${JSON.stringify(last)}`);
}
