import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { forbidden, notFound } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { PdfArchive } from '../pdf/pdf-archive';
import { PdfService } from '../pdf/pdf.service';
import {
  contentDigest,
  DOCTOR_STATEMENT_SOURCE,
  DOCTOR_STATEMENT_TEMPLATE,
  doctorStatementModel,
  STRUCTURE_STATEMENT_SOURCE,
  STRUCTURE_STATEMENT_TEMPLATE,
  structureStatementModel,
  type PaidPatientRow,
  type StructureInfo,
} from './statement-pdf';
import { StatementsService } from './statements.service';

export interface StatementPdf {
  pdf: Buffer;
  sha256: string;
  filename: string;
}

/**
 * Issue #6 §3 — the structure's monthly statement and each doctor's statement as PDF. An issued
 * statement's PDF is rendered once and archived with its SHA-256 (generated_documents, immutable):
 * every later download returns the same bytes. A draft's PDF is marked BROUILLON and not archived.
 */
@Injectable()
export class StatementDocumentsService implements OnModuleInit {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly pdf: PdfService,
    private readonly archive: PdfArchive,
    private readonly statements: StatementsService,
  ) {}

  onModuleInit(): void {
    this.pdf.register(STRUCTURE_STATEMENT_TEMPLATE, STRUCTURE_STATEMENT_SOURCE);
    this.pdf.register(DOCTOR_STATEMENT_TEMPLATE, DOCTOR_STATEMENT_SOURCE);
  }

  async structureStatement(tenantId: TenantId, ability: AppAbility, user: AuthenticatedUser, statementId: string): Promise<StatementPdf> {
    if (!ability.can('update', subject('Statement', { tenantId }))) throw forbidden('Le relevé de la structure est réservé à la coordination et à l’équipe ipso ; chaque médecin télécharge le sien.');
    const d = await this.statements.detail(tenantId, ability, statementId);
    const digest = contentDigest(d);
    return this.archived(tenantId, user, {
      kind: 'monthly_statement',
      statementId,
      issued: d.status !== 'draft',
      filename: `releve-${d.number}.pdf`,
      render: async (s) => this.pdf.render(STRUCTURE_STATEMENT_TEMPLATE, structureStatementModel(d, s, digest), { footerText: `${s.name} — relevé ${d.number} — SHA-256 ${digest.slice(0, 16)}…` }),
    });
  }

  async doctorStatement(tenantId: TenantId, ability: AppAbility, user: AuthenticatedUser, statementId: string, practitionerId: string): Promise<StatementPdf> {
    const own = user.memberships.some((m) => m.structureId === tenantId && m.practitionerId === practitionerId);
    if (!own && !ability.can('update', subject('Statement', { tenantId }))) throw forbidden('Un médecin ne télécharge que son propre relevé.');
    const d = await this.statements.detail(tenantId, ability, statementId);
    const doctor = d.doctors.find((x) => x.practitionerId === practitionerId);
    if (!doctor) throw notFound('Le relevé de ce médecin pour ce mois');
    const digest = contentDigest(d);
    return this.archived(tenantId, user, {
      kind: `doctor_statement:${practitionerId}`,
      statementId,
      issued: d.status !== 'draft',
      filename: `releve-${d.number}-${doctor.rpps}.pdf`,
      render: async (s) => {
        const patients = await this.paidPatients(tenantId, statementId, practitionerId);
        return this.pdf.render(DOCTOR_STATEMENT_TEMPLATE, doctorStatementModel(d, s, doctor, patients, digest), { footerText: `${doctor.name} — relevé ${d.number} — SHA-256 ${digest.slice(0, 16)}…` });
      },
    });
  }

  private async archived(
    tenantId: TenantId,
    user: AuthenticatedUser,
    doc: { kind: string; statementId: string; issued: boolean; filename: string; render: (s: StructureInfo) => Promise<Buffer> },
  ): Promise<StatementPdf> {
    const found = doc.issued ? await this.db.forTenant(tenantId, (em) => this.archive.latest(em, tenantId, doc.kind, doc.statementId)) : null;
    if (found) {
      await this.db.forTenant(tenantId, (em) => this.audit.record(em, tenantId, { action: 'statement.pdf.read', resourceType: 'generated_document', resourceId: found.id, detail: { kind: doc.kind } }));
      return { pdf: found.content, sha256: found.sha256, filename: doc.filename };
    }
    const s = await this.structure(tenantId);
    // Rendered outside any transaction: Chromium may take seconds, a connection is not held meanwhile.
    const pdf = await doc.render(s);
    return this.db.forTenant(tenantId, async (em) => {
      if (!doc.issued) {
        await this.audit.record(em, tenantId, { action: 'statement.pdf.draft', resourceType: 'statement', resourceId: doc.statementId, detail: { kind: doc.kind } });
        return { pdf, sha256: createHash('sha256').update(pdf).digest('hex'), filename: doc.filename };
      }
      // Two first downloads at once: the advisory lock keeps one archived copy.
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`pdf:${doc.kind}:${doc.statementId}`]);
      const again = await this.archive.latest(em, tenantId, doc.kind, doc.statementId);
      const stored = again ?? (await this.archive.store(em, tenantId, { kind: doc.kind, templateName: doc.kind.split(':')[0], subjectType: 'statement', subjectId: doc.statementId, pdf, userId: user.id }));
      await this.audit.record(em, tenantId, { action: 'statement.pdf.generate', resourceType: 'generated_document', resourceId: stored.id, detail: { kind: doc.kind, sha256: stored.sha256 } });
      return { pdf: again ? again.content : pdf, sha256: stored.sha256, filename: doc.filename };
    });
  }

  private structure(tenantId: TenantId): Promise<StructureInfo> {
    return this.db.forTenant(tenantId, async (em) => {
      const [r] = await em.query(`SELECT name, finess, address_line, postal_code, city, ipso_network FROM structures WHERE id = $1`, [tenantId]);
      return { name: r.name, finess: r.finess, addressLine: r.address_line, postalCode: r.postal_code, city: r.city, ipsoNetwork: r.ipso_network };
    });
  }

  private paidPatients(tenantId: TenantId, statementId: string, practitionerId: string): Promise<PaidPatientRow[]> {
    return this.db.forTenant(tenantId, async (em) => {
      const rows: { external_id: string; age: number; lines: string; net: string }[] = await em.query(
        `SELECT p.external_id, max((l.explanation->>'ageYears')::int) AS age, string_agg(l.explanation->>'label', ', ' ORDER BY l.line_code) AS lines, sum(l.net_cents) AS net
           FROM statement_patient_lines l JOIN patients p ON p.tenant_id = l.tenant_id AND p.id = l.patient_id
          WHERE l.tenant_id = $1 AND l.statement_id = $2 AND l.practitioner_id = $3 AND l.line_code <> 'none'
          GROUP BY p.external_id ORDER BY p.external_id`,
        [tenantId, statementId, practitionerId],
      );
      await this.audit.record(em, tenantId, { action: 'statement.patient_lines.read', resourceType: 'statement', resourceId: statementId, detail: { practitionerId, rows: rows.length, purpose: 'doctor_statement_pdf' } });
      return rows.map((r) => ({ externalId: r.external_id, ageYears: r.age, lines: r.lines, netCents: Number(r.net) }));
    });
  }
}
