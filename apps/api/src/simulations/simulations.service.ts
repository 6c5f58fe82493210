import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { subject } from '@casl/ability';
import { DEFAULT_GRID_VERSION, InputError, simulate, type Simulation } from '@mtr/forfait-engine';
import type { TenantId } from '@mtr/tenancy';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { actorRole } from '../candidacies/candidacies.service';
import { Problem, forbidden, notFound, type FieldError } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import { euros, frMonth, percent } from '../pdf/french-format';
import { loadTariffs, tariffVersion } from '../safeguard/safeguard-inputs';
import {
  addMonth,
  computedIncome,
  firstActivityMonth,
  loadPatients,
  loadRoster,
  type ComputedIncome,
  type RosterDoctor,
} from './simulation-inputs';
import { latestSimulation, storeSimulation } from './simulation-store';
import type { RunSimulationBody, SimulationView } from './simulation.schemas';
import { frenchEngineIssue, frenchEngineMessage } from '../common/engine-messages';

const parisMonth = (d: Date): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(d).slice(0, 7);

/**
 * Financial simulation of a candidate structure's doctors (RULES §6 "financial simulations",
 * issue #8 item 2): the engine's `simulate` (every MT patient assumed included, consommant status
 * and briques evaluated for the reference month, net at 5 / 15 / 25 %) on the imported patient
 * list, compared with each doctor's current fee-for-service income — declared in the request, or
 * computed from the imported activity of the last 12 months valued with the dated tariff table.
 * The latest simulation is stored per structure; every run and read is in the audit trail.
 */
@Injectable()
export class SimulationsService {
  /** Today; replaced in tests. */
  readonly clock = { now: (): Date => new Date() };

  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  /** Last full civil month (Europe/Paris). */
  lastFullMonth(): string {
    return addMonth(parisMonth(this.clock.now()), -1);
  }

