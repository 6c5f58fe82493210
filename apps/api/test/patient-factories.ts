import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { nextRpps } from './factories';

/**
 * Patient-data factories for forfait tests: rows inserted as the owner, in the shape the
 * imports write (identity bytes are placeholders: these tests never decrypt).
 */
export async function makeConventionStructure(
  db: Client,
  o: { name?: string; ipso?: boolean; entry?: string; rate?: string; state?: string } = {},
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO structures (id, name, legal_form, ipso_network, convention_entry_date, theoretical_leakage_rate, state, finess)
     VALUES ($1, $2, 'SISA', $3, $4, $5, $6, '750000001')`,
    [id, o.name ?? `Structure ${id.slice(0, 8)}`, o.ipso ?? false, o.entry ?? '2026-06-01', o.rate ?? '0.15', o.state ?? 'active'],
  );
  return id;
}

export async function makeDoctor(db: Client, tenantId: string, o: { lastName?: string; joinedOn?: string; profession?: string } = {}): Promise<{ id: string; rpps: string }> {
  const rpps = nextRpps();
  const { rows } = await db.query(
    `INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, $3, 'Claire', $4, $5) RETURNING id`,
    [tenantId, rpps, o.lastName ?? `Médecin ${rpps.slice(-3)}`, o.profession ?? 'medecin_generaliste', o.joinedOn ?? '2026-05-01'],
  );
  return { id: rows[0].id, rpps };
}

export async function makePatient(
  db: Client,
  tenantId: string,
  o: { birth: string; sex: 'F' | 'M'; mtRpps: string | null; mtFrom?: string; externalId?: string },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO patients (tenant_id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, mt_rpps, mt_from, digest, import_id)
     VALUES ($1, $2, '\\x00', 'k1', '\\x00', $3, $4, $5, $6, '\\x00', gen_random_uuid()) RETURNING id`,
    [tenantId, o.externalId ?? `P-${randomUUID().slice(0, 8)}`, o.birth, o.sex, o.mtRpps, o.mtRpps ? (o.mtFrom ?? '2020-01-01') : null],
  );
  return rows[0].id;
}

export async function makeEncounter(db: Client, tenantId: string, patientId: string, rpps: string, date: string, kind = 'consultation', acts: string[] = ['G']): Promise<void> {
  await db.query(
    `INSERT INTO encounters (tenant_id, patient_id, practitioner_rpps, date, kind, acts, digest, import_id) VALUES ($1, $2, $3, $4, $5, $6, '\\x00', gen_random_uuid())`,
    [tenantId, patientId, rpps, date, kind, acts],
  );
}

export async function makeCriterion(db: Client, tenantId: string, patientId: string, criterion: string, o: { detail?: string; value?: number; date: string; validUntil?: string }): Promise<void> {
  await db.query(
    `INSERT INTO patient_criteria (tenant_id, patient_id, criterion, detail, value, date, valid_until, digest, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, '\\x00', gen_random_uuid())`,
    [tenantId, patientId, criterion, o.detail ?? '', o.value ?? null, o.date, o.validUntil ?? null],
  );
}
