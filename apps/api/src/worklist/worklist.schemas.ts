import { z } from 'zod';

export const WORKLIST_KINDS = [
  'mentalHealthAssessment',
  'cvRiskAssessment',
  'iadlAssessment',
  'mdphAssessment',
  'consommantEnding',
  'anniversaryNeverSeen',
  'obstetricCap',
] as const;
export type WorklistKind = (typeof WORKLIST_KINDS)[number];

export const worklistQuerySchema = z.strictObject({
  horizonDays: z.enum(['30', '60', '90']).default('30').transform(Number).describe('Horizon en jours : 30, 60 ou 90'),
  sort: z.enum(['amount', 'date', 'kind']).default('amount').describe('amount : montant en jeu décroissant ; date : date croissante ; kind : par type'),
  asOf: z.iso.date({ error: 'date attendue au format AAAA-MM-JJ' }).optional().describe('Date de référence (défaut : aujourd’hui, Europe/Paris)'),
});
export type WorklistQuery = z.infer<typeof worklistQuerySchema>;

export const worklistItemSchema = z.object({
  patientId: z.string().describe('Identifiant patient de la structure (jamais le nom ni le NIR)'),
  mtRpps: z.string().nullable(),
  mtName: z.string().nullable(),
  kind: z.enum(WORKLIST_KINDS),
  kindLabel: z.string(),
  lines: z.array(z.string()).describe('Lignes du forfait en jeu (codes de la grille)'),
  date: z.string().describe('La date qui compte (fin de validité, fin de la fenêtre de 24 mois, anniversaire, fin des 9 mois)'),
  lostFromMonth: z.string().nullable().describe('Premier mois non payé sans action (AAAA-MM)'),
  daysLeft: z.number().int().describe('Jours entre la date de référence et la date qui compte (négatif : dépassée)'),
  amountAtStakeCents: z.number().int().describe('Montant mensuel net en jeu, au taux de fuite théorique de la structure'),
  action: z.string(),
});
export type WorklistItem = z.infer<typeof worklistItemSchema>;

export const worklistSchema = z.object({
  structureId: z.string(),
  asOf: z.string(),
  horizonDays: z.number(),
  sort: z.string(),
  theoreticalRate: z.string().nullable(),
  restrictedToMtRpps: z.string().nullable().describe('Praticien : seulement ses patients médecin traitant'),
  notice: z.string().nullable(),
  totals: z.object({ items: z.number(), amountAtStakeCents: z.number() }),
  items: z.array(worklistItemSchema),
});
export type Worklist = z.infer<typeof worklistSchema>;
