import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { runWithContext } from '@mtr/tenancy';
import { AppModule } from './app.module';
import { registerHttpHardening, httpConfig } from './common/http-hardening';
import { JsonLogger } from './common/json-logger';
import { ProblemFilter } from './common/problem.filter';
import { authConfig } from './auth/auth.config';
import { pscConfig } from './auth/psc/psc.config';
import { databaseConfig } from './database/database.config';
import { redisConfig } from './queue/redis.config';
import { registerWebApp, stripApiPrefix, webAppConfig } from './web-app/web-app';

const CORRELATION = /^[A-Za-z0-9._-]{8,64}$/;

/** Every module's configuration, checked before anything starts. */
export function checkConfiguration(): void {
  databaseConfig();
  authConfig();
  redisConfig();
  httpConfig();
  pscConfig();
  webAppConfig();
}

/** The HTTP application (Fastify adapter), shared by main.ts and the end-to-end tests. */
export async function createHttpApp(opts: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  checkConfiguration();
  const adapter = new FastifyAdapter({
    bodyLimit: 1_048_576,
    trustProxy: true,
    rewriteUrl: stripApiPrefix,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-correlation-id'];
      return typeof given === 'string' && CORRELATION.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    logger: opts.logger === false ? false : new JsonLogger(),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // The request context (correlation id, then the actor) follows the request through async calls.
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-correlation-id', req.id);
    runWithContext({ correlationId: String(req.id) }, done);
  });
  await registerHttpHardening(app);
  registerWebApp(app);
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  await app.init();
  await fastify.ready();
  return app;
}
