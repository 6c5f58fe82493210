import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { PatientCrypto } from '../patients/patient-crypto';
import { type ImportKind, type Mapping, COLUMNS, resolveMapping } from './columns';
import { CopyWriter, copyBytea, copyText, copyTextArray } from './copy';
import { RowChecker, type RowIssue, type CriterionRow, type EncounterRow, type PatientRow } from './rows';
import { discardStage, readingOf, StageWriter, streamStage, usableStage, type StageContext, type StagePaths } from './import-stage';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, DEFAULT_ENCODER_THREADS, PatientStageEncoder, patientTuple, type EncodeMode, type EncodedBytes, type PatientTuple } from './patient-stage-encoder';
import { FileProblem, openSource, type Source, type SourceOptions, type UploadScan } from './source';

/** Errors kept in the report (the faulty-rows CSV holds the same rows); beyond, only counted. */
export const MAX_REPORTED_ERRORS = 10_000;

export interface ImportCounts {
  read: number;
  create: number;
  update: number;
  unchanged: number;
  errors: number;
  warnings: number;
}

export interface DryRunResult {
  counts: ImportCounts;
  errors: RowIssue[];
  warnings: RowIssue[];
  mapping: Mapping;
  delimiter: string | null;
  encoding: string | null;
}

export interface EngineInput {
  kind: ImportKind;
  tenantId: string;
  importId: string;
  path: string;
  scan: UploadScan;
  source: SourceOptions;
  profile: Mapping;
  rpps: Set<string>;
  today: string;
  crypto: PatientCrypto;
  onProgress?: (rowsDone: number) => Promise<void> | void;
  /** Test hook: throws after that many rows of the commit (a worker crash mid-import). */
  failAfterRows?: number;
  /** Threads encrypting and hashing patient rows (0: on this thread); see DEFAULT_ENCODER_THREADS. */
  encoderThreads?: number;
  /** Patient imports: where the dry run leaves the commit's rows ready (import-stage.ts); none: the commit does it all. */
  stage?: StagePaths;
}

type AnyRow = PatientRow | CriterionRow | EncounterRow;

/** Benchmark hook (npm run bench:import): receives the duration of each phase of the two steps. */
export const engineTimings: { sink?: (phase: string, ms: number) => void } = {};
function phaseClock(prefix: string) {
  let t = performance.now();
  return (phase: string) => {
    const now = performance.now();
    engineTimings.sink?.(`${prefix}.${phase}`, now - t);
    t = now;
  };
}

interface KindSql {
  table: string;
  stageColumns: string;
  /** natural key (inside one patient) of a staged row, as SQL over the target table alias t */
  targetKey: string;
  stageKey: (r: AnyRow) => string;
  /** Not for patients: their rows go through PatientStageEncoder (with the row id staged too). */
  digest?: (c: PatientCrypto, r: AnyRow) => Buffer;
  stageLine?: (c: PatientCrypto, r: AnyRow, digest: Buffer) => string[];
  conflict: string;
  /** same natural key between a target row x and a staged row s (p: the staged row's patient) */
  match: string;
  insertColumns: string;
  selectColumns: string;
  updateSet: string;
  restoreColumns: string[];
}

const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD')`;

