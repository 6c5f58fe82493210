import { Injectable, type OnModuleInit } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import { preparedQuery, type TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { forbidden } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { PdfService } from '../pdf/pdf.service';
import { COPIL_REPORT_SOURCE, COPIL_REPORT_TEMPLATE, reportModel } from './copil-report';
import { SELECTED_STATES } from '../candidacies/candidacies.service';
import { projectYearEnd } from './budget-projection';
import { funnelHidden, showRow, shownSum, type IndicatorRow, type ShownRow } from './indicator-model';
import { readIndicatorRows, recomputeIndicators } from './indicator-store';
import { TRAJECTORY, programmeMonthsIn } from './programme-figures';
import { SUPPRESSED } from './small-cell-suppression';

export interface StructureSeries {
  structureId: string;
  structureName: string;
  ipsoNetwork: boolean;
  suppressed: boolean;
  rows: ShownRow[];
}

/** Switches the current transaction to the COPIL scope: only `structure_indicators` has a policy for it. */
export async function enterCopilScope(em: EntityManager): Promise<void> {
  await em.query(`SELECT set_config('app.scope', 'copil', true), set_config('app.tenant_id', '', true)`);
}

/**
 * Issue #7 — reads of the indicator store. Who sees what: the structure's coordinator its own
 * rows unsuppressed; ipso_team / platform_admin every structure unsuppressed; copil every
 * structure through `showRow(…, true)` only. Every read is written to the audit trail.
 */
/** The structures and the store's stamp (a count and a checksum, no row content), one round trip per dashboard read. */
const DASHBOARD_STAMP = `SELECT (SELECT json_agg(json_build_object('id', id, 'name', name, 'ipso_network', ipso_network) ORDER BY name) FROM structures) AS structures,
        (SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) FROM structure_indicators WHERE month BETWEEN $1 AND $2) AS stamp`;

@Injectable()
export class IndicatorsService implements OnModuleInit {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly pdf: PdfService,
  ) {}

  onModuleInit(): void {
    this.pdf.register(COPIL_REPORT_TEMPLATE, COPIL_REPORT_SOURCE);
  }

  /** Issue #7 §4 — the COPIL meeting report (PDF, charts as static SVG); suppressed for the COPIL. */
  async report(
    user: AuthenticatedUser,
    ability: AppAbility,
    from: string,
    to: string,
    year: number,
  ): Promise<Buffer> {
    const series = await this.allStructures(user, ability, from, to, 'indicators.report_pdf');
    const programme = await this.programme(user, ability, year);
    return this.pdf.render(
      COPIL_REPORT_TEMPLATE,
      reportModel(series, programme, from, to, new Date().toISOString()),
    );
  }

  async forStructure(
    tenantId: TenantId,
    ability: AppAbility,
    from: string,
    to: string,
  ): Promise<StructureSeries> {
    if (!ability.can('read', subject('Indicator', { tenantId }))) throw forbidden();
    return this.db.forTenant(tenantId, async (em) => {
      const [s] = await em.query(`SELECT name, ipso_network FROM structures WHERE id = $1`, [tenantId]);
      const rows = await readIndicatorRows(em, from, to, tenantId);
      await this.audit.record(em, tenantId, {
        action: 'indicators.read',
        resourceType: 'structure_indicators',
        resourceId: tenantId,
        detail: { from, to, suppressed: false },
      });
      return {
        structureId: tenantId,
        structureName: s?.name ?? '',
        ipsoNetwork: !!s?.ipso_network,
        suppressed: false,
        rows: rows.map((r) => showRow(r, false)),
      };
    });
  }

  /**
   * All structures: suppressed for the COPIL, raw for ipso. The shown rows are memoised per
   * (suppressed, period) and reused while the store's stamp — row count and sum of `xmin`, which
   * changes with every insert, update or delete — is unchanged; the read and its trace still
   * happen on every request.
   */
  async allStructures(
    user: AuthenticatedUser,
    ability: AppAbility,
    from: string,
    to: string,
    action = 'indicators.read_all',
  ): Promise<StructureSeries[]> {
    return (await this.allStructuresMemo(user, ability, from, to, action)).series;
  }

  /** The same, serialised once per stamp: the COPIL dashboard is read far more often than the store changes. */
  async allStructuresJson(
    user: AuthenticatedUser,
    ability: AppAbility,
    from: string,
    to: string,
  ): Promise<Buffer> {
    const m = await this.allStructuresMemo(user, ability, from, to, 'indicators.read_all');
    return (m.memo.json ??= Buffer.from(JSON.stringify(m.series), 'utf8'));
  }

  private async allStructuresMemo(
    user: AuthenticatedUser,
    ability: AppAbility,
    from: string,
    to: string,
    action: string,
  ) {
    if (!ability.can('read', 'IndicatorSet')) throw forbidden();
    const copil = user.platformRole === 'copil';
    const key = `${copil}|${from}|${to}`;
    return this.db.forPlatform(user.id, async (em) => {
      const [{ structures, stamp }]: {
        structures: { id: string; name: string; ipso_network: boolean }[] | null;
        stamp: string;
      }[] = await preparedQuery(em, 'indicators_dashboard_stamp', DASHBOARD_STAMP, [from, to]);
      const list = structures ?? [];
      const stampAll = `${stamp}|${JSON.stringify(list)}`;
      let memo = this.shownMemo.get(key);
      if (!memo || memo.stamp !== stampAll) {
        // The COPIL reads the rows in its own scope, which no patient-level table admits.
        if (copil) await enterCopilScope(em);
        const byTenant = new Map<string, ShownRow[]>();
        for (const r of await readIndicatorRows(em, from, to)) {
          const rows = byTenant.get(r.tenantId) ?? [];
          rows.push(showRow(r, copil));
          byTenant.set(r.tenantId, rows);
        }
        if (copil) await em.query(`SELECT set_config('app.scope', 'platform', true)`);
        memo = { stamp: stampAll, byTenant };
        if (this.shownMemo.size > 64) this.shownMemo.clear();
        this.shownMemo.set(key, memo);
      }
      await this.audit.record(em, null, {
        action,
        resourceType: 'structure_indicators',
        detail: { from, to, suppressed: copil },
      });
      const m = memo;
      const series: StructureSeries[] = list.map((s) => ({
        structureId: s.id,
        structureName: s.name,
        ipsoNetwork: s.ipso_network,
        suppressed: copil,
        rows: m.byTenant.get(s.id) ?? [],
      }));
      return { series, memo: m };
    });
  }

  private readonly shownMemo = new Map<
    string,
    { stamp: string; byTenant: Map<string, ShownRow[]>; json?: Buffer }
  >();

  private async readAll(
    user: AuthenticatedUser,
    ability: AppAbility,
    from: string,
    to: string,
    action: string,
  ) {
    if (!ability.can('read', 'IndicatorSet')) throw forbidden();
    const copil = user.platformRole === 'copil';
    return this.db.forPlatform(user.id, async (em) => {
      const structures: { id: string; name: string; ipso_network: boolean }[] = await em.query(
        `SELECT id, name, ipso_network FROM structures ORDER BY name`,
      );
      // The COPIL reads the store in its own scope, which no patient-level table admits.
      if (copil) await enterCopilScope(em);
      const rows = await readIndicatorRows(em, from, to);
      // Back to the platform scope for the trace, written last: the audit chain head stays locked only until commit.
      if (copil) await em.query(`SELECT set_config('app.scope', 'platform', true)`);
      await this.audit.record(em, null, {
        action,
        resourceType: 'structure_indicators',
        detail: { from, to, suppressed: copil, rows: rows.length },
      });
      return { copil, rows, structures };
    });
  }

  /** On demand (ipso): recompute months of one structure from its issued statements. */
  async recompute(tenantId: TenantId, ability: AppAbility, months: string[]): Promise<{ months: number }> {
    if (!ability.can('update', subject('Indicator', { tenantId }))) throw forbidden();
    return this.db.forTenant(tenantId, async (em) => {
      const n = await recomputeIndicators(em, tenantId, months);
      await this.audit.record(em, tenantId, {
        action: 'indicators.recompute',
        resourceType: 'structure_indicators',
        resourceId: tenantId,
        detail: { months: months.length, stored: n },
      });
      return { months: n };
    });
  }

  /** Issue #7 §2 — the programme against its trajectory, budget and non-ipso milestones. */
  async programme(user: AuthenticatedUser, ability: AppAbility, year: number) {
    const { copil, rows, structures } = await this.readAll(
      user,
      ability,
      '2026-05',
      '2030-04',
      'indicators.programme',
    );
    const milestones = await this.db.forPlatform(user.id, (em) => nonIpsoMilestones(em));
    return programmeView(
      rows,
      new Map(structures.map((s) => [s.id, s.ipso_network])),
      year,
      copil,
      milestones,
    );
  }
}

