import type { EntityManager } from 'typeorm';
import { euros, frLongDate, parisDate, signedEuros } from '../pdf/french-format';
import type { SimulationView } from './simulation.schemas';

/**
 * The latest financial simulation of a structure (table financial_simulations, one row per
 * structure, replaced by each run). Also read by the candidacy dossier (issue #4 §5).
 * Call inside `db.forTenant(tenantId, …)`.
 */
export async function latestSimulation(em: EntityManager, tenantId: string): Promise<SimulationView | null> {
  const [row] = await em.query(`SELECT result FROM financial_simulations WHERE tenant_id = $1`, [tenantId]);
  return row ? (row.result as SimulationView) : null;
}

export async function storeSimulation(em: EntityManager, tenantId: string, view: SimulationView, declared: unknown): Promise<void> {
  await em.query(
    `INSERT INTO financial_simulations (tenant_id, id, reference_month, grid_version, inputs_fingerprint, declared_income, result,
                                        created_by, created_by_name, created_by_role, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (tenant_id) DO UPDATE SET id = EXCLUDED.id, reference_month = EXCLUDED.reference_month, grid_version = EXCLUDED.grid_version,
       inputs_fingerprint = EXCLUDED.inputs_fingerprint, declared_income = EXCLUDED.declared_income, result = EXCLUDED.result,
       created_by = EXCLUDED.created_by, created_by_name = EXCLUDED.created_by_name, created_by_role = EXCLUDED.created_by_role,
       created_at = EXCLUDED.created_at`,
    [
      tenantId,
      view.id,
      view.referenceMonth,
      view.gridVersion,
      view.inputsFingerprint,
      JSON.stringify(declared),
      JSON.stringify(view),
      view.createdBy.id,
      view.createdBy.name,
      view.createdBy.role,
      view.createdAt,
    ],
  );
}

/** What the dossier PDF prints (issue #4 §5): per doctor, the net at each rate and the gap to current income, as French text. */
export interface DossierSimulation {
  referenceMonth: string;
  createdOn: string;
  createdBy: string;
  rates: string[];
  doctors: { name: string; mtPatients: number; paidPatients: number; currentText: string; byRate: { net: string; gap: string }[] }[];
  structure: { mtPatients: number; paidPatients: number; byRate: { net: string; annual: string }[] };
  assumptions: string[];
}

const SOURCE_LABEL = { declared: 'déclaré', computed: 'calculé sur l’activité importée', unavailable: 'inconnu' } as const;

export function dossierSummary(v: SimulationView): DossierSimulation {
  return {
    referenceMonth: v.referenceMonth,
    createdOn: frLongDate(parisDate(new Date(v.createdAt))),
    createdBy: v.createdBy.name,
    rates: v.structure.byRate.map((r) => r.ratePercent),
    doctors: v.doctors.map((d) => ({
      name: `Dr ${d.firstName} ${d.lastName}`,
      mtPatients: d.mtPatients,
      paidPatients: d.paidPatients,
      currentText: `${d.currentIncome.monthlyCents === null ? '—' : euros(d.currentIncome.monthlyCents)} (${SOURCE_LABEL[d.currentIncome.source]})`,
      byRate: d.byRate.map((r) => ({ net: euros(r.netMonthlyCents), gap: r.gapMonthlyCents === null ? '—' : signedEuros(r.gapMonthlyCents) })),
    })),
    structure: {
      mtPatients: v.structure.mtPatients,
      paidPatients: v.structure.paidPatients,
      byRate: v.structure.byRate.map((r) => ({ net: euros(r.netMonthlyCents), annual: euros(r.netAnnualCents) })),
    },
    assumptions: v.assumptions,
  };
}
