import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isUuid, type TenantId } from './tenant-context';

/** What a transaction is allowed to see: one tenant, or the audited platform scope. */
export type TxScope =
  | { kind: 'tenant'; tenantId: TenantId; userId?: string }
  | { kind: 'platform'; userId: string }
  | { kind: 'user'; userId: string };

const literal = (v: string) => {
  // Only uuids (validated) or the empty string are ever embedded, so no quoting issue can arise.
  if (v !== '' && !isUuid(v)) throw new Error(`valeur de portée invalide: ${v}`);
  return `'${v}'`;
};

/**
 * The only way application code reaches the database: a transaction whose settings
 * (app.tenant_id, app.scope, app.user_id) are transaction-local (`set_config(..., true)`),
 * so a pooled connection never carries one request's tenant into the next.
 *
 * START TRANSACTION and the settings go in one round trip (a multi-statement simple query);
 * TypeORM's runner is then told a transaction is open so it neither nests one nor forgets
 * to commit. This path runs on every request, hence the care.
 */
export async function inScopedTransaction<T>(
  ds: DataSource,
  scope: TxScope,
  fn: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const tenant = scope.kind === 'tenant' ? scope.tenantId : '';
  const qr: QueryRunner = ds.createQueryRunner();
  try {
    const open = `START TRANSACTION; SELECT set_config('app.tenant_id', ${literal(tenant)}, true), ` +
      `set_config('app.scope', '${scope.kind}', true), set_config('app.user_id', ${literal(scope.userId ?? '')}, true)`;
    // Never hand a connection back to the pool with a half-opened transaction.
    await qr.query(open).catch(async (err: unknown) => {
      await qr.query('ROLLBACK').catch(() => undefined);
      throw err;
    });
    Object.assign(qr, { isTransactionActive: true, transactionDepth: 1 });
    let result: T;
    try {
      result = await fn(qr.manager);
    } catch (err) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    }
    await qr.commitTransaction();
    return result;
  } finally {
    await qr.release();
  }
}
