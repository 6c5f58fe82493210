import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { Client } from 'pg';
import { discoverRoutes } from '../src/docs/openapi';
import { adminClient } from './db';
import { makePractitioner, makeStructure, makeUser, nextRpps, type TestUser } from './factories';
import { TestApi } from './http';

/**
 * Issue #2 — endpoint × role × ownership. The routes come from the application itself:
 * a route added without a line here fails the first test. Structure A is the target;
 * a coordinator of B, the COPIL and a disabled user must not read or change it.
 */
type Persona = 'anonymous' | 'coordinatorA' | 'coordinatorB' | 'practitionerA' | 'ipso' | 'copil' | 'disabled';
const PERSONAS: Persona[] = ['anonymous', 'coordinatorA', 'coordinatorB', 'practitionerA', 'ipso', 'copil', 'disabled'];
type Expect = Record<Persona, number>;

const PUBLIC_OK = (status = 200): Expect => ({ anonymous: status, coordinatorA: status, coordinatorB: status, practitionerA: status, ipso: status, copil: status, disabled: status });
const SIGNED_IN = (status: number): Expect => ({ anonymous: 401, coordinatorA: status, coordinatorB: status, practitionerA: status, ipso: status, copil: status, disabled: 401 });
const IN_A = (member: number, practitioner: number, ipso = member): Expect => ({
  anonymous: 401, coordinatorA: member, coordinatorB: 404, practitionerA: practitioner, ipso, copil: 404, disabled: 401,
});

interface Case {
  expect: Expect;
  body?: () => unknown;
  /** Mutating calls that would spoil a shared token (sign-out) get a fresh login per persona. */
  freshToken?: boolean;
}

