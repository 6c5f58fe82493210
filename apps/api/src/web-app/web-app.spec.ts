import Fastify from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerWebApp, stripApiPrefix } from './web-app';

/** Issue #8: the API serves the built web app for `npm start` without shadowing API routes. */
describe('web app served by the API', () => {
  it('accepts the API under /api/ like nginx does', () => {
    expect(stripApiPrefix({ url: '/api/auth/me' })).toBe('/auth/me');
    expect(stripApiPrefix({ url: '/api?x=1' })).toBe('/?x=1');
    expect(stripApiPrefix({ url: '/api' })).toBe('/');
    expect(stripApiPrefix({ url: '/apiary' })).toBe('/apiary');
    expect(stripApiPrefix({ url: '/structures' })).toBe('/structures');
  });

  describe('static files and SPA fallback', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mtr-web-'));
    const server = Fastify({ rewriteUrl: stripApiPrefix });
    beforeAll(async () => {
      mkdirSync(path.join(dir, 'assets'));
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
      writeFileSync(path.join(dir, 'assets/app-1234.js'), 'console.log(1)');
      process.env.WEB_APP_DIR = dir;
      registerWebApp({ getHttpAdapter: () => ({ getInstance: () => server }) } as unknown as NestFastifyApplication);
      delete process.env.WEB_APP_DIR;
      server.get('/structures', async () => ({ api: true }));
      await server.ready();
    });
    afterAll(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves hashed assets as immutable', async () => {
      const r = await server.inject({ url: '/assets/app-1234.js' });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('text/javascript');
      expect(r.headers['cache-control']).toContain('immutable');
    });

    it('answers a browser navigation with index.html, an API call with the API', async () => {
      const nav = await server.inject({ url: '/structures', headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(nav.body).toContain('<title>app</title>');
      expect(nav.headers['cache-control']).toBe('no-cache');
      const api = await server.inject({ url: '/structures', headers: { accept: 'application/json' } });
      expect(api.json()).toEqual({ api: true });
      const prefixed = await server.inject({ url: '/api/structures', headers: { accept: 'text/html' } });
      expect(prefixed.json()).toEqual({ api: true });
    });

    it('never serves files outside the built folder', async () => {
      const r = await server.inject({ url: '/assets/../../etc/passwd', headers: { accept: 'application/json' } });
      expect(r.statusCode).toBe(404);
    });
  });
});
