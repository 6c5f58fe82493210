import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { currentContext, isUuid, type TenantId } from './tenant-context';

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

/** The cached principal of the request no longer matches the database (see RequestContext.principalCheck). */
export class PrincipalChangedError extends Error {
  constructor() {
    super('principal changed since it was cached');
  }
}

/** Raised by auth_principal_current() (migration RequestPath). */
const PRINCIPAL_CHANGED_SQLSTATE = '28000';

/**
 * A string as an SQL literal, for the parameterless statements of deferUntilCommit: quotes
 * doubled, and backslashes doubled in an E'' literal so the result does not depend on
 * standard_conforming_strings (the rule of libpq's PQescapeLiteral). NUL cannot occur in text.
 */
export function sqlLiteral(value: string | null): string {
  if (value === null) return 'NULL';
  if (value.includes('\0')) throw new Error('caractère NUL dans une valeur SQL');
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return value.includes('\\') ? ` E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

/** Parameterless statements waiting for the COMMIT of their transaction. */
const atCommit = new WeakMap<QueryRunner, string[]>();

/**
 * Queues a statement without parameters (values already escaped by the caller) to run just
 * before COMMIT, in the same round trip. Used by the audit trail: a read's trace then costs no
 * round trip of its own, and the lock on the tenant's chain head is held only while the
 * database executes INSERT + COMMIT, never across a network wait. Returns false outside a
 * scoped transaction (the caller then runs the statement itself).
 */
export function deferUntilCommit(em: EntityManager, sql: string): boolean {
  const queue = em.queryRunner ? atCommit.get(em.queryRunner) : undefined;
  if (!queue) return false;
  queue.push(sql);
  return true;
}

/**
 * The only way application code reaches the database: a transaction whose settings
 * (app.tenant_id, app.scope, app.user_id) are transaction-local (`set_config(..., true)`),
 * so a pooled connection never carries one request's tenant into the next.
 *
 * START TRANSACTION and the settings go in one round trip (a multi-statement simple query);
 * TypeORM's runner is then told a transaction is open so it neither nests one nor forgets
 * to commit. Statements queued with deferUntilCommit ride with the COMMIT. This path runs on
 * every request, hence the care.
 */
export async function inScopedTransaction<T>(
  ds: DataSource,
  scope: TxScope,
  fn: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const tenant = scope.kind === 'tenant' ? scope.tenantId : '';
  const check = currentContext()?.principalCheck;
  const qr: QueryRunner = ds.createQueryRunner();
  try {
    let open = `START TRANSACTION; SELECT set_config('app.tenant_id', ${literal(tenant)}, true), ` +
      `set_config('app.scope', '${scope.kind}', true), set_config('app.user_id', ${literal(scope.userId ?? '')}, true)`;
    if (check) {
      if (!Number.isSafeInteger(check.version)) throw new Error('version de session invalide');
      open += `; SELECT auth_principal_current(${literal(check.userId)}, ${check.version})`;
    }
    // Never hand a connection back to the pool with a half-opened transaction.
    await qr.query(open).catch(async (err: unknown) => {
      await qr.query('ROLLBACK').catch(() => undefined);
      if (check && (err as { code?: string }).code === PRINCIPAL_CHANGED_SQLSTATE) {
        check.onChanged();
        throw new PrincipalChangedError();
      }
      throw err;
    });
    Object.assign(qr, { isTransactionActive: true, transactionDepth: 1 });
    const deferred: string[] = [];
    atCommit.set(qr, deferred);
    let result: T;
    try {
      result = await fn(qr.manager);
    } catch (err) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    }
    if (deferred.length === 0) {
      await qr.commitTransaction();
    } else {
      // A failing statement aborts the transaction and PostgreSQL skips the rest of the string,
      // COMMIT included: roll back and report, as for any other failure of the transaction.
      await qr.query(`${deferred.join(';\n')};\nCOMMIT`).catch(async (err: unknown) => {
        await qr.query('ROLLBACK').catch(() => undefined);
        throw err;
      });
      Object.assign(qr, { isTransactionActive: false, transactionDepth: 0 });
    }
    return result;
  } finally {
    atCommit.delete(qr);
    await qr.release();
  }
}

/**
 * The driver connection under a transaction's EntityManager, for what TypeORM cannot send:
 * COPY streams, named prepared statements. Whatever is sent on it stays inside the transaction.
 */
export async function connectionOf<C>(em: EntityManager, what: string): Promise<C> {
  if (!em.queryRunner) throw new Error(`${what} needs the query runner of a TenantDb transaction`);
  return (await em.queryRunner.connect()) as C;
}

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A hot read as a named prepared statement on the transaction's connection: PostgreSQL plans it
 * once per pooled connection instead of at every request (0.2 ms of the 0.8 ms that the
 * RLS-filtered patient page costs the database). The policies' settings are read at execution
 * (InitPlans), so one plan serves every tenant. `name` must be unique to its text.
 */
export async function preparedQuery<T>(em: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  if (!em.queryRunner || !atCommit.has(em.queryRunner)) throw new Error('preparedQuery hors transaction de portée');
  const client = await connectionOf<PgClient>(em, 'preparedQuery');
  return (await client.query({ name, text, values })).rows as T[];
}
