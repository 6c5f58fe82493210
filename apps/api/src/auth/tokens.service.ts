import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { Problem } from '../common/problem';
import { AUTH_CONFIG, type AuthConfig } from './auth.config';
import { RefreshToken } from './refresh-token.entity';
import type { User } from './user.entity';

export interface AccessClaims {
  sub: string;
  /** users.token_version at issue time; "sign out everywhere" bumps it. */
  ver: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Short-lived JWT access tokens; opaque refresh tokens stored hashed, rotated at each use. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(AUTH_CONFIG) private readonly cfg: AuthConfig,
  ) {}

  async issue(em: EntityManager, user: User, familyId: string = randomUUID()): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await em.getRepository(RefreshToken).insert({
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.cfg.REFRESH_TOKEN_TTL_DAYS * 86_400_000),
    });
    const claims: AccessClaims = { sub: user.id, ver: user.tokenVersion };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.cfg.ACCESS_TOKEN_TTL_SECONDS });
    return { accessToken, refreshToken, expiresIn: this.cfg.ACCESS_TOKEN_TTL_SECONDS };
  }

  /**
   * Consumes a refresh token and returns its user id and family. A token already rotated
   * means it leaked: the whole family is revoked and the caller must sign in again.
   * Returns the problem instead of throwing it, so the caller commits the revocation first.
   */
  async consume(em: EntityManager, refreshToken: string): Promise<{ userId: string; familyId: string } | Problem> {
    const repo = em.getRepository(RefreshToken);
    const row = await repo
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.token_hash = :h', { h: sha256(refreshToken) })
      .getOne();
    const invalid = new Problem(401, 'jeton_invalide', 'Votre session a expiré: reconnectez-vous.');
    if (!row || row.expiresAt.getTime() <= Date.now()) return invalid;
    if (row.revokedAt) {
      await repo.update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
      return invalid;
    }
    await repo.update({ id: row.id }, { revokedAt: new Date() });
    return { userId: row.userId, familyId: row.familyId };
  }

  async revokeFamilyOf(em: EntityManager, refreshToken: string): Promise<void> {
    const row = await em.getRepository(RefreshToken).findOneBy({ tokenHash: sha256(refreshToken) });
    if (row) await em.getRepository(RefreshToken).update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeAllOf(em: EntityManager, userId: string): Promise<void> {
    await em.getRepository(RefreshToken).update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  verifyAccess(token: string): Promise<AccessClaims> {
    return this.jwt.verifyAsync<AccessClaims>(token);
  }
}
