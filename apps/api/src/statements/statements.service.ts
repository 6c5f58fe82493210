import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { DEFAULT_GRID_VERSION, getProgrammeParams } from '@mtr/forfait-engine';
import { asTenantId, preparedQuery, type TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { forbidden, notFound, Problem } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { enqueueRecompute } from '../indicators/indicators.queue';
import { markImportsUsedByStatement } from '../patients/patient-queries';
import { todayParis } from '../patients/patients.service';
import { billingTotals, type BillingFile } from './billing-file';
import { readMonthInputs } from './forfait-inputs';
import { enqueueMonthlyRun, INDICATORS_QUEUE_TOKEN, monthlyRunJobId, STATEMENTS_QUEUE_TOKEN } from './statements.queue';
import type { RunView, StatementDetail, StatementSummary } from './statement.schemas';

const runCols = (a = '') => `${a}id, ${a}month, ${a}params_version, ${a}status, ${a}progress, ${a}error_code, ${a}error_detail, ${a}statement_id,
  to_char(${a}created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
  to_char(${a}finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS finished_at`;
const RUN_COLS = runCols();
const HEAD_COLS = `id, month, version, status, number, gross_cents, net_cents, leakage_rate, params_version, supersedes_id, correction_reason, diff,
  input_fingerprint, to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS issued_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;

type RunRow = { id: string; month: string; params_version: string; status: RunView['status']; progress: number; error_code: string | null; error_detail: string | null; statement_id: string | null; created_at: string; finished_at: string | null; tenant_id?: string; name?: string };
type HeadRow = { id: string; month: string; version: number; status: StatementSummary['status']; number: string; gross_cents: string; net_cents: string; leakage_rate: string; params_version: string; supersedes_id: string | null; correction_reason: string | null; diff: unknown; input_fingerprint: string; issued_at: string | null; created_at: string };

const runView = (r: RunRow): RunView => ({
  id: r.id, month: r.month, paramsVersion: r.params_version, status: r.status, progress: r.progress,
  errorCode: r.error_code, errorDetail: r.error_detail, statementId: r.statement_id, createdAt: r.created_at, finishedAt: r.finished_at,
  ...(r.tenant_id ? { structureId: r.tenant_id, structureName: r.name ?? '' } : {}),
});
const summary = (h: HeadRow): StatementSummary => ({
  id: h.id, month: h.month, version: h.version, status: h.status, number: h.number, grossCents: Number(h.gross_cents), netCents: Number(h.net_cents),
  theoreticalLeakageRate: h.leakage_rate, gridVersion: h.params_version, supersedesId: h.supersedes_id, correctionReason: h.correction_reason,
  issuedAt: h.issued_at, createdAt: h.created_at,
});

// A CASL check on the bare subject type is true for any conditional rule: cross-structure paths check the role.
const isPlatformTeam = (u: AuthenticatedUser) => u.platformRole === 'ipso_team' || u.platformRole === 'platform_admin';

/** French labels of the grid's lines (socle bands and briques), by code. */
export function lineLabels(gridVersion: string): Map<string, string> {
  const p = getProgrammeParams(gridVersion);
  return new Map<string, string>([
    ...p.socleBands.map((b) => [b.code, b.label] as [string, string]),
    ...Object.entries(p.briques).map(([code, b]) => [code, b.label] as [string, string]),
  ]);
}

/**
 * Issue #6 §1–§2 — monthly runs and statements of one structure: request a run (queued, one per
 * month and parameter set at a time), read statements, issue a draft (then immutable), the
 * billing file. PDFs are in StatementDocumentsService.
 */
interface PatientLineRow { patient_id: string; external_id: string; rpps: string; line_code: string; gross_cents: string; net_cents: string; explanation: Record<string, unknown> }

/**
 * The explanation page's query for the filters given, as one of four prepared statements: each
 * gets its own plan (a lookup by patient uses the patient's key) instead of one generic plan
 * with `$n IS NULL OR …` conditions, and none is planned again at each request.
 */
function patientLinesFilter(q: { practitionerId?: string; patientId?: string }): { name: string; text: string; values: string[] } {
  const conditions: string[] = [];
  const values: string[] = [];
  if (q.practitionerId) conditions.push(`l.practitioner_id = $${4 + values.push(q.practitionerId)}`);
  if (q.patientId) conditions.push(`l.patient_id = $${4 + values.push(q.patientId)}`);
  const name = `statement_patient_lines${q.practitionerId ? '_by_practitioner' : ''}${q.patientId ? '_by_patient' : ''}`;
  const text = `WITH page AS (
       SELECT DISTINCT l.patient_id, pa.external_id FROM statement_patient_lines l JOIN patients pa ON pa.tenant_id = l.tenant_id AND pa.id = l.patient_id
        WHERE l.tenant_id = $1 AND l.statement_id = $2${conditions.map((c) => ` AND ${c}`).join('')}
        ORDER BY pa.external_id LIMIT $3 OFFSET $4)
     SELECT l.patient_id, page.external_id, pr.rpps, l.line_code, l.gross_cents, l.net_cents, l.explanation
       FROM page JOIN statement_patient_lines l ON l.tenant_id = $1 AND l.statement_id = $2 AND l.patient_id = page.patient_id
       JOIN practitioners pr ON pr.tenant_id = l.tenant_id AND pr.id = l.practitioner_id
      ORDER BY page.external_id, l.line_code`;
  return { name, text, values };
}

@Injectable()
export class StatementsService implements OnModuleDestroy {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    @Inject(STATEMENTS_QUEUE_TOKEN) private readonly queue: Queue,
    @Inject(INDICATORS_QUEUE_TOKEN) private readonly indicatorsQueue: Queue,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.queue.close(), this.indicatorsQueue.close()]);
  }

  /** The billed month must have started (a run of the current month is a preview draft) and be in the programme. */
  private checkMonth(month: string): void {
    const { programme } = getProgrammeParams(DEFAULT_GRID_VERSION);
    if (month < programme.launchDate.slice(0, 7) || month > programme.endDate.slice(0, 7))
      throw new Problem(422, 'mois_hors_programme', `Le mois ${month} est hors de la période du programme MTR 2 (${programme.launchDate.slice(0, 7)} à ${programme.endDate.slice(0, 7)}).`, { errors: [{ field: 'month', code: 'hors_programme', detail: 'mois hors programme' }] });
    if (month > todayParis().slice(0, 7))
      throw new Problem(422, 'mois_futur', `Le mois ${month} n'a pas commencé : on ne calcule pas un mois futur.`, { errors: [{ field: 'month', code: 'mois_futur', detail: 'mois futur' }] });
  }

  async requestRun(tenantId: TenantId, ability: AppAbility, user: AuthenticatedUser, month: string): Promise<{ duplicate: boolean; run: RunView }> {
    if (!ability.can('create', subject('Statement', { tenantId }))) throw forbidden('Seuls la coordination de la structure et l’équipe ipso lancent le calcul d’un mois.');
    this.checkMonth(month);
    const paramsVersion = DEFAULT_GRID_VERSION;
    const { run, duplicate } = await this.db.forTenant(tenantId, async (em) => {
      const [structure] = await em.query(`SELECT convention_entry_date FROM structures WHERE id = $1`, [tenantId]);
      if (!structure?.convention_entry_date)
        throw new Problem(422, 'date_entree_absente', "La date d'entrée de la structure (convention CNAM) n'est pas renseignée : aucun mois ne peut être calculé.");
      const inserted: RunRow[] = await em.query(
        `INSERT INTO statement_runs (tenant_id, month, params_version, job_id, requested_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, month, params_version) WHERE status IN ('queued', 'running') DO NOTHING RETURNING ${RUN_COLS}`,
        [tenantId, month, paramsVersion, monthlyRunJobId(tenantId, month, paramsVersion), user.id],
      );
      if (inserted[0]) {
        await this.audit.record(em, tenantId, { action: 'statement.run_requested', resourceType: 'statement_run', resourceId: inserted[0].id, detail: { month } });
        return { run: inserted[0], duplicate: false };
      }
      const [active]: RunRow[] = await em.query(
        `SELECT ${RUN_COLS} FROM statement_runs WHERE tenant_id = $1 AND month = $2 AND params_version = $3 AND status IN ('queued', 'running')`,
        [tenantId, month, paramsVersion],
      );
      return { run: active, duplicate: true };
    });
    // Same job id while the job exists: BullMQ returns the queued one, so this is safe to repeat.
    try {
      await enqueueMonthlyRun(this.queue, { tenantId, actorUserId: user.id, ids: { runId: run.id, month, paramsVersion } });
    } catch {
      if (!duplicate) {
        await this.db.forTenant(tenantId, (em) =>
          em.query(`UPDATE statement_runs SET status = 'failed', error_code = 'file_indisponible', error_detail = $3, finished_at = now() WHERE tenant_id = $1 AND id = $2`, [
            tenantId, run.id, 'La file des calculs est indisponible : relancez dans quelques minutes.',
          ]),
        );
      }
      throw new Problem(503, 'file_indisponible', 'La file des calculs est momentanément indisponible. Réessayez dans quelques minutes.');
    }
    return { duplicate, run: runView(run) };
  }

  /** ipso_team: one run per active structure for the month, each on its own job. */
  async requestRunForAll(ability: AppAbility, user: AuthenticatedUser, month: string): Promise<RunView[]> {
    if (!isPlatformTeam(user)) throw forbidden('Seule l’équipe ipso lance les calculs de toutes les structures.');
    this.checkMonth(month);
    const structures: { id: string; name: string }[] = await this.db.forPlatform(user.id, (em) =>
      em.query(`SELECT id, name FROM structures WHERE state = 'active' AND convention_entry_date IS NOT NULL ORDER BY name`),
    );
    const out: RunView[] = [];
    for (const s of structures) {
      const { run } = await this.requestRun(asTenantId(s.id), ability, user, month);
      out.push({ ...run, structureId: s.id, structureName: s.name });
    }
    return out;
  }

  /** ipso_team: progress of every structure's runs for a month. */
  async runsForAll(ability: AppAbility, user: AuthenticatedUser, month: string): Promise<RunView[]> {
    if (!isPlatformTeam(user) || !ability.can('read', 'Statement')) throw forbidden('Seule l’équipe ipso suit les calculs de toutes les structures.');
    const rows: RunRow[] = await this.db.forPlatform(user.id, (em) =>
      em.query(
        `SELECT DISTINCT ON (r.tenant_id) r.tenant_id, s.name, ${runCols('r.')}
           FROM statement_runs r JOIN structures s ON s.id = r.tenant_id WHERE r.month = $1 ORDER BY r.tenant_id, r.created_at DESC`,
        [month],
      ),
    );
    return rows.map(runView).sort((a, b) => (a.structureName ?? '').localeCompare(b.structureName ?? '', 'fr'));
  }

  async run(tenantId: TenantId, ability: AppAbility, runId: string): Promise<RunView> {
    this.canRead(tenantId, ability);
    return this.db.forTenant(tenantId, async (em) => {
      const [r]: RunRow[] = await em.query(`SELECT ${RUN_COLS} FROM statement_runs WHERE tenant_id = $1 AND id = $2`, [tenantId, runId]);
      if (!r) throw notFound('Le calcul');
      return runView(r);
    });
  }

  async runs(tenantId: TenantId, ability: AppAbility): Promise<RunView[]> {
    this.canRead(tenantId, ability);
    return this.db.forTenant(tenantId, async (em) =>
      ((await em.query(`SELECT ${RUN_COLS} FROM statement_runs WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 100`, [tenantId])) as RunRow[]).map(runView),
    );
  }

  async list(tenantId: TenantId, ability: AppAbility): Promise<StatementSummary[]> {
    this.canRead(tenantId, ability);
    return this.db.forTenant(tenantId, async (em) =>
      ((await em.query(`SELECT ${HEAD_COLS} FROM statements WHERE tenant_id = $1 AND kind = 'monthly' ORDER BY month DESC, version DESC`, [tenantId])) as HeadRow[]).map(summary),
    );
  }

  async detail(tenantId: TenantId, ability: AppAbility, statementId: string): Promise<StatementDetail> {
    this.canRead(tenantId, ability);
    return this.db.forTenant(tenantId, async (em) => {
      const head = await this.head(em, tenantId, statementId);
      const labels = lineLabels(head.params_version);
      const lines: { practitioner_id: string; rpps: string; last_name: string; first_name: string; line_code: string; patient_count: number; unit_gross_cents: string; unit_net_cents: string; amount_cents: string }[] = await em.query(
        `SELECT l.practitioner_id, p.rpps, p.last_name, p.first_name, l.line_code, l.patient_count, l.unit_gross_cents, l.unit_net_cents, l.amount_cents
           FROM statement_lines l JOIN practitioners p ON p.tenant_id = l.tenant_id AND p.id = l.practitioner_id
          WHERE l.tenant_id = $1 AND l.statement_id = $2 ORDER BY p.last_name, p.first_name, p.rpps, l.line_code`,
        [tenantId, statementId],
      );
      const [{ paid, covered }] = await em.query(
        `SELECT count(DISTINCT patient_id) FILTER (WHERE line_code <> 'none')::int AS paid, count(DISTINCT patient_id)::int AS covered
           FROM statement_patient_lines WHERE tenant_id = $1 AND statement_id = $2`,
        [tenantId, statementId],
      );
      const doctors = new Map<string, StatementDetail['doctors'][number]>();
      for (const l of lines) {
        const d = doctors.get(l.practitioner_id) ?? { practitionerId: l.practitioner_id, rpps: l.rpps, name: `${l.first_name} ${l.last_name}`, netCents: 0, lines: [] };
        d.lines.push({ code: l.line_code, label: labels.get(l.line_code) ?? l.line_code, patientCount: l.patient_count, unitGrossCents: Number(l.unit_gross_cents), unitNetCents: Number(l.unit_net_cents), amountCents: Number(l.amount_cents) });
        d.netCents += Number(l.amount_cents);
        doctors.set(l.practitioner_id, d);
      }
      return { ...summary(head), inputFingerprint: head.input_fingerprint, patientsPaid: paid, patientsCovered: covered, diff: (head.diff ?? null) as StatementDetail['diff'], doctors: [...doctors.values()] };
    });
  }

  /** The per-patient explanation lines ("why is this patient paid this amount?"), paged. */
  async patientLines(tenantId: TenantId, ability: AppAbility, statementId: string, q: { practitionerId?: string; patientId?: string; offset: number; limit: number }) {
    this.canRead(tenantId, ability);
    return this.db.forTenant(tenantId, async (em) => {
      const filter = patientLinesFilter(q);
      const rows = await preparedQuery<PatientLineRow>(em, filter.name, filter.text, [tenantId, statementId, q.limit, q.offset, ...filter.values]);
      // Lines exist only under an existing statement: its head is read (for the 404) only when the page is empty.
      if (!rows.length) await this.head(em, tenantId, statementId);
      await this.audit.record(em, tenantId, { action: 'statement.patient_lines.read', resourceType: 'statement', resourceId: statementId, detail: { ...q, rows: rows.length } });
      const byPatient = new Map<string, { patientId: string; externalId: string; mtRpps: string; grossCents: number; netCents: number; status: string; lines: unknown[]; explanation: Record<string, unknown> }>();
      for (const r of rows) {
        const p = byPatient.get(r.patient_id) ?? { patientId: r.patient_id, externalId: r.external_id, mtRpps: r.rpps, grossCents: 0, netCents: 0, status: String(r.explanation.status), lines: [], explanation: {} };
        if (r.line_code !== 'none') p.lines.push({ code: r.line_code, label: r.explanation.label, grossCents: Number(r.gross_cents), netCents: Number(r.net_cents), rule: r.explanation.rule, text: r.explanation.text });
        p.grossCents += Number(r.gross_cents);
        p.netCents += Number(r.net_cents);
        if ('statusText' in r.explanation) p.explanation = r.explanation;
        byPatient.set(r.patient_id, p);
      }
      return [...byPatient.values()];
    });
  }

  /**
   * Draft → issued. The draft must still match the data (same input fingerprint); a corrected
   * version needs its reason and supersedes the issued one in the same transaction.
   */
  async issue(tenantId: TenantId, ability: AppAbility, user: AuthenticatedUser, statementId: string, reason: string | undefined): Promise<StatementSummary> {
    if (!ability.can('update', subject('Statement', { tenantId }))) throw forbidden('Seuls la coordination de la structure et l’équipe ipso émettent un relevé.');
    const issued = await this.db.forTenant(tenantId, async (em) => {
      const head = await this.head(em, tenantId, statementId);
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`statements:${tenantId}:${head.month}`]);
      if (head.status !== 'draft') throw new Problem(409, 'releve_deja_emis', `Le relevé ${head.number} est déjà ${head.status === 'issued' ? 'émis' : 'remplacé'} : il ne peut plus changer. Pour le corriger, relancez le calcul du mois.`);
      const current = await readMonthInputs(em, tenantId, head.month, head.params_version, getProgrammeParams(head.params_version).consommant.windowMonths);
      if (current.fingerprint !== head.input_fingerprint)
        throw new Problem(409, 'releve_perime', `Les données de la structure ont changé depuis le calcul du relevé ${head.number} : relancez le calcul du mois avant de l'émettre.`);
      if (head.supersedes_id) {
        if (!reason) throw new Problem(422, 'motif_requis', `Le relevé ${head.number} corrige un relevé déjà émis : indiquez le motif de la correction.`, { errors: [{ field: 'reason', code: 'requis', detail: 'motif requis' }] });
        await em.query(`SELECT mtr_supersede_statement($1)`, [head.supersedes_id]);
      }
      await em.query(`UPDATE statements SET status = 'issued', issued_at = now(), issued_by = $3, correction_reason = $4 WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        statementId,
        user.id,
        head.supersedes_id ? reason : null,
      ]);
      const row = await this.head(em, tenantId, statementId);
      await markImportsUsedByStatement(em, tenantId);
      await this.audit.record(em, tenantId, {
        action: 'statement.issue',
        resourceType: 'statement',
        resourceId: statementId,
        detail: { month: head.month, number: head.number, version: head.version, supersedes: head.supersedes_id, reason: reason ?? null, netCents: Number(head.net_cents) },
      });
      return row;
    });
    // After COMMIT: the indicators of the month are recomputed from the issued statement (issue #7).
    await enqueueRecompute(this.indicatorsQueue, tenantId, issued.month, issued.id).catch(() => undefined);
    return summary(issued);
  }

  /** Issue #6 §2 — rows per MT doctor × line; totals equal the statement's net total. */
  async billingFile(tenantId: TenantId, ability: AppAbility, statementId: string): Promise<BillingFile> {
    if (!ability.can('update', subject('Statement', { tenantId }))) throw forbidden('Le fichier de facturation est réservé à la coordination de la structure et à l’équipe ipso.');
    const d = await this.detail(tenantId, ability, statementId);
    const s = await this.db.forTenant(tenantId, async (em) => {
      const [row] = await em.query(`SELECT name, finess FROM structures WHERE id = $1`, [tenantId]);
      await this.audit.record(em, tenantId, { action: 'statement.billing_file', resourceType: 'statement', resourceId: statementId, detail: { number: d.number } });
      return row as { name: string; finess: string | null };
    });
    const rows = d.doctors.flatMap((doc) => doc.lines.map((l) => ({ rpps: doc.rpps, doctorName: doc.name, lineCode: l.code, lineLabel: l.label, patientCount: l.patientCount, unitNetCents: l.unitNetCents, amountCents: l.amountCents })));
    const totals = billingTotals(rows);
    if (totals.amountCents !== d.netCents) throw new Error(`billing file total ${totals.amountCents} ≠ statement ${d.netCents}`);
    return { structureId: tenantId, structureName: s.name, finess: s.finess, month: d.month, statementNumber: d.number, version: d.version, status: d.status, gridVersion: d.gridVersion, theoreticalLeakageRate: d.theoreticalLeakageRate, rows, totals };
  }

  private canRead(tenantId: TenantId, ability: AppAbility): void {
    if (!ability.can('read', subject('Statement', { tenantId }))) throw forbidden();
  }

  private async head(em: EntityManager, tenantId: TenantId, statementId: string): Promise<HeadRow> {
    const [h]: HeadRow[] = await em.query(`SELECT ${HEAD_COLS} FROM statements WHERE tenant_id = $1 AND id = $2`, [tenantId, statementId]);
    if (!h) throw notFound('Le relevé');
    return h;
  }
}
