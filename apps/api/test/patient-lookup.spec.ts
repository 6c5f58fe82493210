import type { INestApplicationContext } from '@nestjs/common';
import type { Client } from 'pg';
import { adminClient } from './db';
import { makeStructure, makeUser, nextRpps } from './factories';
import { TestApi } from './http';
import { nir, settle, startImportWorker, upload } from './imports.helpers';

/**
 * Issue #5 §5 — the HMAC blind indexes serve exact lookup: by NIR, by name + first name + birth
 * date (case and accents ignored), by the structure's patient id. Identity searches are for the
 * care team; every lookup is audited without the NIR or name searched for. Real database, the
 * import through the worker.
 */
describe('exact patient lookup (issue #5 §5)', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let admin: Client;
  let a: string;
  let b: string;
  let coord: string;
  let coordB: string;
  let ipso: string;
  const gp = nextRpps();
  const N1 = nir('1850775123456');
  const N2 = nir('2470169000111');
  const N3 = nir('15602' + '2A' + '004123');
  const HEADER = 'identifiant_patient;nir;nom;prenom;date_naissance;sexe;rpps_medecin_traitant;debut_declaration_mt;fin_declaration_mt;date_note_information;opposition_evaluation';
  const lookup = (query: string, token = coord, s = () => a) =>
    api.request('POST', `/structures/${s()}/patients/lookup`, { token, body: Object.fromEntries(new URLSearchParams(query)) });

  beforeAll(async () => {
    api = await TestApi.start();
    worker = await startImportWorker();
    admin = await adminClient();
    a = await makeStructure(admin, { name: 'MSP des Recherches' });
    b = await makeStructure(admin, { name: 'MSP voisine' });
    await admin.query(`INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, 'Médecin', 'Traitant', 'medecin_generaliste', '2025-01-01')`, [a, gp]);
    coord = (await api.login(await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } }))).accessToken;
    coordB = (await api.login(await makeUser(admin, { membership: { tenantId: b, role: 'coordinator' } }))).accessToken;
    ipso = (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken;
    const file = [
      HEADER,
      `L001;${N1};Dupont;Jean;14/03/1985;M;${gp};02/01/2024;;;non`,
      `L002;${N2};Lefèvre;Zoé;01/01/1947;F;${gp};02/01/2024;;;non`,
      `L003;${N3.slice(0, 5)} ${N3.slice(5)};Ségala;Pierre-Étienne;02/02/1956;M;${gp};01/06/2020;;;non`,
      `L004;;Lefèvre;Zoé;01/01/1947;F;${gp};02/01/2024;;;non`,
    ].join('\n') + '\n';
    const up = await upload(api, coord, a, Buffer.from(file), 'kind=patients&filename=patients.csv');
    const rep = await settle(api, coord, a, up.body.import.id);
    expect(rep.status).toBe('validated');
    await api.request('POST', `/structures/${a}/imports/${rep.id}/commit`, { token: coord });
    expect((await settle(api, coord, a, rep.id)).status).toBe('committed');
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await admin.end();
  });

  it('by NIR: spaces and dots tolerated, Corsican 2A keys checked, the identity decrypted for the care team', async () => {
    const r = await lookup(`nir=${N1.slice(0, 1)}.${N1.slice(1, 3)}.${N1.slice(3)}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((p: { externalId: string; identity: unknown }) => [p.externalId, p.identity])).toEqual([['L001', { nir: N1, lastName: 'Dupont', firstName: 'Jean' }]]);
    expect((await lookup(`nir=${N3.toLowerCase()}`)).body.items.map((p: { externalId: string }) => p.externalId)).toEqual(['L003']);
    expect((await lookup(`nir=${nir('2991275000001')}`)).body.items).toEqual([]);
  });

  it('by name, first name and birth date, whatever the case and accents: homonyms both found', async () => {
    const r = await lookup('lastName=LEFEVRE&firstName=zoe&birthDate=1947-01-01');
    expect(r.status).toBe(200);
    expect(r.body.items.map((p: { externalId: string }) => p.externalId)).toEqual(['L002', 'L004']);
    expect((await lookup('lastName=Segala&firstName=Pierre Etienne&birthDate=1956-02-02')).body.items).toHaveLength(1);
    expect((await lookup('lastName=Lefèvre&firstName=Zoé&birthDate=1947-01-02')).body.items).toEqual([]);
    expect((await lookup('lastName=Lefèvre&firstName=Zoé-Marie&birthDate=1947-01-01')).body.items).toEqual([]);
  });

  it('by patient id for whoever reads the list; ipso gets no identity and may not search by identity', async () => {
    const mine = await lookup('externalId=L004');
    expect(mine.body.items.map((p: { externalId: string }) => p.externalId)).toEqual(['L004']);
    const theirs = await lookup('externalId=L004', ipso);
    expect(theirs.status).toBe(200);
    expect(theirs.body.items[0].identity).toBeNull();
    const refused = await lookup(`nir=${N1}`, ipso);
    expect([refused.status, refused.body.code]).toEqual([403, 'recherche_identite_interdite']);
    expect(refused.body.detail).toMatch(/réservée à l’équipe de soins/);
  });

  it('another structure finds nothing of this one (RLS), and cannot even ask (404)', async () => {
    expect((await lookup(`nir=${N1}`, coordB, () => b)).body.items).toEqual([]);
    expect((await lookup(`nir=${N1}`, coordB)).status).toBe(404);
  });

  it('bad searches: a clear French 400, field by field', async () => {
    const badKey = await lookup(`nir=${N1.slice(0, 13)}00`);
    expect(badKey.status).toBe(400);
    expect(JSON.stringify(badKey.body)).toMatch(/Clé du NIR incorrecte/);
    const two = await lookup(`nir=${N1}&externalId=L001`);
    expect(two.status).toBe(400);
    expect(JSON.stringify(two.body)).toMatch(/Une seule recherche à la fois/);
    const none = await lookup('');
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toMatch(/Indiquez un NIR, un identifiant patient, ou le nom, le prénom et la date de naissance/);
    const partial = await lookup('lastName=Dupont');
    expect(partial.status).toBe(400);
    expect(JSON.stringify(partial.body)).toMatch(/le nom, le prénom et la date de naissance/);
    expect((await lookup('lastName=Dupont&firstName=Jean&birthDate=14/03/1985')).status).toBe(400);
  });

  it('every lookup is audited with its way and its matches, never the NIR or the name searched for', async () => {
    const events = (await admin.query(`SELECT action, detail FROM audit_events WHERE tenant_id = $1 AND action LIKE 'patient.lookup%' ORDER BY seq`, [a])).rows;
    expect(events.length).toBeGreaterThanOrEqual(8);
    expect(events.map((e) => e.detail.by)).toEqual(expect.arrayContaining(['nir', 'name', 'externalId']));
    expect(events.filter((e) => e.action === 'patient.lookup').map((e) => e.detail.by)).toEqual(['externalId']);
    const text = JSON.stringify(events);
    for (const secret of [N1, N2, 'Dupont', 'LEFEVRE', 'Lefèvre', 'Segala', '1947-01-01']) expect(text).not.toContain(secret);
  });
});
