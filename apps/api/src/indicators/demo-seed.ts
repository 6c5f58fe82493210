import type { EntityManager } from 'typeorm';
import { asTenantId } from '@mtr/tenancy';
import { emptyRow, type IndicatorRow } from './indicator-model';
import { storeIndicatorRows } from './indicator-store';

/**
 * Issue #7 demo: indicator rows (aggregates only, no patient) for two structures, May 2026 –
 * April 2027, so a COPIL user sees both with suppression: the large ipso structure shows most
 * figures, the small one shows "< 11" for its small counts and the amounts derived from them.
 * Call it from the demo seed inside its transaction: `await seedIndicatorDemo(em, [ipsoId, smallId])`.
 * Idempotent (upsert per structure × month); restores the platform scope afterwards.
 */
export async function seedIndicatorDemo(em: EntityManager, [large, small]: [string, string]): Promise<void> {
  const months: string[] = [];
  for (let i = 0; i < 12; i++) {
    const d = new Date(Date.UTC(2026, 4 + i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  const make = (scale: number, i: number): IndicatorRow => {
    const included = Math.round(scale * (0.6 + 0.02 * i));
    const consommant = Math.round(included * 0.9);
    const bands = {
      '0-5': Math.round(consommant * 0.06),
      '6-64': 0,
      '65-79': Math.round(consommant * 0.16),
      '80+': Math.round(consommant * 0.07),
    };
    bands['6-64'] = consommant - bands['0-5'] - bands['65-79'] - bands['80+'];
    const ald = Math.round(consommant * 0.22);
    const vuln = Math.round(consommant * 0.08);
    const gross =
      bands['0-5'] * 1280 +
      bands['6-64'] * 850 +
      bands['65-79'] * 1050 +
      bands['80+'] * 1400 +
      ald * 710 +
      vuln * 360;
    return {
      ...emptyRow(months[i]),
      patientsMt: Math.round(scale),
      included,
      consommant,
      newByPath:
        i === 0
          ? { entry_consultation: 0, declaration: 0, anniversary: 0, mtr1: included }
          : {
              entry_consultation: Math.round(scale * 0.015),
              declaration: Math.round(scale * 0.004),
              anniversary: 0,
              mtr1: 0,
            },
      bands,
      briques: {
        ald: { count: ald, grossCents: ald * 710, netCents: Math.round(ald * 710 * 0.85) },
        vulnerabilite_sociale: {
          count: vuln,
          grossCents: vuln * 360,
          netCents: Math.round(vuln * 360 * 0.85),
        },
      },
      men: Math.round(included * 0.46),
      aged65Plus: Math.round(included * 0.23),
      doctors: scale > 1000 ? 12 : 3,
      grossCents: gross,
      netCents: Math.round(gross * 0.85),
      leakageTheoretical: 0.15,
      infoNotes: included,
      oppositions: Math.round(included * 0.01),
    };
  };
  for (const [id, scale] of [
    [large, 6000],
    [small, 180],
  ] as const) {
    await em.query(`SELECT set_config('app.tenant_id', $1, true), set_config('app.scope', 'tenant', true)`, [
      id,
    ]);
    await storeIndicatorRows(
      em,
      asTenantId(id),
      months.map((_, i) => make(scale, i)),
    );
  }
  await em.query(`SELECT set_config('app.tenant_id', '', true), set_config('app.scope', 'platform', true)`);
}