const SQL: Record<ImportKind, KindSql> = {
  patients: {
    table: 'patients',
    stageColumns: `id uuid, external_id text, identity_enc bytea, key_id text, nir_bidx bytea, name_bidx bytea, birth_date date, sex char(1),
      mt_rpps char(11), mt_from date, mt_to date, info_note_date date, evaluation_opposed boolean`,
    targetKey: `''`,
    stageKey: () => '',
    conflict: '(tenant_id, external_id)',
    match: 'x.external_id = s.external_id',
    insertColumns: 'external_id, identity_enc, key_id, nir_bidx, name_bidx, birth_date, sex, mt_rpps, mt_from, mt_to, info_note_date, evaluation_opposed',
    selectColumns: 's.external_id, s.identity_enc, s.key_id, s.nir_bidx, s.name_bidx, s.birth_date, s.sex, s.mt_rpps, s.mt_from, s.mt_to, s.info_note_date, s.evaluation_opposed',
    updateSet: `identity_enc = EXCLUDED.identity_enc, key_id = EXCLUDED.key_id, nir_bidx = EXCLUDED.nir_bidx, name_bidx = EXCLUDED.name_bidx,
      birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, mt_rpps = EXCLUDED.mt_rpps, mt_from = EXCLUDED.mt_from, mt_to = EXCLUDED.mt_to,
      info_note_date = EXCLUDED.info_note_date, evaluation_opposed = EXCLUDED.evaluation_opposed`,
    restoreColumns: ['identity_enc', 'key_id', 'nir_bidx', 'name_bidx', 'birth_date', 'sex', 'mt_rpps', 'mt_from', 'mt_to', 'info_note_date', 'evaluation_opposed', 'digest', 'import_id', 'updated_at'],
  },
  criteria: {
    table: 'patient_criteria',
    stageColumns: `criterion text, detail text, value numeric, date date, valid_until date, pregnancy_start date, pregnancy_end date, author text`,
    targetKey: `t.criterion || '|' || t.detail || '|' || ${iso('t.date')}`,
    stageKey: (r) => {
      const c = r as CriterionRow;
      return `${c.criterion}|${c.detail}|${c.date}`;
    },
    digest: (k, r) => {
      const c = r as CriterionRow;
      return k.digest([c.externalId, c.criterion, c.detail, c.value, c.date, c.validUntil, c.pregnancyStart, c.pregnancyEnd, c.author]);
    },
    stageLine: (_k, r) => {
      const c = r as CriterionRow;
      return [copyText(c.criterion), copyText(c.detail), copyText(c.value), c.date, copyText(c.validUntil), copyText(c.pregnancyStart), copyText(c.pregnancyEnd), copyText(c.author)];
    },
    conflict: '(tenant_id, patient_id, criterion, detail, date)',
    match: 'x.patient_id = p.id AND x.criterion = s.criterion AND x.detail = s.detail AND x.date = s.date',
    insertColumns: 'patient_id, criterion, detail, value, date, valid_until, pregnancy_start, pregnancy_end, author',
    selectColumns: 'p.id, s.criterion, s.detail, s.value, s.date, s.valid_until, s.pregnancy_start, s.pregnancy_end, s.author',
    updateSet: `value = EXCLUDED.value, valid_until = EXCLUDED.valid_until, pregnancy_start = EXCLUDED.pregnancy_start,
      pregnancy_end = EXCLUDED.pregnancy_end, author = EXCLUDED.author`,
    restoreColumns: ['value', 'valid_until', 'pregnancy_start', 'pregnancy_end', 'author', 'digest', 'import_id', 'updated_at'],
  },
  activity: {
    table: 'encounters',
    stageColumns: `practitioner_rpps char(11), date date, kind text, place text, acts text[]`,
    targetKey: `${iso('t.date')} || '|' || t.practitioner_rpps || '|' || t.kind`,
    stageKey: (r) => {
      const e = r as EncounterRow;
      return `${e.date}|${e.rpps}|${e.kind}`;
    },
    digest: (k, r) => {
      const e = r as EncounterRow;
      return k.digest([e.externalId, e.rpps, e.date, e.kind, e.place, e.acts.join(' ')]);
    },
    stageLine: (_k, r) => {
      const e = r as EncounterRow;
      return [e.rpps, e.date, e.kind, copyText(e.place), copyTextArray(e.acts)];
    },
    conflict: '(tenant_id, patient_id, date, practitioner_rpps, kind)',
    match: 'x.patient_id = p.id AND x.date = s.date AND x.practitioner_rpps = s.practitioner_rpps AND x.kind = s.kind',
    insertColumns: 'patient_id, practitioner_rpps, date, kind, place, acts',
    selectColumns: 'p.id, s.practitioner_rpps, s.date, s.kind, s.place, s.acts',
    updateSet: 'place = EXCLUDED.place, acts = EXCLUDED.acts',
    restoreColumns: ['place', 'acts', 'digest', 'import_id', 'updated_at'],
  },
};

