import { z } from 'zod';

export const loginSchema = z.strictObject({
  email: z.email().max(200).transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(200),
  /** Code à 6 chiffres de l'application d'authentification (rôles plateforme). */
  totp: z.string().regex(/^\d{6}$/).optional(),
});

export const refreshSchema = z.strictObject({ refreshToken: z.string().min(20).max(200) });

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
});

export const meSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  platformRole: z.enum(['platform_admin', 'ipso_team', 'copil']).nullable(),
  memberships: z.array(
    z.object({ structureId: z.uuid(), role: z.enum(['coordinator', 'practitioner']), practitionerId: z.uuid().nullable() }),
  ),
});

export type LoginInput = z.input<typeof loginSchema>;
export type TokenPair = z.infer<typeof tokenPairSchema>;
export type Me = z.infer<typeof meSchema>;
export type PlatformRole = NonNullable<Me['platformRole']>;
export type MembershipRole = Me['memberships'][number]['role'];
