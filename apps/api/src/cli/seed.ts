import type { DataSource } from 'typeorm';
import { hashPassword } from '../auth/passwords';
import { generateTotpSecret, totpAt } from '../auth/totp';
import { seedCandidacyDemo } from '../candidacies/demo-seed';
import { seedIndicatorDemo } from '../indicators/demo-seed';
import { seedValleeMonths, seedValleeStructure, VALLEE } from '../statements/demo-seed';

export const DEMO_PASSWORD = 'Demo-MTR2-2026!';
export const DEMO = {
  ipsoStructure: '11111111-1111-4111-8111-111111111111',
  externalStructure: '22222222-2222-4222-8222-222222222222',
  /** Issue #4: a candidacy just identified, to walk to active through the API. */
  causseStructure: '33333333-3333-4333-8333-333333333333',
};

interface DemoUser {
  email: string;
  name: string;
  platformRole?: 'platform_admin' | 'ipso_team' | 'copil';
  membership?: { structureId: string; role: 'coordinator' | 'practitioner'; rpps?: string };
}

const USERS: DemoUser[] = [
  { email: 'admin@demo-mtr2.fr', name: 'Admin Plateforme', platformRole: 'platform_admin' },
  { email: 'ipso@demo-mtr2.fr', name: 'Claire Martin (équipe ipso)', platformRole: 'ipso_team' },
  { email: 'copil@demo-mtr2.fr', name: 'Membre du COPIL', platformRole: 'copil' },
  { email: 'coord.ipso@demo-mtr2.fr', name: 'Coordinatrice Saint-Martin', membership: { structureId: DEMO.ipsoStructure, role: 'coordinator' } },
  { email: 'coord.tilleuls@demo-mtr2.fr', name: 'Coordinateur Les Tilleuls', membership: { structureId: DEMO.externalStructure, role: 'coordinator' } },
  { email: 'coord.causse@demo-mtr2.fr', name: 'Coordinatrice du Causse', membership: { structureId: DEMO.causseStructure, role: 'coordinator' } },
  { email: 'dr.durand@demo-mtr2.fr', name: 'Dr Anne Durand', membership: { structureId: DEMO.externalStructure, role: 'practitioner', rpps: '10000000009' } },
  // Issue #6: the active non-ipso structure whose coordinator runs the month.
  { email: 'coord.vallee@demo-mtr2.fr', name: 'Coordinatrice de la Vallée', membership: { structureId: VALLEE.id, role: 'coordinator' } },
  { email: 'dr.lucas@demo-mtr2.fr', name: 'Dr Martin Lucas', membership: { structureId: VALLEE.id, role: 'practitioner', rpps: '10000000140' } },
];

const PRACTITIONERS: [string, string, string, string, string, string][] = [
  // structure, rpps, last, first, profession, joined
  [DEMO.ipsoStructure, '10000000017', 'Leroy', 'Paul', 'medecin_generaliste', '2026-05-01'],
  [DEMO.ipsoStructure, '10000000025', 'Moreau', 'Julie', 'medecin_generaliste', '2026-05-01'],
  [DEMO.ipsoStructure, '10000000033', 'Petit', 'Sami', 'medecin_generaliste', '2026-05-01'],
  [DEMO.ipsoStructure, '10000000041', 'Garnier', 'Lou', 'sage_femme', '2026-05-01'],
  [DEMO.externalStructure, '10000000009', 'Durand', 'Anne', 'medecin_generaliste', '2027-04-01'],
  [DEMO.externalStructure, '10000000058', 'Bernard', 'Hugo', 'medecin_generaliste', '2027-04-01'],
  [DEMO.externalStructure, '10000000066', 'Roux', 'Inès', 'medecin_generaliste', '2027-04-01'],
  [DEMO.externalStructure, '10000000074', 'Faure', 'Marc', 'infirmier', '2027-04-01'],
  [DEMO.causseStructure, '10000000090', 'Lacombe', 'Jean', 'medecin_generaliste', '2027-06-01'],
  [DEMO.causseStructure, '10000000108', 'Vidal', 'Chloé', 'medecin_generaliste', '2027-06-01'],
  [DEMO.causseStructure, '10000000116', 'Delmas', 'Rémi', 'medecin_generaliste', '2027-06-01'],
  [DEMO.causseStructure, '10000000124', 'Bouscal', 'Nina', 'sage_femme', '2027-06-01'],
];

