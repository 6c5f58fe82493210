/** Roles across all structures. */
export const PLATFORM_ROLES = ['platform_admin', 'ipso_team', 'copil'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/** Roles inside one structure (membership). */
export const STRUCTURE_ROLES = ['coordinator', 'practitioner'] as const;
export type StructureRole = (typeof STRUCTURE_ROLES)[number];

export interface AuthenticatedUser {
  id: string;
  email: string;
  displayName: string;
  platformRole: PlatformRole | null;
  memberships: { structureId: string; role: StructureRole; practitionerId: string | null }[];
}
