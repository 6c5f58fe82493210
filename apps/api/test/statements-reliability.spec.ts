import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { adminClient } from './db';
import { makeUser } from './factories';
import { freePort } from './global-setup';
import { TestApi } from './http';
import { sleep, startRedis, startWorker, stopProcess } from './processes';
import { makeConventionStructure, makeDoctor, makeEncounter, makePatient } from './patient-factories';

jest.setTimeout(120_000);



/**
 * Issue #6 "Reliability" — against real PostgreSQL, a real Redis and the real worker process:
 * a worker killed in the middle of a run, and Redis restarted while a run is queued.
 */
describe('monthly runs survive worker and Redis failures (issue #6)', () => {
  const saved = { ...process.env };
  const redisDir = mkdtempSync(path.join(tmpdir(), 'mtr-redis-'));
  let redisPort: number;
  let redis: ChildProcess;
  let api: TestApi;
  let admin: Client;
  let t: string;
  let token: string;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort, redisDir);
    process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;
    api = await TestApi.start();
    admin = await adminClient();
    t = await makeConventionStructure(admin, { name: 'MSP Fiabilité' });
    const d = await makeDoctor(admin, t);
    for (let i = 0; i < 50; i++) {
      const p = await makePatient(admin, t, { birth: `19${50 + (i % 40)}-01-15`, sex: i % 2 ? 'M' : 'F', mtRpps: d.rpps });
      await makeEncounter(admin, t, p, d.rpps, '2026-06-20');
    }
    token = (await api.login(await makeUser(admin, { membership: { tenantId: t, role: 'coordinator' } }))).accessToken;
  });
  afterAll(async () => {
    for (const w of workers) await stopProcess(w, 'SIGKILL');
    await api.close();
    await admin.end();
    await stopProcess(redis);
    rmSync(redisDir, { recursive: true, force: true });
    process.env = saved;
  });

  const runStatus = async (runId: string) => (await api.request('GET', `/structures/${t}/statement-runs/${runId}`, { token })).body;
  const waitFor = async (runId: string, pred: (r: { status: string }) => boolean, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
      const r = await runStatus(runId);
      if (pred(r)) return r;
    }
    throw new Error(`run ${runId}: timeout, last ${JSON.stringify(await runStatus(runId))}`);
  };
  const count = async (sql: string, month: string) => (await admin.query(sql, [t, month])).rows[0].n as number;

  it('a worker killed in the middle of a run: the run completes once after restart, with no duplicate statement', async () => {
    const month = '2026-08';
    // The first worker pauses inside the run's transaction, so the kill lands before COMMIT.
    const first = startWorker({ STATEMENTS_TEST_PAUSE_MS: '60000', STATEMENTS_LOCK_MS: '2000' });
    workers.push(first);
    const r = await api.request('POST', `/structures/${t}/statement-runs`, { token, body: { month } });
    expect(r.status).toBe(202);
    const runId = r.body.run.id;
    await waitFor(runId, (x) => x.status === 'running', 30_000);
    await sleep(500);
    await stopProcess(first, 'SIGKILL');
    expect(await count(`SELECT count(*)::int AS n FROM statements WHERE tenant_id = $1 AND month = $2`, month)).toBe(0);

    workers.push(startWorker({ STATEMENTS_LOCK_MS: '2000' }));
    const done = await waitFor(runId, (x) => x.status === 'done' || x.status === 'failed', 60_000);
    expect(done).toMatchObject({ status: 'done' });
    expect(await count(`SELECT count(*)::int AS n FROM statements WHERE tenant_id = $1 AND month = $2`, month)).toBe(1);
    expect(await count(`SELECT count(DISTINCT patient_id)::int AS n FROM statement_patient_lines l JOIN statements s ON s.tenant_id = l.tenant_id AND s.id = l.statement_id WHERE s.tenant_id = $1 AND s.month = $2`, month)).toBe(50);
    expect(await count(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'statement.run' AND detail->>'month' = $2`, month)).toBe(1);
  });

  it('Redis restarted while a run is queued: the job survives and runs once the worker is back', async () => {
    const month = '2026-07';
    for (const w of workers.splice(0)) await stopProcess(w, 'SIGKILL');
    const r = await api.request('POST', `/structures/${t}/statement-runs`, { token, body: { month } });
    expect(r.status).toBe(202);
    await stopProcess(redis);
    redis = await startRedis(redisPort, redisDir);
    workers.push(startWorker({ STATEMENTS_LOCK_MS: '2000' }));
    const done = await waitFor(r.body.run.id, (x) => x.status === 'done' || x.status === 'failed', 60_000);
    expect(done).toMatchObject({ status: 'done' });
    expect(await count(`SELECT count(*)::int AS n FROM statements WHERE tenant_id = $1 AND month = $2`, month)).toBe(1);
    // The API's queue connection came back by itself: a new request is accepted.
    const again = await api.request('POST', `/structures/${t}/statement-runs`, { token, body: { month } });
    expect(again.status).toBe(202);
  });
});