/**
 * Demo data: an ipso structure from MTR 1 and an external candidate, users for every role.
 * Idempotent: re-running leaves one copy. Runs as the owner in platform scope (RLS still applies).
 */
export async function seedDemo(ds: DataSource): Promise<{ email: string; role: string; totpSecret?: string; totpNow?: string }[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const printed: { email: string; role: string; totpSecret?: string; totpNow?: string }[] = [];
  await ds.transaction(async (em) => {
    await em.query(`SELECT set_config('app.scope', 'platform', true)`);
    await em.query(
      `INSERT INTO structures (id, name, legal_form, finess, siret, address_line, postal_code, city, insee_code,
                               ipso_network, mtr1_participant, state, convention_entry_date, theoretical_leakage_rate)
       VALUES ($1, 'ipso Saint-Martin', 'SISA', NULL, NULL, '12 rue Saint-Martin', '75010', 'Paris', '75110', true, true, 'active', '2026-05-01', 0.15),
              ($2, 'Maison de santé des Tilleuls', 'SISA', NULL, NULL, '3 place des Tilleuls', '24000', 'Périgueux', '24322', false, false, 'audit_in_progress', NULL, 0.15),
              ($3, 'Maison de santé du Causse', 'SISA', NULL, NULL, '5 rue du Causse', '46000', 'Cahors', '46042', false, false, 'identified', NULL, 0.15)
       ON CONFLICT (id) DO NOTHING`,
      [DEMO.ipsoStructure, DEMO.externalStructure, DEMO.causseStructure],
    );
    for (const [structure, rpps, last, first, profession, joined] of PRACTITIONERS) {
      await em.query(
        `INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, rpps) DO NOTHING`,
        [structure, rpps, last, first, profession, joined],
      );
    }
    await seedValleeStructure(em);
    for (const u of USERS) {
      const secret = u.platformRole ? generateTotpSecret() : null;
      const [row] = await em.query(
        `INSERT INTO users (email, display_name, password_hash, platform_role, totp_secret, rpps)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, totp_secret = coalesce(users.totp_secret, EXCLUDED.totp_secret),
                                           failed_logins = 0, locked_until = NULL
         RETURNING id, totp_secret`,
        [u.email, u.name, passwordHash, u.platformRole ?? null, secret, u.membership?.rpps ?? null],
      );
      if (u.membership) {
        await em.query(
          `INSERT INTO memberships (tenant_id, user_id, role, practitioner_id)
           VALUES ($1, $2, $3, (SELECT id FROM practitioners WHERE tenant_id = $1 AND rpps = $4))
           ON CONFLICT (tenant_id, user_id) DO NOTHING`,
          [u.membership.structureId, row.id, u.membership.role, u.membership.rpps ?? null],
        );
      }
      printed.push({
        email: u.email,
        role: u.platformRole ?? `${u.membership?.role}`,
        totpSecret: row.totp_secret ?? undefined,
        totpNow: row.totp_secret ? totpAt(row.totp_secret, Date.now()) : undefined,
      });
    }
    const [ipso] = await em.query(`SELECT id FROM users WHERE email = 'ipso@demo-mtr2.fr'`);
    await seedCandidacyDemo(em, { tilleuls: DEMO.externalStructure, causse: DEMO.causseStructure, ipsoUserId: ipso?.id ?? null });
    // Issue #7/#8 demo: aggregated indicators (no patient) so the COPIL pages show figures and "< 11".
    await seedIndicatorDemo(em, [DEMO.ipsoStructure, DEMO.externalStructure]);
    // Issue #6 demo: the Vallée's patients and issued months; its indicators come from its statements.
    await seedValleeMonths(em, ipso?.id ?? null);
  });
  return printed;
}
