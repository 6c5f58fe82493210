import { Injectable } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import { PassThrough, type Readable } from 'node:stream';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { connectionOf, type TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { TenantDb } from '../database/tenant-db';
import { PatientCrypto } from '../patients/patient-crypto';
import { todayParis } from '../patients/patients.service';
import { CSV_BOM, csvLine } from './csv';
import { PatientsCsvFormatter } from './patients-csv-lines';

export type ExportKind = 'am-included' | 'patients-csv' | 'patients-fhir' | 'evaluation';

/** FHIR identifier systems (ANS): INS-NIR OID, and the IDNPS of health professionals (8 + RPPS). */
export const NIR_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
export const IDNPS_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
const FETCH = 2000;
/** Rows of this tenant, by the same expression as the row-level security policies (COPY takes no parameters). */
const OWN_ROWS = `tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid)`;
/** Exports from this many patients decrypt on a second thread too. */
const THREADED_FROM = 20_000;

type Row = Record<string, never>;

/**
 * Streamed exports (issue #5 §6): a server-side cursor inside one tenant transaction, fetched in
 * blocks and written with back-pressure, so memory stays constant whatever the list size.
 * Each export is recorded in the audit trail (kind, never identifiers).
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly crypto: PatientCrypto,
  ) {}

  private stream(tenantId: TenantId, kind: ExportKind, head: string, sql: string, params: unknown[], line: (r: Row) => string): Readable {
    const out = new PassThrough();
    void this.db
      .forTenant(tenantId, async (em: EntityManager) => {
        await this.audit.record(em, tenantId, { action: 'patient.export', resourceType: 'patient', detail: { kind } });
        await em.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${sql}`, params);
        if (head) out.write(head);
        for (;;) {
          const rows: Row[] = await em.query(`FETCH ${FETCH} FROM export_cursor`);
          if (!rows.length) break;
          let s = '';
          for (const r of rows) s += line(r);
          if (!out.write(s)) await ExportsService.writable(out);
          if (out.destroyed) throw new Error('client parti');
        }
        await em.query('CLOSE export_cursor');
      })
      .then(
        () => out.end(),
        (e: Error) => out.destroy(e),
      );
    return out;
  }

  /** Waits until `out` can take more (or is gone). */
  private static writable(out: PassThrough): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.once('drain', done);
      out.once('close', done);
    });
  }

  /**
   * The patient list as `COPY (query) TO STDOUT` text inside the tenant transaction (RLS applies
   * to the query): no row objects nor per-column parsing in the driver, only lines cut into chunks
   * of about 64 KiB and decrypted by PatientsCsvFormatter, with back-pressure on the way out.
   */
  private copyStream(tenantId: TenantId, kind: ExportKind, head: string, sql: string): Readable {
    const out = new PassThrough();
    void this.db
      .forTenant(tenantId, async (em: EntityManager) => {
        await this.audit.record(em, tenantId, { action: 'patient.export', resourceType: 'patient', detail: { kind } });
        // The structure's patient count, as the triggers on patients keep it (migration RequestPath).
        const [{ n }] = await em.query(`SELECT coalesce(sum(patients), 0)::int AS n FROM patient_counts`);
        const client = await connectionOf<{ query(q: CopyToStreamQuery): CopyToStreamQuery }>(em, 'COPY');
        const fmt = new PatientsCsvFormatter(this.crypto.decoderKeys(), n >= THREADED_FROM);
        const write = async (s: string) => {
          if (s && !out.destroyed && !out.write(s)) await ExportsService.writable(out);
        };
        try {
          out.write(head);
          let pending: Buffer[] = [];
          let size = 0;
          // The client gone, the COPY is still read to its end (bounded by the export) so the
          // connection comes back clean, but nothing more is decrypted.
          for await (const chunk of client.query(copyTo(`COPY (${sql}) TO STDOUT`)) as AsyncIterable<Buffer>) {
            if (out.destroyed) continue;
            pending.push(chunk);
            size += chunk.length;
            if (size < 64 * 1024) continue;
            const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, size);
            const cut = all.lastIndexOf(10) + 1;
            pending = cut < all.length ? [all.subarray(cut)] : [];
            size = all.length - cut;
            await write(await fmt.push(all.toString('utf8', 0, cut)));
          }
          if (size && !out.destroyed) await write(await fmt.push(Buffer.concat(pending, size).toString('utf8')));
          await write(await fmt.drain());
        } finally {
          await fmt.close();
        }
        if (out.destroyed) throw new Error('client parti');
      })
      .then(
        () => out.end(),
        (e: Error) => out.destroy(e),
      );
    return out;
  }

  private can(ability: AppAbility, tenantId: TenantId, kind: ExportKind) {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('PatientExport', { tenantId, kind }));
  }

  /**
   * Included patients for the Assurance Maladie (no double billing): NIR, inclusion date, first
   * forfait month, MT RPPS. Inclusion per RULES §1: MTR 1 structures at the launch (forfait from
   * May 2026); MT declared on/after E → the declaration; before E → first consultation or
   * teleconsultation with a doctor of the structure on/after E, else E + 12 months; forfait from
   * the month after.
   */
  amIncluded(tenantId: TenantId, ability: AppAbility, today = todayParis()): Readable {
    this.can(ability, tenantId, 'am-included');
    const sql = `
      WITH s AS (SELECT convention_entry_date AS e, mtr1_participant AS mtr1 FROM structures WHERE id = $1),
      first_enc AS (
        SELECT en.patient_id, min(en.date) AS d FROM encounters en
          JOIN practitioners pr ON pr.tenant_id = en.tenant_id AND pr.rpps = en.practitioner_rpps
                              AND pr.profession IN ('medecin_generaliste', 'pediatre', 'gynecologue')
          CROSS JOIN s
         WHERE en.tenant_id = $1 AND en.kind IN ('consultation', 'teleconsultation') AND en.date >= s.e GROUP BY 1)
      SELECT p.identity_enc, p.key_id, p.mt_rpps, to_char(i.d, 'YYYY-MM-DD') AS inclusion,
             CASE WHEN s.mtr1 THEN '2026-05' ELSE to_char(date_trunc('month', i.d) + interval '1 month', 'YYYY-MM') END AS first_month
        FROM patients p CROSS JOIN s LEFT JOIN first_enc f ON f.patient_id = p.id
        CROSS JOIN LATERAL (SELECT CASE
            WHEN s.mtr1 THEN DATE '2026-05-01'
            WHEN p.mt_from >= s.e THEN p.mt_from
            WHEN f.d IS NOT NULL THEN f.d
            WHEN (s.e + interval '12 months')::date <= $2::date THEN (s.e + interval '12 months')::date
          END AS d) i
       WHERE p.tenant_id = $1 AND s.e IS NOT NULL AND p.mt_rpps IS NOT NULL AND p.mt_from IS NOT NULL
         AND i.d IS NOT NULL AND i.d <= $2::date AND (p.mt_to IS NULL OR p.mt_to >= i.d)
       ORDER BY p.external_id`;
    return this.stream(tenantId, 'am-included', CSV_BOM + csvLine(['nir', 'date_inclusion', 'premier_mois_forfait', 'rpps_medecin_traitant']), sql, [tenantId, today], (r) => {
      const id = this.crypto.decryptIdentity(r.identity_enc, r.key_id);
      return csvLine([id.nir, r.inclusion, r.first_month, r.mt_rpps]);
    });
  }

  /** The patient list, same columns as the patients import (round trip), French Excel CSV. */
  patientsCsv(tenantId: TenantId, ability: AppAbility): Readable {
    this.can(ability, tenantId, 'patients-csv');
    const head = CSV_BOM + csvLine(['identifiant_patient', 'nir', 'nom', 'prenom', 'date_naissance', 'sexe', 'rpps_medecin_traitant', 'debut_declaration_mt', 'fin_declaration_mt', 'date_note_information', 'opposition_evaluation']);
    // Everything but the identity is joined here into cells that never need quoting (dates, F/M, RPPS digits, oui/non).
    const dmy = (c: string) => `coalesce(to_char(${c}, 'DD/MM/YYYY'), '')`;
    const sql = `SELECT external_id, identity_enc, key_id,
                        ${dmy('birth_date')} || ';' || sex || ';' || coalesce(mt_rpps, '') || ';' || ${dmy('mt_from')} || ';' || ${dmy('mt_to')} || ';' ||
                        ${dmy('info_note_date')} || ';' || CASE WHEN evaluation_opposed THEN 'oui' ELSE 'non' END
                   FROM patients WHERE ${OWN_ROWS} ORDER BY external_id`;
    return this.copyStream(tenantId, 'patients-csv', head, sql);
  }

  /** FHIR R4 Bulk Data NDJSON: one resource per line, Patient (NIR identifier) or Practitioner (RPPS). */
  fhir(tenantId: TenantId, ability: AppAbility, type: 'Patient' | 'Practitioner'): Readable {
    this.can(ability, tenantId, 'patients-fhir');
    if (type === 'Practitioner') {
      const sql = `SELECT id, rpps, last_name, first_name FROM practitioners WHERE tenant_id = $1 ORDER BY rpps`;
      return this.stream(tenantId, 'patients-fhir', '', sql, [tenantId], (r) =>
        JSON.stringify({
          resourceType: 'Practitioner', id: r.id,
          identifier: [{ system: IDNPS_SYSTEM, value: `8${r.rpps}` }, { system: 'https://rpps.esante.gouv.fr', value: r.rpps }],
          name: [{ family: r.last_name, given: [r.first_name] }],
        }) + '\n',
      );
    }
    const sql = `SELECT p.id, p.external_id, p.identity_enc, p.key_id, to_char(p.birth_date, 'YYYY-MM-DD') AS birth, p.sex, pr.id AS gp
                   FROM patients p LEFT JOIN practitioners pr ON pr.tenant_id = p.tenant_id AND pr.rpps = p.mt_rpps
                  WHERE p.tenant_id = $1 ORDER BY p.external_id`;
    return this.stream(tenantId, 'patients-fhir', '', sql, [tenantId], (r) => {
      const id = this.crypto.decryptIdentity(r.identity_enc, r.key_id);
      return JSON.stringify({
        resourceType: 'Patient', id: r.id,
        identifier: [
          ...(id.nir ? [{ use: 'official', system: NIR_SYSTEM, value: id.nir }] : []),
          { use: 'usual', system: `urn:mtr2:structure:${tenantId}:patient`, value: r.external_id },
        ],
        name: [{ family: id.lastName, given: [id.firstName] }],
        gender: r.sex === 'M' ? 'male' : 'female',
        birthDate: r.birth,
        ...(r.gp ? { generalPractitioner: [{ reference: `Practitioner/${r.gp}` }] } : {}),
      }) + '\n';
    });
  }

  /**
   * Evaluation extract: patients opposed to evaluation use are left out; identifiers replaced
   * by a keyed pseudonym (HMAC, key PATIENT_PSEUDONYM_KEY); birth year only.
   */
  evaluation(tenantId: TenantId, ability: AppAbility, today = todayParis()): Readable {
    this.can(ability, tenantId, 'evaluation');
    const head = CSV_BOM + csvLine(['pseudonyme', 'annee_naissance', 'sexe', 'rpps_medecin_traitant', 'debut_declaration_mt', 'fin_declaration_mt', 'criteres', 'rencontres_12_mois']);
    const sql = `SELECT p.external_id, date_part('year', p.birth_date)::int AS year, p.sex, p.mt_rpps, to_char(p.mt_from, 'YYYY-MM-DD') AS mt_from,
                        to_char(p.mt_to, 'YYYY-MM-DD') AS mt_to,
                        (SELECT string_agg(DISTINCT c.criterion, ' ') FROM patient_criteria c WHERE c.tenant_id = p.tenant_id AND c.patient_id = p.id) AS criteria,
                        (SELECT count(*) FROM encounters e WHERE e.tenant_id = p.tenant_id AND e.patient_id = p.id AND e.date > $2::date - interval '12 months') AS encounters
                   FROM patients p WHERE p.tenant_id = $1 AND NOT p.evaluation_opposed ORDER BY p.id`;
    return this.stream(tenantId, 'evaluation', head, sql, [tenantId, today], (r) =>
      csvLine([this.crypto.pseudonym(`${tenantId}:${r.external_id}`), r.year, r.sex, r.mt_rpps, r.mt_from, r.mt_to, r.criteria, Number(r.encounters)]),
    );
  }
}
