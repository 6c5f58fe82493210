import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import {
  accept,
  answerToText,
  ANNEX6_URL,
  AuditQuestionnaireError,
  auditToCsv,
  BUILT_IN_TEMPLATES,
  canonicalJson,
  computeProgress,
  indexTemplate,
  openThread,
  reopenThread,
  replyToThread,
  requestChanges,
  resolveThread,
  resubmit,
  saveAnswer,
  scoreSection,
  submit,
  summariseRubric,
  TemplateRegistry,
  toFhirQuestionnaireResponse,
  visibleThreads,
  createResponse,
  type Actor,
  type AnswerMap,
  type AuditProblem,
  type AuditResponse,
  type Questionnaire,
  type Result,
  type ReviewRubric,
  type ReviewThread,
  type StoredAnswer,
  type Submission,
} from '@mtr/audit-questionnaire';
import { createHash } from 'node:crypto';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { notFound, Problem } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { checkAttachment } from '../candidacies/attachments';
import type { DossierAudit, DossierAuditSource } from '../candidacies/dossier.service';

/** A library refusal → problem+json with its status, stable code and French detail. */
export function toProblem(p: AuditProblem): Problem {
  const { status, code, detail, ...extra } = p;
  return new Problem(status, code, detail, extra);
}
function must<T>(r: Result<T>): T {
  if (!r.ok) throw toProblem(r.problem);
  return r.value;
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const iso = (d: Date | string) => new Date(d).toISOString();

export function actorOf(user: AuthenticatedUser): Actor {
  const ipso = user.platformRole === 'ipso_team' || user.platformRole === 'platform_admin';
  return { userId: user.id, side: ipso ? 'ipso' : 'structure', displayName: user.displayName };
}

interface Loaded {
  response: AuditResponse;
  template: Questionnaire;
}

/**
 * The Annex 6 audit of a candidate structure (issue #4 §4): persistence and HTTP around the pure
 * library. Each operation loads the response under a row lock, lets the library decide, and
 * writes only what changed, with an audit-trail event, in one transaction: a refusal writes nothing.
 */
@Injectable()
export class AuditsService implements OnModuleInit, DossierAuditSource {
  /** Published versions never change: cached once read. */
  private readonly templates = new Map<string, Questionnaire>();

  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  /** The built-in Annex 6 versions are published in the database at start-up (idempotent). */
  async onModuleInit(): Promise<void> {
    await this.db.anonymous(async (em) => {
      for (const t of BUILT_IN_TEMPLATES) await this.insertTemplate(em, t, null);
    });
  }

  private async insertTemplate(em: EntityManager, t: Questionnaire, userId: string | null): Promise<boolean> {
    const rows = await em.query(
      `INSERT INTO audit_templates (url, version, status, content, sha256, published_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (url, version) DO NOTHING RETURNING version`,
      [t.url, t.version, t.status, canonicalJson(t), sha256(canonicalJson(t)), userId],
    );
    return rows.length > 0;
  }

  /** Every published version, in a registry (which re-validates and freezes them). */
  private async registry(em: EntityManager): Promise<TemplateRegistry> {
    const rows: { content: unknown }[] = await em.query('SELECT content FROM audit_templates ORDER BY published_at');
    try {
      return new TemplateRegistry(rows.map((r) => r.content));
    } catch (e) {
      if (e instanceof AuditQuestionnaireError) throw toProblem(e.problem);
      throw e;
    }
  }

  private async template(em: EntityManager, url: string, version: string): Promise<Questionnaire> {
    const key = `${url}|${version}`;
    const cached = this.templates.get(key);
    if (cached) return cached;
    const t = (await this.registry(em)).get({ url, version });
    if (!t) throw new Problem(500, 'modele_introuvable', `Le modèle ${url} version ${version} est introuvable.`);
    this.templates.set(key, t);
    return t;
  }

  async listTemplates(userId: string) {
    return this.db.forUser(userId, async (em) =>
      (await em.query('SELECT url, version, status, sha256, published_at FROM audit_templates ORDER BY url, published_at')).map(
        (r: { url: string; version: string; status: string; sha256: string; published_at: Date }) => ({
          url: r.url, version: r.version, status: r.status, sha256: r.sha256, publishedAt: iso(r.published_at),
        }),
      ),
    );
  }

  async getTemplate(userId: string, url: string, version: string) {
    return this.db.forUser(userId, (em) => this.template(em, url, version).catch(() => { throw notFound('Le modèle de questionnaire'); }));
  }

  /** Publishes a new version; a published version never changes (same version, other content → 409). */
  async publish(user: AuthenticatedUser, ability: AppAbility, input: unknown) {
    ForbiddenError.from(ability).throwUnlessCan('create', 'AuditReview');
    return this.db.forPlatform(user.id, async (em) => {
      const registry = await this.registry(em);
      let t: Questionnaire;
      try {
        t = registry.publish(input);
      } catch (e) {
        if (e instanceof AuditQuestionnaireError) throw toProblem(e.problem);
        throw e;
      }
      const inserted = await this.insertTemplate(em, t, user.id);
      await this.audit.record(em, null, { action: 'audit.template.publish', resourceType: 'audit_template', resourceId: `${t.url}|${t.version}`, detail: { inserted } });
      return { url: t.url, version: t.version, status: t.status, sha256: sha256(canonicalJson(t)), created: inserted };
    });
  }

  async open(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('create', subject('AuditReview', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const [exists] = await em.query('SELECT id FROM audit_responses WHERE tenant_id = $1', [tenantId]);
      if (exists) throw new Problem(409, 'audit_existant', 'Un questionnaire d’audit est déjà ouvert pour cette structure.');
      const latest = (await this.registry(em)).latest(ANNEX6_URL);
      if (!latest) throw new Problem(500, 'modele_introuvable', 'Aucune version publiée du questionnaire annexe 6.');
      const r = createResponse({ id: randomUUID(), structureId: tenantId, template: latest, now: new Date() });
      await em.query(
        `INSERT INTO audit_responses (tenant_id, id, template_url, template_version, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
        [tenantId, r.id, latest.url, latest.version, r.status, r.createdAt],
      );
      await this.audit.record(em, tenantId, { action: 'audit.open', resourceType: 'audit_response', resourceId: r.id, detail: { version: latest.version } });
      return this.view(em, tenantId, user, ability, await this.load(em, tenantId));
    });
  }

  async get(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('AuditResponse', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => this.view(em, tenantId, user, ability, await this.load(em, tenantId)));
  }

  async saveAnswer(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, input: { linkId: string; value: unknown; expectedRevision: number }) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('AuditResponse', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const { response, template } = await this.load(em, tenantId, true);
      const out = must(saveAnswer(response, template, input, actorOf(user), new Date()));
      if (out.changed && out.answer) await this.writeAnswer(em, tenantId, response.id, out.answer);
      return { answer: out.answer, changed: out.changed, progress: computeProgress(template, out.response.answers) };
    });
  }

  /** An attachment answer: bytes checked (type, size, content) and stored with their SHA-256, then saved as the item's answer. */
  async attach(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, input: { linkId: string; expectedRevision: number; filename: string; mediaType: string; contentBase64: string }) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('AuditResponse', { tenantId }));
    const file = checkAttachment(input);
    return this.db.forTenant(tenantId, async (em) => {
      const { response, template } = await this.load(em, tenantId, true);
      const id = randomUUID();
      const value = { filename: file.filename, mimeType: file.mediaType, size: file.bytes.length, sha256: file.sha256, storageKey: id };
      const out = must(saveAnswer(response, template, { linkId: input.linkId, value, expectedRevision: input.expectedRevision }, actorOf(user), new Date()));
      await em.query(
        `INSERT INTO audit_attachments (tenant_id, id, response_id, link_id, filename, media_type, byte_size, sha256, content, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [tenantId, id, response.id, input.linkId, file.filename, file.mediaType, file.bytes.length, file.sha256, file.bytes, user.id],
      );
      if (out.changed && out.answer) await this.writeAnswer(em, tenantId, response.id, out.answer);
      await this.audit.record(em, tenantId, { action: 'audit.attachment.upload', resourceType: 'audit_attachment', resourceId: id, detail: { linkId: input.linkId, sha256: file.sha256 } });
      return { answer: out.answer, changed: out.changed, progress: computeProgress(template, out.response.answers) };
    });
  }

  async download(tenantId: TenantId, ability: AppAbility, attachmentId: string) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('AuditResponse', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const [row] = await em.query('SELECT filename, media_type, content FROM audit_attachments WHERE tenant_id = $1 AND id = $2', [tenantId, attachmentId]);
      if (!row) throw notFound('La pièce jointe');
      await this.audit.record(em, tenantId, { action: 'audit.attachment.read', resourceType: 'audit_attachment', resourceId: attachmentId });
      return { filename: row.filename as string, mediaType: row.media_type as string, content: row.content as Buffer };
    });
  }

  private async writeAnswer(em: EntityManager, tenantId: string, responseId: string, a: StoredAnswer) {
    const args = [tenantId, responseId, a.linkId, a.value === null ? null : JSON.stringify(a.value), a.revision, a.answeredAt, JSON.stringify(a.answeredBy)];
    await em.query(
      `INSERT INTO audit_answers (tenant_id, response_id, link_id, value, revision, answered_at, answered_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, response_id, link_id) DO UPDATE SET value = EXCLUDED.value, revision = EXCLUDED.revision,
         answered_at = EXCLUDED.answered_at, answered_by = EXCLUDED.answered_by`,
      args,
    );
    await em.query(
      `INSERT INTO audit_answer_revisions (tenant_id, response_id, link_id, value, revision, answered_at, answered_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      args,
    );
    await em.query('UPDATE audit_responses SET updated_at = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, responseId, a.answeredAt]);
    await this.audit.record(em, tenantId as TenantId, { action: 'audit.answer.save', resourceType: 'audit_response', resourceId: responseId, detail: { linkId: a.linkId, revision: a.revision } });
  }

  /** Hand in (or hand in again after a change request): an immutable snapshot with the diff since the last one. */
  async submit(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('AuditResponse', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const { response, template } = await this.load(em, tenantId, true);
      const actor = actorOf(user);
      const now = new Date();
      const next = must(response.status === 'changes_requested' ? resubmit(response, template, actor, now) : submit(response, template, actor, now));
      const s = next.submissions[next.submissions.length - 1];
      await em.query(
        `INSERT INTO audit_submissions (tenant_id, response_id, number, kind, submitted_at, submitted_by, answers, diff) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [tenantId, response.id, s.number, s.kind, s.submittedAt, JSON.stringify(s.submittedBy), JSON.stringify(s.answers), JSON.stringify(s.diff)],
      );
      await this.saveState(em, tenantId, next);
      await this.audit.record(em, tenantId, { action: `audit.${s.kind}`, resourceType: 'audit_response', resourceId: response.id, detail: { number: s.number, changes: s.diff.length } });
      return this.view(em, tenantId, user, ability, { response: next, template });
    });
  }

  async requestChanges(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, input: { flaggedLinkIds: string[]; note?: string }) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('AuditReview', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const { response, template } = await this.load(em, tenantId, true);
      const next = must(requestChanges(response, template, input, actorOf(user), new Date()));
      await this.saveState(em, tenantId, next);
      await this.audit.record(em, tenantId, { action: 'audit.request_changes', resourceType: 'audit_response', resourceId: response.id, detail: { flagged: input.flaggedLinkIds } });
      return this.view(em, tenantId, user, ability, { response: next, template });
    });
  }

  async accept(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('AuditReview', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const { response, template } = await this.load(em, tenantId, true);
      const next = must(accept(response, actorOf(user), new Date()));
      await this.saveState(em, tenantId, next);
      await this.audit.record(em, tenantId, { action: 'audit.accept', resourceType: 'audit_response', resourceId: response.id });
      return this.view(em, tenantId, user, ability, { response: next, template });
    });
  }

  private async saveState(em: EntityManager, tenantId: string, r: AuditResponse) {
    await em.query(
      `UPDATE audit_responses SET status = $3, change_requests = $4, accepted_at = $5, accepted_by = $6, updated_at = $7 WHERE tenant_id = $1 AND id = $2`,
      [tenantId, r.id, r.status, JSON.stringify(r.changeRequests), r.acceptedAt ?? null, r.acceptedBy ? JSON.stringify(r.acceptedBy) : null, r.updatedAt],
    );
  }

  async openThread(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, input: { linkId: string; visibility: 'internal' | 'shared'; body: string }) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('AuditResponse', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const { response, template } = await this.load(em, tenantId, true);
      const thread = must(openThread(response, template, { ...input, threadId: randomUUID(), messageId: randomUUID() }, actorOf(user), new Date()));
      await em.query(
        `INSERT INTO audit_threads (tenant_id, id, response_id, link_id, visibility, status, thread) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [tenantId, thread.id, response.id, thread.linkId, thread.visibility, thread.status, JSON.stringify(thread)],
      );
      await this.audit.record(em, tenantId, { action: 'audit.thread.open', resourceType: 'audit_thread', resourceId: thread.id, detail: { linkId: thread.linkId, visibility: thread.visibility } });
      return thread;
    });
  }

  async threadAction(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, threadId: string, input: { action: 'reply' | 'resolve' | 'reopen'; body?: string }) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('AuditResponse', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const [row] = await em.query('SELECT thread FROM audit_threads WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, threadId]);
      const actor = actorOf(user);
      const thread = row?.thread as ReviewThread | undefined;
      // An internal thread does not exist for a structure user.
      if (!thread || (thread.visibility === 'internal' && actor.side !== 'ipso')) throw notFound('Le fil de discussion');
      const now = new Date();
      const next = must(
        input.action === 'reply'
          ? replyToThread(thread, { messageId: randomUUID(), body: input.body ?? '' }, actor, now)
          : input.action === 'resolve'
            ? resolveThread(thread, actor, now)
            : reopenThread(thread, actor),
      );
      await em.query('UPDATE audit_threads SET status = $3, thread = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2', [tenantId, threadId, next.status, JSON.stringify(next)]);
      await this.audit.record(em, tenantId, { action: `audit.thread.${input.action}`, resourceType: 'audit_thread', resourceId: threadId });
      return next;
    });
  }

  async score(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, input: { sectionLinkId: string; score: number; justification: string }) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('AuditReview', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const { response, template } = await this.load(em, tenantId, true);
      const rubric = await this.rubric(em, tenantId, response.id);
      const next = must(scoreSection(rubric, template, input, actorOf(user), new Date()));
      const s = next[input.sectionLinkId];
      await em.query(
        `INSERT INTO audit_rubric_scores (tenant_id, response_id, section_link_id, score, justification, scored_at, scored_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, response_id, section_link_id) DO UPDATE SET score = EXCLUDED.score, justification = EXCLUDED.justification,
           scored_at = EXCLUDED.scored_at, scored_by = EXCLUDED.scored_by`,
        [tenantId, response.id, s.sectionLinkId, s.score, s.justification, s.scoredAt, JSON.stringify(s.scoredBy)],
      );
      await this.audit.record(em, tenantId, { action: 'audit.rubric.score', resourceType: 'audit_response', resourceId: response.id, detail: { section: s.sectionLinkId, score: s.score, justification: s.justification } });
      return summariseRubric(next, template);
    });
  }

  async export(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, format: 'csv' | 'fhir', source: 'current' | 'last_submission') {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('AuditResponse', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const { response, template } = await this.load(em, tenantId);
      const [s] = await em.query('SELECT id, name FROM structures WHERE id = $1', [tenantId]);
      const structure = { id: s.id as string, name: s.name as string };
      await this.audit.record(em, tenantId, { action: 'audit.export', resourceType: 'audit_response', resourceId: response.id, detail: { format, source } });
      if (format === 'csv') return { csv: auditToCsv([{ structure, template, response }], { source, delimiter: ';', bom: true }) };
      return { fhir: toFhirQuestionnaireResponse(template, response, { structure, source }) };
    });
  }

  private async rubric(em: EntityManager, tenantId: string, responseId: string): Promise<ReviewRubric> {
    const rows = await em.query('SELECT section_link_id, score, justification, scored_at, scored_by FROM audit_rubric_scores WHERE tenant_id = $1 AND response_id = $2', [tenantId, responseId]);
    return Object.fromEntries(
      rows.map((r: { section_link_id: string; score: number; justification: string; scored_at: Date; scored_by: Actor }) => [
        r.section_link_id,
        { sectionLinkId: r.section_link_id, score: r.score, justification: r.justification, scoredAt: iso(r.scored_at), scoredBy: r.scored_by },
      ]),
    ) as ReviewRubric;
  }

  private async load(em: EntityManager, tenantId: string, forUpdate = false): Promise<Loaded> {
    const [row] = await em.query(`SELECT * FROM audit_responses WHERE tenant_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [tenantId]);
    if (!row) throw notFound('Le questionnaire d’audit');
    const template = await this.template(em, row.template_url, row.template_version);
    const answers: Record<string, StoredAnswer> = {};
    for (const a of await em.query('SELECT link_id, value, revision, answered_at, answered_by FROM audit_answers WHERE tenant_id = $1 AND response_id = $2', [tenantId, row.id])) {
      answers[a.link_id] = { linkId: a.link_id, value: a.value, revision: a.revision, answeredAt: iso(a.answered_at), answeredBy: a.answered_by };
    }
    const submissions: Submission[] = (
      await em.query('SELECT number, kind, submitted_at, submitted_by, answers, diff FROM audit_submissions WHERE tenant_id = $1 AND response_id = $2 ORDER BY number', [tenantId, row.id])
    ).map((s: { number: number; kind: 'submission' | 'resubmission'; submitted_at: Date; submitted_by: Actor; answers: AnswerMap; diff: Submission['diff'] }) => ({
      number: s.number, kind: s.kind, submittedAt: iso(s.submitted_at), submittedBy: s.submitted_by, answers: s.answers, diff: s.diff,
    }));
    const response: AuditResponse = {
      id: row.id,
      structureId: tenantId,
      questionnaire: { url: row.template_url, version: row.template_version },
      status: row.status,
      answers,
      submissions,
      changeRequests: row.change_requests,
      ...(row.accepted_at ? { acceptedAt: iso(row.accepted_at), acceptedBy: row.accepted_by } : {}),
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
    return { response, template };
  }

  private async view(em: EntityManager, tenantId: string, user: AuthenticatedUser, ability: AppAbility, { response, template }: Loaded) {
    const actor = actorOf(user);
    const threads: ReviewThread[] = (await em.query('SELECT thread FROM audit_threads WHERE tenant_id = $1 AND response_id = $2 ORDER BY updated_at', [tenantId, response.id])).map(
      (r: { thread: ReviewThread }) => r.thread,
    );
    const reviewer = ability.can('read', subject('AuditReview', { tenantId: tenantId as TenantId }));
    return {
      response,
      progress: computeProgress(template, response.answers),
      threads: visibleThreads(threads, actor),
      // The rubric is ipso's assessment, kept apart from the answers and from the structure.
      rubric: reviewer ? summariseRubric(await this.rubric(em, tenantId, response.id), template) : null,
    };
  }

  /** For the CTIS dossier: answers of the last submission (or current), review comments and section scores. */
  async forDossier(em: EntityManager, tenantId: TenantId): Promise<DossierAudit | null> {
    const [row] = await em.query('SELECT id FROM audit_responses WHERE tenant_id = $1', [tenantId]);
    if (!row) return null;
    const { response, template } = await this.load(em, tenantId);
    const last = response.submissions[response.submissions.length - 1];
    const answers = last ? last.answers : response.answers;
    const rubric = await this.rubric(em, tenantId, response.id);
    const threads: ReviewThread[] = (await em.query('SELECT thread FROM audit_threads WHERE tenant_id = $1 AND response_id = $2', [tenantId, response.id])).map((r: { thread: ReviewThread }) => r.thread);
    const index = indexTemplate(template);
    return {
      questionnaire: template.title,
      version: template.version,
      status: response.status,
      sections: template.item.map((section) => ({
        title: section.text ?? section.linkId,
        ...(rubric[section.linkId] ? { score: { score: rubric[section.linkId].score, justification: rubric[section.linkId].justification } } : {}),
        items: index.ordered
          .filter((e) => e.sectionLinkId === section.linkId && e.item.type !== 'group' && e.item.type !== 'display')
          .map((e) => ({
            text: e.item.text ?? e.item.linkId,
            answer: answerToText(e.item, answers[e.item.linkId]?.value) || '—',
            comments: threads.filter((t) => t.linkId === e.item.linkId).flatMap((t) => t.messages.map((m) => `${t.visibility === 'internal' ? '[interne] ' : ''}${m.body}`)),
          })),
      })),
    };
  }
}
