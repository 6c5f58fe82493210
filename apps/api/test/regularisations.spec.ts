import type { Client } from 'pg';
import { adminClient, appClient } from './db';
import { makePractitioner, makeStructure, makeUser } from './factories';
import { TestApi } from './http';
import { regularisationModel } from '../src/regularisations/regularisation-document';

const plain = <T>(o: T): T => JSON.parse(JSON.stringify(o).replace(/[\u202f\u00a0]/g, ' ')) as T;

const FP = 'b'.repeat(64);

/**
 * Seeds an issued monthly statement the way the statements feature stores it (migration
 * 1764300000000): one head per month and its lines per practitioner × line.
 */
async function issuedStatement(
  db: Client,
  tenantId: string,
  practitionerId: string,
  month: string,
  lines: { code: string; count: number; unitGross: number; unitNet: number }[],
  rate = '0.15',
): Promise<void> {
  const gross = lines.reduce((s, l) => s + l.count * l.unitGross, 0);
  const net = lines.reduce((s, l) => s + l.count * l.unitNet, 0);
  const { rows } = await db.query(
    `INSERT INTO statements (tenant_id, month, version, number, input_fingerprint, gross_cents, net_cents, leakage_rate, status, issued_at)
     VALUES ($1, $2, 1, $3, $4, $5, $6, $7, 'issued', now()) RETURNING id`,
    [tenantId, month, `MTR2-${tenantId.slice(0, 4)}-${month}-v1`, FP, gross, net, rate],
  );
  for (const l of lines) {
    await db.query(
      `INSERT INTO statement_lines (tenant_id, statement_id, practitioner_id, line_code, patient_count, unit_gross_cents, unit_net_cents, amount_cents)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, rows[0].id, practitionerId, l.code, l.count, l.unitGross, l.unitNet, l.count * l.unitNet],
    );
  }
}

/** Issue #6 §5 — leakage regularisation, RULES §4 (specification §8 « Le taux de fuite »). */
describe('leakage regularisation (issue #6 §5, RULES §4)', () => {
  let api: TestApi;
  let admin: Client;
  let a: string;
  let b: string;
  let ipso: string;
  let coordA: string;
  let coordB: string;
  let practA: string;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    a = await makeStructure(admin, { name: 'Maison de santé du Causse' });
    b = await makeStructure(admin, { name: 'Maison de santé B' });
    const pa = await makePractitioner(admin, a);
    const pb = await makePractitioner(admin, b);
    // Worked example: 100 000 € of forfaits in 2027 (4 months × 250 forfaits of 100 €), billed at 15 %.
    for (const month of ['2027-01', '2027-02', '2027-03', '2027-04'])
      await issuedStatement(admin, a, pa, month, [{ code: 'ald', count: 250, unitGross: 100_00, unitNet: 85_00 }]);
    // A draft never counts.
    await admin.query(
      `INSERT INTO statements (tenant_id, month, version, number, input_fingerprint, gross_cents, net_cents, leakage_rate)
       VALUES ($1, '2028-01', 1, 'brouillon', $2, 100000, 85000, '0.15')`,
      [a, FP],
    );
    // Structure B: socle plus perte d'autonomie (outside leakage: its gross is both due and received).
    await issuedStatement(admin, b, pb, '2027-06', [
      { code: 'socle_6_64', count: 1000, unitGross: 8_50, unitNet: 7_23 },
      { code: 'homeDependency', count: 10, unitGross: 44_60, unitNet: 44_60 },
    ]);
    ipso = (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken;
    coordA = (await api.login(await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } }))).accessToken;
    coordB = (await api.login(await makeUser(admin, { membership: { tenantId: b, role: 'coordinator' } }))).accessToken;
    practA = (await api.login(await makeUser(admin, { membership: { tenantId: a, role: 'practitioner' } }))).accessToken;
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  const url = (s: string, rest = '') => `/structures/${s}/regularisations${rest}`;

  it('worked example of §8: 100 000 € of forfaits, 10 000 € outside → 10 %; a 100 € forfait is worth 90 €; CNAM pays +5 000 €', async () => {
    const r = await api.request('POST', url(a), { token: ipso, body: { year: 2027, outsideAmountCents: 10_000_00 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      year: 2027,
      status: 'entered',
      input: { kind: 'outsideAmount', outsideAmountCents: 10_000_00 },
      statementCount: 4,
      forfaitGrossCents: 100_000_00,
      grossSubjectToLeakageCents: 100_000_00,
      grossExemptCents: 0,
      theoreticalRate: '0.15',
      realRate: '0.1',
      realRatePercent: '10.00 %',
      valueOf100EurosCents: 90_00,
      // due = gross × (1 − real rate); received = the net billed at the theoretical 15 %.
      dueCents: 90_000_00,
      receivedCents: 85_000_00,
      regularisationCents: 5_000_00,
      direction: 'cnamPaysStructure',
      copilDecision: null,
      issued: null,
    });
    // Documents use the no-break spaces of fr-FR (« 1 234,56 € »); compared here as plain spaces.
    const model = plain(regularisationModel(r.body, 'Maison de santé du Causse', '2028-06-20'));
    expect(model).toMatchObject({
      forfaitGross: '100 000,00 €',
      theoreticalRate: '15,00 %',
      realRate: '10,00 %',
      due: '90 000,00 €',
      received: '85 000,00 €',
      regularisation: '+5 000,00 €',
      valueOf100: '90,00 €',
      issuedOn: '20 juin 2028',
      negative: false,
    });
  });

  it('re-entry while entered replaces the values (real rate above the theoretical one: the structure pays back), traced', async () => {
    const r = await api.request('POST', url(a), { token: ipso, body: { year: 2027, realRate: '0.20' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      input: { kind: 'realRate', realRate: '0.2' },
      realRatePercent: '20.00 %',
      dueCents: 80_000_00,
      receivedCents: 85_000_00,
      regularisationCents: -5_000_00,
      direction: 'structurePaysBack',
    });
    expect(plain(regularisationModel(r.body, 'X', '2028-01-01'))).toMatchObject({ regularisation: '-5 000,00 €', negative: true });
    const back = await api.request('POST', url(a), { token: ipso, body: { year: 2027, outsideAmountCents: 10_000_00 } });
    expect(back.status).toBe(200);
    expect(back.body.regularisationCents).toBe(5_000_00);
    const { rows } = await admin.query(
      `SELECT action, detail FROM audit_events WHERE tenant_id = $1 AND resource_type = 'leakage_regularisation' ORDER BY seq`,
      [a],
    );
    expect(rows.map((x) => x.action)).toEqual(['regularisation.entered', 'regularisation.reentered', 'regularisation.reentered']);
    expect(rows[1].detail.previous).toEqual({ input: { kind: 'outsideAmount', outsideAmountCents: 10_000_00 }, realRate: '0.1', regularisationCents: 5_000_00 });
  });

  it("perte d'autonomie stays outside leakage: its gross is both due and received", async () => {
    const r = await api.request('POST', url(b), { token: ipso, body: { year: 2027, realRate: 0.05 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      forfaitGrossCents: 8_500_00 + 446_00,
      grossSubjectToLeakageCents: 8_500_00,
      grossExemptCents: 446_00,
      // 8 500 × 0.95 + 446 ; received = 1000 × 7,23 + 10 × 44,60
      dueCents: 8_075_00 + 446_00,
      receivedCents: 7_230_00 + 446_00,
      regularisationCents: 845_00,
    });
  });

  it('422 for a year without an issued monthly statement (drafts do not count), or an outside amount ≥ the forfaits', async () => {
    const none = await api.request('POST', url(a), { token: ipso, body: { year: 2028, realRate: '0.1' } });
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({ code: 'aucun_releve_emis' });
    expect(none.body.detail).toMatch(/Aucun relevé mensuel émis pour l’année 2028/);
    const tooMuch = await api.request('POST', url(a), { token: ipso, body: { year: 2027, outsideAmountCents: 100_000_00 } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.detail).toMatch(/outsideAmountCents/);
    const bad = await api.request('POST', url(a), { token: ipso, body: { year: 2027, realRate: '1.5' } });
    expect(bad.status).toBe(400);
  });

  it('the steps go in order: entered → COPIL decision (recorded by ipso with its reference) → issued; 409 otherwise', async () => {
    expect((await api.request('POST', url(a, '/2027/issue'), { token: ipso })).status).toBe(409);
    const early = await api.request('POST', url(a, '/2027/copil-decision'), { token: ipso, body: { meetingDate: '2027-12-01', decisionNumber: 'COPIL-2027-12' } });
    expect(early.status).toBe(422);
    expect((await api.request('POST', url(a, '/2027/copil-decision'), { token: coordA, body: { meetingDate: '2028-06-15', decisionNumber: 'X' } })).status).toBe(403);
    const v = await api.request('POST', url(a, '/2027/copil-decision'), { token: ipso, body: { meetingDate: '2028-06-15', decisionNumber: 'COPIL-2028-07' } });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ status: 'copil_validated', copilDecision: { meetingDate: '2028-06-15', decisionNumber: 'COPIL-2028-07' } });
    const again = await api.request('POST', url(a, '/2027/copil-decision'), { token: ipso, body: { meetingDate: '2028-06-16', decisionNumber: 'bis' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'etape_hors_sequence' });
    expect(again.body.detail).toMatch(/validée par le COPIL/);
    const reentry = await api.request('POST', url(a), { token: ipso, body: { year: 2027, realRate: '0.12' } });
    expect(reentry.status).toBe(409);
    expect((await api.request('GET', url(a, '/2027/statement.pdf'), { token: coordA })).status).toBe(404);

    const issued = await api.request('POST', url(a, '/2027/issue'), { token: ipso });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ status: 'issued', regularisationCents: 5_000_00 });
    expect((await api.request('POST', url(a, '/2027/issue'), { token: ipso })).status).toBe(409);

    const pdf = await api.request('GET', url(a, '/2027/statement.pdf'), { token: coordA });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect(String(pdf.body).startsWith('%PDF')).toBe(true);
    const { rows: docs } = await admin.query(`SELECT kind, sha256, subject_id FROM generated_documents WHERE tenant_id = $1 AND id = $2`, [a, issued.body.issued.documentId]);
    expect(docs).toEqual([expect.objectContaining({ kind: 'leakage_regularisation', subject_id: issued.body.id })]);

    const { rows } = await admin.query(
      `SELECT action, detail FROM audit_events WHERE tenant_id = $1 AND resource_type = 'leakage_regularisation' ORDER BY seq`,
      [a],
    );
    expect(rows.map((x) => x.action).slice(-2)).toEqual(['regularisation.copil_validated', 'regularisation.issued']);
    expect(rows[rows.length - 2].detail).toMatchObject({ meetingDate: '2028-06-15', decisionNumber: 'COPIL-2028-07' });
    expect(rows[rows.length - 1].detail.sha256).toBe(docs[0].sha256);
  });

  it('an issued regularisation is immutable, even directly as the app role; never deleted', async () => {
    const app = await appClient();
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, false)`, [a]);
      await expect(app.query(`UPDATE leakage_regularisations SET due_cents = due_cents + 1, regularisation_cents = regularisation_cents + 1 WHERE year = 2027`)).rejects.toThrow(/cannot become/);
      await expect(app.query(`UPDATE leakage_regularisations SET status = 'entered', issued_at = NULL, issued_by = NULL, document_id = NULL WHERE year = 2027`)).rejects.toThrow(/cannot become/);
      await expect(app.query(`DELETE FROM leakage_regularisations WHERE year = 2027`)).rejects.toThrow();
      // B is still 'entered': values may change, but the step order holds even in SQL.
      await app.query(`SELECT set_config('app.tenant_id', $1, false)`, [b]);
      await expect(app.query(`UPDATE leakage_regularisations SET status = 'issued' WHERE year = 2027`)).rejects.toThrow();
    } finally {
      await app.end();
    }
  });

  it('reads: the coordinator and ipso read, a practitioner is refused; another structure gets 404', async () => {
    expect((await api.request('GET', url(a), { token: coordA })).body.map((r: { year: number }) => r.year)).toEqual([2027]);
    expect((await api.request('GET', url(a, '/2027'), { token: ipso })).status).toBe(200);
    expect((await api.request('GET', url(a, '/2027'), { token: practA })).status).toBe(403);
    expect((await api.request('POST', url(a), { token: coordA, body: { year: 2027, realRate: '0.1' } })).status).toBe(403);
    expect((await api.request('GET', url(a, '/2027'), { token: coordB })).status).toBe(404);
    expect((await api.request('GET', url(a, '/2027/statement.pdf'), { token: coordB })).status).toBe(404);
    expect((await api.request('GET', url(b, '/2026'), { token: coordB })).status).toBe(404);
    expect((await api.request('GET', url(b, '/2027'), { token: coordB })).body.status).toBe('entered');
  });
});
