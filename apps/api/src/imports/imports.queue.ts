import { Queue } from 'bullmq';
import { z } from 'zod';
import { loadConfig } from '../config/load-config';
import { databaseConfig } from '../database/database.config';
import { bullConnection } from '../queue/redis.config';

export const IMPORT_QUEUE = 'imports';
export const IMPORT_QUEUE_TOKEN = Symbol('IMPORT_QUEUE');

/**
 * Keys are prefixed with the database name, so the API and the worker of one deployment (or one
 * test run, which has its own database) share the queue and never take another one's jobs.
 */
export const importQueuePrefix = (): string => `bull-${databaseConfig().databaseName}`;

const schema = z.object({
  /**
   * How long a worker holds an import job before BullMQ declares it stalled and hands it to
   * another worker (a killed worker's commit restarts after this delay), milliseconds.
   */
  IMPORTS_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  /** Test hook: pause inside the commit's transaction before it commits, to kill a worker mid-import. */
  IMPORTS_TEST_PAUSE_MS: z.coerce.number().int().min(0).max(120_000).default(0),
});
export const importsConfig = (env = process.env) => loadConfig('imports', schema, env);

export type ImportJobName = 'validate' | 'commit';
/** The hourly sweep of import files past their retention (import-retention.ts), scheduled by the worker. */
export const RETENTION_JOB = 'retention';
export const RETENTION_SCHEDULER = 'imports-file-retention';
/** The BullMQ job id is the idempotency key: one validation and one commit per import. */
export const importJobId = (name: ImportJobName, importId: string): string => `${name}-${importId}`;

export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { age: 7 * 86_400 },
  removeOnFail: { age: 30 * 86_400 },
};

export const createImportQueue = (): Queue => new Queue(IMPORT_QUEUE, { connection: bullConnection(), prefix: importQueuePrefix() });
