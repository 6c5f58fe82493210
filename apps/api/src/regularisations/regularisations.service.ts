import { Injectable, type OnModuleInit } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import type { TenantId } from '@mtr/tenancy';
import {
  InputError,
  getProgrammeParams,
  netOfLeakage,
  parseRate,
  ratePercentText,
  realLeakageRate,
  regularise,
  type Rate,
} from '@mtr/forfait-engine';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { Problem, forbidden, notFound } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { PdfArchive } from '../pdf/pdf-archive';
import { PdfService } from '../pdf/pdf.service';
import { issuedMonthlyStatements } from '../statements/statement-queries';
import { parisDate } from '../pdf/french-format';
import {
  REGULARISATION_SOURCE,
  REGULARISATION_TEMPLATE,
  regularisationModel,
  regularisationNumber,
} from './regularisation-document';
import type { CopilDecisionBody, EnterBody, RegularisationView } from './regularisation.schemas';

type Status = RegularisationView['status'];
const STATUS_FR: Record<Status, string> = { entered: 'saisie', copil_validated: 'validée par le COPIL', issued: 'émise' };
const DOCUMENT_KIND = 'leakage_regularisation';

interface Row {
  id: string;
  tenant_id: string;
  year: number;
  input_kind: 'real_rate' | 'outside_amount';
  real_rate_input: string | null;
  outside_amount_cents: string | null;
  statement_count: number;
  forfait_gross_cents: string;
  gross_subject_cents: string;
  gross_exempt_cents: string;
  theoretical_rate: string;
  real_rate: string;
  due_cents: string;
  received_cents: string;
  regularisation_cents: string;
  status: Status;
  entered_by: string;
  entered_at: Date;
  copil_validated_by: string | null;
  copil_validated_at: Date | null;
  copil_meeting_date: string | null;
  copil_decision_number: string | null;
  issued_by: string | null;
  issued_at: Date | null;
  document_id: string | null;
}

const COLUMNS = `id, tenant_id, year, input_kind, real_rate_input, outside_amount_cents, statement_count, forfait_gross_cents,
  gross_subject_cents, gross_exempt_cents, theoretical_rate, real_rate, due_cents, received_cents, regularisation_cents,
  status, entered_by, entered_at, copil_validated_by, copil_validated_at, to_char(copil_meeting_date, 'YYYY-MM-DD') AS copil_meeting_date,
  copil_decision_number, issued_by, issued_at, document_id`;

/** The year's totals from its issued monthly statements (RULES §4: perte d'autonomie outside leakage). */
export interface YearTotals {
  statementCount: number;
  forfaitGrossCents: number;
  grossExemptCents: number;
  grossSubjectCents: number;
  receivedCents: number;
  theoreticalRate: string;
}

/**
 * Issue #6 §5 — leakage regularisation (RULES §4). The amounts come from the engine
 * (`regularise`), fed with the year's issued monthly statements: gross subject to leakage, gross
 * exempt (the engine's `leakageExemptLines`) and the net actually billed (received). The COPIL's
 * decision is recorded by ipso_team with its reference (docs/regularisation.md explains why).
 */
