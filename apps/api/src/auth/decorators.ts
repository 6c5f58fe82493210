import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from './abilities';
import type { AuthenticatedUser } from './roles';

export const IS_PUBLIC = 'mtr:public';
/** No sign-in needed (login, refresh, health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export interface AuthedRequest {
  user?: AuthenticatedUser;
  ability?: AppAbility;
  tenantId?: TenantId;
  params: Record<string, string>;
  ip: string;
  id: string;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedUser => {
  const user = ctx.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a public route');
  return user;
});

export const Ability = createParamDecorator((_: unknown, ctx: ExecutionContext): AppAbility => {
  const ability = ctx.switchToHttp().getRequest<AuthedRequest>().ability;
  if (!ability) throw new Error('Ability used on a public route');
  return ability;
});

/** The structure of a `/structures/:structureId/...` route, once StructureScopeGuard has checked access. */
export const Tenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantId => {
  const tenantId = ctx.switchToHttp().getRequest<AuthedRequest>().tenantId;
  if (!tenantId) throw new Error('Tenant used on a route without StructureScopeGuard');
  return tenantId;
});