const ENCODE_BATCH = 250;
/**
 * With an encoding thread, one batch in three is encoded on this thread: alone, the thread is the
 * slower side (this one was about half idle in the dry run of the bench, 85 % busy with this share).
 */
const HERE_EVERY = 3;

/**
 * Patient rows are encrypted and hashed in batches (one random draw for all the IVs of a batch, no
 * per-field arrays), on this thread or on worker threads while this one parses and checks the next
 * rows; the COPY data (imp_keys text, imp_rows binary tuples) comes back in file order.
 */
function patientEncoder(input: EngineInput, mode: EncodeMode, stage: StageWriter | null) {
  if (input.kind !== 'patients') return null;
  const encoder = new PatientStageEncoder(input.crypto.encoderKeys(), mode, input.encoderThreads ?? DEFAULT_ENCODER_THREADS, orderedIdPrefix(), HERE_EVERY);
  let batch: PatientTuple[] = [];
  const emit = async (done: EncodedBytes[], copy: CopyWriter) => {
    // Dry run: keys to its COPY, rows to the staged file; commit: rows to its COPY.
    for (const out of done) {
      if (mode === 'commit') {
        await copy.bytes(out.rows);
        continue;
      }
      await copy.bytes(out.keys);
      if (stage) await stage.write(out.rows);
    }
  };
  return {
    async add(line: number, row: PatientRow, copy: CopyWriter) {
      batch.push(patientTuple(line, row));
      if (batch.length < ENCODE_BATCH) return;
      const rows = batch;
      batch = [];
      await emit(await encoder.push(rows), copy);
    },
    async finish(copy: CopyWriter) {
      if (batch.length) await emit(await encoder.push(batch), copy);
      batch = [];
      await emit(await encoder.drain(), copy);
    },
    close: () => encoder.close(),
  };
}

interface Pass {
  src: Source;
  mapping: Mapping;
  checker: RowChecker;
  rows: AsyncGenerator<{ line: number; row: AnyRow | null; fields: string[] }>;
  read: () => number;
}

async function openPass(input: EngineInput): Promise<Pass> {
  const src = await openSource(input.path, input.scan, input.source);
  const m = resolveMapping(input.kind, src.header, input.profile);
  if (m.missing.length) {
    const names = m.missing.map((c) => `« ${c.name} » (${c.label})`).join(', ');
    throw new FileProblem('colonne_manquante', `Colonne(s) obligatoire(s) introuvable(s) dans l’en-tête : ${names}. Renommez l’en-tête ou enregistrez un profil de correspondance.`, 1);
  }
  if (m.duplicated.length) throw new FileProblem('colonne_en_double', `Colonne(s) en double dans l’en-tête : ${[...new Set(m.duplicated)].join(', ')}.`, 1);
  const checker = new RowChecker({ today: input.today, rpps: input.rpps });
  const width = src.header.length;
  const idx = m.index;
  let read = 0;
  const check =
    input.kind === 'patients' ? checker.patient.bind(checker) : input.kind === 'criteria' ? checker.criterion.bind(checker) : checker.encounter.bind(checker);
  async function* rows() {
    for await (const b of src.batches) {
      for (let i = 0; i < b.rows.length; i++) {
        const fields = b.rows[i];
        const line = b.lines[i];
        read++;
        if (fields.length < width && input.source.format === 'csv') {
          checker.errors.push({
            line, column: src.header[fields.length] ?? '', code: 'colonnes_manquantes',
            detail: `Ligne incomplète : ${fields.length} colonne(s) au lieu de ${width} (fichier tronqué ou séparateur incorrect).`,
          });
          yield { line, row: null, fields };
          continue;
        }
        const get = (c: string) => {
          const k = idx[c];
          return k === undefined ? '' : (fields[k] ?? '');
        };
        yield { line, row: check(line, get), fields };
      }
    }
  }
  return { src, mapping: m.mapping, checker, rows: rows(), read: () => read };
}