const MATRIX: Record<string, Case> = {
  'GET /health/live': { expect: PUBLIC_OK() },
  'GET /health/ready': { expect: PUBLIC_OK() },
  'GET /docs': { expect: PUBLIC_OK() },
  'GET /docs/openapi.json': { expect: PUBLIC_OK() },
  'GET /docs/assets/{file}': { expect: PUBLIC_OK(404) },
  'POST /auth/login': { expect: PUBLIC_OK(401), body: () => ({ email: 'personne@test-mtr2.fr', password: 'faux' }) },
  'POST /auth/refresh': { expect: PUBLIC_OK(401), body: () => ({ refreshToken: 'x'.repeat(43) }) },
  'POST /auth/psc/start': { expect: PUBLIC_OK(404) },
  'POST /auth/psc/callback': { expect: PUBLIC_OK(404), body: () => ({ code: 'x', state: 'y' }) },
  'POST /auth/logout': { expect: SIGNED_IN(204), body: () => ({ refreshToken: 'x'.repeat(43) }), freshToken: true },
  'POST /auth/logout-all': { expect: SIGNED_IN(204), freshToken: true },
  'GET /auth/me': { expect: SIGNED_IN(200) },
  'GET /structures': { expect: SIGNED_IN(200) },
  'POST /structures': {
    expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 201, copil: 403, disabled: 401 },
    body: () => ({ name: 'Nouvelle structure', legalForm: 'SISA' }),
  },
  'GET /structures/{structureId}': { expect: IN_A(200, 200) },
  'PATCH /structures/{structureId}': { expect: IN_A(200, 403), body: () => ({ city: 'Périgueux' }) },
  'GET /structures/{structureId}/practitioners': { expect: IN_A(200, 200) },
  'POST /structures/{structureId}/practitioners': {
    expect: IN_A(201, 403),
    body: () => ({ rpps: nextRpps(), lastName: 'Nouveau', firstName: 'Médecin', profession: 'medecin_generaliste', joinedOn: '2027-01-01' }),
  },
  'PATCH /structures/{structureId}/practitioners/{practitionerId}': { expect: IN_A(200, 403), body: () => ({ lastName: 'Renommé' }) },
  'GET /structures/{structureId}/audit-events': { expect: IN_A(200, 403) },
  // Issue #4 — candidacies (kept in this order: the candidacy of A is opened by ipso first, the dossier generated before it is read).
  'GET /candidacies': { expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 200, copil: 403, disabled: 401 } },
  'POST /structures/{structureId}/candidacy': { expect: IN_A(403, 403, 201), body: () => ({ reason: 'Premier contact' }) },
  'GET /structures/{structureId}/candidacy': { expect: IN_A(200, 200) },
  'POST /structures/{structureId}/candidacy/transitions': { expect: IN_A(403, 403, 200), body: () => ({ to: 'pre_selected', reason: 'Présélection' }) },
  'PUT /structures/{structureId}/candidacy/declarations': { expect: IN_A(200, 403), body: () => ({ sharedSoftware: { value: true } }) },
  'PUT /structures/{structureId}/candidacy/justification': { expect: IN_A(403, 403, 200), body: () => ({ text: 'Justification écrite de l’équipe projet ipso.' }) },
  'GET /structures/{structureId}/candidacy/eligibility': { expect: IN_A(200, 200) },
  'POST /structures/{structureId}/candidacy/documents': {
    expect: IN_A(201, 403),
    body: () => ({ filename: 'engagements.pdf', mediaType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4 test').toString('base64') }),
  },
  'GET /structures/{structureId}/candidacy/documents/{documentId}': { expect: IN_A(404, 404) },
  'POST /structures/{structureId}/candidacy/dossier': { expect: IN_A(403, 403, 201) },
  'GET /structures/{structureId}/candidacy/dossier': { expect: IN_A(403, 403, 200) },
  // Issue #4 — Annex 6 audit of structure A (opened by ipso first; ipso's autosave after the coordinator's hits the revision check).
  'GET /audit-templates': { expect: SIGNED_IN(200) },
  'GET /audit-templates/version': { expect: SIGNED_IN(400) },
  'POST /audit-templates': {
    expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 422, copil: 403, disabled: 401 },
    body: () => ({ url: 'https://exemple.fr/q', version: '0' }),
  },
  'POST /structures/{structureId}/audit': { expect: IN_A(403, 403, 201) },
  'GET /structures/{structureId}/audit': { expect: IN_A(200, 200) },
  'PUT /structures/{structureId}/audit/answers': { expect: IN_A(200, 403, 409), body: () => ({ linkId: 'I.1.a', value: 'Trois généralistes', expectedRevision: 0 }) },
  'POST /structures/{structureId}/audit/attachments': {
    expect: IN_A(201, 403, 409),
    body: () => ({ linkId: 'V.2.a.2', expectedRevision: 0, filename: 'contrat-type.pdf', mediaType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4 contrat').toString('base64') }),
  },
  'GET /structures/{structureId}/audit/attachments/{attachmentId}': { expect: IN_A(404, 404) },
  'POST /structures/{structureId}/audit/submit': { expect: IN_A(422, 403, 422) },
  'POST /structures/{structureId}/audit/request-changes': { expect: IN_A(403, 403, 409), body: () => ({ flaggedLinkIds: ['I.1.a'] }) },
  'POST /structures/{structureId}/audit/accept': { expect: IN_A(403, 403, 409) },
  'POST /structures/{structureId}/audit/threads': { expect: IN_A(201, 403, 201), body: () => ({ linkId: 'I.1.a', visibility: 'shared', body: 'Pouvez-vous préciser ?' }) },
  'POST /structures/{structureId}/audit/threads/{threadId}': { expect: IN_A(404, 404), body: () => ({ action: 'reply', body: 'Réponse' }) },
  'PUT /structures/{structureId}/audit/rubric': { expect: IN_A(403, 403, 200), body: () => ({ sectionLinkId: 'I', score: 2, justification: 'Organisation médicale solide.' }) },
  'GET /structures/{structureId}/audit/export': { expect: IN_A(200, 200) },
  'GET /reference-data': { expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 200, copil: 403, disabled: 401 } },
  'POST /reference-data/aav2020': {
    expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 400, copil: 403, disabled: 401 },
    body: () => ({ filename: 'AAV2020.xlsx', contentBase64: Buffer.from('pas un classeur').toString('base64') }),
  },
  'POST /reference-data/commune-populations': {
    expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 400, copil: 403, disabled: 401 },
    body: () => ({ filename: 'populations.csv', contentBase64: Buffer.from('a;b\n1;2\n').toString('base64') }),
  },
  // Issue #5 — patient data: imports (the file is the raw body; without ?kind= the query is refused before anything), list, profile, exports.
  'POST /structures/{structureId}/imports': { expect: IN_A(400, 400) },
  'GET /structures/{structureId}/imports': { expect: IN_A(200, 403) },
  'GET /structures/{structureId}/imports/{importId}': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/imports/{importId}/faulty-rows': { expect: IN_A(404, 404) },
  'POST /structures/{structureId}/imports/{importId}/commit': { expect: IN_A(404, 404) },
  'POST /structures/{structureId}/imports/{importId}/revert': { expect: IN_A(404, 404) },
  'POST /structures/{structureId}/imports/{importId}/discard': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/import-profiles': { expect: IN_A(200, 403) },
  'PUT /structures/{structureId}/import-profiles': { expect: IN_A(200, 403, 403), body: () => ({ kind: 'patients', name: 'Logiciel X', mapping: { nom: 'NOM USUEL' } }) },
  'GET /structures/{structureId}/patients': { expect: IN_A(200, 200) },
  'GET /structures/{structureId}/patients/profile': { expect: IN_A(200, 200) },
  // Without its one search (NIR, patient id, or name + first name + birth date) the lookup is refused before anything.
  'POST /structures/{structureId}/patients/lookup': { expect: IN_A(400, 400), body: () => ({}) },
  'GET /structures/{structureId}/exports/am-included.csv': { expect: IN_A(200, 403, 403) },
  'GET /structures/{structureId}/exports/patients.csv': { expect: IN_A(200, 403, 403) },
  'GET /structures/{structureId}/exports/patients.ndjson': { expect: IN_A(200, 403, 403) },
  'GET /structures/{structureId}/exports/evaluation.csv': { expect: IN_A(200, 403) },
  // Issue #7 — indicators: ipso and COPIL read every structure (COPIL suppressed), a structure's coordinator its own.
  'GET /indicators': { expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 200, copil: 200, disabled: 401 } },
  'GET /indicators/export.csv': { expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 200, copil: 200, disabled: 401 } },
  'GET /indicators/report.pdf': { expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 200, copil: 200, disabled: 401 } },
  'GET /indicators/programme': { expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 200, copil: 200, disabled: 401 } },
  'GET /structures/{structureId}/indicators': { expect: IN_A(200, 403) },
  'GET /structures/{structureId}/indicators/export.csv': { expect: IN_A(200, 403) },
  'POST /structures/{structureId}/indicators/recompute': { expect: IN_A(403, 403, 200), body: () => ({ months: ['2027-01'] }) },
  // Issue #6 — monthly runs and statements. Structure A has no convention entry date: a run is refused (422) before anything is queued.
  'POST /structures/{structureId}/statement-runs': { expect: IN_A(422, 403), body: () => ({ month: '2026-06' }) },
  'GET /structures/{structureId}/statement-runs': { expect: IN_A(200, 200) },
  'GET /structures/{structureId}/statement-runs/{runId}': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/statements': { expect: IN_A(200, 200) },
  'GET /structures/{structureId}/statements/{statementId}': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/statements/{statementId}/patients': { expect: IN_A(404, 404) },
  'POST /structures/{structureId}/statements/{statementId}/issue': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/statements/{statementId}/billing.csv': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/statements/{statementId}/billing.json': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/statements/{statementId}/statement.pdf': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/statements/{statementId}/doctors/{practitionerId}/statement.pdf': { expect: IN_A(404, 404) },
  'POST /statement-runs': {
    expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 202, copil: 403, disabled: 401 },
    body: () => ({ month: '2026-06' }),
  },
  'GET /statement-runs': {
    expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 200, copil: 403, disabled: 401 },
  },
  // Issue #6 §4 — safeguard clause: structure A has no convention entry date yet (409); a practitioner without a linked practitioner record reads nothing.
  'GET /structures/{structureId}/safeguard': { expect: IN_A(409, 403) },
  'GET /structures/{structureId}/safeguard/{practitionerId}': { expect: IN_A(409, 403) },
  'POST /structures/{structureId}/safeguard/{practitionerId}/issue': { expect: IN_A(409, 403) },
  'GET /structures/{structureId}/safeguard/{practitionerId}/statement.pdf': { expect: IN_A(409, 403) },
  'GET /reference-data/tariffs': { expect: { anonymous: 401, coordinatorA: 200, coordinatorB: 200, practitionerA: 403, ipso: 200, copil: 200, disabled: 401 } },
  'POST /reference-data/tariffs': {
    expect: { anonymous: 401, coordinatorA: 403, coordinatorB: 403, practitionerA: 403, ipso: 201, copil: 403, disabled: 401 },
    body: () => ({ code: 'ZZMATRIX', label: 'Tarif de la matrice', amountCents: 100, validFrom: '2026-05-01', source: 'Test de la matrice des accès' }),
  },
  // Issue #6 §5 — leakage regularisation: ipso enters, records the COPIL decision and issues; the coordinator reads (A has no issued statement: 422).
  'POST /structures/{structureId}/regularisations': { expect: IN_A(403, 403, 422), body: () => ({ year: 2027, realRate: '0.1' }) },
  'GET /structures/{structureId}/regularisations': { expect: IN_A(200, 403) },
  'GET /structures/{structureId}/regularisations/{year}': { expect: IN_A(404, 404) },
  'POST /structures/{structureId}/regularisations/{year}/copil-decision': { expect: IN_A(404, 404), body: () => ({ meetingDate: '2028-06-15', decisionNumber: 'COPIL-1' }) },
  'POST /structures/{structureId}/regularisations/{year}/issue': { expect: IN_A(404, 404) },
  'GET /structures/{structureId}/regularisations/{year}/statement.pdf': { expect: IN_A(404, 404) },
  // Issue #6 §6 — revenue-at-risk worklist: coordinator and ipso; a practitioner sees only their MT patients (practitionerA is linked to none: 403).
  'GET /structures/{structureId}/worklist': { expect: IN_A(200, 403) },
  'GET /structures/{structureId}/worklist.csv': { expect: IN_A(200, 403) },
  // RULES §6 — financial simulation: ipso and the coordinator; structure A has no imported patient list (422), hence no stored simulation (404).
  'POST /structures/{structureId}/simulation': { expect: IN_A(422, 403), body: () => ({}) },
  'GET /structures/{structureId}/simulation': { expect: IN_A(404, 403) },
};

