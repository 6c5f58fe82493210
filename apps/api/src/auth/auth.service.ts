import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { Problem } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { AUTH_CONFIG, type AuthConfig } from './auth.config';
import { dummyHash, verifyPassword } from './passwords';
import { PrincipalCache } from './principal-cache';
import { RateLimiter } from './rate-limiter';
import type { AuthenticatedUser } from './roles';
import { TokensService, type TokenPair } from './tokens.service';
import { verifyTotp } from './totp';
import { User } from './user.entity';

const BAD_CREDENTIALS = () =>
  new Problem(401, 'identifiants_invalides', 'Adresse e-mail ou mot de passe incorrect.');

/** Local login (e-mail + argon2id password, TOTP for platform roles), refresh rotation, sign-out. */
@Injectable()
export class AuthService {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly db: TenantDb,
    private readonly tokens: TokensService,
    private readonly audit: AuditTrail,
    private readonly principals: PrincipalCache,
    @Inject(AUTH_CONFIG) private readonly cfg: AuthConfig,
  ) {
    this.limiter = new RateLimiter(cfg.LOGIN_RATE_PER_MINUTE);
  }

  /** Checks credentials; returns the user or throws a French problem. Used by the local strategy. */
  async checkCredentials(email: string, password: string, totp: string | undefined, ip: string): Promise<User> {
    if (!this.limiter.take(`${ip}|${email}`)) {
      throw new Problem(429, 'trop_de_tentatives', 'Trop de tentatives de connexion: patientez une minute avant de réessayer.');
    }
    // Failures are counted in a transaction that commits; the problem is thrown after it.
    const outcome = await this.db.anonymous(async (em): Promise<User | Problem> => {
      const users = em.getRepository(User);
      const user = await users.findOneBy({ email });
      if (!user) {
        await verifyPassword(await dummyHash(), password);
        return BAD_CREDENTIALS();
      }
      if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
        const until = user.lockedUntil.toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
        return new Problem(423, 'compte_verrouille', `Compte verrouillé après plusieurs échecs: réessayez après ${until}.`);
      }
      const passwordOk = await verifyPassword(user.passwordHash, password);
      const needsTotp = user.platformRole !== null;
      if (passwordOk && needsTotp && !totp) {
        return new Problem(401, 'totp_requis', "Saisissez le code à 6 chiffres de votre application d'authentification.");
      }
      const totpOk = !needsTotp || (user.totpSecret !== null && verifyTotp(user.totpSecret, totp ?? ''));
      if (!passwordOk || !totpOk) {
        await this.recordFailure(em, user);
        return passwordOk ? new Problem(401, 'totp_invalide', "Code d'authentification incorrect ou expiré.") : BAD_CREDENTIALS();
      }
      if (user.disabled) return new Problem(403, 'compte_desactive', 'Ce compte est désactivé. Contactez votre administrateur.');
      await users.update({ id: user.id }, { failedLogins: 0, lockedUntil: null });
      return user;
    });
    if (outcome instanceof Problem) throw outcome;
    return outcome;
  }

  private async recordFailure(em: EntityManager, user: User): Promise<void> {
    const failures = user.failedLogins + 1;
    const lock = failures >= this.cfg.LOGIN_MAX_FAILURES;
    await em.getRepository(User).update(
      { id: user.id },
      { failedLogins: lock ? 0 : failures, lockedUntil: lock ? new Date(Date.now() + this.cfg.LOGIN_LOCKOUT_MINUTES * 60_000) : null },
    );
    await this.audit.record(em, null, { action: lock ? 'auth.locked' : 'auth.login_failed', resourceType: 'user', resourceId: user.id });
  }

  async login(user: User): Promise<TokenPair> {
    // A new session starts from the database's view of the user (memberships just granted included).
    this.principals.delete(user.id);
    return this.db.forUser(user.id, async (em) => {
      await this.audit.record(em, null, { action: 'auth.login', resourceType: 'user', resourceId: user.id });
      return this.tokens.issue(em, user);
    });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const consumed = await this.db.anonymous((em) => this.tokens.consume(em, refreshToken));
    if (consumed instanceof Problem) throw consumed;
    this.principals.delete(consumed.userId);
    return this.db.forUser(consumed.userId, async (em) => {
      const user = await em.getRepository(User).findOneByOrFail({ id: consumed.userId });
      if (user.disabled) throw new Problem(403, 'compte_desactive', 'Ce compte est désactivé. Contactez votre administrateur.');
      return this.tokens.issue(em, user, consumed.familyId);
    });
  }

  async logout(userId: string, refreshToken: string): Promise<void> {
    await this.db.forUser(userId, (em) => this.tokens.revokeFamilyOf(em, refreshToken));
  }

  /** Sign out everywhere: refresh tokens revoked, outstanding access tokens refused (version bump). */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.db.forUser(userId, async (em) => {
      await this.tokens.revokeAllOf(em, userId);
      await em.getRepository(User).increment({ id: userId }, 'tokenVersion', 1);
      await this.audit.record(em, null, { action: 'auth.logout_all', resourceType: 'user', resourceId: userId });
    });
    this.principals.delete(userId);
  }

  /**
   * GET /auth/me: the guard's user, confirmed against the database. That route reads nothing
   * else, so without this empty transaction (which re-checks a cached principal) it could answer
   * for a session that was just closed.
   */
  async confirmed(user: AuthenticatedUser): Promise<AuthenticatedUser> {
    return this.db.forUser(user.id, async () => user);
  }

  /**
   * The user behind a valid access token, or null when disabled or signed out everywhere.
   * `version` is the principal's, for the re-check of every transaction.
   */
  async loadAuthenticated(userId: string, tokenVersion: number): Promise<{ user: AuthenticatedUser; version: number; cached: boolean } | null> {
    const hit = this.principals.get(userId);
    if (hit && hit.tokenVersion === tokenVersion) return { user: hit.user, version: hit.version, cached: true };
    const row = await this.db.principal(userId);
    if (!row || row.disabled) return null;
    const principal = {
      user: {
        id: row.id,
        email: row.email,
        displayName: row.display_name,
        platformRole: row.platform_role as AuthenticatedUser['platformRole'],
        memberships: row.memberships as AuthenticatedUser['memberships'],
      },
      tokenVersion: row.token_version,
      version: Number(row.principal_version),
    };
    this.principals.set(principal);
    return row.token_version === tokenVersion ? { user: principal.user, version: principal.version, cached: false } : null;
  }

  /** A transaction found the cached principal stale: the next request reloads it. */
  forgetPrincipal(userId: string): void {
    this.principals.delete(userId);
  }
}
