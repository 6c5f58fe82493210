import type { EntityManager } from 'typeorm';

/**
 * Demo data of issue #4, called by the seed inside its transaction (owner, platform scope):
 * - a labelled sample of INSEE reference data (a few communes of a large and of small AAVs),
 *   only when no real INSEE file was imported;
 * - the candidacy of "Maison de santé des Tilleuls", pre-selected by ipso and now auditing,
 *   with its declarations;
 * - the candidacy of "Maison de santé du Causse", just identified: the one to walk to active.
 * Idempotent.
 */
export const DEMO_AAV_SAMPLE = {
  label: 'Échantillon de démonstration (extrait indicatif, non officiel) — importer le fichier INSEE AAV 2020 complet',
  areas: [
    ['001', 'Paris', '5'],
    ['118', 'Périgueux', '2'],
    ['143', 'Cahors', '1'],
  ],
  // commune, name, AAV, CATEAAV2020, population (indicative)
  communes: [
    ['75056', 'Paris', '001', 11, 2_133_111],
    ['92012', 'Boulogne-Billancourt', '001', 12, 121_334],
    ['93066', 'Saint-Denis', '001', 12, 113_942],
    ['77288', 'Melun', '001', 13, 41_500],
    ['24322', 'Périgueux', '118', 11, 29_516],
    ['24053', 'Boulazac Isle Manoire', '118', 12, 10_844],
    ['24557', 'Trélissac', '118', 12, 6_931],
    ['24102', 'Chancelade', '118', 20, 4_200],
    ['46042', 'Cahors', '143', 11, 19_405],
    ['46102', 'Cieurac', '143', 20, 548],
  ] as [string, string, string, number, number][],
};

export async function seedCandidacyDemo(
  em: EntityManager,
  ids: { tilleuls: string; causse: string; ipsoUserId: string | null },
): Promise<void> {
  const [{ n }] = await em.query('SELECT count(*)::int AS n FROM ref_aav2020_communes');
  if (n === 0) {
    const [aavImp] = await em.query(
      `INSERT INTO ref_imports (kind, filename, sha256, row_count, reference_year, demo) VALUES ('aav2020', $1, repeat('0', 64), $2, 2020, true) RETURNING id`,
      [DEMO_AAV_SAMPLE.label, DEMO_AAV_SAMPLE.communes.length],
    );
    const [popImp] = await em.query(
      `INSERT INTO ref_imports (kind, filename, sha256, row_count, reference_year, demo) VALUES ('commune_populations', $1, repeat('0', 64), $2, 2021, true) RETURNING id`,
      [DEMO_AAV_SAMPLE.label, DEMO_AAV_SAMPLE.communes.length],
    );
    for (const [code, name, t] of DEMO_AAV_SAMPLE.areas) {
      await em.query('INSERT INTO ref_aav2020 (aav_code, name, taav2017, import_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [code, name, t, aavImp.id]);
    }
    for (const [code, name, aav, cat, pop] of DEMO_AAV_SAMPLE.communes) {
      await em.query(
        `INSERT INTO ref_aav2020_communes (commune_code, name, aav_code, cateaav2020, dep, import_id) VALUES ($1::char(5), $2, $3, $4, substr($1::text, 1, 2), $5) ON CONFLICT DO NOTHING`,
        [code, name, aav, cat, aavImp.id],
      );
      await em.query('INSERT INTO ref_commune_populations (commune_code, population, import_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [code, pop, popImp.id]);
    }
  }

  // Candidacies are tenant rows without a platform write policy: write each under its tenant.
  const inTenant = (id: string) => em.query(`SELECT set_config('app.tenant_id', $1, true)`, [id]);

  await inTenant(ids.tilleuls);
  const [tilleuls] = await em.query(
    `INSERT INTO candidacies (tenant_id, state, opened_by, opened_at) VALUES ($1, 'audit_in_progress', $2, '2026-09-15T09:00:00Z')
     ON CONFLICT (tenant_id) DO NOTHING RETURNING id`,
    [ids.tilleuls, ids.ipsoUserId],
  );
  if (tilleuls) {
    for (const [from, to, at, reason] of [
      ['identified', 'pre_selected', '2026-09-22T14:00:00Z', 'Entretien de présélection : MSP rurale, 3 généralistes, projet de santé validé par l’ARS.'],
      ['pre_selected', 'audit_in_progress', '2026-10-05T09:30:00Z', 'Questionnaire annexe 6 ouvert à la structure.'],
    ]) {
      await em.query(
        `INSERT INTO candidacy_transitions (tenant_id, candidacy_id, from_state, to_state, actor_user_id, actor_role, occurred_at, reason)
         VALUES ($1, $2, $3, $4, $5, 'ipso_team', $6, $7)`,
        [ids.tilleuls, tilleuls.id, from, to, ids.ipsoUserId, at, reason],
      );
    }
    const declarations: [string, unknown, string][] = [
      ['nationalGroupMember', false, 'SISA indépendante, aucun réseau national'],
      ['sharedSoftware', true, 'Logiciel métier commun à tous les professionnels'],
      ['sharedMedicalRecord', true, 'Dossier patient partagé dans le logiciel'],
      ['declaredMenShare', 47.2, 'Estimation du logiciel métier, à confirmer par l’extraction'],
      ['declaredAge65Share', 24.5, 'Estimation du logiciel métier, à confirmer par l’extraction'],
    ];
    for (const [key, value, evidence] of declarations) {
      await em.query(
        `INSERT INTO candidacy_declarations (tenant_id, candidacy_id, key, value, evidence, declared_at) VALUES ($1, $2, $3, $4, $5, '2026-10-12T10:00:00Z')
         ON CONFLICT DO NOTHING`,
        [ids.tilleuls, tilleuls.id, key, JSON.stringify(value), evidence],
      );
    }
  }

  await inTenant(ids.causse);
  await em.query(
    `INSERT INTO candidacies (tenant_id, state, opened_by) VALUES ($1, 'identified', $2) ON CONFLICT (tenant_id) DO NOTHING`,
    [ids.causse, ids.ipsoUserId],
  );
  await em.query(`SELECT set_config('app.tenant_id', '', true)`);
}
