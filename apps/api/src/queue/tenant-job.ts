import { z } from 'zod';
import { asTenantId, runWithContext, type TenantId } from '@mtr/tenancy';

/** Every job payload: the tenant it acts on and the ids it needs, never patient data. */
export const tenantJobSchema = z.object({
  tenantId: z.uuid(),
  actorUserId: z.uuid().optional(),
  ids: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
});
export type TenantJob = z.infer<typeof tenantJobSchema>;

/**
 * Runs a job handler inside the same request context as HTTP requests (for logs and the
 * audit trail) with the tenant id validated; the handler then goes through TenantDb.forTenant.
 */
export function runTenantJob<T>(jobId: string, data: unknown, handler: (tenantId: TenantId, job: TenantJob) => Promise<T>): Promise<T> {
  const job = tenantJobSchema.parse(data);
  return runWithContext({ correlationId: `job:${jobId}`, actorUserId: job.actorUserId, actorRole: 'worker' }, () =>
    handler(asTenantId(job.tenantId), job),
  );
}
