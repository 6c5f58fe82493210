import type { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { adminClient, appClient } from './db';
import { makePractitioner, makeStructure } from './factories';
import { issuedMonthlyStatements } from '../src/statements/statement-queries';

const FP = 'a'.repeat(64);

/** Issue #6 item 1 — issued statements are immutable for the app role; only issued → superseded via mtr_supersede_statement. */
describe('statements immutability (issue #6 §1)', () => {
  let admin: Client;
  let app: Client;
  let tenantId: string;
  let practitionerId: string;

  beforeAll(async () => {
    admin = await adminClient();
    app = await appClient();
    tenantId = await makeStructure(admin);
    practitionerId = await makePractitioner(admin, tenantId);
    await app.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenantId]);
  });
  afterAll(async () => {
    await app.end();
    await admin.end();
  });

  async function insertDraft(version: number, supersedes: string | null = null): Promise<string> {
    const { rows } = await app.query(
      `INSERT INTO statements (tenant_id, month, version, number, input_fingerprint, gross_cents, net_cents, leakage_rate, supersedes_id)
       VALUES ($1, '2027-05', $2, $3, $4, 10000, 9500, '0.05', $5) RETURNING id`,
      [tenantId, version, `MTR2-T-2027-05-v${version}`, FP, supersedes],
    );
    const id = rows[0].id as string;
    await app.query(
      `INSERT INTO statement_lines (tenant_id, statement_id, practitioner_id, line_code, patient_count, unit_gross_cents, unit_net_cents, amount_cents)
       VALUES ($1, $2, $3, 'socle', 2, 5000, 4750, 9500)`,
      [tenantId, id, practitionerId],
    );
    return id;
  }

  it('a draft can be updated and deleted; an issued one cannot, nor its lines; supersede goes through the function only', async () => {
    const scratch = await insertDraft(1);
    await app.query(`UPDATE statements SET gross_cents = 10001 WHERE id = $1`, [scratch]);
    await app.query(`DELETE FROM statements WHERE id = $1`, [scratch]);

    const v1 = await insertDraft(1);
    await app.query(`UPDATE statements SET status = 'issued', issued_at = now() WHERE id = $1`, [v1]);
    await expect(app.query(`UPDATE statements SET net_cents = 1 WHERE id = $1`, [v1])).rejects.toThrow(
      /cannot be changed/,
    );
    await expect(
      app.query(`UPDATE statements SET status = 'superseded' WHERE id = $1`, [v1]),
    ).rejects.toThrow(/cannot be changed/);
    await expect(app.query(`DELETE FROM statements WHERE id = $1`, [v1])).rejects.toThrow(
      /cannot be changed/,
    );
    await expect(app.query(`DELETE FROM statement_lines WHERE statement_id = $1`, [v1])).rejects.toThrow(
      /non-draft/,
    );
    await expect(
      app.query(`UPDATE statement_lines SET amount_cents = 1 WHERE statement_id = $1`, [v1]),
    ).rejects.toThrow();

    const em = {
      query: async (sql: string, p: unknown[]) => (await app.query(sql, p)).rows,
    } as unknown as EntityManager;
    const before = await issuedMonthlyStatements(em, tenantId, '2027-01', '2027-12');
    expect(before.map((s) => [s.statementId, s.version, s.netCents, s.lines.length])).toEqual([
      [v1, 1, 9500, 1],
    ]);

    const v2 = await insertDraft(2, v1);
    await app.query('BEGIN');
    await app.query(`SELECT mtr_supersede_statement($1)`, [v1]);
    await app.query(`UPDATE statements SET status = 'issued', issued_at = now() WHERE id = $1`, [v2]);
    await app.query('COMMIT');
    await expect(app.query(`UPDATE statements SET status = 'issued' WHERE id = $1`, [v1])).rejects.toThrow(
      /cannot be changed/,
    );
    const after = await issuedMonthlyStatements(em, tenantId, '2027-05', '2027-05');
    expect(after.map((s) => [s.statementId, s.version, s.leakageRate, s.lines[0]?.practitionerId])).toEqual([
      [v2, 2, '0.05', practitionerId],
    ]);
  });
});
