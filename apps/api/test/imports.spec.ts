import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Client } from 'pg';
import { asTenantId } from '@mtr/tenancy';
import { TenantDb } from '../src/database/tenant-db';
import { importPaths } from '../src/imports/import-storage';
import { PatientCrypto } from '../src/patients/patient-crypto';
import { PATIENT_DATA_CONFIG } from '../src/patients/patient-data.module';
import type { PatientDataConfig } from '../src/patients/patient-data.config';
import { ImportRunner } from '../src/imports/imports.runner';
import { readForfaitInputs } from '../src/patients/patient-queries';
import { adminClient } from './db';
import { makeStructure, makeUser, nextRpps } from './factories';
import { TestApi } from './http';
import { cp1252, nir, settle, startImportWorker, upload } from './imports.helpers';

/**
 * Issue #5 — patient, criteria and activity imports: dry run then all-or-nothing commit through
 * the BullMQ worker, same file = no-op, upsert, revert; every bad input of the issue gives a
 * precise error (line, column, code, French message) and writes nothing; identifiers encrypted.
 */
describe('imports (issue #5)', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let admin: Client;
  let a: string;
  let b: string;
  let coord: string;
  let practitioner: string;
  let ipso: string;
  const gp1 = nextRpps();
  const gp2 = nextRpps();
  const gpOfB = nextRpps();
  const HEADER = 'identifiant_patient;nir;nom;prenom;date_naissance;sexe;rpps_medecin_traitant;debut_declaration_mt;fin_declaration_mt;date_note_information;opposition_evaluation';
  const N1 = nir('1850775123456');
  const N2 = nir('2470169000111');
  const N3 = nir('1560' + '2' + '2A' + '004123'.slice(0, 6));
  const patientsFile = () =>
    [
      HEADER,
      `P001;${N1};Dupont;Jean;14/03/1985;M;${gp1};02/01/2024;;03/05/2026;non`,
      `P002;${N2};Lefèvre;Zoé;01/01/1947;F;${gp1};2026-05-10;;;non`,
      `P003;${N3};Ségala;Pierre-Étienne;2/2/1956;H;${gp2};01/06/2020;;;oui`,
      `P004;;"=HYPERLINK(""http://x.y"";""clic"")";Anne;15/07/2024;F;${gp2};20/09/2024;;;non`,
    ].join('\r\n') + '\r\n';

  const countPatients = async (t = a) => Number((await admin.query('SELECT count(*) AS n FROM patients WHERE tenant_id = $1', [t])).rows[0].n);
  const importsOf = async (t = a) => Number((await admin.query(`SELECT count(*) AS n FROM imports WHERE tenant_id = $1 AND status = 'committed'`, [t])).rows[0].n);

  async function dryRun(body: Buffer, query = 'kind=patients&filename=patients.csv', token = coord) {
    const r = await upload(api, token, a, body, query);
    expect([r.status, r.body?.code]).toEqual([202, undefined]);
    return settle(api, token, a, r.body.import.id);
  }
  async function commit(id: string) {
    const r = await api.request('POST', `/structures/${a}/imports/${id}/commit`, { token: coord });
    expect(r.status).toBe(202);
    return settle(api, coord, a, id);
  }
  /** Dry run expected to fail with one precise error, and nothing written. */
  async function expectRejected(body: Buffer, error: { line: number; column: string; code: string }, query?: string) {
    const before = await countPatients();
    const rep = await dryRun(body, query);
    expect(rep.status).toBe('invalid');
    expect(rep.errors).toEqual(expect.arrayContaining([expect.objectContaining(error)]));
    const e = rep.errors.find((x: { code: string }) => x.code === error.code);
    expect(e.detail).toMatch(/[a-zé]/);
    const c = await api.request('POST', `/structures/${a}/imports/${rep.id}/commit`, { token: coord });
    expect([c.status, c.body.code]).toEqual([422, 'import_invalide']);
    expect(await countPatients()).toBe(before);
    return rep;
  }

  beforeAll(async () => {
    api = await TestApi.start();
    worker = await startImportWorker();
    admin = await adminClient();
    a = await makeStructure(admin, { name: 'MSP des Tilleuls' });
    b = await makeStructure(admin, { name: 'MSP voisine' });
    await admin.query(`UPDATE structures SET convention_entry_date = '2025-01-01' WHERE id = $1`, [a]);
    for (const [t, r, prof] of [[a, gp1, 'medecin_generaliste'], [a, gp2, 'medecin_generaliste'], [b, gpOfB, 'medecin_generaliste']]) {
      await admin.query(`INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, 'Médecin', $3, $4, '2025-01-01')`, [t, r, r.slice(-3), prof]);
    }
    coord = (await api.login(await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } }))).accessToken;
    practitioner = (await api.login(await makeUser(admin, { membership: { tenantId: a, role: 'practitioner' } }))).accessToken;
    ipso = (await api.login(await makeUser(admin, { platformRole: 'ipso_team' }))).accessToken;
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await admin.end();
  });

  let firstImport: string;

  it('patients: Windows-1252 semicolon CSV, dry run then commit; identifiers encrypted at rest', async () => {
    const rep = await dryRun(cp1252(patientsFile()));
    expect(rep).toMatchObject({ status: 'validated', encoding: 'windows-1252', delimiter: ';', counts: { read: 4, create: 4, update: 0, unchanged: 0, errors: 0 } });
    expect(rep.errors).toEqual([]);
    expect(await countPatients()).toBe(0);
    const done = await commit(rep.id);
    expect(done).toMatchObject({ status: 'committed', counts: { create: 4, update: 0, unchanged: 0 } });
    firstImport = rep.id;
    const rows = (await admin.query('SELECT * FROM patients WHERE tenant_id = $1 ORDER BY external_id', [a])).rows;
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.identity_enc.toString('latin1')).not.toMatch(/Dupont|Lef|S.gala|185077/);
      expect(r.key_id).toBe('dev1');
    }
    expect(rows.map((r) => [r.external_id, r.sex, r.evaluation_opposed])).toEqual([['P001', 'M', false], ['P002', 'F', false], ['P003', 'M', true], ['P004', 'F', false]]);
    // Patient data never reaches the job payloads nor the audit details.
    const audit = (await admin.query(`SELECT detail::text FROM audit_events WHERE tenant_id = $1`, [a])).rows.map((r) => r.detail).join(' ');
    expect(audit).not.toMatch(/Dupont|Lefèvre|185077/);
  });

  it('identities are decrypted for the care team only, each read audited', async () => {
    const mine = await api.request('GET', `/structures/${a}/patients?limit=10`, { token: practitioner });
    expect(mine.status).toBe(200);
    expect(mine.body.items[1].identity).toEqual({ nir: N2, lastName: 'Lefèvre', firstName: 'Zoé' });
    expect(mine.body.items[2].identity.nir).toBe(N3);
    expect(mine.body.total).toBe(4);
    const theirs = await api.request('GET', `/structures/${a}/patients`, { token: ipso });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.every((p: { identity: unknown }) => p.identity === null)).toBe(true);
    const events = (await admin.query(`SELECT action, detail FROM audit_events WHERE tenant_id = $1 AND action LIKE 'patient.read%' ORDER BY seq`, [a])).rows;
    expect(events.map((e) => e.action)).toEqual(['patient.read_identity', 'patient.read']);
    expect(events[0].detail.patientIds).toHaveLength(4);
    // A page past the end still says how many patients there are.
    expect((await api.request('GET', `/structures/${a}/patients?offset=10`, { token: practitioner })).body).toEqual({ total: 4, items: [] });
  });

  it('the same file again (same SHA-256) is a no-op', async () => {
    const r = await upload(api, coord, a, cp1252(patientsFile()), 'kind=patients&filename=encore.csv');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ duplicate: true, import: { id: firstImport, status: 'committed' } });
    expect(Number((await admin.query('SELECT count(*) AS n FROM imports WHERE tenant_id = $1', [a])).rows[0].n)).toBe(1);
  });

  it('a corrected file updates in place (upsert on patient id); the import can be reverted as a whole', async () => {
    const fixed = patientsFile().replace('Dupont;Jean', 'Dupont;Jean-Marc') + `P005;;Nouveau;Patient;01/01/1990;F;${gp1};01/02/2025;;;non\r\n`;
    const rep = await dryRun(Buffer.from('\ufeff' + fixed.replace(/;/g, ',').replace('x.y"",""clic', 'x.y"";""clic'), 'utf8'));
    expect(rep).toMatchObject({ status: 'validated', encoding: 'utf-8', delimiter: ',', counts: { read: 5, create: 1, update: 1, unchanged: 3 } });
    const done = await commit(rep.id);
    expect(done.counts).toMatchObject({ create: 1, update: 1, unchanged: 3 });
    const list = async () => (await api.request('GET', `/structures/${a}/patients`, { token: coord })).body.items;
    expect((await list()).map((p: { identity: { firstName: string } }) => p.identity.firstName)).toEqual(['Jean-Marc', 'Zoé', 'Pierre-Étienne', 'Anne', 'Patient']);
    // The earlier import cannot be reverted while a later one builds on it.
    const early = await api.request('POST', `/structures/${a}/imports/${firstImport}/revert`, { token: coord });
    expect([early.status, early.body.code]).toEqual([409, 'import_posterieur']);
    const rev = await api.request('POST', `/structures/${a}/imports/${rep.id}/revert`, { token: coord });
    expect([rev.status, rev.body.status]).toEqual([200, 'reverted']);
    expect((await list()).map((p: { identity: { firstName: string } }) => p.identity.firstName)).toEqual(['Jean', 'Zoé', 'Pierre-Étienne', 'Anne']);
    // Once a statement is issued from an import, it stays.
    await admin.query(`UPDATE imports SET statement_issued_at = now() WHERE id = $1`, [firstImport]);
    const locked = await api.request('POST', `/structures/${a}/imports/${firstImport}/revert`, { token: coord });
    expect([locked.status, locked.body.code]).toEqual([409, 'releve_emis']);
  });

  describe('bad input: precise error, nothing written', () => {
    const row = (cells: Partial<Record<string, string>>) => {
      const base: Record<string, string> = {
        identifiant_patient: 'X1', nir: '', nom: 'Test', prenom: 'Ligne', date_naissance: '01/01/1980', sexe: 'F', rpps_medecin_traitant: gp1,
        debut_declaration_mt: '01/01/2025', fin_declaration_mt: '', date_note_information: '', opposition_evaluation: 'non',
      };
      return HEADER.split(';').map((k) => cells[k] ?? base[k]).join(';');
    };
    const file = (...rows: string[]) => Buffer.from([HEADER, ...rows].join('\n') + '\n');

    it('wrong NIR key', async () => {
      const bad = N1.slice(0, 13) + String((Number(N1.slice(13)) % 97) + 1).padStart(2, '0');
      await expectRejected(file(row({}), row({ identifiant_patient: 'X2', nir: bad })), { line: 3, column: 'nir', code: 'nir_cle' });
    });
    it('birth date in the future', async () => {
      await expectRejected(file(row({ date_naissance: '01/01/2999' })), { line: 2, column: 'date_naissance', code: 'date_future' });
    });
    it('a date like 31/02/2027', async () => {
      await expectRejected(file(row({ fin_declaration_mt: '31/02/2027' })), { line: 2, column: 'fin_declaration_mt', code: 'date_invalide' });
    });
    it('unknown RPPS (not a practitioner of the structure)', async () => {
      await expectRejected(file(row({ rpps_medecin_traitant: nextRpps() })), { line: 2, column: 'rpps_medecin_traitant', code: 'rpps_hors_structure' });
      await expectRejected(file(row({ rpps_medecin_traitant: '12345678901' })), { line: 2, column: 'rpps_medecin_traitant', code: 'rpps_invalide' });
    });
    it('a file of another structure’s patients (their RPPS)', async () => {
      const rep = await expectRejected(file(row({ rpps_medecin_traitant: gpOfB }), row({ identifiant_patient: 'X2', rpps_medecin_traitant: gpOfB })), {
        line: 2, column: 'rpps_medecin_traitant', code: 'rpps_hors_structure',
      });
      expect(rep.errors).toHaveLength(2);
    });
    it('duplicate patient id in one file', async () => {
      const rep = await expectRejected(file(row({}), row({ identifiant_patient: 'X2' }), row({ nom: 'Autre' })), { line: 4, column: 'identifiant_patient', code: 'doublon' });
      expect(rep.errors[0].detail).toContain('ligne 2');
    });
    it('mixed encodings (UTF-8 and Windows-1252 in one file)', async () => {
      const body = Buffer.concat([Buffer.from(`${HEADER}\n${row({ nom: 'Hélène' })}\n`, 'utf8'), cp1252(`${row({ identifiant_patient: 'X2', nom: 'Gérard' })}\n`)]);
      // Detected as Windows-1252 (not valid UTF-8 as a whole): the UTF-8 line is the one named.
      await expectRejected(body, { line: 2, column: '', code: 'encodage_mixte' });
      const reverse = Buffer.concat([cp1252(`${HEADER}\n${row({ nom: 'Gérard' })}\n`), Buffer.from(`${row({ identifiant_patient: 'X2', nom: 'Hélène' })}\n`, 'utf8')]);
      await expectRejected(reverse, { line: 3, column: '', code: 'encodage_mixte' });
    });
    it('a truncated file (cut in the middle of a row, or inside quotes)', async () => {
      const full = file(row({}), row({ identifiant_patient: 'X2' })).toString();
      await expectRejected(Buffer.from(full.slice(0, full.length - 40)), { line: 3, code: 'colonnes_manquantes', column: expect.any(String) as unknown as string });
      await expectRejected(Buffer.from(`${HEADER}\n${row({})}\nX2;;"Dupo`), { line: 3, column: '', code: 'fichier_tronque' });
    });
    it('a 0-byte file is refused at upload', async () => {
      const before = await admin.query('SELECT count(*) AS n FROM imports');
      const r = await upload(api, coord, a, Buffer.alloc(0), 'kind=patients');
      expect([r.status, r.body.code]).toEqual([422, 'fichier_vide']);
      expect((await admin.query('SELECT count(*) AS n FROM imports')).rows[0].n).toBe(before.rows[0].n);
    });
    it('a 2 GB upload is rejected by its size before reading', async () => {
      let pulled = 0;
      const huge = new Readable({
        read() {
          pulled++;
          this.push(pulled > 2 ? null : Buffer.alloc(64 * 1024, 0x41));
        },
      });
      const res = await api.app.getHttpAdapter().getInstance().inject({
        method: 'POST',
        url: `/structures/${a}/imports?kind=patients`,
        headers: { authorization: `Bearer ${coord}`, 'content-type': 'text/csv', 'content-length': String(2 * 1024 ** 3) },
        payload: huge,
      });
      expect(res.statusCode).toBe(413);
      expect(JSON.parse(res.body).code).toBe('fichier_trop_volumineux');
      expect(pulled).toBeLessThanOrEqual(2);
    });
    it('missing required column: the whole file is refused with the column named', async () => {
      await expectRejected(Buffer.from('identifiant_patient;nom\nX1;Test\n'), { line: 1, column: '', code: 'colonne_manquante' });
    });
    it('the faulty rows come back as a CSV with an error column', async () => {
      const rep = await expectRejected(file(row({}), row({ identifiant_patient: 'X2', date_naissance: '31/02/1990' })), { line: 3, column: 'date_naissance', code: 'date_invalide' });
      const r = await api.request('GET', `/structures/${a}/imports/${rep.id}/faulty-rows`, { token: coord });
      expect(r.status).toBe(200);
      const text = String(r.body);
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const lines = text.slice(1).trim().split('\r\n');
      expect(lines[0]).toBe(`ligne;${HEADER};erreurs`);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^3;X2;.*date_naissance : Date invalide « 31\/02\/1990 »/);
    });
  });

  it('criteria and activity imports; out-of-range values (PHQ-9 28, IMC 0) refused', async () => {
    const crit = 'identifiant_patient;critere;numero_ald;valeur;date;valide_jusqu_au;debut_grossesse;fin_grossesse;auteur\n';
    const bad = await dryRun(Buffer.from(`${crit}P001;PHQ-9;;28;01/03/2026;;;;Dr A\nP002;IMC;;0;01/03/2026;;;;\nP003;ALD;23;;01/01/2020;;;;\nP404;C2S;;;01/01/2026;31/12/2026;;;\n`), 'kind=criteria');
    expect(bad.status).toBe('invalid');
    expect(bad.errors.map((e: { line: number; column: string; code: string }) => [e.line, e.column, e.code])).toEqual([
      [2, 'valeur', 'valeur_hors_bornes'],
      [3, 'valeur', 'valeur_hors_bornes'],
      [5, 'identifiant_patient', 'patient_inconnu'],
    ]);
    expect(bad.errors[0].detail).toBe('Valeur 28 hors bornes pour PHQ-9 (de 0 à 27).');
    const good = await dryRun(
      Buffer.from(`${crit}P001;PHQ-9;;12;01/03/2026;;;;Dr A\nP002;IMC;;31,5;01/03/2026;;;;\nP003;ALD;23;;01/01/2020;;;;\nP004;declaration_obstetrique;;;01/02/2026;;01/01/2026;30/09/2026;Dr B\n`),
      'kind=criteria',
    );
    expect(good).toMatchObject({ status: 'validated', counts: { create: 4 } });
    expect((await commit(good.id)).status).toBe('committed');

    const act = 'identifiant_patient;rpps;date;type;lieu;actes\n';
    const badAct = await dryRun(Buffer.from(`${act}P001;${gpOfB};02/03/2026;consultation;cabinet;G\nP001;${gp1};02/03/2026;visite;domicile;VG+MD??\n`), 'kind=activity');
    expect(badAct.errors.map((e: { code: string }) => e.code)).toEqual(['rpps_hors_structure', 'acte_invalide']);
    const goodAct = await dryRun(Buffer.from(`${act}P001;${gp1};02/03/2026;consultation;cabinet;G+MEG\nP002;${gp1};2026-03-05;VD;domicile;VG+MD\nP002;${gp2};2026-03-06;téléconsultation;;TCG\n`), 'kind=activity');
    expect(goodAct).toMatchObject({ status: 'validated', counts: { create: 3 } });
    expect((await commit(goodAct.id)).status).toBe('committed');

    const db = api.app.get(TenantDb);
    const inputs = await db.forTenant(asTenantId(a), (em) => readForfaitInputs(em, a, { activityFrom: '2024-03-01', activityTo: '2026-03-31' }));
    const [p1, p2, p3, p4] = inputs.sort((x, y) => x.birthDate.localeCompare(y.birthDate)).reverse();
    expect(p1.evidence).toEqual([{ type: 'obstetricDeclaration', date: '2026-02-01', pregnancyEnd: '2026-09-30', author: 'Dr B' }]);
    expect(inputs.find((p) => p.evidence.some((e) => e.type === 'ald'))!.evidence).toEqual([{ type: 'ald', number: 23, from: '2020-01-01' }]);
    const withVisits = inputs.find((p) => p.encounters.length === 2)!;
    expect(withVisits.encounters.map((e) => [e.kind, e.role])).toEqual([['visit', 'doctor'], ['teleconsultation', 'doctor']]);
    expect(withVisits.evidence).toEqual([{ type: 'bmi', date: '2026-03-01', value: 31.5 }]);
    expect([p2, p3, p4].every(Boolean)).toBe(true);
  });

  it('XLSX with a saved mapping profile (other software, other headers)', async () => {
    const prof = await api.request('PUT', `/structures/${a}/import-profiles`, {
      token: coord,
      body: { kind: 'patients', name: 'Logiciel X', mapping: { identifiant_patient: 'Réf. dossier', nom: 'NOM USUEL', prenom: 'Prénom(s)', sexe: 'Genre', date_naissance: 'Né(e) le', rpps_medecin_traitant: 'Médecin (RPPS)' } },
    });
    expect(prof.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    ws.addRow(['Réf. dossier', 'NOM USUEL', 'Prénom(s)', 'Genre', 'Né(e) le', 'Médecin (RPPS)', 'debut_declaration_mt']);
    ws.addRow(['P001', 'Dupont', 'Jean', 'M', new Date(Date.UTC(1985, 2, 14)), gp1, '02/01/2024']);
    ws.addRow(['P100', 'Martin', 'Léa', 'F', new Date(Date.UTC(1950, 5, 1)), Number(gp2), '01/02/2025']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const rep = await dryRun(buf, `kind=patients&filename=export.xlsx&profileId=${prof.body.id}`);
    expect(rep).toMatchObject({ status: 'validated', format: 'xlsx', counts: { read: 2, create: 1, update: 1 } });
    expect(rep.mapping).toMatchObject({ identifiant_patient: 'Réf. dossier', date_naissance: 'Né(e) le' });
    const truncated = await dryRun(buf.subarray(0, Math.floor(buf.length / 2)), 'kind=patients&filename=coupe.xlsx');
    expect(truncated.status).toBe('invalid');
    expect(truncated.errors[0].code).toBe('fichier_illisible');
  });

  it('a worker crash mid-commit leaves the database unchanged; retries never apply twice', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `C${String(i).padStart(3, '0')};;Crash;Test;01/01/1970;F;${gp1};01/01/2025;;;non`);
    const rep = await dryRun(Buffer.from([HEADER, ...rows].join('\n')));
    expect(rep.status).toBe('validated');
    await admin.query(`UPDATE imports SET status = 'committing' WHERE id = $1`, [rep.id]);
    const runner = worker.get(ImportRunner);
    const before = await countPatients();
    runner.failNextCommitAfterRows = 10;
    await expect(runner.commit(asTenantId(a), rep.id)).rejects.toThrow('interruption simulée');
    expect(await countPatients()).toBe(before);
    expect((await admin.query('SELECT status FROM imports WHERE id = $1', [rep.id])).rows[0].status).toBe('committing');
    expect(await runner.commit(asTenantId(a), rep.id)).toBe('done');
    expect(await runner.commit(asTenantId(a), rep.id)).toBe('noop');
    expect(await countPatients()).toBe(before + 30);
    expect(await importsOf()).toBeGreaterThan(0);
  });

  it('the commit loads the rows its dry run encrypted; altered on disk, it reads the file again; a practitioner gone, it refuses', async () => {
    const { storageDir } = worker.get<PatientDataConfig>(PATIENT_DATA_CONFIG);
    const rows = Array.from({ length: 5 }, (_, i) => `S${i};;Étape${i};Zoé;01/01/1970;F;${gp2};01/01/2025;;;non`);
    const rep = await dryRun(Buffer.from([HEADER, ...rows].join('\n')));
    expect(rep.status).toBe('validated');
    const paths = importPaths(storageDir, a, rep.id);
    const staged = await readFile(paths.stage);
    expect(JSON.parse(await readFile(paths.stageManifest, 'utf8'))).toMatchObject({ read: 5, staged: 5, bytes: staged.length });
    expect(staged.includes('Étape')).toBe(false);
    // One byte of the first encrypted identity changed (its IV: after the field count, the line, the
    // id and « S0 »): the seal fails, the commit encrypts the upload again.
    staged[2 + 8 + 20 + 6 + 4] ^= 1;
    await writeFile(paths.stage, staged);
    expect((await commit(rep.id)).status).toBe('committed');
    await expect(stat(paths.stage)).rejects.toThrow();
    await expect(stat(paths.stageManifest)).rejects.toThrow();
    const db = worker.get(TenantDb);
    const crypto = worker.get(PatientCrypto);
    const got = await db.forTenant(asTenantId(a), (em) => em.query(`SELECT identity_enc, key_id FROM patients WHERE external_id LIKE 'S_' ORDER BY external_id`));
    expect(got.map((r: { identity_enc: Buffer; key_id: string }) => crypto.decryptIdentity(r.identity_enc, r.key_id).lastName)).toEqual(['Étape0', 'Étape1', 'Étape2', 'Étape3', 'Étape4']);

    const gp3 = nextRpps();
    await admin.query(`INSERT INTO practitioners (tenant_id, rpps, last_name, first_name, profession, joined_on) VALUES ($1, $2, 'Médecin', 'Parti', 'medecin_generaliste', '2025-01-01')`, [a, gp3]);
    const rep2 = await dryRun(Buffer.from([HEADER, `S9;;Départ;Léa;01/01/1970;F;${gp3};01/01/2025;;;non`].join('\n')));
    expect(rep2.status).toBe('validated');
    await admin.query('DELETE FROM practitioners WHERE tenant_id = $1 AND rpps = $2', [a, gp3]);
    const refused = await commit(rep2.id);
    expect(refused.status).toBe('failed');
    expect(refused.failure).toMatch(/ne passe plus la vérification/);
  });

  it('exports: AM included list, French Excel CSV (CSV injection neutralised), FHIR NDJSON, pseudonymised evaluation extract', async () => {
    const am = await api.request('GET', `/structures/${a}/exports/am-included.csv`, { token: coord });
    expect(am.status).toBe(200);
    const amLines = String(am.body).slice(1).trim().split('\r\n');
    expect(amLines[0]).toBe('nir;date_inclusion;premier_mois_forfait;rpps_medecin_traitant');
    // P001: MT before E (2025-01-01), first consultation 2026-03-02 → forfait from April 2026.
    expect(amLines).toContain(`${N1};2026-03-02;2026-04;${gp1}`);
    // P002: MT declared after E → included at the declaration.
    expect(amLines).toContain(`${N2};2026-05-10;2026-06;${gp1}`);

    const csv = await api.request('GET', `/structures/${a}/exports/patients.csv`, { token: coord });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const text = String(csv.body);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain(`"'=HYPERLINK(""http://x.y"";""clic"")"`);
    expect(text).not.toMatch(/;=HYPERLINK/);

    const nd = await api.request('GET', `/structures/${a}/exports/patients.ndjson`, { token: coord });
    const resources = String(nd.body).trim().split('\n').map((l) => JSON.parse(l));
    const jean = resources.find((r) => r.identifier.some((i: { value: string }) => i.value === 'P001'));
    expect(jean).toMatchObject({ resourceType: 'Patient', gender: 'male', birthDate: '1985-03-14', identifier: expect.arrayContaining([{ use: 'official', system: 'urn:oid:1.2.250.1.213.1.4.8', value: N1 }]) });
    const prac = await api.request('GET', `/structures/${a}/exports/patients.ndjson?type=Practitioner`, { token: coord });
    expect(String(prac.body)).toContain(`"value":"8${gp1}"`);

    const ev = await api.request('GET', `/structures/${a}/exports/evaluation.csv`, { token: ipso });
    expect(ev.status).toBe(200);
    const evText = String(ev.body);
    const evLines = evText.slice(1).trim().split('\r\n');
    const total = await countPatients();
    expect(evLines).toHaveLength(1 + total - 1); // P003 is opposed
    expect(evText).not.toMatch(/P00\d|Dupont|185077/);
    const forbidden = await api.request('GET', `/structures/${a}/exports/patients.csv`, { token: ipso });
    expect(forbidden.status).toBe(403);
  });

  it('patientèle profile: men, 65+, age pyramid, list size per GP', async () => {
    const r = await api.request('GET', `/structures/${a}/patients/profile`, { token: coord });
    expect(r.status).toBe(200);
    const p = r.body;
    expect(p.total).toBe(p.pyramid.reduce((s: number, b: { women: number; men: number }) => s + b.women + b.men, 0));
    expect(p.perGp.reduce((s: number, g: { patients: number }) => s + g.patients, 0)).toBe(p.total);
    expect(p.menPercent).toBeCloseTo((p.men * 100) / p.total, 2);
    expect(p.pyramid.find((b: { band: string }) => b.band === '0-4').women).toBe(1);
  });
});
