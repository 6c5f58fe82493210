import { Queue } from 'bullmq';
import { z } from 'zod';
import { loadConfig } from '../config/load-config';
import { databaseConfig } from '../database/database.config';
import { bullConnection } from '../queue/redis.config';

export const STATEMENTS_QUEUE = 'statements';
export const STATEMENTS_QUEUE_TOKEN = Symbol('STATEMENTS_QUEUE');
/** The indicators queue, fed after each issued statement (issue #7). */
export const INDICATORS_QUEUE_TOKEN = Symbol('STATEMENTS_INDICATORS_QUEUE');
export const MONTHLY_RUN_JOB = 'monthly-run';

const schema = z.object({
  /**
   * How long a worker holds a run before BullMQ declares it stalled and hands it to another
   * worker (a killed worker's run restarts after this delay), milliseconds.
   */
  STATEMENTS_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Test hook: pause inside the run's transaction before it commits, to kill a worker mid-run. */
  STATEMENTS_TEST_PAUSE_MS: z.coerce.number().int().min(0).max(120_000).default(0),
});
export const statementsConfig = (env = process.env) => loadConfig('statements', schema, env);

/** Same convention as the other queues: keys prefixed with the database name (one deployment / one test run). */
export const statementsQueuePrefix = (): string => `bull-${databaseConfig().databaseName}`;

export const createStatementsQueue = (): Queue =>
  new Queue(STATEMENTS_QUEUE, { connection: bullConnection(), prefix: statementsQueuePrefix() });

/**
 * The idempotency key of a monthly run: (tenant, month, parameter version). While such a job
 * is waiting or active, adding it again returns the same job; it is removed once finished so a
 * later, deliberate re-run (after an import fix) can take the same id.
 */
export const monthlyRunJobId = (tenantId: string, month: string, paramsVersion: string): string =>
  `monthly-${tenantId}-${month}-${paramsVersion}`;

export interface MonthlyRunJob {
  tenantId: string;
  actorUserId?: string;
  ids: { runId: string; month: string; paramsVersion: string };
}

export function enqueueMonthlyRun(queue: Queue, job: MonthlyRunJob) {
  return queue.add(MONTHLY_RUN_JOB, job, {
    jobId: monthlyRunJobId(job.tenantId, job.ids.month, job.ids.paramsVersion),
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: true,
    removeOnFail: true,
  });
}
