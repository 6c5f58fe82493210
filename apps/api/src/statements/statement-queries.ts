import type { EntityManager } from 'typeorm';

/**
 * Read functions over issued monthly statements, for other features (safeguard, indicators).
 * Call inside `db.forTenant(tenantId, (em) => …)`; RLS scopes rows, tenantId is also filtered.
 */
export interface IssuedMonthLine {
  practitionerId: string;
  lineCode: string;
  patientCount: number;
  unitGrossCents: number;
  unitNetCents: number;
  amountCents: number;
}

export interface IssuedMonthSummary {
  statementId: string;
  /** 'YYYY-MM' */
  month: string;
  version: number;
  number: string;
  grossCents: number;
  netCents: number;
  /** Exact decimal text, e.g. '0.0425'. */
  leakageRate: string;
  paramsVersion: string;
  lines: IssuedMonthLine[];
}

/** Current issued version per month in [fromMonth, toMonth] (inclusive); superseded excluded. */
export async function issuedMonthlyStatements(
  em: EntityManager,
  tenantId: string,
  fromMonth: string,
  toMonth: string,
): Promise<IssuedMonthSummary[]> {
  const heads: {
    id: string;
    month: string;
    version: number;
    number: string;
    gross_cents: string;
    net_cents: string;
    leakage_rate: string;
    params_version: string;
  }[] = await em.query(
    `SELECT id, month, version, number, gross_cents, net_cents, leakage_rate, params_version
       FROM statements
      WHERE tenant_id = $1 AND kind = 'monthly' AND status = 'issued' AND month BETWEEN $2 AND $3
      ORDER BY month`,
    [tenantId, fromMonth, toMonth],
  );
  if (heads.length === 0) return [];
  const lines: {
    statement_id: string;
    practitioner_id: string;
    line_code: string;
    patient_count: number;
    unit_gross_cents: string;
    unit_net_cents: string;
    amount_cents: string;
  }[] = await em.query(
    `SELECT statement_id, practitioner_id, line_code, patient_count, unit_gross_cents, unit_net_cents, amount_cents
       FROM statement_lines
      WHERE tenant_id = $1 AND statement_id = ANY($2::uuid[])
      ORDER BY statement_id, practitioner_id, line_code`,
    [tenantId, heads.map((h) => h.id)],
  );
  const byStatement = new Map<string, IssuedMonthLine[]>();
  for (const l of lines) {
    const list = byStatement.get(l.statement_id) ?? [];
    list.push({
      practitionerId: l.practitioner_id,
      lineCode: l.line_code,
      patientCount: Number(l.patient_count),
      unitGrossCents: Number(l.unit_gross_cents),
      unitNetCents: Number(l.unit_net_cents),
      amountCents: Number(l.amount_cents),
    });
    byStatement.set(l.statement_id, list);
  }
  return heads.map((h) => ({
    statementId: h.id,
    month: h.month,
    version: Number(h.version),
    number: h.number,
    grossCents: Number(h.gross_cents),
    netCents: Number(h.net_cents),
    leakageRate: h.leakage_rate,
    paramsVersion: h.params_version,
    lines: byStatement.get(h.id) ?? [],
  }));
}
