// The structure and practitioner contracts live in @mtr/api-contracts, shared with the web app (issue #8).
export {
  LEGAL_FORMS,
  PROFESSIONS,
  STRUCTURE_STATES,
  auditEventSchema,
  practitionerInputSchema,
  practitionerSchema,
  practitionerUpdateSchema,
  structureInputSchema,
  structureSchema,
  structureUpdateSchema,
  type StructureInput,
  type StructureUpdate,
} from '@mtr/api-contracts';
