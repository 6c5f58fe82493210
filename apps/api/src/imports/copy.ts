import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { connectionOf } from '@mtr/tenancy';

interface CopyCapable {
  query(q: CopyStreamQuery): CopyStreamQuery;
}

/**
 * `COPY … FROM STDIN` on the connection of the caller's tenant transaction (TenantDb), so the
 * rows land in the same transaction as everything else. Only into temporary tables: COPY FROM is
 * refused on tables under row-level security, the final INSERT … SELECT goes through RLS.
 */
export class CopyWriter {
  private buf = '';
  private constructor(private readonly stream: CopyStreamQuery) {
    // Errors surface through write/end (and the transaction's rollback), never as an unhandled event.
    stream.on('error', () => undefined);
  }

  static async open(em: EntityManager, sql: string): Promise<CopyWriter> {
    const client = await connectionOf<CopyCapable>(em, 'COPY');
    return new CopyWriter(client.query(copyFrom(sql)));
  }

  /** Appends one line (fields already encoded with `copyText`/`copyBytea`, tab-separated). */
  async line(fields: string[]): Promise<void> {
    this.buf += fields.join('\t') + '\n';
    if (this.buf.length >= 64 * 1024) await this.flush();
  }

  /** Appends lines already in COPY text format (each ending with a newline). */
  async text(lines: string): Promise<void> {
    this.buf += lines;
    if (this.buf.length >= 64 * 1024) await this.flush();
  }

  /** Appends bytes already in COPY text format (whole lines). */
  async bytes(chunk: Buffer): Promise<void> {
    if (!chunk.length) return;
    if (this.buf) await this.flush();
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  private async flush(): Promise<void> {
    const chunk = this.buf;
    this.buf = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async end(): Promise<void> {
    if (this.buf) await this.flush();
    this.stream.end();
    await finished(this.stream);
  }

  /** On failure: abort the COPY so the transaction can roll back. */
  abort(e: Error): void {
    this.stream.destroy(e);
  }
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
/** A text value in COPY text format (\N for NULL). */
export function copyText(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  const s = String(v);
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
export const copyBytea = (b: Buffer | null): string => (b ? `\\\\x${b.toString('hex')}` : '\\N');
/** A text[] value: every element double-quoted (codes are validated, no quotes or backslashes). */
export const copyTextArray = (a: string[]): string => `{${a.map((x) => `"${x}"`).join(',')}}`;
