import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { currentContext } from '@mtr/tenancy';
import { Problem } from '../common/problem';
import { defineAbilityFor, type AppAbility } from './abilities';
import { AuthService } from './auth.service';
import { IS_PUBLIC, type AuthedRequest } from './decorators';
import type { AuthenticatedUser } from './roles';
import { TokensService } from './tokens.service';

const UNAUTHENTICATED = () => new Problem(401, 'non_authentifie', 'Authentification requise: connectez-vous puis réessayez.');

/**
 * Global guard: every route needs a valid access token unless marked @Public().
 * The user comes from the principal cache when it holds them; every transaction of the request
 * then re-checks the cached row in its opening round trip, so a disabled account, a "sign out
 * everywhere" or a changed membership takes effect at once, not at token expiry.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  /** A cached principal's user object is reused across requests, and so is its ability. */
  private readonly abilities = new WeakMap<AuthenticatedUser, AppAbility>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest & { headers: Record<string, string | undefined> }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) throw UNAUTHENTICATED();
    const claims = await this.tokens.verifyAccess(match[1]).catch(() => null);
    if (!claims) throw new Problem(401, 'jeton_expire', 'Votre session a expiré: reconnectez-vous.');
    const found = await this.auth.loadAuthenticated(claims.sub, claims.ver);
    if (!found) throw UNAUTHENTICATED();
    const { user } = found;
    req.user = user;
    let ability = this.abilities.get(user);
    if (!ability) this.abilities.set(user, (ability = defineAbilityFor(user)));
    req.ability = ability;
    const context = currentContext();
    if (context) {
      context.actorUserId = user.id;
      context.actorRole = user.platformRole ?? user.memberships.map((m) => m.role).join(',');
      if (found.cached) {
        context.principalCheck = { userId: user.id, version: found.version, onChanged: () => this.auth.forgetPrincipal(user.id) };
      }
    }
    return true;
  }
}
