import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { notFound, Problem } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { PATIENT_DATA_CONFIG } from '../patients/patient-data.module';
import type { PatientDataConfig } from '../patients/patient-data.config';
import { COLUMNS, IDLE_IMPORT_STATUSES, IMPORT_STATUS_LABELS, type ImportKind, type ImportStatus, type Mapping } from './columns';
import { revertRows } from './import-engine';
import { importPaths, removeImportFiles, storeUpload, TooLarge } from './import-storage';
import { IMPORT_QUEUE_TOKEN, importJobId, JOB_OPTIONS, type ImportJobName } from './imports.queue';
import { detectEncoding, type Encoding } from './source';

export interface UploadQuery {
  kind: ImportKind;
  filename: string;
  encoding?: Encoding;
  delimiter?: ';' | ',' | 'tab';
  profileId?: string;
}

const mib = (n: number) => `${Math.round(n / 1024 / 1024)} Mio`;

const retention = (hours: number): string => (hours % 24 === 0 ? `${hours / 24} jour(s)` : `${hours} h`);
const statusLabel = (s: string): string => IMPORT_STATUS_LABELS[s as ImportStatus] ?? s;

function view(r: Record<string, unknown>) {
  const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
  return {
    id: r.id as string,
    kind: r.kind as ImportKind,
    status: r.status as string,
    filename: r.filename as string,
    sha256: (r.sha256 as string).trim(),
    sizeBytes: Number(r.size_bytes),
    format: r.format as string,
    encoding: (r.encoding as string | null) ?? null,
    delimiter: (r.delimiter as string | null) ?? null,
    mapping: r.mapping as Mapping,
    profileId: (r.profile_id as string | null) ?? null,
    counts: r.counts as Record<string, number>,
    failure: (r.failure as string | null) ?? null,
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    validatedAt: iso(r.validated_at),
    committedAt: iso(r.committed_at),
    committedBy: (r.committed_by as string | null) ?? null,
    revertedAt: iso(r.reverted_at),
    statementIssuedAt: iso(r.statement_issued_at),
    filesRemovedAt: iso(r.files_removed_at),
  };
}
export type ImportView = ReturnType<typeof view>;

@Injectable()
export class ImportsService implements OnApplicationShutdown {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    @Inject(PATIENT_DATA_CONFIG) private readonly cfg: PatientDataConfig,
    @Inject(IMPORT_QUEUE_TOKEN) private readonly queue: Queue,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  private enqueue(name: ImportJobName, tenantId: TenantId, actorUserId: string, importId: string) {
    // Payload: ids only, never patient data.
    return this.queue.add(name, { tenantId, actorUserId, ids: { importId } }, { ...JOB_OPTIONS, jobId: importJobId(name, importId) });
  }

