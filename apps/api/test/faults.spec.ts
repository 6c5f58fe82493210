import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { databaseConfig } from '../src/database/database.config';
import { migrate } from '../src/database/data-source';
import { provisionDatabase } from '../src/database/provision';
import { makeStructure, makeUser } from './factories';
import { freePort, startEmbeddedPostgres } from './global-setup';
import { TestApi } from './http';

/**
 * Issue #9 §4 — faults against real components of our own (a PostgreSQL and a Redis started
 * for this test, so the machine's servers are never disturbed): PostgreSQL restarted under
 * load → clean 503 problems, then recovery without restarting the API; Redis down → the API
 * stays up and /health/ready says so, then recovers.
 */
jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept connections') && resolve(child));
    child.on('error', reject);
  });
}
const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
};

describe('fault tolerance', () => {
  const saved = { ...process.env };
  const dir = path.join(ROOT, `.data/pg-faults-${process.pid}`);
  let pgPort: number;
  let pg: ChildProcess;
  let redisPort: number;
  let redis: ChildProcess;
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    pgPort = await freePort();
    const started = await startEmbeddedPostgres(dir, pgPort);
    pg = started.child;
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    Object.assign(process.env, {
      DATABASE_URL: started.url,
      DATABASE_NAME: 'mtr2_faults',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    const cfg = databaseConfig();
    await provisionDatabase(cfg, { recreate: true });
    await migrate(cfg);
    const url = new URL(started.url);
    url.pathname = '/mtr2_faults';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    const structure = await makeStructure(admin);
    const user = await makeUser(admin, { membership: { tenantId: structure, role: 'coordinator' } });
    await admin.end();
    api = await TestApi.start();
    token = (await api.login(user)).accessToken;
  });

  afterAll(async () => {
    await api?.close();
    await stop(redis);
    await stop(pg);
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('PostgreSQL restarted under load: requests fail cleanly with 503, then recover without restarting the API', async () => {
    expect((await api.request('GET', '/structures', { token })).status).toBe(200);
    const statuses: number[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        const r = await api.request('GET', '/structures', { token });
        statuses.push(r.status);
        if (r.status >= 500) {
          expect(r.status).toBe(503);
          expect(r.headers['content-type']).toMatch(/problem\+json/);
          expect(r.body.detail).toMatch(/momentanément indisponible/);
        }
        await sleep(20);
      }
    })();
    await sleep(300);
    await stop(pg);
    await sleep(1000);
    const down = await api.request('GET', '/health/ready');
    expect([down.status, down.body.checks.postgres]).toEqual([503, false]);
    pg = (await startEmbeddedPostgres(dir, pgPort, false)).child;
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = (await api.request('GET', '/structures', { token })).status === 200;
      if (!recovered) await sleep(100);
    }
    running = false;
    await load;
    expect(recovered).toBe(true);
    expect(statuses).toContain(503);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
  });

  it('Redis down: the API keeps serving, /health/ready reports it, and recovers when Redis returns', async () => {
    await stop(redis);
    const ready = await api.request('GET', '/health/ready');
    expect([ready.status, ready.body.checks]).toEqual([503, { postgres: true, redis: false }]);
    expect((await api.request('GET', '/structures', { token })).status).toBe(200);
    redis = await startRedis(redisPort);
    expect((await api.request('GET', '/health/ready')).status).toBe(200);
  });
});
