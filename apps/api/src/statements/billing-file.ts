import { formatEuros } from '@mtr/forfait-engine';
import { CSV_BOM, csvLine } from '../exports/csv';

/** One row of the billing file: one MT doctor × one line (socle band or brique). */
export interface BillingRow {
  rpps: string;
  doctorName: string;
  lineCode: string;
  lineLabel: string;
  patientCount: number;
  unitNetCents: number;
  amountCents: number;
}

export interface BillingFile {
  structureId: string;
  structureName: string;
  finess: string | null;
  month: string;
  statementNumber: string;
  version: number;
  status: string;
  gridVersion: string;
  theoreticalLeakageRate: string;
  rows: BillingRow[];
  totals: { patientLines: number; amountCents: number };
}

export const BILLING_COLUMNS = [
  'numero_releve', 'mois', 'finess', 'rpps_medecin_traitant', 'medecin', 'code_ligne', 'libelle_ligne',
  'nombre_patients', 'prix_unitaire_net_eur', 'montant_eur',
] as const;

/**
 * Issue #6 §2 — the "fichier de facturation" the coordinator files on the article 51 platform.
 * Amounts in euros with a decimal comma (French Excel), two decimals, from integer cents; the
 * last row is the total, equal to the statement's net total.
 */
export function billingCsv(f: BillingFile): string {
  const eur = (c: number) => formatEuros(c).replace('.', ',');
  let out = CSV_BOM + csvLine([...BILLING_COLUMNS]);
  for (const r of f.rows) {
    out += csvLine([f.statementNumber, f.month, f.finess, r.rpps, r.doctorName, r.lineCode, r.lineLabel, r.patientCount, eur(r.unitNetCents), eur(r.amountCents)]);
  }
  out += csvLine([f.statementNumber, f.month, f.finess, '', 'TOTAL', '', '', f.totals.patientLines, '', eur(f.totals.amountCents)]);
  return out;
}

export function billingTotals(rows: readonly BillingRow[]): BillingFile['totals'] {
  return rows.reduce((t, r) => ({ patientLines: t.patientLines + r.patientCount, amountCents: t.amountCents + r.amountCents }), { patientLines: 0, amountCents: 0 });
}
