import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isValidRpps } from '@mtr/forfait-engine';
import { asTenantId } from '@mtr/tenancy';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { defineAbilityFor } from '../auth/abilities';
import { databaseConfig } from '../database/database.config';
import { DatabaseModule } from '../database/database.module';
import { migrate } from '../database/data-source';
import { provisionDatabase } from '../database/provision';
import { ExportsService } from '../exports/exports.service';
import { engineTimings } from '../imports/import-engine';
import { importPaths, storeUpload } from '../imports/import-storage';
import { ImportRunner } from '../imports/imports.runner';
import { PatientDataModule } from '../patients/patient-data.module';

/**
 * `npm run bench:import` (issue #5) — generates a patient CSV of BENCH_ROWS rows (1 000 000 by
 * default, ~150 MB), then in the same run: the floor (raw `COPY … FROM STDIN` of the file into an
 * unlogged table, no validation), and the import as the worker runs it (dry run + commit:
 * parsing, checks, AES-256-GCM, blind indexes, staging COPY, upsert), then a streamed CSV export.
 * Ends with one JSON line (bench, value, unit, floor, ratio, target, peakRssMiB).
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const GPS = 20;

/** Luhn-valid RPPS numbers for the bench's doctors. */
function rpps(i: number): string {
  const base = String(1_000_000_000 + i * 7);
  for (let k = 0; k < 10; k++) if (isValidRpps(base + k)) return base + k;
  throw new Error('rpps');
}

const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia'];
const FIRST = ['Jean', 'Marie', 'Pierre', 'Zoé', 'Élodie', 'Louis', 'Camille', 'Hélène', 'Lucas', 'Chloé', 'Hugo', 'Léa'];