export interface NonIpsoMilestones {
  selected: number;
  aavSizes: { structureId: string; aavCode: string | null; population: number | null }[];
}

async function nonIpsoMilestones(em: EntityManager): Promise<NonIpsoMilestones> {
  const rows: { tenant_id: string; aav_code: string | null; population: string | null }[] = await em.query(
    `SELECT c.tenant_id, a.aav_code,
            (SELECT sum(p.population) FROM ref_aav2020_communes x JOIN ref_commune_populations p ON p.commune_code = x.commune_code
              WHERE x.aav_code = a.aav_code) AS population
       FROM candidacies c JOIN structures s ON s.id = c.tenant_id
       LEFT JOIN ref_aav2020_communes a ON a.commune_code = s.insee_code
      WHERE c.state = ANY($1) AND NOT s.ipso_network`,
    [SELECTED_STATES],
  );
  return {
    selected: rows.length,
    aavSizes: rows.map((r) => ({
      structureId: r.tenant_id,
      aavCode: r.aav_code,
      population: r.population === null ? null : Number(r.population),
    })),
  };
}

/**
 * Pure: cumulative doctors and included patients (sum over structures of each structure's
 * latest stored month ≤ the trajectory point) against TRAJECTORY; net forfaits per month by
 * FISS line against the annual budget, projected to year end. Programme-wide totals are
 * counts over many structures; the suppression rule still applies to them for the COPIL.
 */
