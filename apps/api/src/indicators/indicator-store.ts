import type { EntityManager } from 'typeorm';
import type { TenantId } from '@mtr/tenancy';
import { BANDS, INCLUSION_PATHS, type Band, type IndicatorRow, type InclusionPath } from './indicator-model';

/** Issue #7 §1 — SQL of the indicator store (`structure_indicators`). Bulk: one statement per write. */

const COLS = `month, patients_mt, included, consommant, new_entry_consultation, new_declaration, new_anniversary, new_mtr1,
  band_0_5, band_6_64, band_65_79, band_80_plus, briques, men, aged_65_plus, doctors, gross_cents, net_cents,
  leakage_theoretical, leakage_real, safeguard_cents, info_notes, oppositions`;

/** Upserts rows of one structure in one statement (jsonb_to_recordset), returns how many. */
export async function storeIndicatorRows(
  em: EntityManager,
  tenantId: TenantId,
  rows: readonly IndicatorRow[],
  sourceStatementId?: string,
): Promise<number> {
  if (!rows.length) return 0;
  const payload = rows.map((r) => ({
    month: r.month,
    patients_mt: r.patientsMt,
    included: r.included,
    consommant: r.consommant,
    new_entry_consultation: r.newByPath.entry_consultation,
    new_declaration: r.newByPath.declaration,
    new_anniversary: r.newByPath.anniversary,
    new_mtr1: r.newByPath.mtr1,
    band_0_5: r.bands['0-5'],
    band_6_64: r.bands['6-64'],
    band_65_79: r.bands['65-79'],
    band_80_plus: r.bands['80+'],
    briques: r.briques,
    men: r.men,
    aged_65_plus: r.aged65Plus,
    doctors: r.doctors,
    gross_cents: r.grossCents,
    net_cents: r.netCents,
    leakage_theoretical: r.leakageTheoretical,
    leakage_real: r.leakageReal,
    safeguard_cents: r.safeguardCents,
    info_notes: r.infoNotes,
    oppositions: r.oppositions,
  }));
  await em.query(
    `INSERT INTO structure_indicators (tenant_id, source_statement_id, computed_at, ${COLS})
     SELECT $1, $3, now(), ${COLS} FROM jsonb_to_recordset($2::jsonb) AS x(
       month text, patients_mt int, included int, consommant int, new_entry_consultation int, new_declaration int,
       new_anniversary int, new_mtr1 int, band_0_5 int, band_6_64 int, band_65_79 int, band_80_plus int, briques jsonb,
       men int, aged_65_plus int, doctors int, gross_cents bigint, net_cents bigint, leakage_theoretical numeric,
       leakage_real numeric, safeguard_cents bigint, info_notes int, oppositions int)
     ON CONFLICT (tenant_id, month) DO UPDATE SET (source_statement_id, computed_at, ${COLS}) =
       (EXCLUDED.source_statement_id, EXCLUDED.computed_at, ${COLS.split(',')
         .map((c) => `EXCLUDED.${c.trim()}`)
         .join(', ')})`,
    [tenantId, JSON.stringify(payload), sourceStatementId ?? null],
  );
  return rows.length;
}

