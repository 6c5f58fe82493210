import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { z } from 'zod';
import { parseInput } from '../common/validation';

export const CONTRACT = 'mtr:contract';

/** A route's contract: the zod schemas are both the validation at the edge and the OpenAPI document. */
export interface RouteContract {
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  /** HTTP status of success, 200 by default. */
  status?: number;
}

export const Contract = (c: RouteContract) => SetMetadata(CONTRACT, c);

function contractOf(ctx: ExecutionContext): RouteContract {
  const c = Reflect.getMetadata(CONTRACT, ctx.getHandler()) as RouteContract | undefined;
  if (!c) throw new Error(`route without @Contract: ${ctx.getClass().name}.${ctx.getHandler().name}`);
  return c;
}

/** The request body, parsed by the route's contract (unknown fields rejected). */
export const ValidBody = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const c = contractOf(ctx);
  if (!c.body) throw new Error('ValidBody without a body schema');
  return parseInput(c.body, ctx.switchToHttp().getRequest<{ body: unknown }>().body ?? {});
});

/** The query string, parsed by the route's contract. */
export const ValidQuery = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const c = contractOf(ctx);
  if (!c.query) throw new Error('ValidQuery without a query schema');
  return parseInput(c.query, ctx.switchToHttp().getRequest<{ query: unknown }>().query ?? {}, 'paramètres de la requête');
});
