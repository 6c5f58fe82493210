import { Queue } from 'bullmq';
import { databaseConfig } from '../database/database.config';
import { bullConnection } from '../queue/redis.config';

/** Issue #7 — queue fed by the statements feature after each issued statement. */
export const INDICATORS_QUEUE = 'indicators';
export const RECOMPUTE_JOB = 'recompute';

/** Same convention as the imports queue: keys prefixed with the database name (one deployment / one test run). */
export const indicatorsQueuePrefix = (): string => `bull-${databaseConfig().databaseName}`;

export const createIndicatorsQueue = (): Queue =>
  new Queue(INDICATORS_QUEUE, { connection: bullConnection(), prefix: indicatorsQueuePrefix() });

/** What the statements feature calls after issuing: the job id is the idempotency key. */
export function enqueueRecompute(queue: Queue, tenantId: string, month: string, statementId: string) {
  return queue.add(
    RECOMPUTE_JOB,
    { tenantId, ids: { month, statementId } },
    {
      jobId: `indicators-${tenantId}-${month}-${statementId}`,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 86_400 },
      removeOnFail: { age: 30 * 86_400 },
    },
  );
}
