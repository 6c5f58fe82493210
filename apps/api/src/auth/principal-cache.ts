import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from './roles';

/** How long a cached principal may serve a request that opens no transaction at all. */
const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

/** What the guard needs of a signed-in user, built once per database read of auth_principal. */
export interface CachedPrincipal {
  user: AuthenticatedUser;
  tokenVersion: number;
  /** users.principal_version, which every transaction of a cached request re-checks. */
  version: number;
}

/**
 * The signed-in users as `auth_principal` last returned them, with their principal version. The
 * cache saves the guard a database round trip per request; it is safe because every
 * transaction the request opens re-checks the version in its own opening round trip
 * (RequestContext.principalCheck), so a disabled account, a "sign out everywhere" or a removed
 * membership is refused at the next database access, on every API instance, with no
 * invalidation message to lose.
 */
@Injectable()
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: CachedPrincipal; until: number }>();

  get(userId: string, now = Date.now()): CachedPrincipal | undefined {
    const e = this.entries.get(userId);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(userId);
      return undefined;
    }
    return e.principal;
  }

  set(principal: CachedPrincipal, now = Date.now()): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(principal.user.id, { principal, until: now + TTL_MS });
  }

  delete(userId: string): void {
    this.entries.delete(userId);
  }
}
