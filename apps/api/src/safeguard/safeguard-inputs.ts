import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ActInput, ConventionInput, SafeguardMethod, TariffInput } from '@mtr/forfait-engine';
import { issuedMonthlyStatements } from '../statements/statement-queries';
import type { TariffUsed } from './safeguard.schemas';

/**
 * Issue #6 §4 — reads what the engine's `computeSafeguard` needs (RULES §5) from the database:
 * the structure's convention, its GPs, the dated tariffs, the forfaits of the issued monthly
 * statements and the activity. No rule here: perimeter, window and valuation are the engine's.
 * Call inside `db.forTenant(tenantId, …)`.
 */
export interface StructureConvention {
  id: string;
  name: string;
  ipso: boolean;
  mtr1: boolean;
  entryDate: string | null;
  leakageRate: string;
  method: SafeguardMethod;
}

export interface Doctor {
  practitionerId: string;
  rpps: string;
  lastName: string;
  firstName: string;
  joinedOn: string;
}

export async function loadStructure(em: EntityManager, tenantId: string): Promise<StructureConvention | null> {
  const [s] = await em.query(
    `SELECT id, name, ipso_network, mtr1_participant, to_char(convention_entry_date, 'YYYY-MM-DD') AS entry,
            theoretical_leakage_rate::text AS rate, safeguard_method
       FROM structures WHERE id = $1`,
    [tenantId],
  );
  if (!s) return null;
  return {
    id: s.id,
    name: s.name,
    ipso: s.ipso_network,
    mtr1: s.mtr1_participant,
    entryDate: s.entry,
    leakageRate: s.rate,
    method: s.safeguard_method,
  };
}

export function conventionOf(s: StructureConvention & { entryDate: string }): ConventionInput {
  return {
    structureId: s.id,
    name: s.name,
    isIpso: s.ipso,
    mtr1Participant: s.mtr1,
    entryDate: s.entryDate,
    theoreticalLeakageRate: s.leakageRate,
    safeguardMethod: s.method,
  };
}

/** The structure's GPs (médecins généralistes): the doctors the clause protects. */
export async function loadDoctors(em: EntityManager, tenantId: string, practitionerId?: string): Promise<Doctor[]> {
  return em.query(
    `SELECT id AS "practitionerId", rpps, last_name AS "lastName", first_name AS "firstName",
            to_char(joined_on, 'YYYY-MM-DD') AS "joinedOn"
       FROM practitioners
      WHERE tenant_id = $1 AND profession = 'medecin_generaliste' AND ($2::uuid IS NULL OR id = $2::uuid)
      ORDER BY last_name, first_name, id`,
    [tenantId, practitionerId ?? null],
  );
}

/** The whole dated tariff table (global reference data, a few hundred rows at most). */
export async function loadTariffs(em: EntityManager): Promise<TariffUsed[]> {
  return em.query(
    `SELECT id, code, label, amount_cents AS "amountCents", to_char(valid_from, 'YYYY-MM-DD') AS "validFrom",
            to_char(valid_to, 'YYYY-MM-DD') AS "validTo", source
       FROM ref_tariffs ORDER BY code, valid_from`,
  );
}

export const toTariffInput = (t: TariffUsed): TariffInput => ({
  code: t.code,
  amountCents: t.amountCents,
  validFrom: t.validFrom,
  ...(t.validTo ? { validTo: t.validTo } : {}),
});

