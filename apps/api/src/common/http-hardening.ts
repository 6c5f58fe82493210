import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { z } from 'zod';
import { loadConfig } from '../config/load-config';

const schema = z.object({
  /** Origins allowed to call the API from a browser, comma-separated; empty = same origin only. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.url({ error: 'chaque origine doit être une URL, ex. https://admin.mtr2.fr' }))),
});
export const httpConfig = (env = process.env) => loadConfig('http', schema, env);

/**
 * Security headers (a strict CSP for the web app: scripts only from our origin, no inline
 * script, no framing) and CORS restricted to configured origins.
 */
export async function registerHttpHardening(app: NestFastifyApplication): Promise<void> {
  const { CORS_ORIGINS } = httpConfig();
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine sets CSS variables through a style element.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(cors, {
    origin: CORS_ORIGINS.length ? CORS_ORIGINS : false,
    credentials: false,
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    exposedHeaders: ['x-correlation-id', 'content-disposition'],
    maxAge: 600,
  });
}
