import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import { DEFAULT_GRID_VERSION, InputError, computeSafeguard, type SafeguardStatement } from '@mtr/forfait-engine';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { Problem, forbidden, notFound } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { PdfArchive } from '../pdf/pdf-archive';
import { PdfService } from '../pdf/pdf.service';
import {
  conventionOf,
  loadActs,
  loadDoctors,
  loadForfaitIncome,
  loadStructure,
  loadTariffs,
  tariffVersion,
  tariffsCited,
  toTariffInput,
  type Doctor,
  type StructureConvention,
} from './safeguard-inputs';
import { frMonth } from '../pdf/french-format';
import { SAFEGUARD_SOURCE, SAFEGUARD_TEMPLATE, statementModel } from './safeguard-statement.template';
import type { SafeguardDetail, SafeguardMonthView, SafeguardSummary, TariffUsed } from './safeguard.schemas';
import { frenchEngineIssue, frenchEngineMessage } from '../common/engine-messages';

type Convention = StructureConvention & { entryDate: string };

const parisDay = (d: Date): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** A computation refused by the engine (missing tariff, bad convention) → 422 naming what is missing. */
function engineProblem(e: InputError): Problem {
  const missing = e.issues
    .map((i) => /no tariff for (?:majoration )?(\S+) on (\S+)/.exec(i.message))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} au ${m[2]}`);
  const errors = e.issues.map((i) => ({ field: i.path, code: 'calcul_impossible', detail: frenchEngineMessage(i.message) }));
  if (missing.length > 0)
    return new Problem(
      422,
      'tarif_manquant',
      `Aucun tarif daté pour valoriser ${[...new Set(missing)].slice(0, 10).join(', ')} : l’équipe ipso doit l’ajouter à la table des tarifs (POST /reference-data/tariffs).`,
      { errors },
    );
  return new Problem(422, 'calcul_impossible', `La clause de sauvegarde ne peut pas être calculée : ${e.issues.map((i) => frenchEngineIssue(i)).join(' ; ')}`, { errors });
}

interface IssuedRow {
  id: string;
  number: string;
  window_start: string;
  window_end: string;
  method: SafeguardDetail['method'];
  params_version: string;
  tariff_version: string;
  tariffs: TariffUsed[];
  forfait_income_cents: string;
  fee_for_service_cents: string;
  difference_cents: string;
  compensation_cents: string;
  months: SafeguardMonthView[];
  ignored_acts: Record<string, number>;
  issued_at: Date;
  issued_by: string | null;
  document_id: string;
  sha256: string;
}

/**
 * Issue #6 §4 — safeguard clause (RULES §5), non-ipso structures only. The rule is the engine's
 * `computeSafeguard`; this service gathers its inputs (issued monthly statements, activity,
 * dated tariffs, the convention's method), shows the monthly provisional view, and issues the
 * final statement once the doctor's 12 months are over and all 12 monthly statements are issued.
 * Every read and write is in the audit trail.
 */
@Injectable()
export class SafeguardService implements OnModuleInit {
  /** Today's date; replaced in tests to stand at the end of a window. */
  readonly clock = { now: (): Date => new Date() };

  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly pdf: PdfService,
    private readonly archive: PdfArchive,
  ) {}

  onModuleInit(): void {
    this.pdf.register(SAFEGUARD_TEMPLATE, SAFEGUARD_SOURCE);
  }

  private currentMonth(): string {
    return parisDay(this.clock.now()).slice(0, 7);
  }

  private canRead(ability: AppAbility, tenantId: string, practitionerId: string): boolean {
    return ability.can('read', subject('Safeguard', { tenantId, practitionerId }));
  }

  async list(tenantId: TenantId, ability: AppAbility, asOf?: string) {
    // Any read rule on Safeguard (the structure guard already checked membership); rows filtered below.
    if (!ability.can('read', 'Safeguard')) throw forbidden();
    const month = asOf ?? this.currentMonth();
    return this.db.forTenant(tenantId, async (em) => {
      const structure = await this.convention(em, tenantId);
      const tariffs = await loadTariffs(em);
      const doctors = (await loadDoctors(em, tenantId)).filter((d) => this.canRead(ability, tenantId, d.practitionerId));
      const out: SafeguardSummary[] = [];
      for (const d of doctors) out.push(summaryOf(await this.compute(em, tenantId, structure, d, month, tariffs)));
      await this.audit.record(em, tenantId, {
        action: 'safeguard.list',
        resourceType: 'safeguard',
        resourceId: tenantId,
        detail: { asOf: month, doctors: out.length },
      });
      return { structureId: tenantId, entryDate: structure.entryDate, method: structure.method, asOf: month, doctors: out };
    });
  }

  async detail(tenantId: TenantId, ability: AppAbility, practitionerId: string, asOf?: string): Promise<SafeguardDetail> {
    if (!this.canRead(ability, tenantId, practitionerId)) throw forbidden('Vous ne pouvez consulter que votre propre clause de sauvegarde.');
    const month = asOf ?? this.currentMonth();
    return this.db.forTenant(tenantId, async (em) => {
      const structure = await this.convention(em, tenantId);
      const doctor = await this.doctor(em, tenantId, practitionerId);
      const detail = await this.compute(em, tenantId, structure, doctor, month, await loadTariffs(em));
      await this.audit.record(em, tenantId, {
        action: 'safeguard.read',
        resourceType: detail.issued ? 'safeguard_statement' : 'safeguard',
        resourceId: detail.issued?.id ?? practitionerId,
        detail: { practitionerId, asOf: month, status: detail.status },
      });
      return detail;
    });
  }

  /** Final statement: once the window is over and its 12 monthly statements are issued; idempotent. */
  async issue(
    tenantId: TenantId,
    user: AuthenticatedUser,
    ability: AppAbility,
    practitionerId: string,
  ): Promise<{ created: boolean; statement: SafeguardDetail }> {
    if (!ability.can('create', subject('Safeguard', { tenantId, practitionerId }))) throw forbidden();
    const now = this.clock.now();
    const prepared = await this.db.forTenant(tenantId, async (em) => {
      const structure = await this.convention(em, tenantId);
      const doctor = await this.doctor(em, tenantId, practitionerId);
      const window = this.window(structure, doctor);
      const detail = await this.compute(em, tenantId, structure, doctor, window.windowEnd, await loadTariffs(em));
      if (detail.issued) return { existing: detail, structure, detail };
      if (parisDay(now).slice(0, 7) <= window.windowEnd)
        throw new Problem(
          409,
          'fenetre_en_cours',
          `La fenêtre de 12 mois du Dr ${doctor.lastName} court jusqu’à ${frMonth(window.windowEnd)} : le relevé définitif ne peut être émis qu’une fois ce 12e mois terminé.`,
        );
      const missing = detail.months.filter((m) => m.monthlyStatement === null).map((m) => m.month);
      if (missing.length > 0)
        throw new Problem(
          409,
          'releves_mensuels_manquants',
          `Les relevés mensuels de ${missing.map(frMonth).join(', ')} ne sont pas émis : les 12 mois de la fenêtre doivent l’être avant le relevé définitif.`,
          { missingMonths: missing },
        );
      return { existing: null, structure, detail };
    });
    if (prepared.existing) return { created: false, statement: await this.readIssued(tenantId, practitionerId, 'safeguard.issue_repeat') };

    const id = randomUUID();
    const n = await this.db.forTenant(tenantId, async (em) => {
      const [r] = await em.query(`SELECT count(*)::int AS n FROM safeguard_statements WHERE tenant_id = $1 AND practitioner_id = $2`, [tenantId, practitionerId]);
      return r.n + 1;
    });
    const number = `MTR2-SAUV-${prepared.detail.rpps}-${prepared.detail.windowStart}-v${n}`;
    const issuedAt = now.toISOString();
    const toIssue: SafeguardDetail = {
      ...prepared.detail,
      status: 'issued',
      statementId: id,
      issued: { id, number, issuedAt, issuedBy: user.id, documentId: id, sha256: '' },
    };
    const pdf = await this.pdf.render(SAFEGUARD_TEMPLATE, statementModel(toIssue, prepared.structure.name, issuedAt, false));
    try {
      await this.db.forTenant(tenantId, async (em) => {
        const doc = await this.archive.store(em, tenantId, {
          kind: 'safeguard_statement',
          templateName: SAFEGUARD_TEMPLATE,
          subjectType: 'safeguard_statement',
          subjectId: id,
          pdf,
          userId: user.id,
        }, `le relevé définitif de clause de sauvegarde du médecin (RPPS ${prepared.detail.rpps}) n’est pas émis`);
        const d = prepared.detail;
        await em.query(
          `INSERT INTO safeguard_statements (tenant_id, id, number, practitioner_id, doctor_rpps, window_start, window_end, method,
             params_version, tariff_version, tariffs, source_statements, forfait_income_cents, fee_for_service_cents,
             difference_cents, compensation_cents, months, ignored_acts, issued_at, issued_by, document_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
          [
            tenantId, id, number, practitionerId, d.rpps, d.windowStart, d.windowEnd, d.method, d.paramsVersion, d.tariffVersion,
            JSON.stringify(d.tariffs), JSON.stringify(d.months.map((m) => ({ month: m.month, ...m.monthlyStatement }))),
            d.totals.forfaitNetCents, d.totals.feeForServiceCents, d.totals.differenceCents, d.totals.compensationCents,
            JSON.stringify(d.months), JSON.stringify(d.ignoredActs), issuedAt, user.id, doc.id,
          ],
        );
        await this.audit.record(em, tenantId, {
          action: 'safeguard.issue',
          resourceType: 'safeguard_statement',
          resourceId: id,
          detail: { practitionerId, number, compensationCents: d.totals.compensationCents, documentId: doc.id, sha256: doc.sha256 },
        });
      });
    } catch (e) {
      // A concurrent issue won the unique index: same statement for both callers.
      if ((e as { code?: string }).code === '23505')
        return { created: false, statement: await this.readIssued(tenantId, practitionerId, 'safeguard.issue_repeat') };
      throw e;
    }
    return { created: true, statement: await this.readIssued(tenantId, practitionerId, null) };
  }

  /** The statement PDF: the archived document once issued, else a provisional rendering (not archived). */
  async statementPdf(tenantId: TenantId, ability: AppAbility, practitionerId: string, asOf?: string): Promise<{ pdf: Buffer; issued: boolean; name: string }> {
    if (!this.canRead(ability, tenantId, practitionerId)) throw forbidden('Vous ne pouvez consulter que votre propre clause de sauvegarde.');
    const month = asOf ?? this.currentMonth();
    const { detail, stored, structureName } = await this.db.forTenant(tenantId, async (em) => {
      const structure = await this.convention(em, tenantId);
      const doctor = await this.doctor(em, tenantId, practitionerId);
      const d = await this.compute(em, tenantId, structure, doctor, month, await loadTariffs(em));
      let content: Buffer | null = null;
      if (d.issued) {
        const [row] = await em.query(`SELECT content FROM generated_documents WHERE tenant_id = $1 AND id = $2`, [tenantId, d.issued.documentId]);
        content = row?.content ?? null;
      }
      await this.audit.record(em, tenantId, {
        action: d.issued ? 'safeguard.statement_pdf' : 'safeguard.provisional_pdf',
        resourceType: d.issued ? 'safeguard_statement' : 'safeguard',
        resourceId: d.issued?.id ?? practitionerId,
        detail: { practitionerId, asOf: month, documentId: d.issued?.documentId ?? null },
      });
      return { detail: d, stored: content, structureName: structure.name };
    });
    const name = `sauvegarde-${detail.rpps}-${detail.windowStart}${stored ? '' : '-provisoire'}.pdf`;
    if (stored) return { pdf: stored, issued: true, name };
    if (detail.status === 'not_started')
      throw new Problem(409, 'fenetre_non_commencee', `La fenêtre de 12 mois de ce médecin commence en ${frMonth(detail.windowStart)}.`);
    const pdf = await this.pdf.render(SAFEGUARD_TEMPLATE, statementModel(detail, structureName, this.clock.now().toISOString(), true));
    return { pdf, issued: false, name };
  }

  private async readIssued(tenantId: TenantId, practitionerId: string, action: string | null): Promise<SafeguardDetail> {
    return this.db.forTenant(tenantId, async (em) => {
      const doctor = await this.doctor(em, tenantId, practitionerId);
      const row = await this.issuedRow(em, tenantId, practitionerId);
      if (!row) throw notFound('Le relevé de clause de sauvegarde');
      if (action)
        await this.audit.record(em, tenantId, { action, resourceType: 'safeguard_statement', resourceId: row.id, detail: { practitionerId } });
      return fromIssued(tenantId, doctor, row);
    });
  }

  private async issuedRow(em: EntityManager, tenantId: string, practitionerId: string): Promise<IssuedRow | null> {
    const [row] = await em.query(
      `SELECT s.id, s.number, s.window_start, s.window_end, s.method, s.params_version, s.tariff_version, s.tariffs,
              s.forfait_income_cents, s.fee_for_service_cents, s.difference_cents, s.compensation_cents, s.months, s.ignored_acts,
              s.issued_at, s.issued_by, s.document_id, d.sha256
         FROM safeguard_statements s JOIN generated_documents d ON d.tenant_id = s.tenant_id AND d.id = s.document_id
        WHERE s.tenant_id = $1 AND s.practitioner_id = $2 AND s.status = 'issued'`,
      [tenantId, practitionerId],
    );
    return row ?? null;
  }

  private async convention(em: EntityManager, tenantId: string): Promise<Convention> {
    const s = await loadStructure(em, tenantId);
    if (!s) throw notFound('La structure');
    if (s.ipso)
      throw new Problem(
        422,
        'clause_non_applicable',
        'La clause de sauvegarde ne s’applique qu’aux médecins des structures hors réseau ipso santé (cahier des charges §8).',
      );
    if (!s.entryDate)
      throw new Problem(
        409,
        'convention_absente',
        'La structure n’a pas encore de date d’entrée fixée par sa convention CNAM : la clause de sauvegarde ne peut pas être calculée.',
      );
    return { ...s, entryDate: s.entryDate };
  }

  private async doctor(em: EntityManager, tenantId: string, practitionerId: string): Promise<Doctor> {
    const [d] = await loadDoctors(em, tenantId, practitionerId);
    if (!d) throw notFound('Le médecin généraliste');
    return d;
  }

  /** The doctor's own window, from the engine (structure entry E or their later arrival). */
  private window(structure: Convention, doctor: Doctor): SafeguardStatement {
    try {
      return computeSafeguard({
        convention: conventionOf(structure),
        doctor: { rpps: doctor.rpps, arrivalDate: doctor.joinedOn },
        tariffs: [],
        forfaitIncome: [],
        acts: [],
      });
    } catch (e) {
      if (e instanceof InputError) throw engineProblem(e);
      throw e;
    }
  }

  private async compute(
    em: EntityManager,
    tenantId: string,
    structure: Convention,
    doctor: Doctor,
    asOf: string,
    tariffs: TariffUsed[],
  ): Promise<SafeguardDetail> {
    const issued = await this.issuedRow(em, tenantId, doctor.practitionerId);
    if (issued) return fromIssued(tenantId, doctor, issued);
    const window = this.window(structure, doctor);
    const base = {
      ...doctorOf(doctor),
      structureId: tenantId,
      windowStart: window.windowStart,
      windowEnd: window.windowEnd,
      method: structure.method,
      paramsVersion: DEFAULT_GRID_VERSION,
      statementId: null,
      issued: null,
    };
    if (asOf < window.windowStart)
      return {
        ...base,
        status: 'not_started',
        asOfMonth: null,
        final: false,
        totals: { forfaitNetCents: 0, feeForServiceCents: 0, differenceCents: 0, compensationCents: 0 },
        months: [],
        tariffs: [],
        tariffVersion: tariffVersion([]),
        ignoredActs: {},
      };
    const to = asOf < window.windowEnd ? asOf : window.windowEnd;
    const { income, sources } = await loadForfaitIncome(em, tenantId, doctor.practitionerId, window.windowStart, to);
    const { acts, skipped } = await loadActs(em, tenantId, doctor.rpps, window.windowStart, to);
    let s: SafeguardStatement;
    try {
      s = computeSafeguard({
        convention: conventionOf(structure),
        doctor: { rpps: doctor.rpps, arrivalDate: doctor.joinedOn },
        method: structure.method,
        asOfMonth: to,
        tariffs: tariffs.map(toTariffInput),
        forfaitIncome: income,
        acts,
      });
    } catch (e) {
      if (e instanceof InputError) throw engineProblem(e);
      throw e;
    }
    const bySource = new Map(sources.map((x) => [x.month, x]));
    const cited = tariffsCited(tariffs, acts, window.windowStart, to);
    return {
      ...base,
      status: s.final ? 'complete' : 'in_progress',
      asOfMonth: s.asOfMonth,
      final: s.final,
      method: s.method,
      totals: {
        forfaitNetCents: s.forfaitNetCents,
        feeForServiceCents: s.feeForServiceCents,
        differenceCents: s.differenceCents,
        compensationCents: s.compensationCents,
      },
      months: s.months.map((m) => {
        const src = bySource.get(m.month);
        return { ...m, monthlyStatement: src ? { id: src.id, number: src.number, version: src.version } : null };
      }),
      tariffs: cited,
      tariffVersion: tariffVersion(cited),
      ignoredActs: { ...s.ignoredActs, ...skipped },
    };
  }
}