const stageContext = (input: EngineInput, reading: string): StageContext => ({
  tenantId: input.tenantId, importId: input.importId, reading, today: input.today, rpps: input.rpps,
});

/**
 * Step 1 (dry run): reads and checks every row, classifies them against the database; writes
 * nothing to the database. Patient rows found valid are left encrypted beside the upload for the
 * commit (import-stage.ts).
 */
export async function dryRun(em: EntityManager, input: EngineInput): Promise<DryRunResult> {
  const sql = SQL[input.kind];
  const phase = phaseClock('dry');
  const pass = await openPass(input);
  await em.query(`CREATE TEMP TABLE imp_keys (line int, ext text, nkey text, digest bytea) ON COMMIT DROP`);
  const copy = await CopyWriter.open(em, 'COPY imp_keys FROM STDIN');
  // Patient rows: encrypted here once, for the commit to load as they are (import-stage.ts).
  const stage = input.kind === 'patients' && input.stage ? await StageWriter.open(input.stage, input.crypto) : null;
  const enc = patientEncoder(input, stage ? 'stage' : 'dry', stage);
  let staged = 0;
  try {
    for await (const { line, row } of pass.rows) {
      if (row) {
        staged++;
        if (enc) await enc.add(line, row as PatientRow, copy);
        else await copy.line([String(line), copyText(row.externalId), copyText(sql.stageKey(row)), copyBytea(sql.digest!(input.crypto, row))]);
      }
      if (pass.read() % 20_000 === 0) await input.onProgress?.(pass.read());
    }
    await enc?.finish(copy);
    await copy.end();
  } catch (e) {
    copy.abort(e as Error);
    await stage?.discard();
    throw e;
  } finally {
    await enc?.close();
  }
  await input.onProgress?.(pass.read());
  phase('read+check+copy');
  const errors = pass.checker.errors;
  const firstCol = 'identifiant_patient';
  const dups: { line: number; first: number }[] = await em.query(
    `SELECT line, first FROM (SELECT line, min(line) OVER (PARTITION BY ext, nkey) AS first FROM imp_keys) x WHERE line <> first ORDER BY line LIMIT ${MAX_REPORTED_ERRORS}`,
  );
  const dupDetail = input.kind === 'patients' ? 'Identifiant de patient en double dans le fichier' : 'Ligne en double dans le fichier (même patient, même clé)';
  for (const r of dups) errors.push({ line: r.line, column: firstCol, code: 'doublon', detail: `${dupDetail} (déjà à la ligne ${r.first}).` });
  let counts: { create: string; update: string; unchanged: string };
  if (input.kind === 'patients') {
    [counts] = await em.query(
      `SELECT count(*) FILTER (WHERE p.id IS NULL) AS create, count(*) FILTER (WHERE p.digest = s.digest) AS unchanged,
              count(*) FILTER (WHERE p.id IS NOT NULL AND p.digest <> s.digest) AS update
         FROM imp_keys s LEFT JOIN patients p ON p.tenant_id = $1 AND p.external_id = s.ext`,
      [input.tenantId],
    );
  } else {
    const unknown: { line: number }[] = await em.query(
      `SELECT s.line FROM imp_keys s WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.tenant_id = $1 AND p.external_id = s.ext) ORDER BY s.line LIMIT ${MAX_REPORTED_ERRORS}`,
      [input.tenantId],
    );
    for (const r of unknown) {
      errors.push({ line: r.line, column: firstCol, code: 'patient_inconnu', detail: 'Patient inconnu : importez d’abord la liste des patients contenant cet identifiant.' });
    }
    [counts] = await em.query(
      `SELECT count(*) FILTER (WHERE t.id IS NULL) AS create, count(*) FILTER (WHERE t.digest = s.digest) AS unchanged,
              count(*) FILTER (WHERE t.id IS NOT NULL AND t.digest <> s.digest) AS update
         FROM imp_keys s JOIN patients p ON p.tenant_id = $1 AND p.external_id = s.ext
         LEFT JOIN ${sql.table} t ON t.tenant_id = $1 AND t.patient_id = p.id AND ${sql.targetKey} = s.nkey`,
      [input.tenantId],
    );
  }
  await em.query('DROP TABLE imp_keys');
  phase('classify');
  if (stage) {
    if (errors.length) await stage.discard();
    else await stage.seal(stageContext(input, readingOf(input.source.format, pass.src.encoding, pass.src.delimiter, input.profile)), pass.read(), staged);
  }
  errors.sort((a, b) => a.line - b.line);
  return {
    counts: {
      read: pass.read(),
      create: Number(counts.create),
      update: Number(counts.update),
      unchanged: Number(counts.unchanged),
      errors: errors.length,
      warnings: pass.checker.warnings.length,
    },
    errors: errors.slice(0, MAX_REPORTED_ERRORS),
    warnings: pass.checker.warnings.slice(0, MAX_REPORTED_ERRORS),
    mapping: pass.mapping,
    delimiter: pass.src.delimiter,
    encoding: pass.src.encoding,
  };
}

