import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { currentContext } from '@mtr/tenancy';
import { Problem } from '../common/problem';
import { defineAbilityFor } from './abilities';
import { AuthService } from './auth.service';
import { IS_PUBLIC, type AuthedRequest } from './decorators';
import { TokensService } from './tokens.service';

const UNAUTHENTICATED = () => new Problem(401, 'non_authentifie', 'Authentification requise: connectez-vous puis réessayez.');

/**
 * Global guard: every route needs a valid access token unless marked @Public().
 * The user is reloaded per request so a disabled account or a "sign out everywhere"
 * takes effect at once, not at token expiry.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
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
    const user = await this.auth.loadAuthenticated(claims.sub, claims.ver);
    if (!user) throw UNAUTHENTICATED();
    req.user = user;
    req.ability = defineAbilityFor(user);
    const context = currentContext();
    if (context) {
      context.actorUserId = user.id;
      context.actorRole = user.platformRole ?? user.memberships.map((m) => m.role).join(',');
    }
    return true;
  }
}
