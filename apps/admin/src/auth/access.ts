import type { Me } from '@mtr/api-contracts';

/**
 * What the interface offers to whom. It mirrors the API's CASL rules (apps/api/src/auth/abilities.ts)
 * and its structure scope guard; the API re-checks everything, the interface only avoids offering
 * what would be refused.
 */
export const isPlatformStaff = (me: Me): boolean => me.platformRole === 'platform_admin' || me.platformRole === 'ipso_team';
export const isCopil = (me: Me): boolean => me.platformRole === 'copil';
export const membershipOf = (me: Me, structureId: string) => me.memberships.find((m) => m.structureId === structureId);

/** Structure-level pages (fiche, practitioners, and later patients, statements): members and the ipso team. */
export const canOpenStructure = (me: Me, structureId: string): boolean => isPlatformStaff(me) || !!membershipOf(me, structureId);

/** Adding or editing practitioners: the structure's coordinator and the ipso team. */
export const canEditPractitioners = (me: Me, structureId: string): boolean =>
  isPlatformStaff(me) || membershipOf(me, structureId)?.role === 'coordinator';

/** Programme indicators (aggregated, small cells suppressed): COPIL and the ipso team. */
export const canReadIndicators = (me: Me): boolean => isPlatformStaff(me) || isCopil(me);

/** The candidacy pipeline: the ipso team. */
export const canReadCandidacies = (me: Me): boolean => isPlatformStaff(me);

export const ROLE_LABELS: Record<string, string> = {
  platform_admin: 'Administration de la plateforme',
  ipso_team: 'Équipe projet ipso',
  copil: 'COPIL',
  coordinator: 'Coordination',
  practitioner: 'Praticien',
};

/** Running the month, issuing statements, downloading the billing file and the structure PDF: the coordinator and the ipso team (issue #6). */
export const canManageStatements = (me: Me, structureId: string): boolean =>
  isPlatformStaff(me) || membershipOf(me, structureId)?.role === 'coordinator';

/** The practitioner record a practitioner member is linked to (their own doctor PDF, their own safeguard view). */
export const ownPractitionerId = (me: Me, structureId: string): string | null => {
  const m = membershipOf(me, structureId);
  return m?.role === 'practitioner' ? m.practitionerId : null;
};