export class CommitRefused extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Rows written by an INSERT or UPDATE (without materialising them as a RETURNING list). */
async function affected(em: EntityManager, q: string, params: unknown[]): Promise<number> {
  if (!em.queryRunner) throw new Error('the import needs the query runner of a TenantDb transaction');
  const r = await em.queryRunner.query(q, params, true);
  return Number(r.affected ?? 0);
}

/** `tttttttt-tttt-7rrr-vrrr-`: a UUID v7 prefix (now in ms, random bits); the 12 last digits are the row's line. */
export function orderedIdPrefix(now = Date.now()): string {
  const ts = now.toString(16).padStart(12, '0');
  const r = randomBytes(4).toString('hex');
  const variant = (8 + (parseInt(r[3], 16) & 3)).toString(16);
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-`;
}

/**
 * The rows the dry run staged (import-stage.ts), loaded as they are when still valid for this
 * commit; null when there are none or they cannot be trusted (then imp_rows is left empty).
 */
async function loadStaged(em: EntityManager, input: EngineInput): Promise<{ read: number; staged: number } | null> {
  if (input.kind !== 'patients' || !input.stage) return null;
  const reading = readingOf(input.source.format, input.source.encoding, input.source.delimiter, input.profile);
  const m = await usableStage(input.stage, stageContext(input, reading));
  if (!m) return null;
  const copy = await CopyWriter.open(em, 'COPY imp_rows FROM STDIN WITH (FORMAT binary)');
  let sealed: boolean;
  try {
    await copy.bytes(COPY_BINARY_HEADER);
    let reported = 0;
    sealed = await streamStage(input.stage, m, input.crypto, async (chunk, done) => {
      if (input.failAfterRows !== undefined && done > input.failAfterRows) throw new Error('interruption simulée du worker');
      await copy.bytes(chunk);
      if (done - reported >= 20_000) {
        reported = done;
        await input.onProgress?.(done);
      }
    });
    await copy.bytes(COPY_BINARY_TRAILER);
    await copy.end();
  } catch (e) {
    copy.abort(e as Error);
    throw e;
  }
  if (sealed) return { read: m.read, staged: m.staged };
  // Altered on disk: nothing of it is kept, the commit reads the upload again.
  await em.query('TRUNCATE imp_rows');
  await discardStage(input.stage);
  return null;
}

/** Reads, checks and encodes the upload into imp_rows (no usable staged rows). */
async function stageFromFile(em: EntityManager, input: EngineInput): Promise<{ read: number; staged: number }> {
  const sql = SQL[input.kind];
  const pass = await openPass(input);
  const enc = patientEncoder(input, 'commit', null);
  const copy = await CopyWriter.open(em, enc ? 'COPY imp_rows FROM STDIN WITH (FORMAT binary)' : 'COPY imp_rows FROM STDIN');
  let staged = 0;
  try {
    if (enc) await copy.bytes(COPY_BINARY_HEADER);
    for await (const { line, row } of pass.rows) {
      if (input.failAfterRows !== undefined && pass.read() > input.failAfterRows) throw new Error('interruption simulée du worker');
      if (pass.checker.errors.length) {
        const e = pass.checker.errors[0];
        throw new CommitRefused('import_invalide', `Le fichier ne passe plus la vérification (ligne ${e.line}, colonne ${e.column} : ${e.detail}) ; relancez l’essai à blanc.`);
      }
      if (!row) continue;
      staged++;
      if (enc) await enc.add(line, row as PatientRow, copy);
      else {
        const digest = sql.digest!(input.crypto, row);
        await copy.line([String(line), copyText(row.externalId), ...sql.stageLine!(input.crypto, row, digest), copyBytea(digest)]);
      }
      if (pass.read() % 20_000 === 0) await input.onProgress?.(pass.read());
    }
    if (enc) {
      await enc.finish(copy);
      await copy.bytes(COPY_BINARY_TRAILER);
    }
    await copy.end();
  } catch (e) {
    copy.abort(e as Error);
    throw e;
  } finally {
    await enc?.close();
  }
  return { read: pass.read(), staged };
}

/**
 * Step 2 (commit), inside the caller's one transaction: stages every row with COPY (identifiers
 * encrypted), from the rows the dry run prepared when they are still valid, else by re-reading and
 * re-checking the file; keeps the previous version of each changed row,
 * updates the changed rows and inserts the new ones. Any error throws and the transaction rolls back: all or nothing.
 */
export async function commitRows(em: EntityManager, input: EngineInput): Promise<{ created: number; updated: number; unchanged: number; read: number }> {
  const sql = SQL[input.kind];
  const phase = phaseClock('commit');
  const patientCol = input.kind === 'patients' ? '' : 'external_id text, ';
  await em.query(
    `CREATE TEMP TABLE imp_rows (line int, ${input.kind === 'patients' ? '' : patientCol}${sql.stageColumns}, digest bytea) ON COMMIT DROP`,
  );
  const fromDryRun = await loadStaged(em, input);
  phase(fromDryRun ? 'copy of the dry run rows' : 'no usable dry run rows');
  const { read, staged } = fromDryRun ?? (await stageFromFile(em, input));
  if (!fromDryRun) phase('read+check+encrypt+copy');
  const t = input.tenantId;
  const imp = input.importId;
  if (input.kind !== 'patients') {
    const [missing] = await em.query(
      `SELECT min(s.line) AS line FROM imp_rows s WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.tenant_id = $1 AND p.external_id = s.external_id)`,
      [t],
    );
    if (missing?.line) throw new CommitRefused('patient_inconnu', `Ligne ${missing.line} : patient inconnu (la liste des patients a changé depuis l’essai à blanc).`);
  }
  // One commit at a time per structure and kind: the plain INSERT below cannot race with another
  // import of the same rows (it would otherwise fail on the unique key and roll back).
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('mtr2-import:' || $1 || ':' || $2, 0))`, [t, input.kind]);
  // A structure's first import (the million-row case): no row can already exist, the INSERT skips
  // the per-row anti-join. Anything else writing these rows meanwhile fails on the unique key, and
  // the whole commit rolls back.
  const [{ any }] = await em.query(`SELECT EXISTS (SELECT 1 FROM ${sql.table} WHERE tenant_id = $1) AS any`, [t]);
  const firstRows = !any;
  const from =
    input.kind === 'patients' ? 'FROM imp_rows s' : 'FROM imp_rows s JOIN patients p ON p.tenant_id = $1 AND p.external_id = s.external_id';
  const existing = `${from} JOIN ${sql.table} x ON x.tenant_id = $1 AND ${sql.match}`;
  // Previous version of every row about to change (revert), read before the UPDATE.
  await em.query(`INSERT INTO import_backups (tenant_id, import_id, row_id, previous) SELECT x.tenant_id, $2, x.id, to_jsonb(x) ${existing} WHERE x.digest <> s.digest`, [t, imp]);
  phase('backup');
  // Changed rows in place, then new rows by a plain INSERT (no ON CONFLICT: the key is known absent).
  const setFromStage = sql.updateSet.replace(/\bEXCLUDED\./g, 's.');
  const upd = await affected(
    em,
    `UPDATE ${sql.table} x SET ${setFromStage}, digest = s.digest, import_id = $2, updated_at = now()
       ${from}
      WHERE x.tenant_id = $1 AND ${sql.match} AND x.digest <> s.digest`,
    [t, imp],
  );
  phase('update');
  // Time-ordered ids (UUID v7 layout: time in ms, then random bits, then the file line) so the
  // primary key index is appended to instead of being written at random places. Patient rows come
  // with theirs (written by the encoder, at the dry run when staged then: no text work per row here).
  const idPrefix = orderedIdPrefix();
  const newId = input.kind === 'patients' ? 's.id' : `($3 || lpad(to_hex(s.line), 12, '0'))::uuid`;
  const ins = await affected(
    em,
    `INSERT INTO ${sql.table} (tenant_id, id, ${sql.insertColumns}, digest, import_id)
     SELECT $1, ${newId}, ${sql.selectColumns}, s.digest, $2 ${from}
      ${firstRows ? '' : `WHERE NOT EXISTS (SELECT 1 FROM ${sql.table} x WHERE x.tenant_id = $1 AND ${sql.match})`}`,
    input.kind === 'patients' ? [t, imp] : [t, imp, idPrefix],
  );
  phase('insert');
  await em.query('DROP TABLE imp_rows');
  await input.onProgress?.(read);
  const created = ins;
  const updated = upd;
  return { created, updated, unchanged: staged - created - updated, read };
}