  /**
   * Upload: the size is checked on Content-Length before reading anything, then the body is
   * streamed to disk (hash, UTF-8 check) and the dry run queued. The same file (SHA-256) already
   * committed for this kind: nothing is done, the earlier import is returned.
   */
  async upload(
    tenantId: TenantId, ability: AppAbility, user: AuthenticatedUser, q: UploadQuery, body: unknown, contentLength: number | undefined,
  ): Promise<{ duplicate: boolean; import: ImportView }> {
    ForbiddenError.from(ability).throwUnlessCan('create', subject('PatientImport', { tenantId }));
    if (contentLength !== undefined && contentLength > this.cfg.maxBytes) {
      throw new Problem(413, 'fichier_trop_volumineux', `Fichier trop volumineux (${mib(contentLength)}) : ${mib(this.cfg.maxBytes)} au plus. Découpez l’extraction.`);
    }
    if (body && typeof (body as Readable).pipe !== 'function') {
      throw new Problem(415, 'type_non_supporte', 'Envoyez le fichier brut en corps de requête (Content-Type text/csv, classeur XLSX ou application/octet-stream).');
    }
    if (contentLength === 0 || !body) {
      throw new Problem(422, 'fichier_vide', 'Le fichier est vide (0 octet). Envoyez le fichier en corps de requête (text/csv ou classeur XLSX).', {
        errors: [{ line: 0, column: '', code: 'fichier_vide', detail: 'Fichier de 0 octet.' }],
      });
    }
    if (q.profileId) {
      const found = await this.db.forTenant(tenantId, (em) => em.query('SELECT 1 FROM import_mapping_profiles WHERE id = $1 AND kind = $2', [q.profileId, q.kind]));
      if (!found.length) throw notFound('Le profil de correspondance');
    }
    const id = randomUUID();
    const paths = importPaths(this.cfg.storageDir, tenantId, id);
    let stored;
    try {
      stored = await storeUpload(body as Readable, paths.source, this.cfg.maxBytes);
    } catch (e) {
      if (e instanceof TooLarge) throw new Problem(413, 'fichier_trop_volumineux', `Fichier trop volumineux : ${mib(this.cfg.maxBytes)} au plus. Découpez l’extraction.`);
      throw e;
    }
    if (stored.size === 0) {
      await rm(paths.source, { force: true });
      throw new Problem(422, 'fichier_vide', 'Le fichier est vide (0 octet).', { errors: [{ line: 0, column: '', code: 'fichier_vide', detail: 'Fichier de 0 octet.' }] });
    }
    const existing = await this.db.forTenant(tenantId, (em) =>
      em.query(`SELECT * FROM imports WHERE kind = $1 AND sha256 = $2 AND status = 'committed' ORDER BY created_at LIMIT 1`, [q.kind, stored.sha256]),
    );
    if (existing.length) {
      await rm(paths.source, { force: true });
      return { duplicate: true, import: view(existing[0]) };
    }
    const encoding = stored.format === 'xlsx' ? null : (q.encoding ?? detectEncoding(stored));
    const delimiter = q.delimiter === 'tab' ? '\t' : (q.delimiter ?? null);
    const row = await this.db.forTenant(tenantId, async (em) => {
      const [r] = await em.query(
        `INSERT INTO imports (tenant_id, id, kind, status, filename, sha256, size_bytes, format, encoding, delimiter, profile_id, counts, created_by)
         VALUES ($1, $2, $3, 'uploaded', $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
        [tenantId, id, q.kind, q.filename, stored.sha256, stored.size, stored.format, encoding, delimiter, q.profileId ?? null,
          JSON.stringify({ lines: Math.max(0, stored.lines - 1) }), user.id],
      );
      await this.audit.record(em, tenantId, { action: 'import.upload', resourceType: 'import', resourceId: id, detail: { kind: q.kind, sha256: stored.sha256, sizeBytes: stored.size } });
      return r;
    }, user.id);
    await this.enqueue('validate', tenantId, user.id, id);
    return { duplicate: false, import: view(row) };
  }

  list(tenantId: TenantId, ability: AppAbility): Promise<ImportView[]> {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('PatientImport', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => (await em.query('SELECT * FROM imports ORDER BY created_at DESC LIMIT 200')).map(view));
  }

  private async load(em: EntityManager, id: string, lock = false) {
    const [r] = await em.query(`SELECT * FROM imports WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!r) throw notFound('L’import');
    return r;
  }

  /** The report: counts, errors and warnings (line, column, code, French message), job progress. */
  async get(tenantId: TenantId, ability: AppAbility, id: string) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('PatientImport', { tenantId }));
    const r = await this.db.forTenant(tenantId, (em) => this.load(em, id));
    const name: ImportJobName = ['committing', 'committed'].includes(r.status) || r.committed_at ? 'commit' : 'validate';
    const job = await this.queue.getJob(importJobId(name, id));
    const progress = job ? { step: name, state: await job.getState(), ...(typeof job.progress === 'object' ? job.progress : {}) } : null;
    return { ...view(r), errors: r.errors, warnings: r.warnings, progress };
  }