@Injectable()
export class RegularisationsService implements OnModuleInit {

  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly pdf: PdfService,
    private readonly archive: PdfArchive,
  ) {}

  onModuleInit(): void {
    this.pdf.register(REGULARISATION_TEMPLATE, REGULARISATION_SOURCE);
  }

  async enter(tenantId: TenantId, user: AuthenticatedUser, ability: AppAbility, body: EnterBody): Promise<{ created: boolean; view: RegularisationView }> {
    if (!ability.can('create', subject('Regularisation', { tenantId }))) throw forbidden();
    return this.db.forTenant(tenantId, async (em) => {
      const totals = await yearTotals(em, tenantId, body.year);
      const input = 'realRate' in body ? { realRate: parseRate(body.realRate).text } : { outsideAmountCents: body.outsideAmountCents };
      const result = computeFor(totals, body.year, input);
      const [existing]: Row[] = await em.query(
        `SELECT ${COLUMNS} FROM leakage_regularisations WHERE tenant_id = $1 AND year = $2 FOR UPDATE`,
        [tenantId, body.year],
      );
      if (existing && existing.status !== 'entered') throw outOfOrder(existing, 'une nouvelle saisie', 'saisie');
      const values = [
        tenantId, body.year, 'realRate' in input ? 'real_rate' : 'outside_amount',
        'realRate' in input ? input.realRate : null, 'outsideAmountCents' in input ? input.outsideAmountCents : null,
        totals.statementCount, totals.forfaitGrossCents, totals.grossSubjectCents, totals.grossExemptCents,
        totals.theoreticalRate, result.realRate.text, result.dueCents, result.receivedCents, result.regularisationCents, user.id,
      ];
      let row: Row;
      if (existing) {
        row = await updateReturning(
          em,
          `UPDATE leakage_regularisations SET input_kind = $3, real_rate_input = $4, outside_amount_cents = $5, statement_count = $6,
                  forfait_gross_cents = $7, gross_subject_cents = $8, gross_exempt_cents = $9, theoretical_rate = $10, real_rate = $11,
                  due_cents = $12, received_cents = $13, regularisation_cents = $14, entered_by = $15, entered_at = now()
            WHERE tenant_id = $1 AND year = $2 RETURNING ${COLUMNS}`,
          values,
        );
      } else {
        [row] = await em.query(
          `INSERT INTO leakage_regularisations (tenant_id, year, input_kind, real_rate_input, outside_amount_cents, statement_count,
                  forfait_gross_cents, gross_subject_cents, gross_exempt_cents, theoretical_rate, real_rate, due_cents, received_cents,
                  regularisation_cents, entered_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING ${COLUMNS}`,
          values,
        );
      }
      // The trail keeps what a re-entry replaced: amounts and rates only, never patient data.
      await this.audit.record(em, tenantId, {
        action: existing ? 'regularisation.reentered' : 'regularisation.entered',
        resourceType: 'leakage_regularisation',
        resourceId: row.id,
        detail: {
          year: body.year,
          input,
          regularisationCents: result.regularisationCents,
          ...(existing ? { previous: { input: inputOf(existing), realRate: existing.real_rate, regularisationCents: Number(existing.regularisation_cents) } } : {}),
        },
      });
      return { created: !existing, view: toView(row) };
    }, user.id);
  }

  async list(tenantId: TenantId, ability: AppAbility): Promise<RegularisationView[]> {
    if (!ability.can('read', subject('Regularisation', { tenantId }))) throw forbidden();
    return this.db.forTenant(tenantId, async (em) => {
      const rows: Row[] = await em.query(`SELECT ${COLUMNS} FROM leakage_regularisations WHERE tenant_id = $1 ORDER BY year`, [tenantId]);
      return rows.map(toView);
    });
  }

  async get(tenantId: TenantId, ability: AppAbility, year: number): Promise<RegularisationView> {
    if (!ability.can('read', subject('Regularisation', { tenantId }))) throw forbidden();
    return this.db.forTenant(tenantId, async (em) => toView(await load(em, tenantId, year)));
  }

  /** Records the annual COPIL's decision (meeting date, decision number): entered → copil_validated. */
  async recordCopilDecision(tenantId: TenantId, user: AuthenticatedUser, ability: AppAbility, year: number, body: CopilDecisionBody): Promise<RegularisationView> {
    if (!ability.can('update', subject('Regularisation', { tenantId }))) throw forbidden();
    return this.db.forTenant(tenantId, async (em) => {
      const row = await load(em, tenantId, year, true);
      if (row.status !== 'entered') throw outOfOrder(row, 'la validation par le COPIL', 'saisie');
      // The real rate of N is computed in N+1: the COPIL that validates it meets in N+1 or later.
      if (body.meetingDate < `${year + 1}-01-01`)
        throw new Problem(422, 'date_copil_invalide', `meetingDate : le COPIL qui valide la régularisation ${year} se réunit au plus tôt en ${year + 1} (reçu ${body.meetingDate}).`, {
          errors: [{ field: 'meetingDate', code: 'date_copil_invalide', detail: `au plus tôt le ${year + 1}-01-01` }],
        });
      const updated = await updateReturning(
        em,
        `UPDATE leakage_regularisations SET status = 'copil_validated', copil_validated_by = $3, copil_validated_at = now(),
                copil_meeting_date = $4, copil_decision_number = $5
          WHERE tenant_id = $1 AND year = $2 RETURNING ${COLUMNS}`,
        [tenantId, year, user.id, body.meetingDate, body.decisionNumber],
      );
      await this.audit.record(em, tenantId, {
        action: 'regularisation.copil_validated',
        resourceType: 'leakage_regularisation',
        resourceId: row.id,
        detail: { year, meetingDate: body.meetingDate, decisionNumber: body.decisionNumber, regularisationCents: Number(row.regularisation_cents) },
      });
      return toView(updated);
    }, user.id);
  }

  /** Renders and archives the statement PDF, then copil_validated → issued (immutable from then on). */
  async issue(tenantId: TenantId, user: AuthenticatedUser, ability: AppAbility, year: number): Promise<RegularisationView> {
    if (!ability.can('update', subject('Regularisation', { tenantId }))) throw forbidden();
    const { view, structureName } = await this.db.forTenant(tenantId, async (em) => {
      const row = await load(em, tenantId, year);
      if (row.status !== 'copil_validated') throw outOfOrder(row, 'l’émission', 'validée par le COPIL');
      const [s] = await em.query(`SELECT name FROM structures WHERE id = $1`, [tenantId]);
      return { view: toView(row), structureName: String(s?.name ?? '') };
    });
    // Rendered outside any transaction (Chromium can take a second); the step is re-checked under lock below.
    const issuedOn = parisDate(new Date());
    const pdf = await this.pdf.render(REGULARISATION_TEMPLATE, regularisationModel(view, structureName, issuedOn));
    return this.db.forTenant(tenantId, async (em) => {
      const row = await load(em, tenantId, year, true);
      if (row.status !== 'copil_validated') throw outOfOrder(row, 'l’émission', 'validée par le COPIL');
      // Storage full or refused: the archive says so (503) and the status stays copil_validated.
      const doc = await this.archive.store(
        em,
        tenantId,
        { kind: DOCUMENT_KIND, templateName: REGULARISATION_TEMPLATE, subjectType: 'leakage_regularisation', subjectId: row.id, pdf, userId: user.id },
        `la régularisation ${year} n’est pas émise et reste « validée par le COPIL »`,
      );
      const updated = await updateReturning(
        em,
        `UPDATE leakage_regularisations SET status = 'issued', issued_by = $3, issued_at = now(), document_id = $4
          WHERE tenant_id = $1 AND year = $2 RETURNING ${COLUMNS}`,
        [tenantId, year, user.id, doc.id],
      );
      await this.audit.record(em, tenantId, {
        action: 'regularisation.issued',
        resourceType: 'leakage_regularisation',
        resourceId: row.id,
        detail: { year, documentId: doc.id, sha256: doc.sha256, regularisationCents: Number(row.regularisation_cents) },
      });
      return toView(updated);
    }, user.id);
  }

  async document(tenantId: TenantId, ability: AppAbility, year: number): Promise<{ pdf: Buffer; sha256: string; number: string }> {
    if (!ability.can('read', subject('Regularisation', { tenantId }))) throw forbidden();
    return this.db.forTenant(tenantId, async (em) => {
      const row = await load(em, tenantId, year);
      if (row.status !== 'issued' || !row.document_id) throw new Problem(404, 'introuvable', `La régularisation ${year} n’est pas encore émise : aucun relevé PDF.`);
      const [doc] = await em.query(`SELECT content, sha256 FROM generated_documents WHERE tenant_id = $1 AND id = $2`, [tenantId, row.document_id]);
      if (!doc) throw notFound('Le relevé de régularisation');
      return { pdf: doc.content as Buffer, sha256: String(doc.sha256), number: regularisationNumber(tenantId, year) };
    });
  }
}

