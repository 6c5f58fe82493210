import { Inject, Injectable } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { EntityManager } from 'typeorm';
import type { TenantId } from '@mtr/tenancy';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { TenantDb } from '../database/tenant-db';
import { CSV_BOM, csvLine } from '../exports/csv';
import { PatientCrypto } from '../patients/patient-crypto';
import { PATIENT_DATA_CONFIG } from '../patients/patient-data.module';
import type { PatientDataConfig } from '../patients/patient-data.config';
import type { ImportKind, Mapping } from './columns';
import { commitRows, CommitRefused, dryRun, type EngineInput } from './import-engine';
import { importPaths, removeImportFiles } from './import-storage';
import { importsConfig } from './imports.queue';
import { DEFAULT_ENCODER_THREADS } from './patient-stage-encoder';
import type { RowIssue } from './rows';
import { FileProblem, openSource, type Encoding } from './source';

export interface ImportRow {
  id: string;
  kind: ImportKind;
  status: string;
  format: 'csv' | 'xlsx';
  encoding: Encoding | null;
  delimiter: string | null;
  mapping: Mapping;
  profile_id: string | null;
  sha256: string;
  counts: Record<string, number>;
  committed_at: Date | null;
}

export const todayParis = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

export type Progress = (p: { step: 'validate' | 'commit'; rowsDone: number; rowsTotal: number | null }) => Promise<void> | void;

