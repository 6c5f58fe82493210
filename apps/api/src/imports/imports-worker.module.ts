import { Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { asTenantId, runWithContext } from '@mtr/tenancy';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { PatientDataModule } from '../patients/patient-data.module';
import { bullConnection } from '../queue/redis.config';
import { runTenantJob } from '../queue/tenant-job';
import { CommitRefused } from './import-engine';
import { ImportRetention } from './import-retention';
import { IMPORT_QUEUE, importQueuePrefix, importsConfig, RETENTION_JOB, RETENTION_SCHEDULER } from './imports.queue';
import { ImportRunner } from './imports.runner';
import { FileProblem } from './source';

/**
 * Worker side of the imports: the two jobs (dry run, commit) with progress, and the hourly
 * retention sweep of their files; imported by the worker process.
 */
@Module({ imports: [AuditTrailModule, PatientDataModule], providers: [ImportRunner, ImportRetention], exports: [ImportRunner, ImportRetention] })
export class ImportsWorkerModule implements OnModuleInit, OnApplicationShutdown {
  private worker?: Worker;
  private scheduler?: Queue;

  constructor(
    private readonly runner: ImportRunner,
    private readonly retention: ImportRetention,
  ) {}

  async onModuleInit(): Promise<void> {
    const lockDuration = importsConfig().IMPORTS_LOCK_MS;
    this.worker = new Worker(IMPORT_QUEUE, (job) => this.process(job), {
      connection: bullConnection(),
      prefix: importQueuePrefix(),
      concurrency: 1,
      // A commit of a large file may hold the job for a while: keep its lock alive (renewed at half of it).
      lockDuration,
      stalledInterval: lockDuration,
    });
    this.worker.on('error', () => undefined);
    // One schedule per deployment however many workers start (upsert by name); it runs at once, then hourly.
    this.scheduler = new Queue(IMPORT_QUEUE, { connection: bullConnection(), prefix: importQueuePrefix() });
    await this.scheduler.upsertJobScheduler(RETENTION_SCHEDULER, { every: 3_600_000 }, {
      name: RETENTION_JOB,
      data: {},
      opts: { removeOnComplete: { count: 48 }, removeOnFail: { count: 48 } },
    });
  }

  private async process(job: Job): Promise<unknown> {
    // Not a structure's job: the sweep visits each structure in its own RLS transaction.
    if (job.name === RETENTION_JOB) return runWithContext({ correlationId: `job:${job.id ?? job.name}`, actorRole: 'worker' }, () => this.retention.sweep());
    const progress = (p: object) => job.updateProgress(p);
    try {
      return await runTenantJob(job.id ?? job.name, job.data, async (tenantId, payload) => {
        const importId = String(payload.ids.importId);
        if (job.name === 'validate') return this.runner.validate(tenantId, importId, progress);
        if (job.name === 'commit') return this.runner.commit(tenantId, importId, progress);
        throw new UnrecoverableError(`tâche inconnue ${job.name}`);
      });
    } catch (e) {
      // A refused file never gets better on retry; anything else is retried, then recorded as failed.
      if (e instanceof CommitRefused || e instanceof FileProblem) throw new UnrecoverableError(e.code);
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (last && job.data?.tenantId && job.data?.ids?.importId) {
        await this.runner.markFailed(asTenantId(job.data.tenantId), String(job.data.ids.importId), 'Échec technique de la tâche après plusieurs tentatives.').catch(() => undefined);
      }
      throw e;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.scheduler?.close();
  }
}