interface DbRow {
  tenant_id: string;
  month: string;
  [k: string]: unknown;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export function fromDb(d: DbRow): IndicatorRow & { tenantId: string } {
  const newByPath = Object.fromEntries(
    INCLUSION_PATHS.map((p) => [
      p,
      num(d[p === 'entry_consultation' ? 'new_entry_consultation' : `new_${p}`]),
    ]),
  ) as Record<InclusionPath, number>;
  const bandCol: Record<Band, string> = {
    '0-5': 'band_0_5',
    '6-64': 'band_6_64',
    '65-79': 'band_65_79',
    '80+': 'band_80_plus',
  };
  return {
    tenantId: d.tenant_id,
    month: d.month,
    patientsMt: num(d.patients_mt),
    included: num(d.included),
    consommant: num(d.consommant),
    newByPath,
    bands: Object.fromEntries(BANDS.map((b) => [b, num(d[bandCol[b]])])) as Record<Band, number>,
    briques: (d.briques as IndicatorRow['briques']) ?? {},
    men: num(d.men),
    aged65Plus: num(d.aged_65_plus),
    doctors: num(d.doctors),
    grossCents: num(d.gross_cents),
    netCents: num(d.net_cents),
    leakageTheoretical: d.leakage_theoretical === null ? null : Number(d.leakage_theoretical),
    leakageReal: d.leakage_real === null ? null : Number(d.leakage_real),
    safeguardCents: num(d.safeguard_cents),
    infoNotes: num(d.info_notes),
    oppositions: num(d.oppositions),
  };
}

/** Rows visible in the transaction's scope (RLS decides which structures), ordered. */
export async function readIndicatorRows(
  em: EntityManager,
  from: string,
  to: string,
  tenantId?: string,
): Promise<(IndicatorRow & { tenantId: string })[]> {
  const rows: DbRow[] = await em.query(
    `SELECT tenant_id, ${COLS} FROM structure_indicators
      WHERE month BETWEEN $1 AND $2 AND ($3::uuid IS NULL OR tenant_id = $3) ORDER BY tenant_id, month`,
    [from, to, tenantId ?? null],
  );
  return rows.map(fromDb);
}

const tableExists = async (em: EntityManager, t: string) =>
  ((await em.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [t])) as { ok: boolean }[])[0].ok;

/*
 * Source: the issued monthly statements (issue #6, migration 1764300000000-statements):
 * `statement_patient_lines(…, line_code, gross_cents, net_cents, explanation jsonb {included,
 * consommant, inclusionDate, inclusionReason, band})`, one `none` line (0 €) per covered patient
 * who is not paid (apps/api/src/statements/month-computation.ts writes them).
 * `patients` gives sex, age on the 1st of the month, information note and opposition.
 */

/**
 * Safeguard compensation per month (issue #6 §4, table safeguard_statements): the final
 * compensation of an issued statement counts in the month its 12-month window ends, the month it
 * becomes due; cancelled statements do not count. RLS scopes the rows to the current structure.
 */
export async function loadSafeguard(
  em: EntityManager,
  months: readonly string[],
): Promise<Record<string, number>> {
  if (!(await tableExists(em, 'safeguard_statements'))) return {};
  const rows: { period: string; cents: string }[] = await em.query(
    `SELECT window_end AS period, sum(compensation_cents)::bigint AS cents FROM safeguard_statements
      WHERE window_end = ANY($1) AND status = 'issued' GROUP BY 1`,
    [months],
  );
  return Object.fromEntries(rows.map((r) => [r.period, Number(r.cents)]));
}

const STATEMENT_LINES_SQL = `
  SELECT s.month::text AS month, l.patient_id, l.practitioner_id, l.line_code, l.gross_cents, l.net_cents, l.explanation
    FROM statements s JOIN statement_patient_lines l ON l.tenant_id = s.tenant_id AND l.statement_id = s.id
   WHERE s.tenant_id = $1 AND s.status = 'issued' AND s.month = ANY($2)`;

/**
 * Recomputes and stores one structure's months in ONE statement (job and on-demand path):
 * the same definitions as `aggregateFacts` (the reference, unit-tested by hand), in SQL so
 * that millions of patient-lines never travel to Node. Returns the number of months stored.
 */
