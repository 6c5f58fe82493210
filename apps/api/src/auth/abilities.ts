import { AbilityBuilder, createMongoAbility, type ForcedSubject, type MongoAbility } from '@casl/ability';
import type { AuthenticatedUser } from './roles';
import { TRANSITIONS } from '../candidacies/transitions';

export type Action = 'manage' | 'create' | 'read' | 'update' | 'delete';
export type SubjectName = 'Structure' | 'Practitioner' | 'AuditEvent' | 'Membership'
  | 'Candidacy' | 'CandidacyTransition' | 'CandidacyPortfolio' | 'ReferenceData' | 'AuditResponse' | 'AuditReview' | 'Dossier'
  | 'Patient' | 'PatientIdentity' | 'PatientImport' | 'PatientExport'
  | 'Indicator' | 'IndicatorSet'
  | 'Statement'
  | 'Safeguard' | 'Tariff'
  | 'Regularisation' | 'Worklist'
  | 'Simulation';

/** Loaded objects as CASL sees them: the fields rules are conditioned on. */
type StructureSubject = ForcedSubject<'Structure'> & { id: string };
type TenantOwned<N extends string> = ForcedSubject<N> & { tenantId: string };
type Subjects =
  | SubjectName
  | 'all'
  | StructureSubject
  | TenantOwned<'Practitioner'>
  | TenantOwned<'AuditEvent'>
  | TenantOwned<'Membership'>
  | TenantOwned<'Candidacy'>
  | (TenantOwned<'CandidacyTransition'> & { from: string; to: string })
  | TenantOwned<'AuditResponse'>
  | TenantOwned<'AuditReview'>
  | TenantOwned<'Dossier'>
  | TenantOwned<'Patient'>
  | TenantOwned<'PatientIdentity'>
  | TenantOwned<'PatientImport'>
  | (TenantOwned<'PatientExport'> & { kind: string })
  | TenantOwned<'Indicator'>
  | TenantOwned<'Statement'>
  | (TenantOwned<'Safeguard'> & { practitionerId: string })
  | TenantOwned<'Regularisation'>
  | TenantOwned<'Worklist'>
  | TenantOwned<'Simulation'>;
export type AppAbility = MongoAbility<[Action, Subjects]>;

/** Fields a coordinator may change on their own structure; identity and convention terms stay with ipso. */
export const COORDINATOR_STRUCTURE_FIELDS = ['addressLine', 'postalCode', 'city'];
/** What the COPIL may see of a structure: identity, never patients or practitioners. */
export const COPIL_STRUCTURE_FIELDS = ['id', 'name', 'legalForm', 'city', 'inseeCode', 'ipsoNetwork', 'mtr1Participant', 'state'];

/**
 * What each role may do. Conditions are on the loaded object (structure id / tenant id),
 * so handlers re-check objects after loading them, not only the route.
 */
