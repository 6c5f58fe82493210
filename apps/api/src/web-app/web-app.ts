import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../config/load-config';

/**
 * Serving the built web app (apps/admin/dist) from the API process, for `npm start` and the
 * end-to-end tests (issue #8). In production nginx serves the same files and proxies `/api/`
 * (docker/admin-nginx.conf); the app always calls the API under `/api/`, which the API accepts
 * too (see `stripApiPrefix`). Off unless WEB_APP_DIR is set.
 */
const schema = z.object({
  /** Folder of the built web app (`apps/admin/dist`); empty: the API serves no web app. */
  WEB_APP_DIR: z
    .string()
    .default('')
    .refine((d) => d === '' || existsSync(path.join(d, 'index.html')), 'dossier sans index.html: construisez l’application (npm run build -w @mtr/admin)'),
});
export const webAppConfig = (env = process.env) => loadConfig('web-app', schema, env);

/**
 * Fastify `rewriteUrl`: `/api/x` is served as `/x`, so the web app reaches the API the same way
 * behind nginx (which strips `/api/`) and from the API process itself. No API route starts with `/api`.
 */
export function stripApiPrefix(req: { url?: string }): string {
  const url = req.url ?? '/';
  if (url !== '/api' && !url.startsWith('/api/') && !url.startsWith('/api?')) return url;
  const rest = url.slice(4);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Paths that always belong to the API, even for a browser navigation. */
const API_ONLY = /^\/(api|docs|health)(\/|$|\?)/;

function listFiles(dir: string, base = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(path.join(dir, base))) {
    const rel = base ? `${base}/${name}` : name;
    if (statSync(path.join(dir, rel)).isDirectory()) for (const [k, v] of listFiles(dir, rel)) out.set(k, v);
    else out.set(`/${rel}`, path.join(dir, rel));
  }
  return out;
}

/*
 * Files are sent from memory (the built app is a few MiB, read once): a file *stream* aborted by
 * the browser (a navigation cancels a pending asset) made Fastify write error headers after the
 * body had started, and that crashed the whole API process.
 */
const contents = new Map<string, Buffer>();
function send(reply: FastifyReply, file: string, immutable: boolean): FastifyReply {
  let body = contents.get(file);
  if (!body) contents.set(file, (body = readFileSync(file)));
  return reply
    .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .send(body);
}

/**
 * Static files of the built app, read once at start (a fixed list: no path from the request ever
 * reaches the file system), then the SPA fallback: a browser navigation (GET accepting text/html)
 * outside `/api`, `/docs` and `/health` gets index.html. API calls (fetch with `Accept:
 * application/json`, curl) are never shadowed, and with bearer tokens a navigation could not have
 * used an API route anyway.
 */
export function registerWebApp(app: NestFastifyApplication): void {
  const { WEB_APP_DIR } = webAppConfig();
  if (!WEB_APP_DIR) return;
  const dir = path.resolve(WEB_APP_DIR);
  const files = listFiles(dir);
  const index = path.join(dir, 'index.html');
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return;
      const original = req.originalUrl ?? req.url;
      if (API_ONLY.test(original)) return;
      const pathname = original.split('?')[0];
      const file = files.get(pathname);
      if (file) return send(reply, file, pathname.startsWith('/assets/'));
      const accept = req.headers.accept ?? '';
      if (accept.includes('text/html')) return send(reply, index, false);
    });
}