export function programmeView(
  rows: readonly (IndicatorRow & { tenantId: string })[],
  ipsoOf: ReadonlyMap<string, boolean>,
  year: number,
  suppress: boolean,
  milestones: NonIpsoMilestones,
) {
  const small = (n: number) => n >= 1 && n <= 10;
  const trajectory = TRAJECTORY.map((t) => {
    const latest = new Map<string, IndicatorRow>();
    for (const r of rows)
      if (r.month <= t.at && (latest.get(r.tenantId)?.month ?? '') < r.month) latest.set(r.tenantId, r);
    const ls = [...latest.values()];
    return {
      at: t.at,
      targetDoctors: t.doctors,
      targetPatients: t.patients,
      doctors: shownSum(
        ls.map((r) => ({ value: r.doctors, hidden: small(r.doctors) })),
        suppress,
      ),
      patients: shownSum(
        ls.map((r) => ({ value: r.included, hidden: funnelHidden(r) })),
        suppress,
      ),
    };
  });
  const months = programmeMonthsIn(year);
  const byLine = (ipso: boolean) =>
    months
      .map((month) => {
        const rs = rows.filter((r) => r.month === month && (ipsoOf.get(r.tenantId) ?? false) === ipso);
        return {
          month,
          amountCents: rs.reduce((s, r) => s + r.netCents, 0),
          shown: shownSum(
            rs.map((r) => ({ value: r.netCents, hidden: small(r.consommant) })),
            suppress,
          ),
          n: rs.length,
        };
      })
      .filter((m) => m.n > 0);
  const budget = (['ipso', 'nonIpso'] as const).map((line) => {
    const paid = byLine(line === 'ipso');
    const p = projectYearEnd(year, paid, line);
    // The year's sum minus the visible months would give a hidden month back: hide it too.
    const hidden = paid.some((m) => m.shown === SUPPRESSED);
    return {
      line,
      ...p,
      paidCents: hidden ? SUPPRESSED : p.paidCents,
      projectedCents: hidden ? SUPPRESSED : p.projectedCents,
      monthly: paid.map((m) => ({
        month: m.month,
        amountCents: m.shown,
      })),
    };
  });
  const allPaid = months
    .map((month) => ({ month, rs: rows.filter((r) => r.month === month) }))
    .filter((m) => m.rs.length > 0)
    .map((m) => ({ month: m.month, amountCents: m.rs.reduce((s, r) => s + r.netCents, 0) }));
  const total = projectYearEnd(year, allPaid, 'total');
  return {
    year,
    suppressed: suppress,
    trajectory,
    budget,
    budgetAlert: budget.some((b) => b.alert) || total.alert,
    total: { budgetCents: total.budgetCents, alert: total.alert },
    // Structures and INSEE areas are public programme facts the COPIL itself decides on, not people: not suppressed.
    nonIpso: {
      selected: milestones.selected,
      aavSizes: milestones.aavSizes,
      aavUnder300k: milestones.aavSizes.filter((a) => a.population !== null && a.population < 300_000).length,
    },
  };
}
