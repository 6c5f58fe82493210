import { Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { TenantId } from '@mtr/tenancy';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { Problem } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { bullConnection } from '../queue/redis.config';
import { runTenantJob } from '../queue/tenant-job';
import { runMonth, type RunOutcome } from './monthly-run';
import { MONTHLY_RUN_JOB, STATEMENTS_QUEUE, statementsConfig, statementsQueuePrefix } from './statements.queue';

/**
 * Issue #6 §1 — worker side of the monthly runs. The run's work is one tenant transaction:
 * killed before COMMIT, nothing of it exists, and BullMQ hands the stalled job (same id) to the
 * next worker, which computes it once.
 */
export async function processMonthlyRun(db: TenantDb, audit: AuditTrail, job: Pick<Job, 'id' | 'name' | 'data' | 'attemptsMade' | 'opts'>): Promise<RunOutcome> {
  const cfg = statementsConfig();
  const pause = cfg.STATEMENTS_TEST_PAUSE_MS > 0 ? () => new Promise<void>((r) => setTimeout(r, cfg.STATEMENTS_TEST_PAUSE_MS)) : undefined;
  return runTenantJob(job.id ?? job.name, job.data, async (tenantId, payload) => {
    if (job.name !== MONTHLY_RUN_JOB) throw new UnrecoverableError(`tâche inconnue ${job.name}`);
    const runId = String(payload.ids.runId);
    const month = String(payload.ids.month);
    const paramsVersion = String(payload.ids.paramsVersion);
    await setRun(db, tenantId, runId, `status = 'running', progress = 10, started_at = now(), error_code = NULL, error_detail = NULL`);
    try {
      return await db.forTenant(tenantId, async (em) => {
        const outcome = await runMonth(em, tenantId, month, paramsVersion, runId, pause);
        await em.query(
          `UPDATE statement_runs SET status = 'done', progress = 100, finished_at = now(), statement_id = $3 WHERE tenant_id = $1 AND id = $2`,
          [tenantId, runId, outcome.statementId],
        );
        await audit.record(em, tenantId, {
          action: 'statement.run',
          resourceType: 'statement',
          resourceId: outcome.statementId,
          detail: { month, runId, jobId: job.id, version: outcome.version, unchanged: outcome.unchanged, netCents: outcome.netCents },
        });
        return outcome;
      });
    } catch (e) {
      // Bad data never gets better on retry: the coordinator reads why and fixes the import.
      if (e instanceof Problem) {
        await setRun(db, tenantId, runId, `status = 'failed', finished_at = now(), error_code = $3, error_detail = $4`, [e.code, e.detail]);
        throw new UnrecoverableError(e.code);
      }
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await setRun(db, tenantId, runId, `status = 'failed', finished_at = now(), error_code = 'echec_technique', error_detail = $3`, [
          'Échec technique du calcul après plusieurs tentatives : relancez le mois ; si le problème persiste, contactez l’équipe ipso.',
        ]).catch(() => undefined);
      }
      throw e;
    }
  });
}

function setRun(db: TenantDb, tenantId: TenantId, runId: string, set: string, extra: unknown[] = []): Promise<void> {
  return db.forTenant(tenantId, async (em) => {
    await em.query(`UPDATE statement_runs SET ${set} WHERE tenant_id = $1 AND id = $2`, [tenantId, runId, ...extra]);
  });
}

@Module({ imports: [AuditTrailModule] })
export class StatementsWorkerModule implements OnModuleInit, OnApplicationShutdown {
  private worker?: Worker;

  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  onModuleInit(): void {
    const lockDuration = statementsConfig().STATEMENTS_LOCK_MS;
    this.worker = new Worker(STATEMENTS_QUEUE, (job) => processMonthlyRun(this.db, this.audit, job), {
      connection: bullConnection(),
      prefix: statementsQueuePrefix(),
      // One month at a time per worker: a run holds a structure's whole month in memory.
      concurrency: 1,
      lockDuration,
      stalledInterval: lockDuration,
    });
    this.worker.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
