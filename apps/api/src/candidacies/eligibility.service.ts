import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TenantId } from '@mtr/tenancy';
import { lookupAav } from '../reference-data/reference-data.service';
import { computeEligibility, type Declaration, type EligibilityResult, type PatientProfile } from './eligibility';

/**
 * Where the patientèle profile (men, 65+) comes from once a patient list is imported. The
 * patients feature may provide it under this token; without it, declared figures are used
 * (flagged as declared in the panel).
 */
export const PATIENT_PROFILE_SOURCE = Symbol('PATIENT_PROFILE_SOURCE');
export interface PatientProfileSource {
  profile(tenantId: TenantId): Promise<PatientProfile | null>;
}

export interface EligibilityView extends EligibilityResult {
  computedAt: string;
  justification: { text: string; by: string | null; at: string } | null;
}

export const todayParis = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

@Injectable()
export class EligibilityService {
  constructor(@Optional() @Inject(PATIENT_PROFILE_SOURCE) private readonly patients?: PatientProfileSource) {}

  /** The patient-list profile, read in its own tenant transaction (before the caller's). */
  async patientProfile(tenantId: TenantId): Promise<PatientProfile | null> {
    if (!this.patients) return null;
    try {
      return await this.patients.profile(tenantId);
    } catch {
      return null;
    }
  }

  /** Works in a tenant transaction and in the platform one (the tables have a platform read policy). */
  async compute(em: EntityManager, tenantId: string, patientProfile: PatientProfile | null, today = todayParis()): Promise<EligibilityView> {
    const [structure] = await em.query('SELECT insee_code FROM structures WHERE id = $1', [tenantId]);
    // The team as it stands (joined_on is the programme entry of each doctor, often after the candidacy).
    const practitioners: { profession: string }[] = await em.query(
      `SELECT profession FROM practitioners WHERE tenant_id = $1 AND (left_on IS NULL OR left_on >= $2)`,
      [tenantId, today],
    );
    const rows = await em.query(
      `SELECT d.key, d.value, d.evidence, d.document_id, d.declared_at FROM candidacy_declarations d WHERE d.tenant_id = $1`,
      [tenantId],
    );
    const declarations: Record<string, Declaration> = {};
    for (const r of rows) {
      declarations[r.key] = { value: r.value, evidence: r.evidence, documentId: r.document_id, declaredAt: new Date(r.declared_at).toISOString() };
    }
    const [cand] = await em.query(
      'SELECT justification, justification_by, justification_at FROM candidacies WHERE tenant_id = $1',
      [tenantId],
    );
    const result = computeEligibility({
      today,
      practitioners,
      declarations,
      aav: await lookupAav(em, structure?.insee_code ?? null),
      patientProfile,
    });
    return {
      ...result,
      computedAt: new Date().toISOString(),
      justification: cand?.justification
        ? { text: cand.justification, by: cand.justification_by, at: new Date(cand.justification_at).toISOString() }
        : null,
    };
  }
}
