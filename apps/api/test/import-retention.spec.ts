import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from 'pg';
import { Queue } from 'bullmq';
import { ImportRetention } from '../src/imports/import-retention';
import { IMPORT_QUEUE, importQueuePrefix, RETENTION_JOB, RETENTION_SCHEDULER } from '../src/imports/imports.queue';
import { PATIENT_DATA_CONFIG } from '../src/patients/patient-data.module';
import type { PatientDataConfig } from '../src/patients/patient-data.config';
import { bullConnection } from '../src/queue/redis.config';
import { adminClient } from './db';
import { makeStructure, makeUser, nextRpps } from './factories';
import { TestApi } from './http';
import { settle, startImportWorker, upload } from './imports.helpers';

/**
 * Issue #5 §5 — an import's files hold identifiers in clear (the upload as received, the faulty
 * rows): they go with the commit, and an import left unapplied past IMPORT_FILE_RETENTION_HOURS
 * (7 days) expires with its files; the worker sweeps hourly. Real files, database and Redis.
 */
describe('import file retention (issue #5 §5)', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let admin: Client;
  let retention: ImportRetention;
  let storageDir: string;
  let s: string;
  let coord: string;
  const gp = nextRpps();
  const HEADER = 'identifiant_patient;nir;nom;prenom;date_naissance;sexe;rpps_medecin_traitant;debut_declaration_mt;fin_declaration_mt;date_note_information;opposition_evaluation';
  const valid = (id: string) => Buffer.from(`${HEADER}\n${id};;Rétention;Zoé;01/01/1970;F;${gp};01/01/2025;;;non\n`);
  const invalid = (id: string) => Buffer.from(`${HEADER}\n${id};;Rétention;Zoé;31/02/1970;F;${gp};01/01/2025;;;non\n`);

  const filesOf = async (importId: string) => (await readdir(path.join(storageDir, s)).catch(() => [] as string[])).filter((f) => f.startsWith(importId)).sort();
  const statusOf = async (importId: string) => (await admin.query('SELECT status, files_removed_at FROM imports WHERE id = $1', [importId])).rows[0];
  const age = (importId: string, days: number) =>
    admin.query(`UPDATE imports SET created_at = now() - make_interval(days => $2), validated_at = now() - make_interval(days => $2) WHERE id = $1`, [importId, days]);
  async function dryRun(body: Buffer) {
    const r = await upload(api, coord, s, body, 'kind=patients&filename=patients.csv');
    expect(r.status).toBe(202);
    return settle(api, coord, s, r.body.import.id);
  }

  beforeAll(async () => {
    api = await TestApi.start();
    worker = await startImportWorker();
    admin = await adminClient();
    retention = worker.get(ImportRetention);
    // The worker's scheduled sweep runs once at start: let it finish, so that each test's own
    // sweep is the only one at work.
    const queue = new Queue(IMPORT_QUEUE, { connection: bullConnection(), prefix: importQueuePrefix() });
    for (let i = 0; i < 200 && !(await queue.getCompleted()).some((j) => j.name === RETENTION_JOB); i++) await new Promise((r) => setTimeout(r, 50));
    await queue.close();
    storageDir = worker.get<PatientDataConfig>(PATIENT_DATA_CONFIG).storageDir;
    s = await makeStructure(admin, { name: 'MSP de la Rétention' });
    await admin.query(`INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, 'Médecin', 'Garde', 'medecin_generaliste', '2025-01-01')`, [s, gp]);
    coord = (await api.login(await makeUser(admin, { membership: { tenantId: s, role: 'coordinator' } }))).accessToken;
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await admin.end();
  });

  it('a committed import leaves no file behind: the upload and its staged rows go with the commit', async () => {
    const rep = await dryRun(valid('R1'));
    expect(rep.status).toBe('validated');
    expect(await filesOf(rep.id)).toEqual([`${rep.id}.src`, `${rep.id}.stage`, `${rep.id}.stage.json`]);
    expect(rep.filesRemovedAt).toBeNull();
    await api.request('POST', `/structures/${s}/imports/${rep.id}/commit`, { token: coord });
    const done = await settle(api, coord, s, rep.id);
    expect(done.status).toBe('committed');
    expect(done.filesRemovedAt).not.toBeNull();
    expect(await filesOf(rep.id)).toEqual([]);
  });

  it('left unapplied past the retention period, an import expires: files removed, commit refused, faulty rows gone (410), audited', async () => {
    const bad = await dryRun(invalid('R2'));
    expect(bad.status).toBe('invalid');
    const ready = await dryRun(valid('R3'));
    expect(ready.status).toBe('validated');
    expect(await filesOf(bad.id)).toEqual([`${bad.id}.erreurs.csv`, `${bad.id}.src`]);
    await age(bad.id, 8);
    await age(ready.id, 8);

    expect((await retention.sweep()).expired).toBe(2);
    for (const id of [bad.id, ready.id]) {
      expect(await filesOf(id)).toEqual([]);
      expect(await statusOf(id)).toMatchObject({ status: 'expired', files_removed_at: expect.any(Date) });
    }
    const commit = await api.request('POST', `/structures/${s}/imports/${ready.id}/commit`, { token: coord });
    expect([commit.status, commit.body.code]).toEqual([410, 'import_expire']);
    expect(commit.body.detail).toBe(
      'Cet import a expiré sans avoir été appliqué (7 jour(s)) : son fichier et ses lignes en erreur, qui contiennent des données patients en clair, ont été supprimés. Déposez le fichier à nouveau.',
    );
    const faulty = await api.request('GET', `/structures/${s}/imports/${bad.id}/faulty-rows`, { token: coord });
    expect([faulty.status, faulty.body.code]).toEqual([410, 'import_expire']);
    const audit = (await admin.query(`SELECT resource_id, detail FROM audit_events WHERE tenant_id = $1 AND action = 'import.expire' ORDER BY seq`, [s])).rows;
    expect(audit.map((a) => a.resource_id).sort()).toEqual([bad.id, ready.id].sort());
    expect(audit[0].detail).toEqual({ retentionHours: 168 });
    // The same file can be uploaded again and goes through.
    const again = await dryRun(valid('R3'));
    expect(again.status).toBe('validated');
  });

  it('a recent import, or an old one whose commit has begun, keeps its files', async () => {
    const recent = await dryRun(valid('R4'));
    const committing = await dryRun(valid('R5'));
    await age(recent.id, 6);
    await age(committing.id, 10);
    await admin.query(`UPDATE imports SET status = 'committing' WHERE id = $1`, [committing.id]);
    const before = [await filesOf(recent.id), await filesOf(committing.id)];
    expect(before[0]).toHaveLength(3);

    await retention.sweep();
    expect([await filesOf(recent.id), await filesOf(committing.id)]).toEqual(before);
    expect((await statusOf(recent.id)).status).toBe('validated');
    expect((await statusOf(committing.id)).status).toBe('committing');
    await admin.query(`UPDATE imports SET status = 'validated', created_at = now(), validated_at = now() WHERE id = $1`, [committing.id]);
  });

  it('an import « in progress » for twice the retention period lost its job: it expires too; a failed one expires like an unapplied one', async () => {
    const stuck = await dryRun(valid('R9'));
    const failed = await dryRun(valid('R10'));
    await admin.query(`UPDATE imports SET status = 'validating' WHERE id = $1`, [stuck.id]);
    await admin.query(`UPDATE imports SET status = 'failed' WHERE id = $1`, [failed.id]);
    await age(stuck.id, 15);
    await age(failed.id, 8);
    expect((await retention.sweep()).expired).toBe(2);
    for (const id of [stuck.id, failed.id]) {
      expect((await statusOf(id)).status).toBe('expired');
      expect(await filesOf(id)).toEqual([]);
    }
  });

  it('what a failed removal left of a committed import, the sweep takes', async () => {
    const applied = (await admin.query(`SELECT id FROM imports WHERE tenant_id = $1 AND status = 'committed' LIMIT 1`, [s])).rows[0].id;
    await writeFile(path.join(storageDir, s, `${applied}.src`), valid('R1'));
    await retention.sweep();
    expect(await filesOf(applied)).toEqual([]);
  });

  it('a file with no import row is an upload in flight for an hour, then removed', async () => {
    const id = randomUUID();
    const file = path.join(storageDir, s, `${id}.src`);
    await writeFile(file, valid('R6'));
    await retention.sweep();
    expect(await filesOf(id)).toEqual([`${id}.src`]);
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(file, twoHoursAgo, twoHoursAgo);
    expect((await retention.sweep()).filesRemoved).toBe(1);
    expect(await filesOf(id)).toEqual([]);
  });

  it('the structure may discard an unapplied import: its files go at once, audited; an applied one is reverted, not discarded', async () => {
    const wrong = await dryRun(invalid('R8'));
    expect(await filesOf(wrong.id)).toHaveLength(2);
    const r = await api.request('POST', `/structures/${s}/imports/${wrong.id}/discard`, { token: coord });
    expect([r.status, r.body.status, typeof r.body.filesRemovedAt]).toEqual([200, 'discarded', 'string']);
    expect(await filesOf(wrong.id)).toEqual([]);
    expect((await api.request('POST', `/structures/${s}/imports/${wrong.id}/discard`, { token: coord })).status).toBe(200);
    const faulty = await api.request('GET', `/structures/${s}/imports/${wrong.id}/faulty-rows`, { token: coord });
    expect([faulty.status, faulty.body.code]).toEqual([410, 'import_abandonne']);
    const commit = await api.request('POST', `/structures/${s}/imports/${wrong.id}/commit`, { token: coord });
    expect([commit.status, commit.body.code]).toEqual([410, 'import_abandonne']);
    expect((await admin.query(`SELECT detail FROM audit_events WHERE tenant_id = $1 AND action = 'import.discard'`, [s])).rows).toEqual([{ detail: { kind: 'patients', previousStatus: 'invalid' } }]);

    const applied = (await admin.query(`SELECT id FROM imports WHERE tenant_id = $1 AND status = 'committed' LIMIT 1`, [s])).rows[0].id;
    const refused = await api.request('POST', `/structures/${s}/imports/${applied}/discard`, { token: coord });
    expect([refused.status, refused.body.code, refused.body.detail]).toEqual([409, 'import_non_abandonnable', 'Import dans l’état « Appliqué » : un import appliqué s’annule, il ne s’abandonne pas.']);
  });

  it('a folder of a structure this database does not know (another deployment on the same disk) is left alone', async () => {
    const other = randomUUID();
    const file = path.join(storageDir, other, `${randomUUID()}.src`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, valid('R7'));
    const longAgo = new Date(Date.now() - 30 * 86_400_000);
    await utimes(file, longAgo, longAgo);
    await retention.sweep();
    await expect(stat(file)).resolves.toBeTruthy();
    await rm(path.dirname(file), { recursive: true });
  });

  it('the worker schedules the sweep hourly, once per deployment', async () => {
    const second = await startImportWorker();
    const queue = new Queue(IMPORT_QUEUE, { connection: bullConnection(), prefix: importQueuePrefix() });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.filter((j) => j.key === RETENTION_SCHEDULER).map((j) => [j.name, Number(j.every)])).toEqual([['retention', 3_600_000]]);
    } finally {
      await queue.close();
      await second.close();
    }
  });
});