async function generate(file: string, gps: string[]): Promise<void> {
  const out = createWriteStream(file);
  out.write('identifiant_patient;nir;nom;prenom;date_naissance;sexe;rpps_medecin_traitant;debut_declaration_mt;fin_declaration_mt;date_note_information;opposition_evaluation\r\n');
  let buf = '';
  for (let i = 0; i < ROWS; i++) {
    const sex = i % 2 ? 1 : 2;
    const year = 1930 + (i % 90);
    const month = 1 + (i % 12);
    const day = 1 + (i % 28);
    const body = `${sex}${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}75${String(100 + (i % 900)).padStart(3, '0')}${String(i % 1000).padStart(3, '0')}`;
    const nir = body + String(97 - (Number(body) % 97)).padStart(2, '0');
    buf += `P${String(i).padStart(8, '0')};${nir};${LAST[i % LAST.length]};${FIRST[i % FIRST.length]};${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year};${sex === 1 ? 'M' : 'F'};${gps[i % gps.length]};01/0${1 + (i % 9)}/2025;;15/05/2026;${i % 50 === 0 ? 'oui' : 'non'}\r\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.on('finish', () => r()));
}

@Module({ imports: [DatabaseModule, AuditTrailModule, PatientDataModule], providers: [ImportRunner, ExportsService] })
class BenchModule {}

async function main() {
  process.env.DATABASE_NAME = 'mtr2_bench_import';
  const dir = path.join(os.tmpdir(), `mtr2-bench-import-${process.pid}`);
  process.env.IMPORT_STORAGE_DIR = dir;
  await mkdir(dir, { recursive: true });
  const cfg = databaseConfig();
  await provisionDatabase(cfg, { recreate: true });
  await migrate(cfg);
  const url = new URL(cfg.adminUrl!);
  url.pathname = `/${cfg.databaseName}`;
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  const tenantId = randomUUID();
  const gps = Array.from({ length: GPS }, (_, i) => rpps(i));
  await admin.query(`INSERT INTO structures (id, name, legal_form, convention_entry_date) VALUES ($1, 'Structure du banc', 'SISA', '2025-01-01')`, [tenantId]);
  for (const r of gps) {
    await admin.query(`INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, 'Banc', 'Médecin', 'medecin_generaliste', '2025-01-01')`, [tenantId, r]);
  }

  const file = path.join(dir, 'patients.csv');
  let t = performance.now();
  await generate(file, gps);
  const sizeMiB = (await stat(file)).size / 1024 / 1024;
  process.stdout.write(`generated ${ROWS} rows, ${sizeMiB.toFixed(0)} MiB in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

  // Floor: raw COPY of the same file into an unlogged table, no validation.
  await admin.query(`CREATE UNLOGGED TABLE bench_floor (${Array.from({ length: 11 }, (_, i) => `c${i} text`).join(', ')})`);
  t = performance.now();
  await pipeline(createReadStream(file), admin.query(copyFrom(`COPY bench_floor FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)`)));
  const copyS = (performance.now() - t) / 1000;
  const floor = Math.round(ROWS / copyS);
  await admin.query('DROP TABLE bench_floor');
  process.stdout.write(`floor: raw COPY ${copyS.toFixed(2)} s, ${floor} rows/s\n`);

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const runner = app.get(ImportRunner);
  if (process.env.BENCH_THREADS !== undefined) runner.encoderThreads = Number(process.env.BENCH_THREADS);
  const tenant = asTenantId(tenantId);
  let peak = 0;
  let atPeak = '';
  let phaseNow = 'start';
  const mib = (n: number) => Math.round(n / 1024 / 1024);
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss <= peak) return;
    peak = m.rss;
    atPeak = `${phaseNow}: heap ${mib(m.heapUsed)}/${mib(m.heapTotal)} MiB, external ${mib(m.external)} MiB (array buffers ${mib(m.arrayBuffers)})`;
  }, 25);

  const phases: Record<string, number> = {};
  engineTimings.sink = (phase, ms) => (phases[phase] = Math.round(ms));
  const importId = randomUUID();
  t = performance.now();
  const stored = await storeUpload(createReadStream(file), importPaths(dir, tenantId, importId).source, 4 * 1024 ** 3);
  const uploadS = (performance.now() - t) / 1000;
  await admin.query(
    `INSERT INTO imports (tenant_id, id, kind, status, filename, sha256, size_bytes, format, encoding, counts) VALUES ($1, $2, 'patients', 'uploaded', 'patients.csv', $3, $4, 'csv', 'utf-8', $5)`,
    // counts.lines as the upload records it (ImportsService): the runner sizes its encoding threads on it.
    [tenantId, importId, stored.sha256, stored.size, JSON.stringify({ lines: Math.max(0, stored.lines - 1) })],
  );
  t = performance.now();
  let cpu = process.cpuUsage();
  const before = process.memoryUsage();
  process.stdout.write(`before the dry run: RSS ${mib(before.rss)} MiB, heap ${mib(before.heapUsed)}/${mib(before.heapTotal)} MiB\n`);
  phaseNow = 'dry run';
  let elu = performance.eventLoopUtilization();
  await runner.validate(tenant, importId);
  const dryS = (performance.now() - t) / 1000;
  const dryElu = performance.eventLoopUtilization(elu).utilization;
  const dryCpu = process.cpuUsage(cpu);
  const { rows: [v] } = await admin.query('SELECT status, counts FROM imports WHERE id = $1', [importId]);
  if (v.status !== 'validated') throw new Error(`dry run: ${v.status} ${JSON.stringify(v.counts)}`);
  t = performance.now();
  cpu = process.cpuUsage();
  phaseNow = 'commit';
  elu = performance.eventLoopUtilization();
  await runner.commit(tenant, importId);
  const commitS = (performance.now() - t) / 1000;
  const commitElu = performance.eventLoopUtilization(elu).utilization;
  const commitCpu = process.cpuUsage(cpu);
  const cpuS = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(1);
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  process.stdout.write(`node CPU (all threads): dry run ${cpuS(dryCpu)} s, commit ${cpuS(commitCpu)} s; main thread busy ${pct(dryElu)} of the dry run, ${pct(commitElu)} of the commit\n`);
  const { rows: [c] } = await admin.query('SELECT status, counts FROM imports WHERE id = $1', [importId]);
  if (c.status !== 'committed' || c.counts.create !== ROWS) throw new Error(`commit: ${c.status} ${JSON.stringify(c.counts)}`);
  const value = Math.round(ROWS / (dryS + commitS));
  process.stdout.write(`upload (hash, UTF-8 check, to disk) ${uploadS.toFixed(2)} s; dry run ${dryS.toFixed(2)} s (${Math.round(ROWS / dryS)} rows/s); commit ${commitS.toFixed(2)} s (${Math.round(ROWS / commitS)} rows/s); end to end ${value} rows/s\n`);

  process.stdout.write(`phases (ms): ${JSON.stringify(phases)}\n`);

  const peakImportMiB = Math.round(peak / 1024 / 1024);
  const atPeakImport = atPeak;
  phaseNow = 'export';
  // Streamed export of the same rows (decryption included).
  const ability = defineAbilityFor({ id: randomUUID(), email: 'b@b', displayName: 'b', platformRole: null, memberships: [{ structureId: tenantId, role: 'coordinator', practitionerId: null }] });
  t = performance.now();
  let lines = 0;
  for await (const chunk of app.get(ExportsService).patientsCsv(tenant, ability)) {
    for (let i = (chunk as Buffer).indexOf(10); i >= 0; i = (chunk as Buffer).indexOf(10, i + 1)) lines++;
  }
  const exportS = (performance.now() - t) / 1000;
  if (lines !== ROWS + 1) throw new Error(`export: ${lines} lines`);
  process.stdout.write(`export patients.csv ${exportS.toFixed(2)} s, ${Math.round(ROWS / exportS)} rows/s (target 300000); peak RSS ${peakImportMiB} MiB after the import, ${Math.round(peak / 1024 / 1024)} MiB after the export\n`);
  clearInterval(sampler);
  process.stdout.write(`at the import's peak RSS, ${atPeakImport}; at the overall peak, ${atPeak}\n`);
  await app.close();
  await admin.end();
  await rm(dir, { recursive: true, force: true });
  const peakRssMiB = Math.round(peak / 1024 / 1024);
  process.stdout.write(
    JSON.stringify({ bench: 'import', value, unit: 'rows/s', floor, ratio: Math.round((floor / value) * 100) / 100, target: 100_000, peakRssMiB }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
