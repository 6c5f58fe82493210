import { AsyncLocalStorage } from 'node:async_hooks';

/** A structure's id, once checked against the caller's rights. Only asTenantId mints it. */
export type TenantId = string & { readonly __brand: 'TenantId' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Brands a uuid as a tenant id. Call it only where the caller's right to the tenant was checked. */
export function asTenantId(value: string): TenantId {
  if (!UUID.test(value)) throw new Error(`identifiant de structure invalide: ${value}`);
  return value.toLowerCase() as TenantId;
}

/**
 * Who is acting, carried by AsyncLocalStorage for logs and the audit trail, so no provider
 * needs request scope. The store object is per request; the auth guard fills in the actor.
 */
export interface RequestContext {
  correlationId: string;
  actorUserId?: string;
  actorRole?: string;
  /**
   * Set by the auth guard when it answered from its principal cache: every transaction of the
   * request re-checks, in its opening round trip, that the user and their memberships are
   * still those the cache holds (see inScopedTransaction), so a disabled account or a removed
   * membership takes effect at once without a database round trip per request.
   */
  principalCheck?: { userId: string; version: number; onChanged: () => void };
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
