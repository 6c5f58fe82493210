import { Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { TenantDb } from '../database/tenant-db';
import { bullConnection } from '../queue/redis.config';
import { runTenantJob } from '../queue/tenant-job';
import { recomputeIndicators } from './indicator-store';
import { INDICATORS_QUEUE, indicatorsQueuePrefix, RECOMPUTE_JOB } from './indicators.queue';

/**
 * Issue #7 — worker side: `recompute` jobs `{ tenantId, ids: { month, statementId } }` enqueued by
 * the statements feature (job id `indicators-<tenant>-<month>-<statement>`, the idempotency key;
 * the upsert makes a replay harmless).
 */
export async function processIndicatorJob(
  db: TenantDb,
  audit: AuditTrail,
  job: Pick<Job, 'id' | 'name' | 'data'>,
): Promise<{ months: number }> {
  return runTenantJob(job.id ?? job.name, job.data, async (tenantId, payload) => {
    if (job.name !== RECOMPUTE_JOB) throw new UnrecoverableError(`tâche inconnue ${job.name}`);
    const month = String(payload.ids.month ?? '');
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UnrecoverableError('mois invalide');
    const statementId = payload.ids.statementId === undefined ? undefined : String(payload.ids.statementId);
    return db.forTenant(tenantId, async (em) => {
      const n = await recomputeIndicators(em, tenantId, [month], statementId);
      await audit.record(em, tenantId, {
        action: 'job.indicators.recompute',
        resourceType: 'structure_indicators',
        resourceId: job.id,
        detail: { month, statementId },
      });
      return { months: n };
    });
  });
}

@Module({ imports: [AuditTrailModule] })
export class IndicatorsWorkerModule implements OnModuleInit, OnApplicationShutdown {
  private worker?: Worker;

  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  onModuleInit(): void {
    this.worker = new Worker(INDICATORS_QUEUE, (job) => processIndicatorJob(this.db, this.audit, job), {
      connection: bullConnection(),
      prefix: indicatorsQueuePrefix(),
      concurrency: 1,
    });
    this.worker.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