  async run(tenantId: TenantId, user: AuthenticatedUser, ability: AppAbility, body: RunSimulationBody): Promise<SimulationView> {
    if (!ability.can('create', subject('Simulation', { tenantId })))
      throw forbidden('La simulation financière est réservée à l’équipe projet ipso et à la coordination de la structure.');
    const lastFull = this.lastFullMonth();
    const referenceMonth = body.referenceMonth ?? lastFull;
    if (referenceMonth > lastFull)
      throw new Problem(400, 'mois_non_termine', `« referenceMonth » : le mois de référence doit être un mois terminé (au plus ${frMonth(lastFull)}).`, {
        errors: [{ field: 'referenceMonth', code: 'mois_non_termine', detail: `au plus ${lastFull}` }],
      });
    const declaredInput = body.feeForService ?? [];
    const now = this.clock.now();

    return this.db.forTenant(tenantId, async (em) => {
      const [structure] = await em.query('SELECT id, name FROM structures WHERE id = $1', [tenantId]);
      if (!structure) throw notFound('La structure');
      const { roster, practitioners } = await loadRoster(em, tenantId);
      const byId = new Map(roster.map((p) => [p.id, p]));
      const errors: FieldError[] = [];
      const declared = new Map<string, number>();
      declaredInput.forEach((d, i) => {
        const field = `feeForService[${i}].practitionerId`;
        const p = byId.get(d.practitionerId.toLowerCase());
        if (!p) errors.push({ field, code: 'praticien_inconnu', detail: `le praticien ${d.practitionerId} n’appartient pas à cette structure` });
        else if (p.role !== 'doctor') errors.push({ field, code: 'pas_medecin', detail: `${p.firstName} ${p.lastName} n’est pas médecin : seuls les médecins ont un revenu simulé` });
        else if (declared.has(p.id)) errors.push({ field, code: 'doublon', detail: `revenu de ${p.firstName} ${p.lastName} déclaré deux fois` });
        else declared.set(p.id, d.monthlyCents);
      });
      if (errors.length)
        throw new Problem(400, 'praticien_inconnu', `Revenus déclarés invalides — ${errors.map((e) => `« ${e.field} » : ${e.detail}`).join(' ; ')}.`, { errors });

      const [{ n }] = await em.query('SELECT count(*)::int AS n FROM patients WHERE tenant_id = $1', [tenantId]);
      if (n === 0)
        throw new Problem(
          422,
          'patientele_absente',
          'Aucune liste de patients n’est importée pour cette structure : importez d’abord la patientèle (extraction du logiciel, Patientèle → Importer), puis relancez la simulation.',
        );
      const doctors = roster.filter((p) => p.role === 'doctor');
      if (doctors.length === 0)
        throw new Problem(422, 'aucun_medecin', 'La structure n’a aucun médecin enregistré : ajoutez ses médecins avant de lancer la simulation.');

      const patients = await loadPatients(em, tenantId, referenceMonth);
      const tariffs = await loadTariffs(em);
      // Fee-for-service computed over the 12 months ending with the reference month, or fewer when the imported activity starts later.
      const windowTo = referenceMonth;
      const windowFrom = addMonth(referenceMonth, -11);
      const firstActivity = await firstActivityMonth(em, tenantId, windowFrom, windowTo);
      const structureDoctors = new Set(doctors.map((d) => d.rpps));
      const computed = new Map<string, ComputedIncome>();
      for (const d of doctors) {
        if (declared.has(d.id)) continue;
        computed.set(
          d.id,
          firstActivity === null
            ? { kind: 'unavailable', reason: `non calculé : aucune activité importée de ${frMonth(windowFrom)} à ${frMonth(windowTo)} ; importez l’activité ou déclarez le revenu de ce médecin` }
            : await computedIncome(em, tenantId, d, structureDoctors, { from: firstActivity, to: windowTo }, tariffs),
        );
      }
      const feeForService = doctors.flatMap((d) => {
        const dec = declared.get(d.id);
        if (dec !== undefined) return [{ rpps: d.rpps, periodMonths: 1, amountCents: dec }];
        const c = computed.get(d.id);
        return c?.kind === 'computed' && c.periodMonths > 0 ? [{ rpps: d.rpps, periodMonths: c.periodMonths, amountCents: c.totalCents }] : [];
      });

      let sim: Simulation;
      try {
        sim = simulate({ gridVersion: DEFAULT_GRID_VERSION, structureName: structure.name, referenceMonth, practitioners, patients, feeForService });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        // Engine paths name the patient by position: say which patient of the structure's own list it is.
        const ext = new Map<string, string>((await em.query('SELECT id, external_id FROM patients WHERE tenant_id = $1', [tenantId])).map((r: { id: string; external_id: string }) => [r.id, r.external_id]));
        const where = (p: string) => p.replace(/^patients\[(\d+)\]/, (_, i: string) => `patient ${ext.get(patients[Number(i)]?.id ?? '') ?? i}`);
        throw new Problem(422, 'simulation_impossible', `La simulation ne peut pas être calculée à partir de la patientèle importée : ${e.issues.slice(0, 5).map((i) => frenchEngineIssue(i, where)).join(' ; ')} ; corrigez ces lignes et réimportez la patientèle.`, {
          errors: e.issues.slice(0, 50).map((i) => ({ field: where(i.path), code: 'calcul_impossible', detail: frenchEngineMessage(i.message) })),
        });
      }

      const fingerprint = createHash('sha256')
        .update(JSON.stringify({ referenceMonth, gridVersion: sim.gridVersion, practitioners, tariffs: tariffVersion(tariffs), declared: [...declared].sort() }))
        .update(JSON.stringify(patients))
        .digest('hex');
      const view = buildView({
        id: randomUUID(),
        structure,
        sim,
        doctors,
        declared,
        computed,
        fingerprint,
        createdAt: now.toISOString(),
        createdBy: { id: user.id, name: user.displayName, role: actorRole(user, tenantId) },
        patients: patients.length,
        window: { from: windowFrom, to: windowTo },
      });
      await storeSimulation(em, tenantId, view, [...declared].map(([practitionerId, monthlyCents]) => ({ practitionerId, monthlyCents })));
      await this.audit.record(em, tenantId, {
        action: 'simulation.run',
        resourceType: 'financial_simulation',
        resourceId: view.id,
        detail: {
          referenceMonth,
          inputsFingerprint: fingerprint,
          declared: [...declared.keys()],
          computed: [...computed].filter(([, c]) => c.kind === 'computed').map(([id]) => id),
          unavailable: [...computed].filter(([, c]) => c.kind === 'unavailable').map(([id]) => id),
        },
      });
      return view;
    });
  }

  async latest(tenantId: TenantId, ability: AppAbility): Promise<SimulationView> {
    if (!ability.can('read', subject('Simulation', { tenantId })))
      throw forbidden('La simulation financière est réservée à l’équipe projet ipso et à la coordination de la structure.');
    return this.db.forTenant(tenantId, async (em) => {
      const view = await latestSimulation(em, tenantId);
      if (!view) throw new Problem(404, 'introuvable', 'Aucune simulation financière n’a encore été lancée pour cette structure.');
      await this.audit.record(em, tenantId, { action: 'simulation.read', resourceType: 'financial_simulation', resourceId: view.id });
      return view;
    });
  }
}