export function defineAbilityFor(user: AuthenticatedUser): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  switch (user.platformRole) {
    case 'platform_admin':
      can('manage', 'all');
      break;
    case 'ipso_team':
      can(['read', 'create', 'update'], 'Structure');
      can(['read', 'create', 'update'], 'Practitioner');
      can(['read', 'create'], 'Membership');
      can('read', 'AuditEvent');
      // Issue #4: candidacies, their audit and dossier; transitions as listed in candidacies/transitions.ts.
      can(['read', 'create', 'update'], ['Candidacy', 'AuditResponse', 'AuditReview']);
      can(['read', 'create'], ['Dossier', 'ReferenceData']);
      can('read', 'CandidacyPortfolio');
      // Issue #5: aggregates, import reports and the pseudonymised evaluation extract; never identities.
      can('read', ['Patient', 'PatientImport']);
      can('read', 'PatientExport', { kind: 'evaluation' });
      // Issue #7: every structure's indicators, unsuppressed; recompute on demand.
      can(['read', 'update'], 'Indicator');
      can('read', 'IndicatorSet');
      // Issue #6: ipso runs and issues the months of every structure.
      can(['read', 'create', 'update'], 'Statement');
      // Issue #6 §4: every non-ipso doctor's safeguard view and final statement; the dated tariff table.
      can(['read', 'create'], ['Safeguard', 'Tariff']);
      // Issue #6 §5–§6: ipso enters, records the COPIL decision and issues regularisations; reads worklists.
      can(['read', 'create', 'update'], 'Regularisation');
      can('read', 'Worklist');
      // RULES §6: ipso runs the financial simulation of a candidate's doctors.
      can(['read', 'create'], 'Simulation');
      for (const t of TRANSITIONS) if (t.roles.includes('ipso_team')) can('create', 'CandidacyTransition', { from: t.from, to: t.to });
      break;
    case 'copil':
      can('read', 'Structure', COPIL_STRUCTURE_FIELDS);
      // Issue #7: every structure's indicators, always through the small-cell suppression.
      can('read', 'IndicatorSet');
      // Issue #6 §4: the dated tariff table is public reference data.
      can('read', 'Tariff');
      break;
    default:
      break;
  }
  for (const m of user.memberships) {
    can('read', 'Structure', { id: m.structureId });
    can('read', 'Practitioner', { tenantId: m.structureId });
    // Issue #5: the care team reads its patients, identities included (each read audited).
    can('read', ['Patient', 'PatientIdentity'], { tenantId: m.structureId });
    if (m.role === 'coordinator') {
      can('update', 'Structure', COORDINATOR_STRUCTURE_FIELDS, { id: m.structureId });
      can(['create', 'update'], 'Practitioner', { tenantId: m.structureId });
      can('read', 'Membership', { tenantId: m.structureId });
      can('read', 'AuditEvent', { tenantId: m.structureId });
      // Issue #4: the structure fills its declarations and audit; it never sees ipso's review or the dossier.
      can(['read', 'update'], ['Candidacy', 'AuditResponse'], { tenantId: m.structureId });
      // Issue #5: the coordinator imports the patient data and exports it; identities visible, each read audited.
      can(['read', 'create', 'update'], 'PatientImport', { tenantId: m.structureId });
      can('read', 'PatientExport', { tenantId: m.structureId });
      // Issue #7: the coordinator reads the structure's own indicators unsuppressed.
      can('read', 'Indicator', { tenantId: m.structureId });
      // Issue #6: the coordinator runs the month, issues the statement and files the billing file.
      can(['read', 'create', 'update'], 'Statement', { tenantId: m.structureId });
      // Issue #6 §4: the structure's doctors' safeguard views, their final statements; the tariff table.
      can(['read', 'create'], 'Safeguard', { tenantId: m.structureId });
      can('read', 'Tariff');
      // Issue #6 §5–§6: the coordinator reads the structure's regularisations and its whole worklist.
      can('read', ['Regularisation', 'Worklist'], { tenantId: m.structureId });
      // RULES §6: the coordinator runs and reads the financial simulation of the structure's doctors.
      can(['read', 'create'], 'Simulation', { tenantId: m.structureId });
      for (const t of TRANSITIONS) {
        if (t.roles.includes('coordinator')) can('create', 'CandidacyTransition', { tenantId: m.structureId, from: t.from, to: t.to });
      }
    } else {
      can('read', ['Candidacy', 'AuditResponse'], { tenantId: m.structureId });
      // Issue #6: doctors read their structure's statements (participation is collective, RULES §7).
      can('read', 'Statement', { tenantId: m.structureId });
      // Issue #6 §4: a practitioner reads their own safeguard view only.
      if (m.practitionerId) can('read', 'Safeguard', { tenantId: m.structureId, practitionerId: m.practitionerId });
      // Issue #6 §6: a practitioner's worklist is filtered to their own MT patients (worklist.service.ts).
      can('read', 'Worklist', { tenantId: m.structureId });
    }
  }
  return build();
}
