import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'uploaded', 'validating', 'validated', 'invalid', 'committing', 'committed', 'failed', 'reverted'`;

/**
 * Issue #5 §5 — the files of an import hold identifiers in clear (the upload as received, the
 * faulty rows to fix): the worker removes them once the import is committed, and after a
 * retention period for an import left unapplied, which then becomes `expired`
 * (apps/api/src/imports/import-retention.ts); the structure may also discard an unapplied import
 * at once (`discarded`). `files_removed_at` says when its files went.
 */
export class ImportRetention1764800000000 implements MigrationInterface {
  name = 'ImportRetention1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE imports DROP CONSTRAINT imports_status_check`);
    await q.query(`ALTER TABLE imports ADD CONSTRAINT imports_status_check CHECK (status IN (${BEFORE}, 'expired', 'discarded'))`);
    await q.query(`ALTER TABLE imports ADD COLUMN files_removed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE imports SET status = 'failed' WHERE status IN ('expired', 'discarded')`);
    await q.query(`ALTER TABLE imports DROP COLUMN files_removed_at`);
    await q.query(`ALTER TABLE imports DROP CONSTRAINT imports_status_check`);
    await q.query(`ALTER TABLE imports ADD CONSTRAINT imports_status_check CHECK (status IN (${BEFORE}))`);
  }
}
