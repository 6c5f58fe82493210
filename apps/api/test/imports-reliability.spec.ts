import type { ChildProcess } from 'node:child_process';
import type { Client } from 'pg';
import { adminClient } from './db';
import { makeUser } from './factories';
import { TestApi } from './http';
import { sleep, startWorker, stopProcess } from './processes';
import { nir, settle, upload } from './imports.helpers';
import { makeConventionStructure, makeDoctor } from './patient-factories';

jest.setTimeout(120_000);




/**
 * Issue #9 §4 — "worker killed during an import → no partial data, no duplicates", against real
 * PostgreSQL, Redis and the real worker process: the commit of a patient file is one transaction
 * (imports.runner.ts); the worker is SIGKILLed after the rows are written and before COMMIT
 * (IMPORTS_TEST_PAUSE_MS), then a second worker takes the stalled job over.
 */
describe('imports survive a worker killed mid-commit (issue #9 §4)', () => {
  let api: TestApi;
  let admin: Client;
  let t: string;
  let token: string;
  let gp: string;
  const workers: ChildProcess[] = [];
  const ROWS = 200;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    t = await makeConventionStructure(admin, { name: 'MSP Import interrompu' });
    gp = (await makeDoctor(admin, t)).rpps;
    token = (await api.login(await makeUser(admin, { membership: { tenantId: t, role: 'coordinator' } }))).accessToken;
  });
  afterAll(async () => {
    for (const w of workers) await stopProcess(w, 'SIGKILL');
    await api.close();
    await admin.end();
  });

  const n = async (sql: string, params: unknown[] = [t]) => (await admin.query(sql, params)).rows[0].n as number;

  it('SIGKILL between the rows and COMMIT: nothing of the file exists; the next worker commits it exactly once', async () => {
    const header = 'identifiant_patient;nir;nom;prenom;date_naissance;sexe;rpps_medecin_traitant;debut_declaration_mt;fin_declaration_mt;date_note_information;opposition_evaluation';
    const rows = Array.from({ length: ROWS }, (_, i) => {
      const body = `${1 + (i % 2)}${String(50 + (i % 40))}0175${String(100 + i).padStart(3, '0')}${String(i).padStart(3, '0')}`;
      return `K${String(i).padStart(4, '0')};${nir(body)};Interrompu;Patient${i};15/01/19${50 + (i % 40)};${i % 2 ? 'F' : 'M'};${gp};01/01/2025;;;non`;
    });
    // The first worker validates normally, then pauses inside the commit's transaction. Its job
    // lock (5 s, renewed every 2.5 s) must outlast a loaded machine's event-loop delays: a job
    // seen stalled once while alive would be failed by BullMQ at its second stall, the kill.
    const first = startWorker({ IMPORTS_TEST_PAUSE_MS: '60000', IMPORTS_LOCK_MS: '5000' });
    workers.push(first);
    const up = await upload(api, token, t, Buffer.from([header, ...rows].join('\n') + '\n'), 'kind=patients&filename=patients.csv');
    expect(up.status).toBe(202);
    const id = up.body.import.id as string;
    const validated = await settle(api, token, t, id);
    expect(validated).toMatchObject({ status: 'validated', counts: { create: ROWS, errors: 0 } });

    const c = await api.request('POST', `/structures/${t}/imports/${id}/commit`, { token });
    expect(c.status).toBe(202);
    // Wait until the worker's transaction has written the rows and sits idle before COMMIT.
    for (let i = 0; ; i++) {
      const waiting = await n(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.relation = 'patients'::regclass AND l.mode = 'RowExclusiveLock' AND a.state = 'idle in transaction' AND a.datname = current_database()`,
        [],
      );
      if (waiting > 0) break;
      if (i > 300) throw new Error('the worker never reached the pause before COMMIT');
      await sleep(100);
    }
    await stopProcess(first, 'SIGKILL');
    // PostgreSQL rolls back the dead connection's transaction: no partial data.
    for (let i = 0; i < 50 && (await n(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`, [])) > 0; i++) await sleep(100);
    expect(await n(`SELECT count(*)::int AS n FROM patients WHERE tenant_id = $1`)).toBe(0);
    expect((await admin.query(`SELECT status FROM imports WHERE id = $1`, [id])).rows[0].status).toBe('committing');
    const reading = await api.request('GET', `/structures/${t}/imports/${id}`, { token });
    expect(reading.body.status).toBe('committing');

    workers.push(startWorker({ IMPORTS_LOCK_MS: '2000' }));
    // Taken over once the dead worker's lock expires (≤ 5 s) and a stall check sees it (≤ 2 × 2 s).
    const done = await settle(api, token, t, id, undefined, 60_000);
    expect(done).toMatchObject({ status: 'committed', counts: { create: ROWS } });
    expect(await n(`SELECT count(*)::int AS n FROM patients WHERE tenant_id = $1`)).toBe(ROWS);
    expect(await n(`SELECT count(DISTINCT external_id)::int AS n FROM patients WHERE tenant_id = $1`)).toBe(ROWS);
    expect(await n(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'import.commit'`)).toBe(1);

    // Asking again, or uploading the same file again, applies nothing twice.
    const again = await api.request('POST', `/structures/${t}/imports/${id}/commit`, { token });
    expect(again.status).toBeLessThan(300);
    const same = await upload(api, token, t, Buffer.from([header, ...rows].join('\n') + '\n'), 'kind=patients&filename=encore.csv');
    expect(same.body).toMatchObject({ duplicate: true, import: { id, status: 'committed' } });
    await sleep(500);
    expect(await n(`SELECT count(*)::int AS n FROM patients WHERE tenant_id = $1`)).toBe(ROWS);
    expect(await n(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'import.commit'`)).toBe(1);
  });
});
