import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { isValidRpps } from '@mtr/forfait-engine';
import { asTenantId, inScopedTransaction } from '@mtr/tenancy';
import { appDataSource } from '../database/data-source';
import { databaseConfig } from '../database/database.config';
import { runMonth } from '../statements/monthly-run';

const PATIENTS = 50_000;
const DOCTORS = 8;
const MONTH = '2026-11';
const TENANT = '55555555-5555-4555-8555-555555555555';

/** Luhn-valid RPPS numbers for the bench doctors. */
function rpps(i: number): string {
  for (let k = 0; k < 10; k++) {
    const d = `2${String(i).padStart(9, '0')}${k}`;
    if (isValidRpps(d)) return d;
  }
  throw new Error('unreachable');
}

/** A GP practice's population: age mix, 15 % ALD, 8 % C2S, 5 % PHQ-9, encounters in the last 24 months. */
async function generate(c: Client): Promise<void> {
  await c.query(
    `INSERT INTO structures (id, name, legal_form, ipso_network, state, convention_entry_date, theoretical_leakage_rate)
     VALUES ($1, 'Banc relevés 50 000 patients', 'SISA', false, 'active', '2026-06-01', 0.15)`,
    [TENANT],
  );
  const doctors = Array.from({ length: DOCTORS }, (_, i) => rpps(i + 1));
  for (const [i, r] of doctors.entries())
    await c.query(`INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, $3, 'Banc', 'medecin_generaliste', '2026-05-01')`, [TENANT, r, `Médecin ${i + 1}`]);
  await c.query(
    `INSERT INTO patients (tenant_id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, mt_rpps, mt_from, digest, import_id)
     SELECT $1, 'B' || g, '\\x00', 'k', '\\x00',
            CASE WHEN g % 17 = 0 THEN date '2022-01-01' + (g % 1400) WHEN g % 5 = 0 THEN date '1930-01-01' + (g % 9000) ELSE date '1960-01-01' + (g % 20000) END,
            CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, ($2::text[])[1 + g % $3], date '2026-05-01' - (g % 3000), '\\x00', gen_random_uuid()
       FROM generate_series(1, $4) g`,
    [TENANT, doctors, DOCTORS, PATIENTS],
  );
  // A declaration or an encounter is never before birth.
  await c.query(`UPDATE patients SET mt_from = greatest(mt_from, birth_date + 30) WHERE tenant_id = $1`, [TENANT]);
  await c.query(
    `INSERT INTO encounters (tenant_id, patient_id, practitioner_rpps, date, kind, acts, digest, import_id)
     SELECT p.tenant_id, p.id, p.mt_rpps, date '2026-06-02' + (hashtext(p.id::text) & 127), CASE WHEN hashtext(p.id::text) % 11 = 0 THEN 'visit' ELSE 'consultation' END, '{G}', '\\x00', gen_random_uuid()
       FROM patients p WHERE p.tenant_id = $1 AND hashtext(p.id::text) % 10 <> 0`,
    [TENANT],
  );
  await c.query(
    `INSERT INTO encounters (tenant_id, patient_id, practitioner_rpps, date, kind, acts, digest, import_id)
     SELECT p.tenant_id, p.id, p.mt_rpps, date '2025-02-01' + (hashtext(p.id::text) & 255), 'consultation', '{G}', '\\x00', gen_random_uuid()
       FROM patients p WHERE p.tenant_id = $1 AND p.birth_date < date '2025-02-01'`,
    [TENANT],
  );
  const criterion = (sql: string, pct: number, what: string, extra = '') =>
    c.query(
      `INSERT INTO patient_criteria (tenant_id, patient_id, criterion, detail, value, date, digest, import_id)
       SELECT p.tenant_id, p.id, ${what}, ${sql}, greatest(p.birth_date, date '2026-01-10'), '\\x00', gen_random_uuid()
         FROM patients p WHERE p.tenant_id = $1 AND abs(hashtext(p.id::text || $2)) % 100 < $3 ${extra}`,
      [TENANT, what, pct],
    );
  await criterion(`'8', NULL`, 15, `'ald'`);
  await criterion(`'', NULL`, 8, `'c2s'`);
  await criterion(`'', 9`, 5, `'phq9'`, `AND p.birth_date < date '2008-01-01'`);
  await criterion(`'', 31.5`, 6, `'imc'`, `AND p.birth_date < date '1986-01-01'`);
  await c.query('ANALYZE');
}

/**
 * `npm run bench:statements`, part (a) of issue #6: the monthly computation of a structure of
 * 50 000 patients end to end — read (patients, criteria, 24 months of activity), compute with
 * the engine (explanations included), persist the statement with its lines per doctor and per
 * patient — as the application role under RLS, in one transaction. Target < 10 s. The floor,
 * measured in the same run, is reading the same rows with the same three queries and nothing else.
 */
export async function benchMonthlyRun(adminUrl: string): Promise<Record<string, number> | null> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const tGen = performance.now();
  await generate(admin);
  process.stderr.write(`  (a) ${PATIENTS} patients générés en ${((performance.now() - tGen) / 1000).toFixed(1)} s (non mesuré)\n`);

  const ds = appDataSource(databaseConfig(), 2);
  await ds.initialize();
  const tenantId = asTenantId(TENANT);
  try {
    const tFloor = performance.now();
    await inScopedTransaction(ds, { kind: 'tenant', tenantId }, async (em) => {
      await em.query(`SELECT id, birth_date, sex, mt_rpps, mt_from, mt_to FROM patients WHERE tenant_id = $1 ORDER BY id`, [TENANT]);
      await em.query(`SELECT patient_id, criterion, detail, value, date, valid_until FROM patient_criteria WHERE tenant_id = $1 ORDER BY date`, [TENANT]);
      await em.query(`SELECT patient_id, date, kind, practitioner_rpps, acts FROM encounters WHERE tenant_id = $1 AND date BETWEEN '2024-12-01' AND '2026-11-30' ORDER BY date`, [TENANT]);
    });
    const floorS = (performance.now() - tFloor) / 1000;
    const t0 = performance.now();
    const outcome = await inScopedTransaction(ds, { kind: 'tenant', tenantId }, (em) => runMonth(em, TENANT, MONTH, 'MTR2-2026', null));
    const runS = (performance.now() - t0) / 1000;
    const lines = await admin.query(`SELECT count(*)::int AS n FROM statement_patient_lines WHERE tenant_id = $1`, [TENANT]);
    process.stderr.write(
      `  (a) mois ${MONTH} de ${PATIENTS} patients : ${runS.toFixed(2)} s (lecture seule des mêmes lignes : ${floorS.toFixed(2)} s), ` +
        `${outcome.patients} patients payés, ${lines.rows[0].n} lignes patient, net ${(outcome.netCents / 100).toFixed(2)} €\n`,
    );
    return { monthlyRunS: Number(runS.toFixed(2)), monthlyRunFloorS: Number(floorS.toFixed(2)), monthlyRunPatients: PATIENTS, monthlyRunPaid: outcome.patients, monthlyRunTargetS: 10 };
  } finally {
    await ds.destroy();
    await admin.end();
  }
}
