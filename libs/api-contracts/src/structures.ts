import { z } from 'zod';
import { isValidFiness, isValidInseeCommune, isValidRpps, isValidSiret } from './identifiers';

export const LEGAL_FORMS = ['SISA', 'SEL', 'SELARL', 'SCM', 'association', 'centre_de_sante', 'GIE', 'autre'] as const;
export const STRUCTURE_STATES = [
  'identified', 'pre_selected', 'audit_in_progress', 'audit_submitted', 'changes_requested', 'resubmitted',
  'gap_analysis', 'copil_review', 'submitted_to_ctis', 'ctis_approved', 'ctis_rejected', 'convention_signed',
  'active', 'suspended', 'exit_notified', 'exited',
] as const;
export const PROFESSIONS = [
  'medecin_generaliste', 'sage_femme', 'infirmier', 'ipa', 'pediatre', 'gynecologue', 'kinesitherapeute',
  'psychologue', 'autre',
] as const;

const isoDate = z.iso.date({ error: 'date attendue au format AAAA-MM-JJ' });

const structureFields = {
  name: z.string().trim().min(1).max(200),
  legalForm: z.enum(LEGAL_FORMS),
  finess: z.string().refine(isValidFiness, 'numéro FINESS invalide (9 caractères, clé de contrôle)').nullable(),
  siret: z.string().refine(isValidSiret, 'numéro SIRET invalide (14 chiffres, clé de Luhn)').nullable(),
  addressLine: z.string().max(300).nullable(),
  postalCode: z.string().regex(/^\d{5}$/, 'code postal à 5 chiffres').nullable(),
  city: z.string().max(120).nullable(),
  inseeCode: z.string().refine(isValidInseeCommune, 'code commune INSEE à 5 caractères (2A/2B pour la Corse)').nullable(),
  ipsoNetwork: z.boolean(),
  mtr1Participant: z.boolean(),
  conventionEntryDate: isoDate.nullable(),
  /** Taux de fuite théorique de la convention, décimal dans [0, 1). */
  theoreticalLeakageRate: z.number().min(0).max(0.9999).multipleOf(0.0001),
};

export const structureInputSchema = z.strictObject({
  ...structureFields,
  finess: structureFields.finess.optional(),
  siret: structureFields.siret.optional(),
  addressLine: structureFields.addressLine.optional(),
  postalCode: structureFields.postalCode.optional(),
  city: structureFields.city.optional(),
  inseeCode: structureFields.inseeCode.optional(),
  conventionEntryDate: structureFields.conventionEntryDate.optional(),
  ipsoNetwork: structureFields.ipsoNetwork.default(false),
  mtr1Participant: structureFields.mtr1Participant.default(false),
  theoreticalLeakageRate: structureFields.theoreticalLeakageRate.default(0.15),
});
export type StructureInput = z.infer<typeof structureInputSchema>;

/** A patch: only the fields sent, no defaults (a default here would silently reset a field). */
export const structureUpdateSchema = z.strictObject(structureFields).partial();
export type StructureUpdate = z.infer<typeof structureUpdateSchema>;

export const structureSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  legalForm: z.string(),
  finess: z.string().nullable(),
  siret: z.string().nullable(),
  addressLine: z.string().nullable(),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  inseeCode: z.string().nullable(),
  ipsoNetwork: z.boolean(),
  mtr1Participant: z.boolean(),
  state: z.enum(STRUCTURE_STATES),
  conventionEntryDate: z.string().nullable(),
  theoreticalLeakageRate: z.number(),
});

export const practitionerInputSchema = z.strictObject({
  rpps: z.string().refine(isValidRpps, 'numéro RPPS invalide (11 chiffres, clé de Luhn)'),
  lastName: z.string().trim().min(1).max(120),
  firstName: z.string().trim().min(1).max(120),
  profession: z.enum(PROFESSIONS),
  joinedOn: isoDate,
  leftOn: isoDate.nullable().optional(),
});
export const practitionerUpdateSchema = practitionerInputSchema.omit({ rpps: true }).partial();

export const practitionerSchema = z.object({
  id: z.uuid(),
  structureId: z.uuid(),
  rpps: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  profession: z.string(),
  joinedOn: z.string(),
  leftOn: z.string().nullable(),
});

export const auditEventSchema = z.object({
  seq: z.string(),
  occurredAt: z.string(),
  actorUserId: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export type LegalForm = (typeof LEGAL_FORMS)[number];
export type StructureState = (typeof STRUCTURE_STATES)[number];
export type Profession = (typeof PROFESSIONS)[number];
export type Structure = z.infer<typeof structureSchema>;
export type Practitioner = z.infer<typeof practitionerSchema>;
export type PractitionerInput = z.input<typeof practitionerInputSchema>;
export type PractitionerUpdate = z.input<typeof practitionerUpdateSchema>;
