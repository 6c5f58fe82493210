import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { notFound } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { PdfArchive } from '../pdf/pdf-archive';
import { PdfService } from '../pdf/pdf.service';
import { FIELD_LABELS } from './candidacies.service';
import { EligibilityService, todayParis } from './eligibility.service';
import { DOSSIER_SOURCE, DOSSIER_TEMPLATE } from './dossier.template';
import { TRANSITIONS } from './transitions';
import { dossierSummary, latestSimulation } from '../simulations/simulation-store';

/** The audit as the dossier shows it: answers with review comments and section scores. */
export interface DossierAudit {
  questionnaire: string;
  version: string;
  status: string;
  sections: { title: string; score?: { score: number | string; justification: string }; items: { text: string; answer: string; comments: string[] }[] }[];
}
export const DOSSIER_AUDIT_SOURCE = Symbol('DOSSIER_AUDIT_SOURCE');
export interface DossierAuditSource {
  forDossier(em: EntityManager, tenantId: TenantId): Promise<DossierAudit | null>;
}

export const DOSSIER_KIND = 'candidacy_dossier';

/** The COPIL/CTIS dossier (issue #4 §5): rendered by the shared PDF service, stored immutably with its hash. */
@Injectable()
export class DossierService implements OnModuleInit {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly pdf: PdfService,
    private readonly archive: PdfArchive,
    private readonly eligibility: EligibilityService,
    @Optional() @Inject(DOSSIER_AUDIT_SOURCE) private readonly auditSource?: DossierAuditSource,
  ) {}

  onModuleInit(): void {
    this.pdf.register(DOSSIER_TEMPLATE, DOSSIER_SOURCE);
  }

  async generate(user: AuthenticatedUser, tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('create', subject('Dossier', { tenantId }));
    const profile = await this.eligibility.patientProfile(tenantId);
    const data = await this.db.forTenant(tenantId, async (em) => {
      const [candidacy] = await em.query('SELECT id, state FROM candidacies WHERE tenant_id = $1', [tenantId]);
      if (!candidacy) throw notFound('La candidature');
      const [structure] = await em.query('SELECT * FROM structures WHERE id = $1', [tenantId]);
      const practitioners = await em.query(
        'SELECT last_name, first_name, profession FROM practitioners WHERE tenant_id = $1 AND (left_on IS NULL OR left_on >= $2) ORDER BY last_name, first_name',
        [tenantId, todayParis()],
      );
      const history = (
        await em.query('SELECT from_state, to_state, actor_role, occurred_at, reason, decision FROM candidacy_transitions WHERE tenant_id = $1 ORDER BY occurred_at, id', [tenantId])
      ).map((h: { from_state: string; to_state: string; actor_role: string; occurred_at: Date; reason: string; decision: Record<string, string> }) => ({
        occurredAt: new Date(h.occurred_at).toISOString(),
        label: TRANSITIONS.find((t) => t.from === h.from_state && t.to === h.to_state)?.label ?? `${h.from_state} → ${h.to_state}`,
        actorRole: h.actor_role,
        reason: h.reason,
        references: Object.entries(h.decision).map(([k, v]) => `${FIELD_LABELS[k as keyof typeof FIELD_LABELS] ?? k} : ${v}`).join(' ; '),
      }));
      return {
        candidacy,
        structure,
        practitioners,
        history,
        eligibility: await this.eligibility.compute(em, tenantId, profile),
        audit: this.auditSource ? await this.auditSource.forDossier(em, tenantId) : null,
        simulation: await latestSimulation(em, tenantId).then((v) => (v ? dossierSummary(v) : null)),
        generatedOn: todayParis(),
      };
    });
    // Rendered outside the transaction: no connection is held while Chromium works.
    const pdf = await this.pdf.render(DOSSIER_TEMPLATE, data);
    return this.db.forTenant(tenantId, async (em) => {
      const doc = await this.archive.store(em, tenantId, {
        kind: DOSSIER_KIND, templateName: DOSSIER_TEMPLATE, subjectType: 'candidacy', subjectId: data.candidacy.id, pdf, userId: user.id,
      });
      await this.audit.record(em, tenantId, { action: 'candidacy.dossier.generate', resourceType: 'generated_document', resourceId: doc.id, detail: { sha256: doc.sha256, byteSize: doc.byteSize, state: data.candidacy.state } });
      return doc;
    });
  }

  async latest(tenantId: TenantId, ability: AppAbility) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Dossier', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      const [candidacy] = await em.query('SELECT id FROM candidacies WHERE tenant_id = $1', [tenantId]);
      const doc = candidacy ? await this.archive.latest(em, tenantId, DOSSIER_KIND, candidacy.id) : null;
      if (!doc) throw notFound('Le dossier PDF');
      await this.audit.record(em, tenantId, { action: 'candidacy.dossier.read', resourceType: 'generated_document', resourceId: doc.id });
      return doc;
    });
  }
}
