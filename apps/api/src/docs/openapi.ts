import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { z } from 'zod';
import { IS_PUBLIC } from '../auth/decorators';
import { CONTRACT, type RouteContract } from './contract';

export interface DiscoveredRoute {
  method: string;
  /** OpenAPI-style path: /structures/{structureId} */
  path: string;
  controller: string;
  handler: string;
  isPublic: boolean;
  contract?: RouteContract;
}

const joinPath = (...parts: string[]) =>
  ('/' + parts.map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')).replace(/:([A-Za-z]+)/g, '{$1}');

/** Every route of the application, read from Nest's metadata (also used by the access-matrix test). */
export function discoverRoutes(discovery: DiscoveryService, scanner: MetadataScanner): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const base = (Reflect.getMetadata(PATH_METADATA, wrapper.metatype) as string) ?? '';
    const classPublic = Reflect.getMetadata(IS_PUBLIC, wrapper.metatype) === true;
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const fn = proto[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number];
      routes.push({
        method,
        path: joinPath(base, path),
        controller: wrapper.metatype.name,
        handler: name,
        isPublic: classPublic || Reflect.getMetadata(IS_PUBLIC, fn) === true,
        contract: Reflect.getMetadata(CONTRACT, fn) as RouteContract | undefined,
      });
    }
  }
  return routes;
}

const PROBLEM = {
  description: 'Erreur (RFC 9457, application/problem+json), `detail` en français',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const schemaOf = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

export function buildOpenApi(routes: DiscoveredRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const c = r.contract;
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1], in: 'path', required: true, schema: { type: 'string', format: 'uuid' },
    }));
    const op: Record<string, unknown> = {
      operationId: `${r.controller.replace(/Controller$/, '')}_${r.handler}`,
      summary: c?.summary,
      tags: c?.tag ? [c.tag] : undefined,
      security: r.isPublic ? [] : [{ bearer: [] }],
      parameters: params,
      responses: {
        [String(c?.status ?? 200)]: c?.response
          ? { description: 'Succès', content: { 'application/json': { schema: schemaOf(c.response) } } }
          : { description: 'Succès' },
        '4XX': PROBLEM,
        '5XX': PROBLEM,
      },
    };
    if (c?.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(c.body) } } };
    paths[r.path] ??= {};
    paths[r.path][r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'API de la plateforme MTR 2', version: '0.1.0', description: 'Médecin Traitant Renforcé 2 — API REST' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'status', 'code', 'detail', 'correlationId'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' },
            detail: { type: 'string' }, instance: { type: 'string' }, correlationId: { type: 'string' },
            errors: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
    paths,
  };
}