/** Fingerprint of the tariff rows a statement used: the "tariff version" stored with it. */
export function tariffVersion(rows: readonly TariffUsed[]): string {
  const canonical = rows.map((t) => [t.id, t.code, t.amountCents, t.validFrom, t.validTo]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

const lastDay = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

export interface MonthlySource {
  month: string;
  id: string;
  number: string;
  version: number;
}

/** Net forfaits of the doctor's MT patients per month (statement lines are per MT doctor). */
export async function loadForfaitIncome(
  em: EntityManager,
  tenantId: string,
  practitionerId: string,
  fromMonth: string,
  toMonth: string,
): Promise<{ income: { month: string; netCents: number }[]; sources: MonthlySource[] }> {
  const statements = await issuedMonthlyStatements(em, tenantId, fromMonth, toMonth);
  return {
    income: statements.map((s) => ({
      month: s.month,
      netCents: s.lines.filter((l) => l.practitionerId === practitionerId).reduce((a, l) => a + l.amountCents, 0),
    })),
    sources: statements.map((s) => ({ month: s.month, id: s.statementId, number: s.number, version: s.version })),
  };
}

/** practitioners.profession → the engine's Annex 3 groups; other professions have no Annex 3 act. */
const ANNEX3_PROFESSION: Record<string, ActInput['performerProfession']> = {
  medecin_generaliste: 'gp',
  sage_femme: 'midwife',
  gynecologue: 'gynaecologist',
  ipa: 'nurse',
  infirmier: 'nurse',
  pediatre: 'paediatrician',
};

/**
 * One imported act text (`G+MEG`, `VG+MD`, `SF12.6`, `DEQP003`) → code, coefficient, majorations.
 * CCAM codes are 4 letters + 3 digits; an NGAP letter key may carry its coefficient (`SF12,6`).
 */
export function parseActText(text: string): { code: string; coefficient?: string; majorations: string[] } | null {
  const [main, ...majorations] = text.toUpperCase().split('+');
  if (/^[A-Z]{4}\d{3}$/.test(main)) return { code: main, majorations };
  const m = /^([A-Z]+)(\d+(?:[.,]\d+)?)?$/.exec(main);
  if (!m) return null;
  return { code: m[1], ...(m[2] ? { coefficient: m[2].replace(',', '.') } : {}), majorations };
}

export interface ActsRead {
  acts: ActInput[];
  /** Acts the engine never sees, with why (performer outside the structure, profession, unreadable code). */
  skipped: { performerNotInStructure: number; professionWithoutAnnex3: number; unreadableCode: number };
}

/**
 * Acts in [fromMonth, toMonth] the doctor performed, or done on patients whose MT is the doctor
 * (the union of both perimeters: the engine keeps the convention's one). "Included" = the patient
 * has a line in the issued monthly statement of the act month; the MT on the act date comes from
 * the declaration (patients.mt_rpps between mt_from and mt_to).
 */
export async function loadActs(
  em: EntityManager,
  tenantId: string,
  rpps: string,
  fromMonth: string,
  toMonth: string,
): Promise<ActsRead> {
  const rows: {
    patient_id: string;
    date: string;
    performer: string;
    acts: string[];
    profession: string | null;
    mt: string | null;
    included: boolean;
  }[] = await em.query(
    `SELECT e.patient_id, to_char(e.date, 'YYYY-MM-DD') AS date, e.practitioner_rpps AS performer, e.acts, pr.profession,
            CASE WHEN (p.mt_from IS NULL OR p.mt_from <= e.date) AND (p.mt_to IS NULL OR e.date <= p.mt_to) THEN p.mt_rpps END AS mt,
            EXISTS (SELECT 1 FROM statements s JOIN statement_patient_lines l ON l.tenant_id = s.tenant_id AND l.statement_id = s.id
                     WHERE s.tenant_id = $1 AND s.kind = 'monthly' AND s.status = 'issued'
                       AND s.month = to_char(e.date, 'YYYY-MM') AND l.patient_id = e.patient_id) AS included
       FROM encounters e JOIN patients p ON p.tenant_id = e.tenant_id AND p.id = e.patient_id
       LEFT JOIN practitioners pr ON pr.tenant_id = e.tenant_id AND pr.rpps = e.practitioner_rpps
      WHERE e.tenant_id = $1 AND e.date BETWEEN $2::date AND $3::date AND cardinality(e.acts) > 0
        AND (e.practitioner_rpps = $4 OR p.mt_rpps = $4)
      ORDER BY e.date, e.id`,
    [tenantId, `${fromMonth}-01`, lastDay(toMonth), rpps],
  );
  const out: ActsRead = { acts: [], skipped: { performerNotInStructure: 0, professionWithoutAnnex3: 0, unreadableCode: 0 } };
  for (const r of rows) {
    for (const text of r.acts) {
      if (r.profession === null) {
        out.skipped.performerNotInStructure++;
        continue;
      }
      const profession = ANNEX3_PROFESSION[r.profession];
      if (!profession) {
        out.skipped.professionWithoutAnnex3++;
        continue;
      }
      const parsed = parseActText(text);
      if (!parsed) {
        out.skipped.unreadableCode++;
        continue;
      }
      out.acts.push({
        date: r.date,
        code: parsed.code,
        ...(parsed.coefficient ? { coefficient: parsed.coefficient } : {}),
        ...(parsed.majorations.length ? { majorations: parsed.majorations } : {}),
        performerRpps: r.performer.trim(),
        performerProfession: profession,
        patientId: r.patient_id,
        ...(r.mt ? { patientMtRpps: r.mt.trim() } : {}),
        patientIncluded: r.included,
      });
    }
  }
  return out;
}

/** The tariff rows of the codes the acts use, overlapping the window: what the statement cites. */
export function tariffsCited(all: readonly TariffUsed[], acts: readonly ActInput[], fromMonth: string, toMonth: string): TariffUsed[] {
  const codes = new Set(acts.flatMap((a) => [a.code, ...(a.majorations ?? [])]));
  const from = `${fromMonth}-01`;
  const to = lastDay(toMonth);
  return all.filter((t) => codes.has(t.code) && t.validFrom <= to && (t.validTo === null || t.validTo >= from));
}