/** UPDATE … RETURNING through TypeORM's pg driver yields [rows, rowCount]. */
async function updateReturning(em: EntityManager, sql: string, params: unknown[]): Promise<Row> {
  const res = (await em.query(sql, params)) as [Row[], number];
  return res[0][0];
}

async function load(em: EntityManager, tenantId: TenantId, year: number, lock = false): Promise<Row> {
  const [row]: Row[] = await em.query(
    `SELECT ${COLUMNS} FROM leakage_regularisations WHERE tenant_id = $1 AND year = $2${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, year],
  );
  if (!row) throw notFound(`La régularisation de l’année ${year}`);
  return row;
}

function outOfOrder(row: Row, action: string, expected: string): Problem {
  return new Problem(409, 'etape_hors_sequence', `La régularisation ${row.year} est « ${STATUS_FR[row.status]} » : ${action} n’est possible qu’à l’étape « ${expected} ».`, {
    status: row.status,
  });
}

/** Year N from its issued monthly statements; 422 when there is none. */
export async function yearTotals(em: EntityManager, tenantId: TenantId, year: number): Promise<YearTotals> {
  const statements = await issuedMonthlyStatements(em, tenantId, `${year}-01`, `${year}-12`);
  if (statements.length === 0)
    throw new Problem(422, 'aucun_releve_emis', `Aucun relevé mensuel émis pour l’année ${year} : la régularisation se calcule sur les forfaits des relevés émis de l’année.`);
  const exemptCodes = new Set(getProgrammeParams(statements[0].paramsVersion).leakageExemptLines);
  let gross = 0;
  let exempt = 0;
  let received = 0;
  for (const s of statements) {
    gross += s.grossCents;
    received += s.netCents;
    for (const l of s.lines) if (exemptCodes.has(l.lineCode)) exempt += l.unitGrossCents * l.patientCount;
  }
  // One theoretical rate per convention; if it changed during the year, the latest month's is shown
  // (the received amount is what was billed, month by month, so the regularisation stays exact).
  const theoretical = parseRate(statements[statements.length - 1].leakageRate).text;
  return { statementCount: statements.length, forfaitGrossCents: gross, grossExemptCents: exempt, grossSubjectCents: gross - exempt, receivedCents: received, theoreticalRate: theoretical };
}

/**
 * The engine's regularisation for the year. The real rate's denominator is the gross subject to
 * leakage (perte d'autonomie excluded), so that due = gross − outside amount exactly.
 */
function computeFor(t: YearTotals, year: number, input: { realRate: string } | { outsideAmountCents: number }) {
  const base = {
    year,
    theoreticalRate: t.theoreticalRate,
    grossSubjectToLeakageCents: t.grossSubjectCents,
    grossExemptCents: t.grossExemptCents,
    receivedCents: t.receivedCents,
  };
  try {
    return regularise('realRate' in input ? { ...base, realRate: input.realRate } : { ...base, outsideAmountCents: input.outsideAmountCents, forfaitTotalCents: t.grossSubjectCents });
  } catch (e) {
    if (e instanceof InputError) {
      const outside = e.issues.some((i) => i.path === 'outsideAmountCents' || i.path === 'forfaitTotalCents');
      throw new Problem(
        422,
        'regularisation_invalide',
        outside
          ? `outsideAmountCents : le montant des actes réalisés hors de la structure doit être inférieur aux forfaits de l’année soumis au taux de fuite (${t.grossSubjectCents} centimes), sinon le taux réel atteindrait 100 %.`
          : `Saisie de la régularisation invalide : ${e.issues.map((i) => `${i.path} ${i.message}`).join(' ; ')}.`,
        { errors: e.issues.map((i) => ({ field: i.path, code: 'regularisation_invalide', detail: i.message })) },
      );
    }
    throw e;
  }
}

function inputOf(r: Row): RegularisationView['input'] {
  return r.input_kind === 'real_rate'
    ? { kind: 'realRate', realRate: r.real_rate_input ?? undefined }
    : { kind: 'outsideAmount', outsideAmountCents: Number(r.outside_amount_cents) };
}

function realRateOf(r: Row): Rate {
  return r.input_kind === 'real_rate'
    ? parseRate(r.real_rate_input as string)
    : realLeakageRate(Number(r.outside_amount_cents), Number(r.gross_subject_cents));
}

export function toView(r: Row): RegularisationView {
  const real = realRateOf(r);
  const regularisationCents = Number(r.regularisation_cents);
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : '');
  const direction = regularisationCents > 0 ? 'cnamPaysStructure' : regularisationCents < 0 ? 'structurePaysBack' : 'none';
  return {
    id: r.id,
    structureId: r.tenant_id,
    year: Number(r.year),
    number: regularisationNumber(r.tenant_id, Number(r.year)),
    status: r.status,
    input: inputOf(r),
    statementCount: Number(r.statement_count),
    forfaitGrossCents: Number(r.forfait_gross_cents),
    grossSubjectToLeakageCents: Number(r.gross_subject_cents),
    grossExemptCents: Number(r.gross_exempt_cents),
    theoreticalRate: r.theoretical_rate,
    theoreticalRatePercent: ratePercentText(parseRate(r.theoretical_rate)),
    realRate: r.real_rate,
    realRatePercent: ratePercentText(real),
    valueOf100EurosCents: netOfLeakage(100_00, real),
    dueCents: Number(r.due_cents),
    receivedCents: Number(r.received_cents),
    regularisationCents,
    direction,
    text:
      direction === 'cnamPaysStructure'
        ? 'L’Assurance Maladie verse le complément à la structure.'
        : direction === 'structurePaysBack'
          ? 'La structure reverse le solde à l’Assurance Maladie.'
          : 'Pas de régularisation.',
    entered: { by: r.entered_by, at: iso(r.entered_at) },
    copilDecision:
      r.status === 'entered'
        ? null
        : { meetingDate: r.copil_meeting_date ?? '', decisionNumber: r.copil_decision_number ?? '', recordedBy: r.copil_validated_by ?? '', recordedAt: iso(r.copil_validated_at) },
    issued: r.status === 'issued' ? { by: r.issued_by ?? '', at: iso(r.issued_at), documentId: r.document_id ?? '' } : null,
  };
}