/** The work of the two import jobs (run by the worker through BullMQ). */
@Injectable()
export class ImportRunner {
  /** Test hook: makes the next commit throw after that many rows (a crash mid-import). */
  failNextCommitAfterRows: number | undefined;
  /** Test hook (IMPORTS_TEST_PAUSE_MS): pause after the rows are written, before COMMIT, to kill the worker there. */
  private readonly pauseBeforeCommitMs = importsConfig().IMPORTS_TEST_PAUSE_MS;
  /** Bench hook: forces the number of encoding threads (default: encoderThreads of the file's size). */
  encoderThreads: number | undefined;

  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly crypto: PatientCrypto,
    @Inject(PATIENT_DATA_CONFIG) private readonly cfg: PatientDataConfig,
  ) {}

  private async input(em: EntityManager, tenantId: TenantId, imp: ImportRow, progress?: Progress, step: 'validate' | 'commit' = 'validate'): Promise<EngineInput> {
    const rpps = new Set<string>((await em.query('SELECT rpps FROM practitioners WHERE tenant_id = $1', [tenantId])).map((r: { rpps: string }) => r.rpps));
    let profile: Mapping = {};
    if (imp.profile_id) {
      const [p] = await em.query('SELECT mapping FROM import_mapping_profiles WHERE tenant_id = $1 AND id = $2', [tenantId, imp.profile_id]);
      profile = p?.mapping ?? {};
    }
    const total = step === 'commit' ? (imp.counts.read ?? null) : (imp.counts.lines ?? null);
    const paths = importPaths(this.cfg.storageDir, tenantId, imp.id);
    return {
      kind: imp.kind,
      tenantId,
      importId: imp.id,
      path: paths.source,
      stage: paths,
      scan: { format: imp.format, utf8Valid: imp.encoding !== 'windows-1252', bom: false },
      source: { format: imp.format, encoding: imp.encoding ?? undefined, delimiter: imp.delimiter ?? undefined },
      profile,
      rpps,
      today: todayParis(),
      crypto: this.crypto,
      // A thread takes tens of milliseconds to start: worth it for large files only.
      encoderThreads: this.encoderThreads ?? ((imp.counts.lines ?? 0) > 20_000 ? DEFAULT_ENCODER_THREADS : 0),
      onProgress: progress ? (rowsDone) => progress({ step, rowsDone, rowsTotal: total }) : undefined,
    };
  }

  private load(em: EntityManager, id: string, lock = false): Promise<ImportRow | undefined> {
    return em.query(`SELECT * FROM imports WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]).then((r: ImportRow[]) => r[0]);
  }

  /** Step 1: the dry run. Idempotent: an import already checked is left as it is. */
  async validate(tenantId: TenantId, importId: string, progress?: Progress): Promise<void> {
    const imp = await this.db.forTenant(tenantId, async (em) => {
      const i = await this.load(em, importId, true);
      if (!i || !['uploaded', 'validating'].includes(i.status)) return undefined;
      await em.query(`UPDATE imports SET status = 'validating' WHERE id = $1`, [importId]);
      return i;
    });
    if (!imp) return;
    let errors: RowIssue[] = [];
    await this.db.forTenant(tenantId, async (em) => {
      const input = await this.input(em, tenantId, imp, progress);
      try {
        const r = await dryRun(em, input);
        errors = r.errors;
        await em.query(
          `UPDATE imports SET status = $2, counts = $3, errors = $4, warnings = $5, mapping = $6, delimiter = $7, encoding = $8, validated_at = now() WHERE id = $1`,
          [importId, r.counts.errors ? 'invalid' : 'validated', JSON.stringify({ ...imp.counts, ...r.counts }), JSON.stringify(r.errors), JSON.stringify(r.warnings),
            JSON.stringify(r.mapping), r.delimiter, r.encoding],
        );
        await this.audit.record(em, tenantId, { action: 'import.validate', resourceType: 'import', resourceId: importId, detail: { kind: imp.kind, counts: r.counts } });
      } catch (e) {
        if (!(e instanceof FileProblem)) throw e;
        errors = [{ line: e.line, column: '', code: e.code, detail: e.detail }];
        // The temp table may be half-filled: its statements failed, so a new transaction records the verdict.
        throw e;
      }
    }).catch(async (e: unknown) => {
      if (!(e instanceof FileProblem)) throw e;
      await this.db.forTenant(tenantId, async (em) => {
        const counts = { ...imp.counts, read: 0, create: 0, update: 0, unchanged: 0, errors: 1, warnings: 0 };
        await em.query(`UPDATE imports SET status = 'invalid', counts = $2, errors = $3, validated_at = now() WHERE id = $1`, [importId, JSON.stringify(counts), JSON.stringify(errors)]);
        await this.audit.record(em, tenantId, { action: 'import.validate', resourceType: 'import', resourceId: importId, detail: { kind: imp.kind, fileError: e.code } });
      });
    });
    if (errors.length) await this.writeFaultyRows(tenantId, imp, errors);
  }

  /** The faulty rows with an « erreurs » column (French Excel CSV), to fix and upload again. */
  private async writeFaultyRows(tenantId: TenantId, imp: ImportRow, errors: RowIssue[]): Promise<void> {
    const paths = importPaths(this.cfg.storageDir, tenantId, imp.id);
    const out = createWriteStream(paths.errors);
    const byLine = new Map<number, string[]>();
    for (const e of errors) byLine.set(e.line, [...(byLine.get(e.line) ?? []), `${e.column ? `${e.column} : ` : ''}${e.detail} [${e.code}]`]);
    out.write(CSV_BOM);
    const fileLevel = errors.filter((e) => e.line <= 1);
    try {
      if (fileLevel.length) throw new Error('file-level');
      const [row] = await this.db.forTenant(tenantId, (em) => em.query('SELECT encoding, delimiter FROM imports WHERE id = $1', [imp.id]));
      const src = await openSource(paths.source, { format: imp.format, utf8Valid: true, bom: false }, { format: imp.format, encoding: row.encoding ?? undefined, delimiter: row.delimiter ?? undefined });
      out.write(csvLine(['ligne', ...src.header, 'erreurs']));
      for await (const b of src.batches) {
        for (let i = 0; i < b.rows.length; i++) {
          const msgs = byLine.get(b.lines[i]);
          if (msgs && !out.write(csvLine([b.lines[i], ...b.rows[i], msgs.join(' | ')]))) await new Promise<void>((r) => out.once('drain', () => r()));
        }
      }
    } catch {
      // The file itself cannot be read past its problem: the report line is the content.
      out.write(csvLine(['ligne', 'colonne', 'code', 'erreurs']));
      for (const e of errors.slice(0, 1000)) out.write(csvLine([e.line, e.column, e.code, e.detail]));
    }
    out.end();
    await finished(out);
    // The import may have been discarded while this file was written, after its verdict was committed.
    const [now] = await this.db.forTenant(tenantId, (em) => em.query('SELECT status FROM imports WHERE id = $1', [imp.id]));
    if (now && ['discarded', 'expired'].includes(now.status)) await rm(paths.errors, { force: true });
  }

  /**
   * Step 2: the commit, all in one transaction with the import row locked. A retry after a crash
   * finds the import not committed (the transaction rolled back) and starts again; a retry after
   * success finds it committed and does nothing.
   */
  async commit(tenantId: TenantId, importId: string, progress?: Progress): Promise<'done' | 'noop'> {
    const failAfterRows = this.failNextCommitAfterRows;
    this.failNextCommitAfterRows = undefined;
    try {
      const r = await this.db.forTenant(tenantId, async (em): Promise<'done' | 'noop'> => {
        const imp = await this.load(em, importId, true);
        if (!imp || !['validated', 'committing'].includes(imp.status)) return 'noop';
        const [dup] = await em.query(`SELECT id FROM imports WHERE kind = $1 AND sha256 = $2 AND status = 'committed' AND id <> $3`, [imp.kind, imp.sha256, importId]);
        if (dup) throw new CommitRefused('deja_importe', 'Ce fichier (même empreinte SHA-256) a déjà été importé.');
        const input = { ...(await this.input(em, tenantId, imp, progress, 'commit')), failAfterRows };
        const r = await commitRows(em, input);
        if (this.pauseBeforeCommitMs > 0) await new Promise((res) => setTimeout(res, this.pauseBeforeCommitMs));
        const counts = { ...imp.counts, read: r.read, create: r.created, update: r.updated, unchanged: r.unchanged };
        await em.query(`UPDATE imports SET status = 'committed', counts = $2, committed_at = now(), failure = NULL, files_removed_at = now() WHERE id = $1`, [importId, JSON.stringify(counts)]);
        await this.audit.record(em, tenantId, { action: 'import.commit', resourceType: 'import', resourceId: importId, detail: { kind: imp.kind, sha256: imp.sha256, counts } });
        return 'done' as const;
      });
      // Committed: the upload (identifiers in clear) and the rows the dry run prepared are of no
      // further use; what a failed removal leaves, the hourly retention sweep takes (import-retention.ts).
      if (r === 'done') await removeImportFiles(importPaths(this.cfg.storageDir, tenantId, importId)).catch(() => undefined);
      return r;
    } catch (e) {
      if (e instanceof CommitRefused || e instanceof FileProblem) {
        await this.markFailed(tenantId, importId, e.detail);
      }
      throw e;
    }
  }

  async markFailed(tenantId: TenantId, importId: string, failure: string): Promise<void> {
    await this.db.forTenant(tenantId, (em) =>
      em.query(`UPDATE imports SET status = 'failed', failure = $2 WHERE id = $1 AND status IN ('validating', 'committing', 'uploaded', 'validated')`, [importId, failure.slice(0, 500)]),
    );
  }
}
