import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '../src/http-app';

/**
 * Regression (issue #8): a browser that cancels a pending asset (any navigation does) must not
 * bring the API down. With files sent as streams, the aborted response made Fastify write error
 * headers after the body had started, and the process exited.
 */
describe('the API survives requests aborted by the browser', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mtr-web-abort-'));
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(path.join(dir, 'assets/big-1234.js'), randomBytes(4 * 1024 * 1024).toString('base64'));
    process.env.WEB_APP_DIR = dir;
    app = await createHttpApp({ logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    delete process.env.WEB_APP_DIR;
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const abortedGet = (url: string) =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: url }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
    });

  it('30 asset downloads cut after the first chunk, then the API still answers', async () => {
    for (let i = 0; i < 30; i++) await abortedGet('/assets/big-1234.js');
    const r = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(r.status).toBe(200);
  });
});