export async function recomputeIndicators(
  em: EntityManager,
  tenantId: TenantId,
  months: readonly string[],
  sourceStatementId?: string,
): Promise<number> {
  const safeguard = await loadSafeguard(em, months);
  const rows: { month: string }[] = await em.query(
    `WITH l AS (${STATEMENT_LINES_SQL}),
     pm AS (
       SELECT month, patient_id, min(practitioner_id::text) AS practitioner_id, (array_agg(explanation))[1] AS e,
              sum(gross_cents)::bigint AS g, sum(net_cents)::bigint AS n
         FROM l GROUP BY month, patient_id),
     f AS (
       SELECT pm.month, pm.practitioner_id, pm.g, pm.n,
              coalesce((e->>'included')::boolean, true) AS inc,
              coalesce((e->>'consommant')::boolean, false) AS cons,
              left(e->>'inclusionDate', 7) = pm.month AS is_new,
              CASE WHEN e->>'inclusionReason' ~* 'mtr1|mtr_1|carry' THEN 'mtr1'
                   WHEN e->>'inclusionReason' ~* 'anniv' THEN 'anniversary'
                   WHEN e->>'inclusionReason' ~* 'declar' THEN 'declaration'
                   WHEN e->>'inclusionReason' ~* 'entry|entree|consult' THEN 'entry_consultation' END AS path,
              e->>'band' AS band, p.sex,
              date_part('year', age(to_date(pm.month || '-01', 'YYYY-MM-DD'), p.birth_date)) AS age,
              p.info_note_date IS NOT NULL AS info, p.evaluation_opposed AS opp
         FROM pm JOIN patients p ON p.tenant_id = $1 AND p.id = pm.patient_id),
     br AS (
       SELECT month, jsonb_object_agg(line_code, jsonb_build_object('count', c, 'grossCents', g, 'netCents', n)) AS briques
         FROM (SELECT month, line_code, count(*)::int AS c, sum(gross_cents)::bigint AS g, sum(net_cents)::bigint AS n
                 FROM l WHERE coalesce((explanation->>'included')::boolean, true) AND coalesce((explanation->>'consommant')::boolean, false)
                  AND line_code NOT LIKE 'socle%' AND line_code <> 'none' GROUP BY 1, 2) x
        GROUP BY month),
     agg AS (
       SELECT month,
              count(*)::int AS patients_mt,
              count(*) FILTER (WHERE inc)::int AS included,
              count(*) FILTER (WHERE inc AND cons)::int AS consommant,
              count(*) FILTER (WHERE inc AND is_new AND path = 'entry_consultation')::int AS new_entry_consultation,
              count(*) FILTER (WHERE inc AND is_new AND path = 'declaration')::int AS new_declaration,
              count(*) FILTER (WHERE inc AND is_new AND path = 'anniversary')::int AS new_anniversary,
              count(*) FILTER (WHERE inc AND is_new AND path = 'mtr1')::int AS new_mtr1,
              count(*) FILTER (WHERE inc AND cons AND band = '0-5')::int AS band_0_5,
              count(*) FILTER (WHERE inc AND cons AND band = '6-64')::int AS band_6_64,
              count(*) FILTER (WHERE inc AND cons AND band = '65-79')::int AS band_65_79,
              count(*) FILTER (WHERE inc AND cons AND band = '80+')::int AS band_80_plus,
              count(*) FILTER (WHERE inc AND sex = 'M')::int AS men,
              count(*) FILTER (WHERE inc AND age >= 65)::int AS aged_65_plus,
              count(DISTINCT practitioner_id) FILTER (WHERE inc)::int AS doctors,
              coalesce(sum(g) FILTER (WHERE inc AND cons), 0)::bigint AS gross_cents,
              coalesce(sum(n) FILTER (WHERE inc AND cons), 0)::bigint AS net_cents,
              count(*) FILTER (WHERE inc AND info)::int AS info_notes,
              count(*) FILTER (WHERE inc AND opp)::int AS oppositions
         FROM f GROUP BY month)
     INSERT INTO structure_indicators (tenant_id, source_statement_id, computed_at, ${COLS})
     SELECT $1, $3, now(), agg.month, patients_mt, included, consommant, new_entry_consultation, new_declaration, new_anniversary, new_mtr1,
            band_0_5, band_6_64, band_65_79, band_80_plus, coalesce(br.briques, '{}'::jsonb), men, aged_65_plus, doctors, gross_cents, net_cents,
            (SELECT theoretical_leakage_rate FROM structures WHERE id = $1), NULL,
            coalesce(($4::jsonb ->> agg.month)::bigint, 0), info_notes, oppositions
       FROM agg LEFT JOIN br ON br.month = agg.month
     ON CONFLICT (tenant_id, month) DO UPDATE SET (source_statement_id, computed_at, ${COLS}) =
       (EXCLUDED.source_statement_id, EXCLUDED.computed_at, ${COLS.split(',')
         .map((c) => `EXCLUDED.${c.trim()}`)
         .join(', ')})
     RETURNING month`,
    [tenantId, [...months], sourceStatementId ?? null, JSON.stringify(safeguard)],
  );
  return rows.length;
}