const doctorOf = (d: Doctor) => ({
  practitionerId: d.practitionerId,
  rpps: d.rpps,
  lastName: d.lastName,
  firstName: d.firstName,
  joinedOn: d.joinedOn,
});

function fromIssued(tenantId: string, doctor: Doctor, r: IssuedRow): SafeguardDetail {
  return {
    ...doctorOf(doctor),
    structureId: tenantId,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    status: 'issued',
    asOfMonth: r.window_end,
    final: true,
    method: r.method,
    paramsVersion: r.params_version,
    tariffVersion: r.tariff_version,
    totals: {
      forfaitNetCents: Number(r.forfait_income_cents),
      feeForServiceCents: Number(r.fee_for_service_cents),
      differenceCents: Number(r.difference_cents),
      compensationCents: Number(r.compensation_cents),
    },
    months: r.months,
    tariffs: r.tariffs,
    ignoredActs: r.ignored_acts,
    statementId: r.id,
    issued: {
      id: r.id,
      number: r.number,
      issuedAt: new Date(r.issued_at).toISOString(),
      issuedBy: r.issued_by,
      documentId: r.document_id,
      sha256: r.sha256,
    },
  };
}

function summaryOf(d: SafeguardDetail): SafeguardSummary {
  return {
    practitionerId: d.practitionerId,
    rpps: d.rpps,
    lastName: d.lastName,
    firstName: d.firstName,
    joinedOn: d.joinedOn,
    windowStart: d.windowStart,
    windowEnd: d.windowEnd,
    status: d.status,
    asOfMonth: d.asOfMonth,
    final: d.final,
    totals: d.totals,
    statementId: d.statementId,
  };
}
