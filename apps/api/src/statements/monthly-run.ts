import type { EntityManager } from 'typeorm';
import { getProgrammeParams } from '@mtr/forfait-engine';
import { readMonthInputs } from './forfait-inputs';
import { computeMonth, patientLines, type PatientLineRow } from './month-computation';
import { diffStatements, type DoctorLine } from './statement-diff';

export interface RunOutcome {
  statementId: string;
  number: string;
  version: number;
  /** The draft already reflected exactly these inputs: nothing was rewritten. */
  unchanged: boolean;
  patients: number;
  netCents: number;
}

/** Statement number printed on every document: period, structure, version. */
export const statementNumber = (tenantId: string, month: string, version: number): string =>
  `RM-${month.replace('-', '')}-${tenantId.slice(0, 8).toUpperCase()}-V${version}`;

const PATIENT_LINE_CHUNK = 20_000;

/**
 * Issue #6 §1 — one structure, one month, inside the caller's tenant transaction: read the
 * patient list, criteria and activity, compute with the engine, store the draft statement with
 * its lines per doctor and per patient and the input fingerprint. Re-running replaces the draft;
 * when a statement is already issued for the month, the new draft is its corrected version
 * (version + 1) with the line-by-line difference. Nothing is visible until the caller commits,
 * so a worker killed mid-run leaves no trace.
 */
export async function runMonth(
  em: EntityManager,
  tenantId: string,
  month: string,
  gridVersion: string,
  runId: string | null,
  beforeCommit?: () => Promise<void>,
): Promise<RunOutcome> {
  // Two runs of the same month (API double click racing a retry) queue up behind one lock.
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`statements:${tenantId}:${month}`]);
  const params = getProgrammeParams(gridVersion);
  const inputs = await readMonthInputs(em, tenantId, month, gridVersion, params.consommant.windowMonths);

  const [draft] = (await em.query(
    `SELECT id, number, version, input_fingerprint, net_cents FROM statements
      WHERE tenant_id = $1 AND kind = 'monthly' AND month = $2 AND status = 'draft'`,
    [tenantId, month],
  )) as { id: string; number: string; version: number; input_fingerprint: string; net_cents: string }[];
  if (draft && draft.input_fingerprint === inputs.fingerprint) {
    const [{ n }] = await em.query(
      `SELECT count(DISTINCT patient_id)::int AS n FROM statement_patient_lines WHERE tenant_id = $1 AND statement_id = $2 AND line_code <> 'none'`,
      [tenantId, draft.id],
    );
    if (beforeCommit) await beforeCommit();
    return { statementId: draft.id, number: draft.number, version: draft.version, unchanged: true, patients: n, netCents: Number(draft.net_cents) };
  }

  const computed = computeMonth(inputs, month, gridVersion);
  const idOf = new Map(inputs.roster.map((p) => [p.rpps, p.id]));

  if (draft) await em.query(`DELETE FROM statements WHERE tenant_id = $1 AND id = $2`, [tenantId, draft.id]);
  const [issued] = (await em.query(
    `SELECT id, number FROM statements WHERE tenant_id = $1 AND kind = 'monthly' AND month = $2 AND status = 'issued'`,
    [tenantId, month],
  )) as { id: string; number: string }[];
  const [{ v }] = await em.query(
    `SELECT coalesce(max(version), 0)::int + 1 AS v FROM statements WHERE tenant_id = $1 AND kind = 'monthly' AND month = $2`,
    [tenantId, month],
  );
  const version = v as number;

  const doctorLines: DoctorLine[] = computed.statement.doctors.flatMap((d) =>
    d.lines.map((l) => ({ practitionerId: idOf.get(d.rpps)!, lineCode: l.code, patientCount: l.count, unitNetCents: l.unitNetCents, amountCents: l.netCents })),
  );
  const unitGross = new Map(computed.statement.doctors.flatMap((d) => d.lines.map((l) => [l.code, l.unitGrossCents] as const)));
  let diff = null;
  if (issued) {
    const before = (await em.query(
      `SELECT practitioner_id, line_code, patient_count, unit_net_cents, amount_cents FROM statement_lines WHERE tenant_id = $1 AND statement_id = $2`,
      [tenantId, issued.id],
    )) as { practitioner_id: string; line_code: string; patient_count: number; unit_net_cents: string; amount_cents: string }[];
    diff = diffStatements(
      issued.number,
      before.map((l) => ({ practitionerId: l.practitioner_id, lineCode: l.line_code, patientCount: l.patient_count, unitNetCents: Number(l.unit_net_cents), amountCents: Number(l.amount_cents) })),
      doctorLines,
    );
  }

  const number = statementNumber(tenantId, month, version);
  const s = computed.statement.structure;
  const [{ id }] = await em.query(
    `INSERT INTO statements (tenant_id, kind, month, version, status, number, input_fingerprint, params_version, gross_cents, net_cents, leakage_rate, supersedes_id, diff, run_id)
     VALUES ($1, 'monthly', $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [tenantId, month, version, number, inputs.fingerprint, computed.statement.gridVersion, s.grossCents, s.netCents, computed.statement.theoreticalLeakageRate, issued?.id ?? null, diff === null ? null : JSON.stringify(diff), runId],
  );
  if (doctorLines.length > 0) {
    await em.query(
      `INSERT INTO statement_lines (tenant_id, statement_id, practitioner_id, line_code, patient_count, unit_gross_cents, unit_net_cents, amount_cents)
       SELECT $1, $2, * FROM unnest($3::uuid[], $4::text[], $5::int[], $6::bigint[], $7::bigint[], $8::bigint[])`,
      [
        tenantId,
        id,
        doctorLines.map((l) => l.practitionerId),
        doctorLines.map((l) => l.lineCode),
        doctorLines.map((l) => l.patientCount),
        doctorLines.map((l) => unitGross.get(l.lineCode) ?? 0),
        doctorLines.map((l) => l.unitNetCents),
        doctorLines.map((l) => l.amountCents),
      ],
    );
  }
  const rows = patientLines(computed.results, idOf);
  for (let i = 0; i < rows.length; i += PATIENT_LINE_CHUNK) await insertPatientLines(em, tenantId, id, rows.slice(i, i + PATIENT_LINE_CHUNK));
  if (beforeCommit) await beforeCommit();
  return { statementId: id, number, version, unchanged: false, patients: s.patientsPaid, netCents: s.netCents };
}

async function insertPatientLines(em: EntityManager, tenantId: string, statementId: string, rows: readonly PatientLineRow[]): Promise<void> {
  await em.query(
    `INSERT INTO statement_patient_lines (tenant_id, statement_id, patient_id, practitioner_id, line_code, gross_cents, net_cents, explanation)
     SELECT $1, $2, * FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::bigint[], $7::bigint[], $8::jsonb[])`,
    [
      tenantId,
      statementId,
      rows.map((r) => r.patientId),
      rows.map((r) => r.practitionerId),
      rows.map((r) => r.lineCode),
      rows.map((r) => r.grossCents),
      rows.map((r) => r.netCents),
      rows.map((r) => r.explanation),
    ],
  );
}
