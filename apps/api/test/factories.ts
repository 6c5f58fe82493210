import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { isValidRpps } from '@mtr/forfait-engine';
import { hashPassword } from '../src/auth/passwords';
import { generateTotpSecret, totpAt } from '../src/auth/totp';

export const PASSWORD = 'Mot-de-passe-de-test-1';
let passwordHash: Promise<string> | undefined;

/** Test data factories: each call creates fresh rows with unique identifiers. */
export async function makeStructure(db: Client, overrides: Partial<{ name: string; ipso: boolean }> = {}): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO structures (id, name, legal_form, ipso_network) VALUES ($1, $2, 'SISA', $3)`,
    [id, overrides.name ?? `Structure ${id.slice(0, 8)}`, overrides.ipso ?? false],
  );
  return id;
}

let rppsCounter = 2_000_000_000;
/** A fresh RPPS number whose check digit is right (the engine's isValidRpps decides). */
export function nextRpps(): string {
  for (;;) {
    const base = String(rppsCounter++);
    for (let k = 0; k < 10; k++) if (isValidRpps(base + k)) return base + k;
  }
}

export async function makePractitioner(db: Client, tenantId: string): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on)
     VALUES ($1, $2, 'Test', 'Praticien', 'medecin_generaliste', '2026-05-01') RETURNING id`,
    [tenantId, nextRpps()],
  );
  return rows[0].id;
}

export interface TestUser {
  id: string;
  email: string;
  totpSecret?: string;
  totp(): string;
}

export async function makeUser(
  db: Client,
  opts: { platformRole?: 'platform_admin' | 'ipso_team' | 'copil'; membership?: { tenantId: string; role: 'coordinator' | 'practitioner' }; disabled?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(PASSWORD);
  const email = `u-${randomUUID().slice(0, 12)}@test-mtr2.fr`;
  const secret = opts.platformRole ? generateTotpSecret() : null;
  const { rows } = await db.query(
    `INSERT INTO users (email, display_name, password_hash, platform_role, totp_secret, disabled)
     VALUES ($1, 'Utilisateur de test', $2, $3, $4, $5) RETURNING id`,
    [email, await passwordHash, opts.platformRole ?? null, secret, opts.disabled ?? false],
  );
  if (opts.membership) {
    await db.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`, [
      opts.membership.tenantId,
      rows[0].id,
      opts.membership.role,
    ]);
  }
  return { id: rows[0].id, email, totpSecret: secret ?? undefined, totp: () => (secret ? totpAt(secret, Date.now()) : '') };
}