describe('access matrix: every route × role × ownership', () => {
  let api: TestApi;
  let admin: Client;
  let a: string;
  let practitionerOfA: string;
  const users = {} as Record<Exclude<Persona, 'anonymous'>, TestUser>;
  const tokens = {} as Record<Persona, string | undefined>;
  let routes: string[];

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await adminClient();
    a = await makeStructure(admin, { name: 'Structure A' });
    const b = await makeStructure(admin, { name: 'Structure B' });
    practitionerOfA = await makePractitioner(admin, a);
    users.coordinatorA = await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } });
    users.coordinatorB = await makeUser(admin, { membership: { tenantId: b, role: 'coordinator' } });
    users.practitionerA = await makeUser(admin, { membership: { tenantId: a, role: 'practitioner' } });
    users.ipso = await makeUser(admin, { platformRole: 'ipso_team' });
    users.copil = await makeUser(admin, { platformRole: 'copil' });
    users.disabled = await makeUser(admin, { membership: { tenantId: a, role: 'coordinator' } });
    for (const p of PERSONAS) if (p !== 'anonymous') tokens[p] = (await api.login(users[p])).accessToken;
    // Disabled after signing in: the still-valid token must be refused at once.
    await admin.query('UPDATE users SET disabled = true WHERE id = $1', [users.disabled.id]);
    const found = discoverRoutes(api.app.get(DiscoveryService), api.app.get(MetadataScanner));
    routes = found.map((r) => `${r.method} ${r.path}`);
  });
  afterAll(async () => {
    await api.close();
    await admin.end();
  });

  it('every route of the application declares its expected outcome for every persona', () => {
    expect(routes.filter((r) => !(r in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((r) => !routes.includes(r))).toEqual([]);
  });

  const snapshotA = async () =>
    JSON.stringify([
      (await admin.query('SELECT * FROM structures WHERE id = $1', [a])).rows,
      (await admin.query('SELECT * FROM practitioners WHERE tenant_id = $1 ORDER BY id', [a])).rows,
    ]);

  for (const [route, c] of Object.entries(MATRIX)) {
    for (const persona of PERSONAS) {
      it(`${route} as ${persona} → ${c.expect[persona]}`, async () => {
        const [method, template] = route.split(' ');
        const url = template
          .replace('{structureId}', a)
          .replace('{practitionerId}', practitionerOfA)
          .replace('{file}', 'inexistant.js');
        let token = tokens[persona];
        if (c.freshToken && persona !== 'anonymous' && persona !== 'disabled') token = (await api.login(users[persona])).accessToken;
        const denied = c.expect[persona] >= 400 && template.includes('{structureId}');
        const before = denied ? await snapshotA() : '';
        const res = await api.request(method, url, { token, body: c.body?.() });
        expect({ route, persona, status: res.status }).toEqual({ route, persona, status: c.expect[persona] });
        if (res.status >= 400) expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        if (denied) expect(await snapshotA()).toEqual(before);
        // Signing out everywhere invalidates the persona's shared token too: take a new one.
        if (c.freshToken && persona !== 'anonymous' && persona !== 'disabled') tokens[persona] = (await api.login(users[persona])).accessToken;
      });
    }
  }
});
