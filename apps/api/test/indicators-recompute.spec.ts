import { randomUUID } from 'node:crypto';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { asTenantId } from '@mtr/tenancy';
import { DatabaseModule } from '../src/database/database.module';
import { readIndicatorRows, recomputeIndicators } from '../src/indicators/indicator-store';
import { IndicatorsWorkerModule } from '../src/indicators/indicators-worker.module';
import { createIndicatorsQueue, enqueueRecompute } from '../src/indicators/indicators.queue';
import { adminClient, appClient } from './db';
import { makeStructure } from './factories';

const asEm = (c: Client) =>
  ({
    query: async (sql: string, params?: unknown[]) => (await c.query(sql, params)).rows,
  }) as unknown as EntityManager;

@Module({ imports: [DatabaseModule, IndicatorsWorkerModule] })
class TestIndicatorsWorker {}

/** Issue #7 §1 — indicators recomputed in SQL from issued statements, values computed by hand. */
describe('indicator recompute from issued statements (issue #7 §1)', () => {
  let admin: Client;
  let app: Client;
  let t: string;

  beforeAll(async () => {
    admin = await adminClient();
    app = await appClient();
    t = await makeStructure(admin, { name: 'Recalcul', ipso: true });
  });
  afterAll(async () => {
    await app.end();
    await admin.end();
  });

  it('patients, inclusions by path, bands, briques, profile, doctors, amounts, notes and oppositions', async () => {
    const patient = async (sex: 'F' | 'M', birth: string, info: boolean, opposed: boolean) =>
      (
        await admin.query(
          `INSERT INTO patients (tenant_id, external_id, identity_enc, key_id, name_bidx, birth_date, sex, info_note_date, evaluation_opposed, digest, import_id)
           VALUES ($1, $2, '\\x00', 'k1', '\\x00', $3, $4, $5, $6, '\\x00', gen_random_uuid()) RETURNING id`,
          [t, randomUUID().slice(0, 12), birth, sex, info ? '2027-01-05' : null, opposed],
        )
      ).rows[0].id as string;
    const p1 = await patient('M', '1986-06-01', true, false); // 40 on 2027-01-01
    const p2 = await patient('F', '1956-06-01', true, true); // 70
    const p3 = await patient('M', '1996-06-01', false, false); // 30, not included
    const p4 = await patient('F', '1941-06-01', false, false); // 85
    const [d1, d2, d3] = [randomUUID(), randomUUID(), randomUUID()];
    const jan = randomUUID();
    const feb = randomUUID();
    const draft = randomUUID();
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true), set_config('app.scope', 'tenant', true)`, [
      t,
    ]);
    // Statements as the monthly run stores them (issue #6 tables); only status and month matter here.
    await app.query(
      `INSERT INTO statements (tenant_id, id, month, version, status, number, input_fingerprint, gross_cents, net_cents, leakage_rate, issued_at)
       VALUES ($1, $2, '2027-01', 1, 'issued', 'RM-1', repeat('0', 64), 0, 0, '0.15', now()),
              ($1, $3, '2027-02', 1, 'issued', 'RM-2', repeat('0', 64), 0, 0, '0.15', now()),
              ($1, $4, '2027-03', 1, 'draft', 'RM-3', repeat('0', 64), 0, 0, '0.15', NULL)`,
      [t, jan, feb, draft],
    );
    const e = (o: object) => JSON.stringify(o);
    const lines: [string, string, string, string, number, number, string][] = [
      [
        jan,
        p1,
        d1,
        'socle_6_64',
        850,
        723,
        e({
          included: true,
          consommant: true,
          inclusionDate: '2027-01-10',
          inclusionReason: 'entry_consultation',
          band: '6-64',
        }),
      ],
      [
        jan,
        p1,
        d1,
        'ald',
        710,
        604,
        e({
          included: true,
          consommant: true,
          inclusionDate: '2027-01-10',
          inclusionReason: 'entry_consultation',
          band: '6-64',
        }),
      ],
      [
        jan,
        p2,
        d1,
        'socle_65_79',
        0,
        0,
        e({
          included: true,
          consommant: false,
          inclusionDate: '2026-05-01',
          inclusionReason: 'mtr1_carry_over',
          band: '65-79',
        }),
      ],
      [jan, p3, d3, 'none', 0, 0, e({ included: false, consommant: false })],
      [
        jan,
        p4,
        d2,
        'socle_80_plus',
        1400,
        1190,
        e({
          included: true,
          consommant: true,
          inclusionDate: '2027-01-15',
          inclusionReason: 'declaration',
          band: '80+',
        }),
      ],
      [
        jan,
        p4,
        d2,
        'ald',
        710,
        604,
        e({
          included: true,
          consommant: true,
          inclusionDate: '2027-01-15',
          inclusionReason: 'declaration',
          band: '80+',
        }),
      ],
      [
        jan,
        p4,
        d2,
        'handicap',
        1250,
        1063,
        e({
          included: true,
          consommant: true,
          inclusionDate: '2027-01-15',
          inclusionReason: 'declaration',
          band: '80+',
        }),
      ],
      [
        feb,
        p1,
        d1,
        'socle_6_64',
        850,
        723,
        e({
          included: true,
          consommant: true,
          inclusionDate: '2027-01-10',
          inclusionReason: 'entry_consultation',
          band: '6-64',
        }),
      ],
      [draft, p1, d1, 'socle_6_64', 850, 723, e({ included: true, consommant: true })],
    ];
    for (const [s, p, d, code, g, n, x] of lines) {
      await app.query(`INSERT INTO statement_patient_lines VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        t,
        s,
        p,
        d,
        code,
        g,
        n,
        x,
      ]);
    }
    const stored = await recomputeIndicators(
      asEm(app),
      asTenantId(t),
      ['2027-01', '2027-02', '2027-03'],
      jan,
    );
    expect(stored).toBe(2); // the March statement is a draft
    const [r1, r2] = await readIndicatorRows(asEm(app), '2027-01', '2027-12');
    await app.query('ROLLBACK');
    expect(r1).toEqual({
      tenantId: t,
      month: '2027-01',
      patientsMt: 4,
      included: 3,
      consommant: 2,
      newByPath: { entry_consultation: 1, declaration: 1, anniversary: 0, mtr1: 0 },
      bands: { '0-5': 0, '6-64': 1, '65-79': 0, '80+': 1 },
      briques: {
        ald: { count: 2, grossCents: 1420, netCents: 1208 },
        handicap: { count: 1, grossCents: 1250, netCents: 1063 },
      },
      men: 1,
      aged65Plus: 2,
      doctors: 2,
      grossCents: 850 + 710 + 1400 + 710 + 1250,
      netCents: 723 + 604 + 1190 + 604 + 1063,
      leakageTheoretical: 0.15,
      leakageReal: null,
      safeguardCents: 0,
      infoNotes: 2,
      oppositions: 1,
    });
    expect(r2).toMatchObject({
      month: '2027-02',
      patientsMt: 1,
      included: 1,
      consommant: 1,
      men: 1,
      newByPath: { entry_consultation: 0 },
    });
  });

  it('the recompute job consumes { tenantId, ids: { month, statementId } } and leaves its trace', async () => {
    let worker: INestApplicationContext | undefined;
    let queue: Queue | undefined;
    try {
      worker = await NestFactory.createApplicationContext(TestIndicatorsWorker, { logger: false });
      queue = createIndicatorsQueue();
      const statementId = randomUUID();
      const job = await enqueueRecompute(queue, t, '2027-01', statementId);
      expect(job.id).toBe(`indicators-${t}-2027-01-${statementId}`);
      for (let i = 0; i < 100 && !(await job.isCompleted()) && !(await job.isFailed()); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await job.isCompleted()).toBe(true);
      const { rows } = await admin.query(
        `SELECT detail FROM audit_events WHERE tenant_id = $1 AND action = 'job.indicators.recompute'`,
        [t],
      );
      expect(rows[0].detail).toEqual({ month: '2027-01', statementId });
    } finally {
      await queue?.obliterate({ force: true }).catch(() => undefined);
      await queue?.close();
      await worker?.close();
    }
  });
});
