import { Injectable } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { EntityManager } from 'typeorm';
import type { TenantId } from '@mtr/tenancy';
import { InputError, createEngineContext, formatEuros, type EngineContext, type PatientInput } from '@mtr/forfait-engine';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { forbidden } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { CSV_BOM, csvLine } from '../exports/csv';
import { readForfaitInputs } from '../patients/patient-queries';
import { monthsBefore, readRoster } from '../statements/forfait-inputs';
import { parisDate } from '../pdf/french-format';
import { buildWorklist, sortWorklist, type WorklistPatient } from './worklist-model';
import type { Worklist, WorklistQuery } from './worklist.schemas';
import { frenchEngineIssue } from '../common/engine-messages';

/**
 * Issue #6 §6 — revenue-at-risk worklist of a structure. Who: the coordinator and ipso see every
 * patient; a practitioner only the patients whose MT they are (filtered, not refused). Every read
 * of this patient-level list goes to the structure's audit trail.
 */
@Injectable()
export class WorklistService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  async worklist(tenantId: TenantId, user: AuthenticatedUser, ability: AppAbility, q: WorklistQuery, action = 'worklist.read'): Promise<Worklist> {
    if (!ability.can('read', subject('Worklist', { tenantId }))) throw forbidden();
    const asOf = q.asOf ?? parisDate(new Date());
    const membership = user.memberships.find((m) => m.structureId === tenantId);
    const platform = user.platformRole === 'ipso_team' || user.platformRole === 'platform_admin';
    const restricted = !platform && membership?.role === 'practitioner';
    return this.db.forTenant(tenantId, async (em) => {
      let restrictedRpps: string | null = null;
      if (restricted) {
        const [me] = membership?.practitionerId
          ? await em.query(`SELECT rpps FROM practitioners WHERE tenant_id = $1 AND id = $2`, [tenantId, membership.practitionerId])
          : [];
        if (!me) throw forbidden('Votre compte n’est relié à aucun praticien de la structure : la liste de vos patients ne peut pas être établie.');
        restrictedRpps = String(me.rpps);
      }
      const base = { structureId: tenantId, asOf, horizonDays: q.horizonDays, sort: q.sort, restrictedToMtRpps: restrictedRpps };
      const built = await this.build(em, tenantId, asOf, q, restrictedRpps);
      await this.audit.record(em, tenantId, {
        action,
        resourceType: 'patients',
        detail: { asOf, horizonDays: q.horizonDays, sort: q.sort, items: built.items.length, restrictedToMtRpps: restrictedRpps },
      });
      return {
        ...base,
        ...built,
        totals: { items: built.items.length, amountAtStakeCents: built.items.reduce((s, i) => s + i.amountAtStakeCents, 0) },
      };
    }, user.id);
  }

  private async build(em: EntityManager, tenantId: TenantId, asOf: string, q: WorklistQuery, restrictedRpps: string | null) {
    const [s]: { ipso_network: boolean; mtr1_participant: boolean; entry: string | null; rate: string }[] = await em.query(
      `SELECT ipso_network, mtr1_participant, to_char(convention_entry_date, 'YYYY-MM-DD') AS entry, theoretical_leakage_rate::text AS rate
         FROM structures WHERE id = $1`,
      [tenantId],
    );
    const rate = s ? String(Number(s.rate)) : null;
    if (!s?.entry || s.entry > asOf)
      return { theoreticalRate: rate, notice: 'La structure n’est pas encore entrée dans le programme (date d’entrée de la convention CNAM) : aucun forfait en jeu.', items: [] };
    const { practitioners: roster } = await readRoster(em, tenantId, s.entry);
    if (!roster.some((r) => r.role === 'doctor'))
      return { theoreticalRate: rate, notice: 'Aucun médecin dans la structure : aucun forfait en jeu.', items: [] };
    let ctx: EngineContext;
    try {
      ctx = createEngineContext({
        convention: { structureId: tenantId, isIpso: s.ipso_network, mtr1Participant: s.mtr1_participant, entryDate: s.entry, theoreticalLeakageRate: rate ?? undefined },
        practitioners: roster,
      });
    } catch (e) {
      // A convention the engine refuses (entry date outside the programme…) has no forfait to lose.
      if (e instanceof InputError)
        return { theoreticalRate: rate, notice: `Convention de la structure incomplète pour le calcul des forfaits : ${e.issues.map((i) => frenchEngineIssue(i)).join(' ; ')}.`, items: [] };
      throw e;
    }
    // Consommant looks 24 months back from the billed month's end; 26 months covers every month read.
    const inputs = await readForfaitInputs(em, tenantId, { activityFrom: monthsBefore(asOf, 26), activityTo: asOf });
    const ids: { id: string; external_id: string }[] = await em.query(`SELECT id, external_id FROM patients WHERE tenant_id = $1`, [tenantId]);
    const external = new Map(ids.map((r) => [r.id, r.external_id]));
    const patients: WorklistPatient[] = [];
    for (const f of inputs) {
      if (restrictedRpps !== null && !f.mtDeclarations.some((d) => d.rpps === restrictedRpps)) continue;
      const { acts: _acts, ...rest } = f;
      void _acts;
      patients.push({ externalId: external.get(f.id) ?? f.id, input: rest as unknown as PatientInput });
    }
    const names = new Map(roster.map((p) => [p.rpps, p.name ?? p.rpps]));
    const items = sortWorklist(buildWorklist(patients, ctx, asOf, q.horizonDays, names), q.sort);
    return { theoreticalRate: rate, notice: null, items };
  }
}

/** French Excel CSV (`;`, BOM, CRLF, formula injection neutralised by csvCell). */
export function worklistCsv(w: Worklist): string {
  const euros = (c: number) => formatEuros(c).replace('.', ',');
  let out = CSV_BOM + csvLine(['identifiant patient', 'médecin traitant (RPPS)', 'médecin traitant', 'type', 'lignes', 'date', 'mois perdu', 'jours restants', 'montant mensuel en jeu (€)', 'action']);
  for (const i of w.items)
    out += csvLine([i.patientId, i.mtRpps, i.mtName, i.kindLabel, i.lines.join(' + '), i.date, i.lostFromMonth, i.daysLeft, euros(i.amountAtStakeCents), i.action]);
  return out;
}
