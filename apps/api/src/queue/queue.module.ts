import { Module, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { TenantDb } from '../database/tenant-db';
import { bullConnection } from './redis.config';
import { runTenantJob } from './tenant-job';

export const MAINTENANCE_QUEUE = 'maintenance';

/**
 * Queues processed by the worker. Feature issues add their own processors (imports, monthly
 * runs, PDFs); each uses the BullMQ job id as its idempotency key and runTenantJob for scope.
 */
@Module({ imports: [AuditTrailModule] })
export class QueueModule implements OnApplicationShutdown {
  private readonly workers: Worker[];

  constructor(db: TenantDb, audit: AuditTrail) {
    this.workers = [
      new Worker(
        MAINTENANCE_QUEUE,
        (job) =>
          runTenantJob(job.id ?? job.name, job.data, (tenantId) =>
            db.forTenant(tenantId, async (em) => {
              await audit.record(em, tenantId, { action: `job.${job.name}`, resourceType: 'job', resourceId: job.id });
              return { ok: true };
            }),
          ),
        { connection: bullConnection(), concurrency: 2 },
      ),
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
