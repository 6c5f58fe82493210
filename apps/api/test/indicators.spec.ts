import type { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { asTenantId } from '@mtr/tenancy';
import { reportModel } from '../src/indicators/copil-report';
import { seedIndicatorDemo } from '../src/indicators/demo-seed';
import { emptyRow, showRow, type IndicatorRow } from '../src/indicators/indicator-model';
import { fromDb, storeIndicatorRows } from '../src/indicators/indicator-store';
import { SUPPRESSED } from '../src/indicators/small-cell-suppression';
import { adminClient, appClient } from './db';
import { makeStructure, makeUser } from './factories';
import { TestApi } from './http';

/** A pg client as the minimal EntityManager the store functions use (`query` → rows). */
const asEm = (c: Client) =>
  ({
    query: async (sql: string, params?: unknown[]) => (await c.query(sql, params)).rows,
  }) as unknown as EntityManager;

/** Writes rows as the worker does: app role, tenant scope, one statement. */
async function storeAs(tenantId: string, rows: IndicatorRow[]): Promise<void> {
  const c = await appClient();
  try {
    await c.query(
      `BEGIN; SELECT set_config('app.tenant_id', '${tenantId}', true), set_config('app.scope', 'tenant', true)`,
    );
    await storeIndicatorRows(asEm(c), asTenantId(tenantId), rows);
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
}

const rowA = (): IndicatorRow => ({
  ...emptyRow('2027-01'),
  patientsMt: 200,
  included: 150,
  consommant: 120,
  newByPath: { entry_consultation: 10, declaration: 11, anniversary: 0, mtr1: 0 },
  bands: { '0-5': 4, '6-64': 80, '65-79': 25, '80+': 11 },
  briques: {
    ald: { count: 10, grossCents: 7100, netCents: 6040 },
    handicap: { count: 11, grossCents: 13_750, netCents: 11_690 },
  },
  men: 60,
  aged65Plus: 36,
  doctors: 10,
  grossCents: 100_000,
  netCents: 85_000,
  leakageTheoretical: 0.15,
  safeguardCents: 5000,
  infoNotes: 150,
  oppositions: 0,
});

/** Issue #7 §1, §3, §5 — the indicator store through the API: who sees what, suppressed or not, audited. */
describe('COPIL indicators (issue #7)', () => {
  let api: TestApi;
  let admin: Client;
  let a: string;
  let b: string;
  const tok = {} as Record<'coordA' | 'coordB' | 'practA' | 'ipso' | 'copil', string>;
  let copilId = '';

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    a = await makeStructure(admin, { name: 'Indicateurs A', ipso: true });
    b = await makeStructure(admin, { name: 'Indicateurs B' });
    await storeAs(a, [rowA(), { ...rowA(), month: '2027-02', included: 11 }]);
    await storeAs(b, [
      {
        ...emptyRow('2027-01'),
        patientsMt: 30,
        included: 12,
        consommant: 11,
        bands: { '0-5': 0, '6-64': 11, '65-79': 0, '80+': 0 },
        doctors: 2,
      },
    ]);
    const users = {
      coordA: await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } }),
      coordB: await makeUser(admin, { membership: { tenantId: b, role: 'coordinator' } }),
      practA: await makeUser(admin, { membership: { tenantId: a, role: 'practitioner' } }),
      ipso: await makeUser(admin, { platformRole: 'ipso_team' }),
      copil: await makeUser(admin, { platformRole: 'copil' }),
    };
    copilId = users.copil.id;
    for (const [k, u] of Object.entries(users)) tok[k as keyof typeof tok] = (await api.login(u)).accessToken;
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  it('the coordinator reads its own structure unsuppressed; the values are the stored ones', async () => {
    const r = await api.request('GET', `/structures/${a}/indicators?from=2027-01&to=2027-12`, {
      token: tok.coordA,
    });
    expect(r.status).toBe(200);
    expect(r.body.suppressed).toBe(false);
    expect(r.body.rows).toHaveLength(2);
    expect(r.body.rows[0]).toMatchObject({
      month: '2027-01',
      patientsMt: 200,
      included: 150,
      consommant: 120,
      newInclusions: 21,
      doctors: 10,
      menPct: 40,
      aged65PlusPct: 24,
      bands: { '0-5': 4, '6-64': 80, '65-79': 25, '80+': 11 },
      briques: { ald: { count: 10, grossCents: 7100 } },
      safeguardCents: 5000,
      leakageTheoretical: 0.15,
    });
  });

  it('a structure cannot read another structure’s indicators (route and table)', async () => {
    expect((await api.request('GET', `/structures/${b}/indicators`, { token: tok.coordA })).status).toBe(404);
    expect((await api.request('GET', '/indicators', { token: tok.coordA })).status).toBe(403);
    expect((await api.request('GET', `/structures/${a}/indicators`, { token: tok.practA })).status).toBe(403);
    const c = await appClient();
    try {
      await c.query(`BEGIN; SELECT set_config('app.tenant_id', '${a}', true)`);
      const { rows } = await c.query('SELECT DISTINCT tenant_id FROM structure_indicators');
      expect(rows.map((x) => x.tenant_id)).toEqual([a]);
      await expect(
        c.query(`INSERT INTO structure_indicators (tenant_id, month) VALUES ($1, '2027-05')`, [b]),
      ).rejects.toThrow(/row-level security/);
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }
  });

  it('the COPIL sees every structure, suppressed (primary 1–10 and secondary), and the read is audited', async () => {
    const r = await api.request('GET', '/indicators?from=2027-01&to=2027-12', { token: tok.copil });
    expect(r.status).toBe(200);
    const sa = r.body.find((s: { structureId: string }) => s.structureId === a);
    const sb = r.body.find((s: { structureId: string }) => s.structureId === b);
    expect(sa.suppressed).toBe(true);
    expect(sa.rows[0]).toMatchObject({
      included: 150,
      consommant: 120,
      doctors: SUPPRESSED,
      safeguardCents: SUPPRESSED,
      bands: { '0-5': SUPPRESSED, '6-64': 80, '65-79': 25, '80+': SUPPRESSED },
      newByPath: { entry_consultation: SUPPRESSED, declaration: SUPPRESSED },
      briques: {
        ald: { count: SUPPRESSED, grossCents: SUPPRESSED, netCents: SUPPRESSED },
        handicap: { count: 11, grossCents: 13_750 },
      },
    });
    expect(sa.rows[1].included).toBe(11);
    // included − consommant = 1: the funnel hides patientsMt and included; consommant stays.
    expect(sb.rows[0]).toMatchObject({
      patientsMt: SUPPRESSED,
      included: SUPPRESSED,
      consommant: 11,
      doctors: SUPPRESSED,
      bands: { '6-64': 11 },
    });
    const audit = await admin.query(
      `SELECT detail FROM audit_events WHERE action = 'indicators.read_all' AND actor_user_id = $1 ORDER BY occurred_at`,
      [copilId],
    );
    expect(audit.rows.at(-1)?.detail).toMatchObject({ suppressed: true, from: '2027-01' });
  });

  it('ipso sees every structure unsuppressed', async () => {
    const r = await api.request('GET', '/indicators?from=2027-01&to=2027-01', { token: tok.ipso });
    expect(r.status).toBe(200);
    expect(r.body.find((s: { structureId: string }) => s.structureId === a).rows[0]).toMatchObject({
      doctors: 10,
      bands: { '0-5': 4 },
    });
  });

  it('the COPIL CSV export carries the same suppression', async () => {
    const r = await api.request('GET', '/indicators/export.csv?from=2027-01&to=2027-01', {
      token: tok.copil,
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/csv/);
    const lines = String(r.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const cols = lines[0].split(';');
    const lineA = lines.find((l) => l.startsWith('Indicateurs A;'))!.split(';');
    expect(lineA[cols.indexOf('medecins')]).toBe(SUPPRESSED);
    expect(lineA[cols.indexOf('socle_0-5')]).toBe(SUPPRESSED);
    expect(lineA[cols.indexOf('inclus')]).toBe('150');
  });

  it('programme view: trajectory and FISS budget lines for ipso and the COPIL', async () => {
    const r = await api.request('GET', '/indicators/programme?year=2027', { token: tok.copil });
    expect(r.status).toBe(200);
    expect(r.body.trajectory.map((t: { targetPatients: number }) => t.targetPatients)).toEqual([
      44_413, 79_924, 89_405, 93_419, 94_074,
    ]);
    expect(r.body.budget.map((l: { line: string; budgetCents: number }) => [l.line, l.budgetCents])).toEqual([
      ['ipso', 8_482_253_00],
      ['nonIpso', 1_791_440_00],
    ]);
  });

  it('the COPIL PDF report goes through the shared PDF service, suppressed; its data hides the same cells', async () => {
    const r = await api.request('GET', '/indicators/report.pdf?from=2027-01&to=2027-02&year=2027', {
      token: tok.copil,
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/pdf/);
    expect(String(r.body).startsWith('%PDF')).toBe(true);
    const series = (await api.request('GET', '/indicators?from=2027-01&to=2027-02', { token: tok.copil }))
      .body;
    const programme = (await api.request('GET', '/indicators/programme?year=2027', { token: tok.copil }))
      .body;
    const model = reportModel(series, programme, '2027-01', '2027-02', '2027-03-01');
    const a1 = model.structures.find((s) => s.name === 'Indicateurs A')!.rows[0];
    expect(a1).toMatchObject({ included: '150', doctors: SUPPRESSED, safeguard: SUPPRESSED });
    expect(model.suppressed).toBe(true);
    expect(model.charts.included).toMatch(/^<svg /);
    const audit = await admin.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'indicators.report_pdf' AND actor_user_id = $1`,
      [copilId],
    );
    expect(audit.rows[0].n).toBe(1);
  });

  it('the COPIL is denied every patient route (structure routes answer 404 so they do not reveal the structure)', async () => {
    for (const url of [
      `/structures/${a}/patients`,
      `/structures/${a}/patients/profile`,
      `/structures/${a}/exports/patients.csv`,
      `/structures/${a}/exports/evaluation.csv`,
      `/structures/${a}/imports`,
      `/structures/${a}/indicators`,
    ]) {
      const r = await api.request('GET', url, { token: tok.copil });
      expect({ url, status: r.status }).toEqual({ url, status: 404 });
    }
  });
  it('the COPIL dashboard follows the store at once (memoised rows are keyed by the store’s stamp)', async () => {
    const read = async () =>
      (await api.request('GET', '/indicators?from=2027-01&to=2027-01', { token: tok.copil })).body.find(
        (x: { structureId: string }) => x.structureId === a,
      ).rows[0];
    expect((await read()).included).toBe(150);
    await storeAs(a, [{ ...rowA(), included: 9 }]);
    expect((await read()).included).toBe(SUPPRESSED);
    await storeAs(a, [rowA()]);
    expect((await read()).included).toBe(150);
  });

  it('ipso recomputes on demand; with no issued statement there is nothing to store', async () => {
    const r = await api.request('POST', `/structures/${b}/indicators/recompute`, {
      token: tok.ipso,
      body: { months: ['2027-01'] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ months: 0 });
    expect(
      (
        await api.request('POST', `/structures/${a}/indicators/recompute`, {
          token: tok.coordA,
          body: { months: ['2027-01'] },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api.request('POST', `/structures/${b}/indicators/recompute`, {
          token: tok.ipso,
          body: { months: ['2027-13'] },
        })
      ).status,
    ).toBe(400);
  });
});

/** Issue #7 §1 — the COPIL scope reaches the indicator store and nothing else. */
describe('COPIL scope in the catalog (issue #7 §1)', () => {
  let admin: Client;
  beforeAll(async () => {
    admin = await adminClient();
  });
  afterAll(() => admin.end());

  it('only structure_indicators has a policy that mentions the copil scope', async () => {
    const { rows } = await admin.query(
      `SELECT DISTINCT tablename FROM pg_policies WHERE schemaname = 'public' AND coalesce(qual, '') || coalesce(with_check, '') LIKE '%copil%'`,
    );
    expect(rows.map((r) => r.tablename)).toEqual(['structure_indicators']);
  });

  it('in the copil scope the application role reads no row of any other table, patient-level ones included', async () => {
    const s = await makeStructure(admin);
    await admin.query(
      `INSERT INTO structure_indicators (tenant_id, month, included) VALUES ($1, '2027-01', 50)`,
      [s],
    );
    // A patient row exists, so an empty answer below is the policy at work, not an empty table.
    await admin.query(
      `INSERT INTO patients (tenant_id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, digest, import_id)
       VALUES ($1, 'P-COPIL-1', '\\x00', 'k1', '\\x00', '1950-01-01', 'F', '\\x00', gen_random_uuid())`,
      [s],
    );
    const { rows: tables } = await admin.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND has_table_privilege('mtr_app', c.oid, 'SELECT') ORDER BY 1`,
    );
    expect(tables.map((t) => t.relname)).toEqual(
      expect.arrayContaining(['patients', 'patient_criteria', 'encounters']),
    );
    const c = await appClient();
    const seen: Record<string, number> = {};
    try {
      await c.query(`BEGIN; SELECT set_config('app.scope', 'copil', true)`);
      for (const t of tables) {
        const { rows } = await c.query(`SELECT count(*)::int AS n FROM ${t.relname}`);
        if (rows[0].n > 0) seen[t.relname] = rows[0].n;
      }
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }
    // Reference data (INSEE) and the published questionnaire are global, public and carry no patient.
    // users / refresh_tokens have no RLS at all (foundation: identities, read by the auth path in any scope): not patient-level.
    const allowed = new Set([
      'structure_indicators',
      'ref_imports',
      'ref_aav2020',
      'ref_aav2020_communes',
      'ref_commune_populations',
      'audit_templates',
      'ref_tariffs', // issue #6 §4: national dated NGAP/CCAM tariffs, public reference data
      'users',
      'refresh_tokens',
    ]);
    expect(Object.keys(seen).filter((t) => !allowed.has(t))).toEqual([]);
    expect(seen.structure_indicators).toBeGreaterThan(0);
    expect((await admin.query('SELECT count(*)::int AS n FROM patients')).rows[0].n).toBeGreaterThan(0);
  });
});

/** Issue #7 "done when" — the demo rows show two structures to the COPIL, the small one suppressed. */
describe('indicator demo seed (issue #7)', () => {
  it('two structures, twelve months each; the small one has hidden cells for the COPIL', async () => {
    const admin = await adminClient();
    const c = await appClient();
    try {
      const large = await makeStructure(admin, { ipso: true });
      const small = await makeStructure(admin);
      await c.query('BEGIN');
      await seedIndicatorDemo(asEm(c), [large, small]);
      await c.query('COMMIT');
      const { rows } = await admin.query(
        `SELECT tenant_id, count(*)::int AS n, min(doctors) AS d FROM structure_indicators WHERE tenant_id = ANY($1) GROUP BY 1`,
        [[large, small]],
      );
      expect(rows.map((r) => r.n)).toEqual([12, 12]);
      const smallRow = fromDb(
        (
          await admin.query(`SELECT * FROM structure_indicators WHERE tenant_id = $1 AND month = '2026-06'`, [
            small,
          ])
        ).rows[0],
      );
      const shown = showRow(smallRow, true);
      expect(shown.doctors).toBe(SUPPRESSED);
      expect(shown.bands['0-5']).toBe(SUPPRESSED);
      expect(shown.included).toBe(smallRow.included);
    } finally {
      await c.end();
      await admin.end();
    }
  });
});
