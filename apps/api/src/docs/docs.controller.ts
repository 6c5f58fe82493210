import { Controller, Get, Header, OnModuleInit, Param, Res } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Public } from '../auth/decorators';
import { notFound } from '../common/problem';
import { buildOpenApi, discoverRoutes } from './openapi';

const SWAGGER_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'application/javascript',
  'swagger-ui-standalone-preset.js': 'application/javascript',
};

const PAGE = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>API MTR 2</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`;
const INIT = `window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#ui' });`;

/** OpenAPI 3.1 generated from the routes' zod contracts; Swagger UI served from the npm package (no CDN). */
@Public()
@Controller('docs')
export class DocsController implements OnModuleInit {
  private document: Record<string, unknown> = {};

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    this.document = buildOpenApi(discoverRoutes(this.discovery, this.scanner));
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page() {
    return PAGE;
  }

  @Get('openapi.json')
  openapi() {
    return this.document;
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply) {
    if (file === 'init.js') return reply.type('application/javascript').send(INIT);
    const type = ASSETS[file];
    if (!type) throw notFound('Le fichier');
    return reply.type(type).send(createReadStream(path.join(SWAGGER_DIR, file)));
  }
}