  /** The faulty rows of the dry run, with an « erreurs » column. */
  async faultyRows(tenantId: TenantId, ability: AppAbility, id: string): Promise<Readable> {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('PatientImport', { tenantId }));
    const imp = await this.db.forTenant(tenantId, (em) => this.load(em, id));
    const gone = this.filesGone(imp.status);
    if (gone) throw gone;
    // Opened before anything is said: a sweep or a commit removing the file afterwards cannot
    // cut the download short (the open descriptor keeps it readable).
    let file: FileHandle;
    try {
      file = await open(importPaths(this.cfg.storageDir, tenantId, id).errors, 'r');
    } catch {
      throw new Problem(404, 'aucune_erreur', 'Aucune ligne en erreur pour cet import (ou essai à blanc pas encore terminé).');
    }
    try {
      await this.db.forTenant(tenantId, (em) => this.audit.record(em, tenantId, { action: 'import.faulty_rows', resourceType: 'import', resourceId: id }));
    } catch (e) {
      await file.close();
      throw e;
    }
    return file.createReadStream();
  }

  /** 410 for an import whose files were removed (they held identifiers in clear), else null. */
  private filesGone(status: string): Problem | null {
    if (status === 'expired') {
      return new Problem(410, 'import_expire', `Cet import a expiré sans avoir été appliqué (${retention(this.cfg.fileRetentionHours)}) : son fichier et ses lignes en erreur, qui contiennent des données patients en clair, ont été supprimés. Déposez le fichier à nouveau.`);
    }
    if (status === 'discarded') return new Problem(410, 'import_abandonne', 'Cet import a été abandonné : son fichier et ses lignes en erreur ont été supprimés. Déposez le fichier à nouveau.');
    return null;
  }

  /** Commit: queued; the worker applies everything in one transaction. */
  async commit(tenantId: TenantId, ability: AppAbility, user: AuthenticatedUser, id: string): Promise<ImportView> {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('PatientImport', { tenantId }));
    const r = await this.db.forTenant(tenantId, async (em) => {
      const imp = await this.load(em, id, true);
      if (imp.status === 'committing' || imp.status === 'committed') return imp;
      if (imp.status === 'invalid') {
        throw new Problem(422, 'import_invalide', `L’essai à blanc a trouvé ${imp.counts.errors ?? 0} erreur(s) : corrigez le fichier (lignes en erreur téléchargeables) puis importez-le de nouveau.`);
      }
      const gone = this.filesGone(imp.status);
      if (gone) throw gone;
      if (imp.status !== 'validated') throw new Problem(409, 'import_pas_pret', `Import dans l’état « ${statusLabel(imp.status)} » : l’essai à blanc doit être terminé sans erreur.`);
      const [dup] = await em.query(`SELECT id FROM imports WHERE kind = $1 AND sha256 = $2 AND status = 'committed' AND id <> $3`, [imp.kind, imp.sha256, id]);
      if (dup) throw new Problem(409, 'deja_importe', 'Ce fichier (même empreinte SHA-256) a déjà été importé.');
      const [[u]] = await em.query(`UPDATE imports SET status = 'committing', committed_by = $2 WHERE id = $1 RETURNING *`, [id, user.id]);
      await this.audit.record(em, tenantId, { action: 'import.commit_requested', resourceType: 'import', resourceId: id });
      return u;
    }, user.id);
    await this.enqueue('commit', tenantId, user.id, id);
    return view(r);
  }

  /**
   * Gives up an import not applied: its files (identifiers in clear) are removed at once rather
   * than at expiry — the wrong file, another structure's patients. Asking twice is harmless.
   */
  async discard(tenantId: TenantId, ability: AppAbility, user: AuthenticatedUser, id: string): Promise<ImportView> {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('PatientImport', { tenantId }));
    const r = await this.db.forTenant(tenantId, async (em) => {
      const imp = await this.load(em, id, true);
      if (imp.status === 'discarded') return imp;
      if (!IDLE_IMPORT_STATUSES.includes(imp.status)) {
        const why = imp.status === 'validating' ? 'attendez la fin de l’essai à blanc' : imp.status === 'committing' ? 'son application est en cours' : imp.status === 'committed' ? 'un import appliqué s’annule, il ne s’abandonne pas' : 'ses fichiers sont déjà supprimés';
        throw new Problem(409, 'import_non_abandonnable', `Import dans l’état « ${statusLabel(imp.status)} » : ${why}.`);
      }
      const [[u]] = await em.query(`UPDATE imports SET status = 'discarded', files_removed_at = now() WHERE id = $1 RETURNING *`, [id]);
      await this.audit.record(em, tenantId, { action: 'import.discard', resourceType: 'import', resourceId: id, detail: { kind: imp.kind, previousStatus: imp.status } });
      return u;
    }, user.id);
    // What a failed removal leaves, the worker's hourly retention sweep takes.
    await removeImportFiles(importPaths(this.cfg.storageDir, tenantId, id)).catch(() => undefined);
    return view(r);
  }

  /** Reverts a committed import as a whole, while no statement was issued from it and no later import builds on it. */
  async revert(tenantId: TenantId, ability: AppAbility, user: AuthenticatedUser, id: string): Promise<ImportView> {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('PatientImport', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const imp = await this.load(em, id, true);
      if (imp.status !== 'committed') throw new Problem(409, 'import_non_applique', `Seul un import appliqué peut être annulé (état « ${statusLabel(imp.status)} »).`);
      if (imp.statement_issued_at) throw new Problem(409, 'releve_emis', 'Un relevé a été émis à partir de cet import : il ne peut plus être annulé.');
      const [later] = await em.query(`SELECT id, kind FROM imports WHERE status = 'committed' AND committed_at > $1 AND id <> $2 LIMIT 1`, [imp.committed_at, id]);
      if (later) throw new Problem(409, 'import_posterieur', `Un import plus récent (${later.kind}) s’appuie sur ces données : annulez-le d’abord.`);
      const r = await revertRows(em, imp.kind, tenantId, id);
      const [[u]] = await em.query(`UPDATE imports SET status = 'reverted', reverted_at = now(), reverted_by = $2 WHERE id = $1 RETURNING *`, [id, user.id]);
      await this.audit.record(em, tenantId, { action: 'import.revert', resourceType: 'import', resourceId: id, detail: { kind: imp.kind, ...r } });
      return view(u);
    }, user.id);
  }

  listProfiles(tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('PatientImport', { tenantId }));
    return this.db.forTenant(tenantId, async (em) =>
      (await em.query('SELECT id, kind, name, mapping, updated_at FROM import_mapping_profiles ORDER BY kind, name')).map(
        (r: { id: string; kind: ImportKind; name: string; mapping: Mapping; updated_at: Date }) => ({ id: r.id, kind: r.kind, name: r.name, mapping: r.mapping, updatedAt: new Date(r.updated_at).toISOString() }),
      ),
    );
  }

  /** Creates or replaces the structure's mapping profile of that name (canonical column → header of the file). */
  saveProfile(tenantId: TenantId, ability: AppAbility, p: { kind: ImportKind; name: string; mapping: Mapping }) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('PatientImport', { tenantId }));
    const known = new Set(COLUMNS[p.kind].map((c) => c.name));
    const unknown = Object.keys(p.mapping).filter((k) => !known.has(k));
    if (unknown.length) {
      throw new Problem(400, 'colonne_inconnue', `Colonne(s) inconnue(s) pour l’import ${p.kind} : ${unknown.join(', ')}.`, {
        errors: unknown.map((k) => ({ field: `mapping.${k}`, code: 'colonne_inconnue', detail: `attendues : ${[...known].join(', ')}` })),
      });
    }
    return this.db.forTenant(tenantId, async (em) => {
      const [r] = await em.query(
        `INSERT INTO import_mapping_profiles (tenant_id, kind, name, mapping) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, kind, name) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = now() RETURNING id, kind, name, mapping, updated_at`,
        [tenantId, p.kind, p.name, JSON.stringify(p.mapping)],
      );
      await this.audit.record(em, tenantId, { action: 'import.profile_save', resourceType: 'import_mapping_profile', resourceId: r.id });
      return { id: r.id, kind: r.kind, name: r.name, mapping: r.mapping, updatedAt: new Date(r.updated_at).toISOString() };
    });
  }
}