/** Undoes one committed import: rows it created are deleted, rows it changed get their previous version back. */
export async function revertRows(em: EntityManager, kind: ImportKind, tenantId: string, importId: string): Promise<{ deleted: number; restored: number }> {
  const sql = SQL[kind];
  const del = await em.query(
    `DELETE FROM ${sql.table} t WHERE t.tenant_id = $1 AND t.import_id = $2
       AND NOT EXISTS (SELECT 1 FROM import_backups b WHERE b.tenant_id = $1 AND b.import_id = $2 AND b.row_id = t.id)`,
    [tenantId, importId],
  );
  const cols = sql.restoreColumns;
  const upd = await em.query(
    `UPDATE ${sql.table} t SET (${cols.join(', ')}) = ROW(${cols.map((c) => `r.${c}`).join(', ')})
       FROM import_backups b CROSS JOIN LATERAL jsonb_populate_record(NULL::${sql.table}, b.previous) r
      WHERE b.tenant_id = $1 AND b.import_id = $2 AND t.tenant_id = $1 AND t.id = b.row_id`,
    [tenantId, importId],
  );
  return { deleted: Number(del[1] ?? 0), restored: Number(upd[1] ?? 0) };
}

export const columnsOf = (kind: ImportKind) => COLUMNS[kind];
