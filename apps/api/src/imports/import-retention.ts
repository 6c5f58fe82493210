import { Inject, Injectable, Logger } from '@nestjs/common';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { asTenantId, type TenantId } from '@mtr/tenancy';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { TenantDb } from '../database/tenant-db';
import { PATIENT_DATA_CONFIG } from '../patients/patient-data.module';
import { IDLE_IMPORT_STATUSES } from './columns';
import type { PatientDataConfig } from '../patients/patient-data.config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Left idle (IDLE_IMPORT_STATUSES) past the retention period from its upload or its dry run, an import expires and its files go. */
/**
 * A dry run or a commit takes minutes; one still « in progress » after twice the retention
 * period lost its job (and its best-effort `failed` mark): it expires too, rather than keep its
 * files for ever. A commit really running holds the import's row lock, which the UPDATE waits for.
 */
const STUCK = ['validating', 'committing'];
/** Their files have no further use: removed at once. */
const DONE = ['committed', 'reverted', 'expired', 'discarded'];
/**
 * A file with no import row yet may be an upload in flight (the file is stored before its row is
 * written): left alone for this long.
 */
export const ORPHAN_GRACE_MS = 3_600_000;

export interface RetentionSweep {
  /** Imports that became `expired`. */
  expired: number;
  /** Files removed (upload, faulty rows, staged rows), of any import. */
  filesRemoved: number;
}

/**
 * Issue #5 §5 — the files of an import hold identifiers in clear: the upload as received and the
 * faulty rows to fix (the staged rows are encrypted). They live only as long as they serve: removed
 * with the commit (ImportRunner), and by this sweep, run hourly by the worker, for an import left
 * unapplied past `IMPORT_FILE_RETENTION_HOURS` (it becomes `expired`: upload the file again) and
 * for any leftover. Structures are found from the storage folder (one sub-folder each), so the
 * sweep needs no cross-structure query: each structure is swept in its own RLS transaction.
 */
@Injectable()
export class ImportRetention {
  private readonly log = new Logger('ImportRetention');

  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    @Inject(PATIENT_DATA_CONFIG) private readonly cfg: PatientDataConfig,
  ) {}

  async sweep(now = new Date()): Promise<RetentionSweep> {
    const total: RetentionSweep = { expired: 0, filesRemoved: 0 };
    const folders = await readdir(this.cfg.storageDir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    let failures = 0;
    for (const f of folders) {
      if (!f.isDirectory() || !UUID.test(f.name)) continue;
      // One structure's trouble (permissions, a database error) must not stop the others' sweep.
      try {
        const r = await this.sweepStructure(asTenantId(f.name), now);
        total.expired += r.expired;
        total.filesRemoved += r.filesRemoved;
      } catch (e) {
        failures++;
        this.log.error(`balayage des fichiers d'import impossible pour la structure ${f.name} : ${(e as NodeJS.ErrnoException).code ?? (e as Error).name}`);
      }
    }
    if (failures) throw new Error(`balayage incomplet : ${failures} structure(s) en échec`);
    if (total.expired || total.filesRemoved) this.log.log(`imports expirés : ${total.expired}, fichiers supprimés : ${total.filesRemoved}`);
    return total;
  }

  private async sweepStructure(tenantId: TenantId, now: Date): Promise<RetentionSweep> {
    const dir = path.join(this.cfg.storageDir, tenantId);
    const byImport = new Map<string, { files: string[]; newest: number }>();
    for (const name of await readdir(dir)) {
      const id = name.slice(0, name.indexOf('.'));
      if (!UUID.test(id)) continue;
      const mtime = await stat(path.join(dir, name)).then((s) => s.mtimeMs, () => 0);
      const entry = byImport.get(id) ?? { files: [], newest: 0 };
      entry.files.push(name);
      entry.newest = Math.max(entry.newest, mtime);
      byImport.set(id, entry);
    }
    if (!byImport.size) return { expired: 0, filesRemoved: 0 };

    const cutoff = new Date(now.getTime() - this.cfg.fileRetentionHours * 3_600_000);
    const stuckCutoff = new Date(now.getTime() - 2 * this.cfg.fileRetentionHours * 3_600_000);
    const seen = await this.db.forTenant(tenantId, async (em) => {
      // A folder of a structure this database does not know belongs to another deployment
      // sharing the disk (or a test run): never touch it.
      if (!(await em.query('SELECT 1 FROM structures WHERE id = $1', [tenantId])).length) return null;
      const ids = [...byImport.keys()];
      const rows: { id: string; status: string }[] = await em.query('SELECT id, status FROM imports WHERE id = ANY($1::uuid[])', [ids]);
      // The status is checked again under the row lock: an import whose commit has just begun
      // (`committing`) is no longer expirable and keeps its files.
      // TypeORM answers an UPDATE with [rows, affected].
      const [gone]: [{ id: string }[], number] = await em.query(
        `UPDATE imports SET status = 'expired', files_removed_at = $3 WHERE id = ANY($1::uuid[])
            AND ((status = ANY($4::text[]) AND coalesce(validated_at, created_at) < $2) OR (status = ANY($5::text[]) AND coalesce(validated_at, created_at) < $6))
          RETURNING id`,
        [ids, cutoff, now, IDLE_IMPORT_STATUSES, STUCK, stuckCutoff],
      );
      for (const g of gone) {
        await this.audit.record(em, tenantId, { action: 'import.expire', resourceType: 'import', resourceId: g.id, detail: { retentionHours: this.cfg.fileRetentionHours } });
      }
      const expiredIds = new Set(gone.map((g) => g.id));
      return {
        known: new Set(rows.map((r) => r.id)),
        removable: new Set([...rows.filter((r) => DONE.includes(r.status)).map((r) => r.id), ...expiredIds]),
        expired: expiredIds.size,
      };
    });

    if (!seen) return { expired: 0, filesRemoved: 0 };
    const { known, removable, expired } = seen;
    let filesRemoved = 0;
    for (const [id, entry] of byImport) {
      const orphan = !known.has(id) && now.getTime() - entry.newest > ORPHAN_GRACE_MS;
      if (!removable.has(id) && !orphan) continue;
      for (const name of entry.files) {
        await rm(path.join(dir, name), { force: true });
        filesRemoved++;
      }
    }
    return { expired, filesRemoved };
  }
}
