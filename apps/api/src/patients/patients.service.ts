import { Injectable } from '@nestjs/common';
import { ForbiddenError, subject } from '@casl/ability';
import { normaliseNir, type PatientLookupQuery } from '@mtr/api-contracts';
import { preparedQuery, type TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import type { PatientProfile } from '../candidacies/eligibility';
import type { PatientProfileSource } from '../candidacies/eligibility.service';
import { Problem } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { PatientCrypto } from './patient-crypto';
import { patienteleProfile, type PatienteleProfile } from './patient-queries';

export const todayParis = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

export interface PatientView {
  id: string;
  externalId: string;
  birthDate: string;
  sex: 'F' | 'M';
  mtRpps: string | null;
  mtFrom: string | null;
  mtTo: string | null;
  infoNoteDate: string | null;
  evaluationOpposed: boolean;
  /** Only for roles allowed to see identities (each read audited); null otherwise. */
  identity: { nir: string | null; lastName: string; firstName: string } | null;
}

/** The identity columns, or in their place NULLs of the same names for the roles that may not see it. */
const IDENTITY = 'identity_enc, key_id';
const NO_IDENTITY = 'NULL::bytea AS identity_enc, NULL AS key_id';
const viewColumns = (identity: string) =>
  `id, external_id, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sex, mt_rpps,
          to_char(mt_from, 'YYYY-MM-DD') AS mt_from, to_char(mt_to, 'YYYY-MM-DD') AS mt_to, to_char(info_note_date, 'YYYY-MM-DD') AS info_note_date,
          evaluation_opposed, ${identity}`;
const pageSql = (identity: string) =>
  `SELECT (SELECT coalesce(sum(patients), 0) FROM patient_counts) AS total, ${viewColumns(identity)}
     FROM patients ORDER BY external_id OFFSET $1 LIMIT $2`;
const PAGE_WITH_IDENTITY = pageSql(IDENTITY);
const PAGE = pageSql(NO_IDENTITY);
/** A lookup matches one patient in practice (a NIR, an id); a homonym with the same birth date is the rare second. */
const LOOKUP_LIMIT = 20;

@Injectable()
export class PatientsService implements PatientProfileSource {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
    private readonly crypto: PatientCrypto,
  ) {}

  /** A page of the patient list; identities decrypted only when the ability allows, and the read recorded. */
  list(tenantId: TenantId, ability: AppAbility, page: { offset: number; limit: number }): Promise<{ total: number; items: PatientView[] }> {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Patient', { tenantId }));
    const withIdentity = ability.can('read', subject('PatientIdentity', { tenantId }));
    return this.db.forTenant(tenantId, async (em) => {
      // The total rides along with the page, from the per-structure counter the triggers on
      // patients keep (migration RequestPath): no count(*) over the whole list per page.
      const rows = await preparedQuery<Record<string, never>>(em, withIdentity ? 'patients_page_identity' : 'patients_page', withIdentity ? PAGE_WITH_IDENTITY : PAGE, [page.offset, page.limit]);
      const items = rows.map((r) => this.view(r, withIdentity));
      await this.audit.record(em, tenantId, {
        action: withIdentity ? 'patient.read_identity' : 'patient.read',
        resourceType: 'patient',
        detail: { count: items.length, offset: page.offset, patientIds: items.map((i) => i.id) },
      });
      const total = rows.length ? Number(rows[0].total) : Number((await em.query('SELECT coalesce(sum(patients), 0) AS n FROM patient_counts'))[0].n);
      return { total, items };
    });
  }

  /**
   * Exact lookup through the blind indexes (issue #5 §5): by NIR or by name + birth date for the
   * roles that may see identities (the answer alone tells that a person is a patient here), by
   * the structure's patient id for whoever may read the list. Audited like a page read, with the
   * way of searching but never the NIR or name searched for.
   */
  lookup(tenantId: TenantId, ability: AppAbility, q: PatientLookupQuery): Promise<{ items: PatientView[] }> {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Patient', { tenantId }));
    const withIdentity = ability.can('read', subject('PatientIdentity', { tenantId }));
    if (!q.externalId && !withIdentity) {
      throw new Problem(403, 'recherche_identite_interdite', 'La recherche par NIR ou par nom est réservée à l’équipe de soins de la structure ; cherchez par identifiant patient.');
    }
    const [by, where, key]: [string, string, string | Buffer] = q.nir
      ? ['nir', 'nir_bidx = $1', this.crypto.nirIndex(normaliseNir(q.nir))]
      : q.externalId
        ? ['externalId', 'external_id = $1', q.externalId]
        : ['name', 'name_bidx = $1', this.crypto.nameIndex(q.lastName!, q.firstName!, q.birthDate!)];
    return this.db.forTenant(tenantId, async (em) => {
      const rows = await em.query(`SELECT ${viewColumns(withIdentity ? IDENTITY : NO_IDENTITY)} FROM patients WHERE ${where} ORDER BY external_id LIMIT ${LOOKUP_LIMIT}`, [key]);
      const items = rows.map((r: Record<string, never>) => this.view(r, withIdentity));
      await this.audit.record(em, tenantId, {
        action: withIdentity ? 'patient.lookup_identity' : 'patient.lookup',
        resourceType: 'patient',
        detail: { by, count: items.length, patientIds: items.map((i: PatientView) => i.id) },
      });
      return { items };
    });
  }

  private view(r: Record<string, never>, withIdentity: boolean): PatientView {
    return {
      id: r.id, externalId: r.external_id, birthDate: r.birth_date, sex: r.sex, mtRpps: r.mt_rpps, mtFrom: r.mt_from, mtTo: r.mt_to,
      infoNoteDate: r.info_note_date, evaluationOpposed: r.evaluation_opposed,
      identity: withIdentity ? this.crypto.decryptIdentity(r.identity_enc, r.key_id) : null,
    };
  }

  /** Patientèle profile (RULES §6), for the route and the eligibility panel. */
  patientele(tenantId: TenantId, ability: AppAbility, asOf = todayParis()): Promise<PatienteleProfile> {
    ForbiddenError.from(ability).throwUnlessCan('read', subject('Patient', { tenantId }));
    return this.db.forTenant(tenantId, (em) => patienteleProfile(em, tenantId, asOf));
  }

  /** PATIENT_PROFILE_SOURCE for candidacies: null while no patient list is imported. */
  async profile(tenantId: TenantId): Promise<PatientProfile | null> {
    const asOf = todayParis();
    const p = await this.db.forTenant(tenantId, (em) => patienteleProfile(em, tenantId, asOf));
    if (!p.total) return null;
    const [last] = await this.db.forTenant(tenantId, (em) =>
      em.query(`SELECT to_char(max(committed_at) AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS d FROM imports WHERE kind = 'patients' AND status = 'committed'`),
    );
    return { total: p.total, men: p.men, aged65Plus: p.aged65Plus, asOf: last?.d ?? asOf };
  }
}
