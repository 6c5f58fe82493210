import type { paths } from './schema';

type Json<R> = R extends { content: { 'application/json': infer D } } ? D : never;
type Success<O> = O extends { responses: infer R }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer B }
      ? Json<B>
      : R extends { 202: infer C }
        ? Json<C>
        : never
  : never;

/** The success body of an API operation, from the generated OpenAPI types. */
export type ApiData<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' = 'get'> = Success<NonNullable<paths[P][M]>>;
