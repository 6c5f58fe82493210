import { Injectable } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import { asTenantId, type TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { forbidden, notFound, Problem, type FieldError } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { checkAttachment } from './attachments';
import type { DeclarationsInput, Decision, DocumentUpload, TransitionInput } from './candidacy.schemas';
import { ELIGIBILITY_PARAMS } from './eligibility';
import { EligibilityService, todayParis, type EligibilityView } from './eligibility.service';
import { addMonths, EXIT_NOTICE_MONTHS, findTransition, TRANSITIONS, transitionsFrom, type CandidacyState, type DecisionKind, type TransitionRule } from './transitions';

interface CandidacyRow {
  id: string;
  tenant_id: string;
  state: CandidacyState;
  opened_at: Date;
  updated_at: Date;
  ctis_decision_date: string | null;
  ctis_decision_number: string | null;
  convention_number: string | null;
  convention_signed_on: string | null;
  entry_date: string | null;
  exit_notice_received_on: string | null;
  exit_effective_on: string | null;
}

/** [param] Programme dates (specification §2, phase 3; RULES.md §6), MTR 2 2026. */
export const PROGRAMME_MILESTONES = {
  programmeStart: '2026-05-01',
  programmeEnd: '2030-04-30',
  copilCheckpoint: '2026-12-01',
  ctisMarch: '2027-03-31',
  ctisJune: '2027-06-30',
  requiredSelected: 2,
};
/** States of a structure the CTIS has selected (and that has not left). */
export const SELECTED_STATES: readonly CandidacyState[] = ['ctis_approved', 'convention_signed', 'active', 'suspended', 'exit_notified'];

/** Which decision fields each kind of transition needs; any other decision field is refused. */
const DECISION_FIELDS: Record<DecisionKind, (keyof Decision)[]> = {
  none: [],
  ctis: ['ctisDecisionDate', 'ctisDecisionNumber'],
  convention: ['conventionNumber', 'conventionSignedOn', 'entryDate'],
  exit_notice: ['cnamReceiptDate'],
  exit_effective: ['effectiveOn'],
};
export const FIELD_LABELS: Record<keyof Decision, string> = {
  ctisDecisionDate: 'date de la décision du CTIS',
  ctisDecisionNumber: 'numéro de la décision du CTIS',
  conventionNumber: 'numéro de la convention CNAM',
  conventionSignedOn: 'date de signature de la convention',
  entryDate: 'date d’entrée E fixée par la convention',
  cnamReceiptDate: 'date de réception de la notification de sortie par la CNAM',
  effectiveOn: 'date effective de sortie',
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Role under which the caller acts on this structure's candidacy. */
export function actorRole(user: AuthenticatedUser, tenantId: string): string {
  return user.platformRole ?? user.memberships.find((m) => m.structureId === tenantId)?.role ?? 'inconnu';
}

@Injectable()
export class CandidaciesService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly eligibility: EligibilityService,
  ) {}

  async open(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, reason?: string) {
    ForbiddenError.from(ability).throwUnlessCan('create', subject('Candidacy', { tenantId }));
    await this.db.forTenant(tenantId, async (em) => {
      const [s] = await em.query('SELECT ipso_network, state FROM structures WHERE id = $1', [tenantId]);
      if (!s) throw notFound('La structure');
      if (s.ipso_network) {
        throw new Problem(409, 'structure_ipso', 'Cette structure appartient au réseau ipso : seules les structures hors ipso passent par une candidature (§1 du cahier des charges).');
      }
      const [existing] = await em.query('SELECT id FROM candidacies WHERE tenant_id = $1', [tenantId]);
      if (existing) throw new Problem(409, 'candidature_existante', 'Une candidature existe déjà pour cette structure.');
      const [row] = await em.query(
        'INSERT INTO candidacies (tenant_id, state, opened_by) VALUES ($1, $2, $3) RETURNING id',
        [tenantId, s.state, user.id],
      );
      await this.audit.record(em, tenantId, { action: 'candidacy.open', resourceType: 'candidacy', resourceId: row.id, detail: { state: s.state, reason: reason ?? null } });
    });
    return this.get(user, tenantId, ability);
  }

  async get(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Candidacy', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => this.view(em, tenantId, ability, await this.load(em, tenantId)));
  }

  async transition(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, input: TransitionInput) {
    // Read before the transaction: the patients feature opens its own.
    const profile = await this.eligibility.patientProfile(tenantId);
    return this.db.forTenant(tenantId, async (em) => {
      const c = await this.load(em, tenantId, true);
      const rule = findTransition(c.state, input.to);
      if (!rule) {
        const allowed = transitionsFrom(c.state).map((t) => ({ to: t.to, label: t.label, roles: [...t.roles] }));
        const list = allowed.length ? allowed.map((a) => `« ${a.to} » (${a.roles.join(', ')})`).join(', ') : 'aucune';
        throw new Problem(409, 'transition_interdite', `Passage de « ${c.state} » à « ${input.to} » impossible. Transitions possibles depuis « ${c.state} » : ${list}.`, {
          from: c.state,
          allowed,
        });
      }
      if (!ability.can('create', subject('CandidacyTransition', { tenantId, from: c.state, to: input.to }))) {
        throw forbidden(`La transition « ${rule.label} » est réservée à : ${rule.roles.join(', ')}.`);
      }
      const decision = this.checkDecision(rule, input.decision, c);
      await this.checkDocuments(em, tenantId, c.id, input.documentIds, 'documentIds');
      if (rule.requiresEligibilityOrJustification) {
        const el = await this.eligibility.compute(em, tenantId, profile);
        if (el.overall !== 'pass' && !el.justification) {
          const failing = el.criteria.filter((x) => x.status !== 'pass').map((x) => `${x.label} (${x.status === 'fail' ? 'non rempli' : 'inconnu'})`);
          throw new Problem(409, 'criteres_non_remplis', `Critères d’éligibilité non remplis ou non établis : ${failing.join(' ; ')}. La transmission au CTIS exige alors une justification écrite de l’équipe projet ipso.`, {
            criteria: el.criteria.filter((x) => x.status !== 'pass').map((x) => x.key),
          });
        }
      }
      const role = actorRole(user, tenantId);
      const [t] = await em.query(
        `INSERT INTO candidacy_transitions (tenant_id, candidacy_id, from_state, to_state, actor_user_id, actor_role, reason, document_ids, decision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [tenantId, c.id, c.state, input.to, user.id, role, input.reason, input.documentIds, JSON.stringify(decision)],
      );
      await em.query(
        `UPDATE candidacies SET state = $2, updated_at = now(),
           ctis_decision_date = coalesce($3, ctis_decision_date), ctis_decision_number = coalesce($4, ctis_decision_number),
           convention_number = coalesce($5, convention_number), convention_signed_on = coalesce($6, convention_signed_on),
           entry_date = coalesce($7, entry_date), exit_notice_received_on = coalesce($8, exit_notice_received_on),
           exit_effective_on = coalesce($9, exit_effective_on)
         WHERE tenant_id = $1`,
        [
          tenantId, input.to,
          decision.ctisDecisionDate ?? null, decision.ctisDecisionNumber ?? null,
          decision.conventionNumber ?? null, decision.conventionSignedOn ?? null, decision.entryDate ?? null,
          decision.cnamReceiptDate ?? null, decision.effectiveOn ?? null,
        ],
      );
      // The structure row carries the state (and E once the convention is signed) for the rest of the platform.
      await em.query(
        `UPDATE structures SET state = $2, convention_entry_date = coalesce($3, convention_entry_date), updated_at = now() WHERE id = $1`,
        [tenantId, input.to, decision.entryDate ?? null],
      );
      await this.audit.record(em, tenantId, {
        action: 'candidacy.transition',
        resourceType: 'candidacy',
        resourceId: c.id,
        detail: { transitionId: t.id, from: c.state, to: input.to, reason: input.reason, documentIds: input.documentIds, decision },
      });
      return this.view(em, tenantId, ability, await this.load(em, tenantId));
    });
  }

  /** Decision references: required fields present, no foreign ones, dates coherent; 400/422 otherwise. */
  private checkDecision(rule: TransitionRule, decision: Decision, c: CandidacyRow): Decision {
    const needed = DECISION_FIELDS[rule.decision];
    const errors: FieldError[] = [];
    for (const f of needed) {
      if (decision[f] === undefined) errors.push({ field: `decision.${f}`, code: 'obligatoire', detail: `${FIELD_LABELS[f]} obligatoire pour cette transition` });
    }
    for (const f of Object.keys(decision) as (keyof Decision)[]) {
      if (!needed.includes(f)) errors.push({ field: `decision.${f}`, code: 'sans_objet', detail: `${FIELD_LABELS[f]} sans objet pour cette transition` });
    }
    if (errors.length) {
      throw new Problem(400, 'donnees_invalides', `Références de décision incorrectes pour « ${rule.label} » — ${errors.map((e) => e.detail).join(' ; ')}.`, { errors });
    }
    const today = todayParis();
    const future = (['ctisDecisionDate', 'conventionSignedOn', 'cnamReceiptDate', 'effectiveOn'] as const).filter((f) => decision[f] && decision[f]! > today);
    if (future.length) {
      throw new Problem(422, 'date_future', `Une décision ne peut pas être datée dans le futur : ${future.map((f) => FIELD_LABELS[f]).join(', ')}.`, {
        errors: future.map((f) => ({ field: `decision.${f}`, code: 'date_future', detail: 'date postérieure à aujourd’hui' })),
      });
    }
    const { programmeStart, programmeEnd } = PROGRAMME_MILESTONES;
    if (decision.entryDate && (decision.entryDate < programmeStart || decision.entryDate > programmeEnd)) {
      throw new Problem(422, 'date_entree_hors_programme', `La date d’entrée E doit être comprise dans l’expérimentation (du ${programmeStart} au ${programmeEnd}).`, {
        errors: [{ field: 'decision.entryDate', code: 'hors_programme', detail: 'hors de la durée de l’expérimentation' }],
      });
    }
    if (rule.decision === 'exit_effective') {
      const receipt = c.exit_notice_received_on;
      const earliest = receipt ? addMonths(receipt, EXIT_NOTICE_MONTHS) : null;
      if (earliest && decision.effectiveOn! < earliest) {
        throw new Problem(422, 'preavis_non_respecte', `La sortie ne peut prendre effet avant le ${earliest} : préavis de ${EXIT_NOTICE_MONTHS} mois à compter de la réception par la CNAM le ${receipt} (§10).`, {
          errors: [{ field: 'decision.effectiveOn', code: 'preavis', detail: `au plus tôt le ${earliest}` }],
        });
      }
    }
    return decision;
  }

  private async checkDocuments(em: EntityManager, tenantId: string, candidacyId: string, ids: string[], field: string) {
    if (!ids.length) return;
    const rows: { id: string }[] = await em.query(
      'SELECT id FROM candidacy_documents WHERE tenant_id = $1 AND candidacy_id = $2 AND id = ANY($3::uuid[])',
      [tenantId, candidacyId, ids],
    );
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) {
      throw new Problem(422, 'document_inconnu', `Document(s) inconnu(s) pour cette candidature : ${missing.join(', ')}. Déposez-les d’abord.`, {
        errors: missing.map((id) => ({ field, code: 'document_inconnu', detail: `document ${id} introuvable` })),
      });
    }
  }

  async declare(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, input: DeclarationsInput) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Candidacy', { tenantId }));
    const profile = await this.eligibility.patientProfile(tenantId);
    return this.db.forTenant(tenantId, async (em) => {
      const c = await this.load(em, tenantId, true);
      const entries = Object.entries(input).filter(([, v]) => v !== undefined) as [string, { value: unknown; evidence?: string; documentId?: string }][];
      const docIds = entries.map(([, v]) => v.documentId).filter((x): x is string => !!x);
      await this.checkDocuments(em, tenantId, c.id, docIds, 'documentId');
      for (const [key, v] of entries) {
        await em.query(
          `INSERT INTO candidacy_declarations (tenant_id, candidacy_id, key, value, evidence, document_id, declared_by, declared_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, now())
           ON CONFLICT (tenant_id, candidacy_id, key) DO UPDATE
             SET value = EXCLUDED.value, evidence = EXCLUDED.evidence, document_id = EXCLUDED.document_id,
                 declared_by = EXCLUDED.declared_by, declared_at = EXCLUDED.declared_at`,
          [tenantId, c.id, key, JSON.stringify(v.value), v.evidence ?? null, v.documentId ?? null, user.id],
        );
      }
      await this.audit.record(em, tenantId, {
        action: 'candidacy.declare',
        resourceType: 'candidacy',
        resourceId: c.id,
        detail: { declarations: Object.fromEntries(entries.map(([k, v]) => [k, v.value])) },
      });
      return this.eligibility.compute(em, tenantId, profile);
    });
  }

  /** ipso_team's written justification for sending a candidacy that misses criteria to the CTIS (§1). */
  async justify(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, text: string) {
    // The justification is part of the CTIS dossier, which only ipso_team / platform_admin compose.
    ForbiddenError.from(ability).throwUnlessCan('create', subject('Dossier', { tenantId }));
    const profile = await this.eligibility.patientProfile(tenantId);
    return this.db.forTenant(tenantId, async (em) => {
      const c = await this.load(em, tenantId, true);
      await em.query('UPDATE candidacies SET justification = $2, justification_by = $3, justification_at = now(), updated_at = now() WHERE tenant_id = $1', [tenantId, text, user.id]);
      await this.audit.record(em, tenantId, { action: 'candidacy.justify', resourceType: 'candidacy', resourceId: c.id, detail: { length: text.length } });
      return this.eligibility.compute(em, tenantId, profile);
    });
  }

  async eligibilityPanel(tenantId: TenantId, ability: AppAbility): Promise<EligibilityView> {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Candidacy', { tenantId }));
    const profile = await this.eligibility.patientProfile(tenantId);
    return this.db.forTenant(tenantId, async (em) => {
      await this.load(em, tenantId);
      return this.eligibility.compute(em, tenantId, profile);
    });
  }

  async upload(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility, input: DocumentUpload) {
    ForbiddenError.from(ability).throwUnlessCan('update', subject('Candidacy', { tenantId }));
    const file = checkAttachment(input);
    return this.db.forTenant(tenantId, async (em) => {
      const c = await this.load(em, tenantId);
      const [row] = await em.query(
        `INSERT INTO candidacy_documents (tenant_id, candidacy_id, filename, media_type, byte_size, sha256, content, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, filename, media_type AS "mediaType", byte_size AS "byteSize", sha256, uploaded_at AS "uploadedAt", uploaded_by AS "uploadedBy"`,
        [tenantId, c.id, file.filename, file.mediaType, file.bytes.length, file.sha256, file.bytes, user.id],
      );
      await this.audit.record(em, tenantId, { action: 'candidacy.document.upload', resourceType: 'candidacy_document', resourceId: row.id, detail: { sha256: file.sha256, byteSize: file.bytes.length, mediaType: file.mediaType } });
      return { ...row, uploadedAt: iso(row.uploadedAt) };
    });
  }

  async download(tenantId: TenantId, ability: AppAbility, documentId: string) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Candidacy', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const [row] = await em.query('SELECT id, filename, media_type, sha256, content FROM candidacy_documents WHERE tenant_id = $1 AND id = $2', [tenantId, documentId]);
      if (!row) throw notFound('Le document');
      await this.audit.record(em, tenantId, { action: 'candidacy.document.read', resourceType: 'candidacy_document', resourceId: documentId });
      return { filename: row.filename as string, mediaType: row.media_type as string, sha256: row.sha256 as string, content: row.content as Buffer };
    });
  }

  /** ipso_team's portfolio: every candidacy with its criteria, and the programme milestones (audited cross-structure read). */
  async portfolio(user: AuthenticatedUser, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('read', 'CandidacyPortfolio');
    const ids: string[] = (await this.db.forPlatform(user.id, (em) => em.query('SELECT tenant_id FROM candidacies'))).map((r: { tenant_id: string }) => r.tenant_id);
    const profiles = new Map<string, Awaited<ReturnType<EligibilityService['patientProfile']>>>();
    for (const id of ids) profiles.set(id, await this.eligibility.patientProfile(asTenantId(id)));
    return this.db.forPlatform(user.id, async (em) => {
      const rows = await em.query(
        `SELECT c.tenant_id, c.state, c.updated_at, s.name, s.city FROM candidacies c JOIN structures s ON s.id = c.tenant_id ORDER BY s.name`,
      );
      const candidacies = [];
      for (const r of rows) {
        candidacies.push({
          structureId: r.tenant_id,
          structureName: r.name,
          city: r.city,
          state: r.state,
          updatedAt: iso(r.updated_at)!,
          eligibility: await this.eligibility.compute(em, r.tenant_id, profiles.get(r.tenant_id) ?? null),
        });
      }
      await this.audit.record(em, null, { action: 'candidacies.portfolio', resourceType: 'candidacy', detail: { count: candidacies.length } });
      const selected = candidacies.filter((c) => SELECTED_STATES.includes(c.state));
      const small = selected.filter((c) => c.eligibility.aavPopulation !== null && c.eligibility.aavPopulation < ELIGIBILITY_PARAMS.smallAavMaxPopulation);
      return { generatedAt: new Date().toISOString(), milestones: milestones(todayParis(), selected.length, candidacies.length), target: {
        label: `Au moins ${PROGRAMME_MILESTONES.requiredSelected} structures retenues dans une aire d’attraction de moins de 300 000 habitants`,
        required: PROGRAMME_MILESTONES.requiredSelected,
        selected: selected.length,
        inSmallAav: small.length,
      }, candidacies };
    });
  }

  private async load(em: EntityManager, tenantId: string, forUpdate = false): Promise<CandidacyRow> {
    const [c] = await em.query(
      `SELECT id, tenant_id, state, opened_at, updated_at, ctis_decision_date::text, ctis_decision_number, convention_number,
              convention_signed_on::text, entry_date::text, exit_notice_received_on::text, exit_effective_on::text
         FROM candidacies WHERE tenant_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [tenantId],
    );
    if (!c) throw notFound('La candidature');
    return c;
  }

  private async view(em: EntityManager, tenantId: TenantId, ability: AppAbility, c: CandidacyRow) {
    const [s] = await em.query('SELECT name FROM structures WHERE id = $1', [tenantId]);
    const history = await em.query(
      `SELECT id, from_state, to_state, actor_user_id, actor_role, occurred_at, reason, document_ids, decision
         FROM candidacy_transitions WHERE tenant_id = $1 ORDER BY occurred_at, id`,
      [tenantId],
    );
    const documents = await em.query(
      `SELECT id, filename, media_type AS "mediaType", byte_size AS "byteSize", sha256, uploaded_at AS "uploadedAt", uploaded_by AS "uploadedBy"
         FROM candidacy_documents WHERE tenant_id = $1 ORDER BY uploaded_at, id`,
      [tenantId],
    );
    return {
      id: c.id,
      structureId: tenantId,
      structureName: s?.name ?? '',
      state: c.state,
      openedAt: iso(c.opened_at)!,
      updatedAt: iso(c.updated_at)!,
      ctisDecisionDate: c.ctis_decision_date,
      ctisDecisionNumber: c.ctis_decision_number,
      conventionNumber: c.convention_number,
      conventionSignedOn: c.convention_signed_on,
      entryDate: c.entry_date,
      exitNoticeReceivedOn: c.exit_notice_received_on,
      earliestExitOn: c.exit_notice_received_on ? addMonths(c.exit_notice_received_on, EXIT_NOTICE_MONTHS) : null,
      exitEffectiveOn: c.exit_effective_on,
      nextTransitions: transitionsFrom(c.state).map((t) => ({
        to: t.to,
        label: t.label,
        roles: [...t.roles],
        allowedForYou: ability.can('create', subject('CandidacyTransition', { tenantId, from: t.from, to: t.to })),
      })),
      history: history.map((h: Record<string, unknown>) => ({
        id: h.id,
        from: h.from_state,
        to: h.to_state,
        label: TRANSITIONS.find((t) => t.from === h.from_state && t.to === h.to_state)?.label ?? '',
        actorUserId: h.actor_user_id,
        actorRole: h.actor_role,
        occurredAt: iso(h.occurred_at as Date),
        reason: h.reason,
        documentIds: h.document_ids,
        decision: h.decision,
      })),
      documents: documents.map((d: { uploadedAt: Date }) => ({ ...d, uploadedAt: iso(d.uploadedAt) })),
    };
  }
}

function milestones(today: string, selected: number, total: number) {
  const M = PROGRAMME_MILESTONES;
  const status = (date: string, ok: boolean) => (ok ? 'met' : today > date ? 'missed' : 'pending') as 'met' | 'pending' | 'missed';
  return [
    {
      key: 'copil_checkpoint',
      date: M.copilCheckpoint,
      label: 'Point d’étape du COPIL sur le processus de sélection (début décembre 2026)',
      status: (today >= M.copilCheckpoint ? 'met' : 'pending') as 'met' | 'pending',
      detail: `${total} candidature(s) suivie(s), ${selected} structure(s) retenue(s) par le CTIS.`,
    },
    {
      key: 'ctis_march_2027',
      date: M.ctisMarch,
      label: 'CTIS de mars 2027 : au moins une structure hors ipso sélectionnée (lancement au plus tard en juin 2027), sinon arrêt possible',
      status: status(M.ctisMarch, selected >= 1),
      detail: `${selected} structure(s) retenue(s) sur 1 requise.`,
    },
    {
      key: 'ctis_june_2027',
      date: M.ctisJune,
      label: 'CTIS de juin 2027 : une deuxième structure hors ipso retenue (lancement au plus tard en septembre 2027), sinon arrêt possible',
      status: status(M.ctisJune, selected >= 2),
      detail: `${selected} structure(s) retenue(s) sur 2 requises.`,
    },
  ];
}
