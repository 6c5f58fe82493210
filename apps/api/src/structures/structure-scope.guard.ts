import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { asTenantId, isUuid } from '@mtr/tenancy';
import type { AuthedRequest } from '../auth/decorators';
import { notFound } from '../common/problem';

/**
 * For `/structures/:structureId/...`: the caller must be a member of the structure or hold
 * ipso_team / platform_admin. Others get a 404, which does not reveal that the structure exists.
 * COPIL members never reach structure-level routes: they read indicators only.
 */
@Injectable()
export class StructureScopeGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const id = req.params.structureId ?? '';
    const user = req.user;
    if (!user || !isUuid(id)) throw notFound('La structure');
    const platform = user.platformRole === 'ipso_team' || user.platformRole === 'platform_admin';
    const member = user.memberships.some((m) => m.structureId === id.toLowerCase());
    if (!platform && !member) throw notFound('La structure');
    req.tenantId = asTenantId(id);
    return true;
  }
}