function buildView(o: {
  id: string;
  structure: { id: string; name: string };
  sim: Simulation;
  doctors: RosterDoctor[];
  declared: Map<string, number>;
  computed: Map<string, ComputedIncome>;
  fingerprint: string;
  createdAt: string;
  createdBy: SimulationView['createdBy'];
  patients: number;
  window: { from: string; to: string };
}): SimulationView {
  const byRpps = new Map(o.doctors.map((d) => [d.rpps, d]));
  const incomeOf = (d: RosterDoctor, engineMonthly: number | null): SimulationView['doctors'][number]['currentIncome'] => {
    const dec = o.declared.get(d.id);
    if (dec !== undefined) return { monthlyCents: dec, source: 'declared', detail: `revenu mensuel à l’acte déclaré lors de la simulation (${euros(dec)})` };
    const c = o.computed.get(d.id);
    if (!c || c.kind === 'unavailable') return { monthlyCents: null, source: 'unavailable', detail: c?.reason ?? 'non calculé' };
    return {
      monthlyCents: engineMonthly,
      source: 'computed',
      detail: `calculé : ${c.acts} acte(s) de l’annexe 3 réalisés par le médecin pour des patients dont le médecin traitant est de la structure, de ${frMonth(c.from)} à ${frMonth(c.to)} (${c.periodMonths} mois d’activité importée), valorisés à la table des tarifs datés : ${euros(c.totalCents)} au total, moyenne mensuelle`,
    };
  };
  const rateText = (r: string) => percent(r);
  return {
    id: o.id,
    structureId: o.structure.id,
    structureName: o.structure.name,
    referenceMonth: o.sim.referenceMonth,
    gridVersion: o.sim.gridVersion,
    rates: o.sim.rates,
    inputsFingerprint: o.fingerprint,
    createdAt: o.createdAt,
    createdBy: o.createdBy,
    assumptions: [
      'la structure candidate n’est pas encore dans le programme : la simulation la traite comme si elle y entrait au mois de référence',
      'médecins : ceux de la structure enregistrés sur la plateforme (médecins généralistes, pédiatres, gynécologues), date d’arrivée non appliquée, départs pris en compte',
      // The engine prints rates as '15.00 %': the French way here.
      ...o.sim.assumptions.map((a) => a.replace(/(\d+)\.(\d+) %/g, (_, i: string, d: string) => `${i}${d.replace(/0+$/, '') ? `,${d.replace(/0+$/, '')}` : ''}\u00a0%`)),
      'revenu actuel à l’acte : déclaré quand il est saisi, sinon calculé depuis l’activité importée (actes de l’annexe 3 réalisés par le médecin pour les patients dont le médecin traitant est de la structure, majorations comprises, au tarif en vigueur à la date de l’acte)',
      'écart = forfait net mensuel − revenu actuel à l’acte mensuel ; le forfait médecin traitant (FMT) de droit commun reste versé en plus et n’est pas compté',
      `grille ${o.sim.gridVersion} ; ${o.patients} patient(s) lu(s) dans la patientèle importée`,
    ],
    sources: {
      patients: `patientèle importée de la structure (${o.patients} patients), critères et rencontres importés`,
      activityWindow: o.window,
    },
    doctors: o.sim.doctors.flatMap((d) => {
      const doc = byRpps.get(d.rpps);
      if (!doc) return [];
      return [
        {
          practitionerId: doc.id,
          rpps: d.rpps,
          lastName: doc.lastName,
          firstName: doc.firstName,
          mtPatients: d.mtPatients,
          paidPatients: d.paidPatients,
          lines: d.lines,
          grossMonthlyCents: d.grossMonthlyCents,
          currentIncome: incomeOf(doc, d.currentMonthlyFeeForServiceCents),
          byRate: d.byRate.map((r) => ({ ...r, ratePercent: rateText(r.rate) })),
        },
      ];
    }),
    structure: {
      mtPatients: o.sim.structure.mtPatients,
      paidPatients: o.sim.structure.paidPatients,
      grossMonthlyCents: o.sim.structure.grossMonthlyCents,
      byRate: o.sim.structure.byRate.map((r) => ({ ...r, ratePercent: rateText(r.rate) })),
    },
  };
}
