import type { Client } from 'pg';
import { APP_ROLE } from '@mtr/migrations';
import { adminClient } from './db';
import { makePractitioner, makeStructure, makeUser } from './factories';
import { TestApi } from './http';

/**
 * Issue #9 §4 — "disk-full or permission error when storing a PDF → a clear failure, nothing
 * marked as issued". Issued PDFs are archived in the database (pdf/pdf-archive.ts,
 * generated_documents) in the same transaction as the status change. The leakage
 * regularisation's issue step archives its PDF: the storage failure is produced for real —
 * PostgreSQL's own disk-full error (SQLSTATE 53100, raised by a trigger the test creates as the
 * owner) and a real permission error (INSERT revoked from the application role).
 */
describe('PDF storage failure while issuing (issue #9 §4)', () => {
  let api: TestApi;
  let admin: Client;
  let t: string;
  let ipso: string;
  const year = 2027;
  const url = (rest = '') => `/structures/${t}/regularisations${rest}`;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    t = await makeStructure(admin, { name: 'MSP Disque plein' });
    const p = await makePractitioner(admin, t);
    // One issued monthly statement of the year (as the statements feature stores it): 250 ALD forfaits of 100 €.
    const { rows } = await admin.query(
      `INSERT INTO statements (tenant_id, month, version, number, input_fingerprint, gross_cents, net_cents, leakage_rate, status, issued_at)
       VALUES ($1, '2027-03', 1, 'MTR2-DISQUE-2027-03-v1', $2, 2500000, 2125000, '0.15', 'issued', now()) RETURNING id`,
      [t, 'c'.repeat(64)],
    );
    await admin.query(
      `INSERT INTO statement_lines (tenant_id, statement_id, practitioner_id, line_code, patient_count, unit_gross_cents, unit_net_cents, amount_cents)
       VALUES ($1, $2, $3, 'ald', 250, 10000, 8500, 2125000)`,
      [t, rows[0].id, p],
    );
    ipso = (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken;
    expect((await api.request('POST', url(), { token: ipso, body: { year, outsideAmountCents: 2_500_00 } })).status).toBe(201);
    const v = await api.request('POST', url(`/${year}/copil-decision`), { token: ipso, body: { meetingDate: '2028-06-15', decisionNumber: 'COPIL-2028-07' } });
    expect(v.body).toMatchObject({ status: 'copil_validated' });
  });
  afterAll(async () => {
    await admin.query(`DROP TRIGGER IF EXISTS test_disk_full ON generated_documents`);
    await admin.query(`GRANT INSERT ON generated_documents TO ${APP_ROLE}`);
    await api.close();
    await admin.end();
  });

  const nothingIssued = async () => {
    const r = await api.request('GET', url(`/${year}`), { token: ipso });
    expect(r.body).toMatchObject({ status: 'copil_validated', issued: null });
    const docs = await admin.query(`SELECT count(*)::int AS n FROM generated_documents WHERE tenant_id = $1`, [t]);
    expect(docs.rows[0].n).toBe(0);
    const events = await admin.query(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'regularisation.issued'`, [t]);
    expect(events.rows[0].n).toBe(0);
    expect((await api.request('GET', url(`/${year}/statement.pdf`), { token: ipso })).status).toBe(404);
  };
  const expectClearFailure = (r: { status: number; headers: Record<string, unknown>; body: { code: string; detail: string } }) => {
    expect(r.status).toBe(503);
    expect(String(r.headers['content-type'])).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe('archivage_pdf_impossible');
    expect(r.body.detail).toMatch(/n’a pas pu être archivé/);
    expect(r.body.detail).toMatch(/n’est pas émise/);
    // Nothing internal leaks to the caller.
    expect(r.body.detail).not.toMatch(/generated_documents|No space|permission denied/);
  };

  it('disk full (SQLSTATE 53100) while archiving: 503 problem in French, the regularisation stays « validée par le COPIL »', async () => {
    await admin.query(`CREATE OR REPLACE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file "base/16384/2619": No space left on device' USING ERRCODE = 'disk_full'; END $$`);
    await admin.query(`CREATE TRIGGER test_disk_full BEFORE INSERT ON generated_documents FOR EACH ROW EXECUTE FUNCTION test_disk_full()`);
    try {
      expectClearFailure(await api.request('POST', url(`/${year}/issue`), { token: ipso }));
      await nothingIssued();
    } finally {
      await admin.query(`DROP TRIGGER test_disk_full ON generated_documents`);
    }
  });

  it('permission error (INSERT revoked from the application role): same clear failure, nothing issued', async () => {
    await admin.query(`REVOKE INSERT ON generated_documents FROM ${APP_ROLE}`);
    try {
      expectClearFailure(await api.request('POST', url(`/${year}/issue`), { token: ipso }));
      await nothingIssued();
    } finally {
      await admin.query(`GRANT INSERT ON generated_documents TO ${APP_ROLE}`);
    }
  });

  it('once storage is back, the same step issues it exactly once with its archived PDF', async () => {
    const r = await api.request('POST', url(`/${year}/issue`), { token: ipso });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'issued' });
    const docs = await admin.query(`SELECT id, kind FROM generated_documents WHERE tenant_id = $1`, [t]);
    expect(docs.rows).toEqual([{ id: r.body.issued.documentId, kind: 'leakage_regularisation' }]);
    const pdf = await api.request('GET', url(`/${year}/statement.pdf`), { token: ipso });
    expect(String(pdf.body).startsWith('%PDF')).toBe(true);
  });
});
