import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Client } from 'pg';
import { adminClient } from './db';
import { makeStructure, makeUser, nextRpps } from './factories';
import { freePort } from './global-setup';
import { TestApi } from './http';

const REDIRECT = 'http://127.0.0.1:5999/connexion/psc';

function startProvider(port: number, acr = 'eidas1'): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.resolve(__dirname, '../../../scripts/testing/psc-provider.mjs'), '--port', String(port), '--redirect-uri', REDIRECT, '--acr', acr],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve(child));
    child.on('exit', (c) => reject(new Error(`provider exited ${c}`)));
  });
}

/** Plays the browser: follows the provider's redirects with its cookies until it comes back to us. */
async function browse(url: string): Promise<URL> {
  const jar = new Map<string, string>();
  let next = url;
  for (let i = 0; i < 10; i++) {
    const res = await fetch(next, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = pair.split('=');
      jar.set(k.trim(), v);
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`no redirect from ${next}: ${res.status} ${await res.text()}`);
    const target = new URL(location, next);
    if (target.href.startsWith(REDIRECT)) return target;
    next = target.href;
  }
  throw new Error('too many redirects');
}

/** Issue #9 §2 — Pro Santé Connect against a local provider configured like PSC. */
describe('Pro Santé Connect login', () => {
  let admin: Client;
  let provider: ChildProcess;
  let api: TestApi;
  const saved = { ...process.env };

  async function startApi(acr: string) {
    const port = await freePort();
    provider = await startProvider(port, acr);
    Object.assign(process.env, {
      PSC_ENABLED: 'true',
      PSC_DISCOVERY_URL: `http://127.0.0.1:${port}/.well-known/wallet-openid-configuration`,
      PSC_CLIENT_ID: 'mtr2-test',
      PSC_CLIENT_SECRET: 'mtr2-test-secret-mtr2-test-secret',
      PSC_REDIRECT_URI: REDIRECT,
    });
    api = await TestApi.start();
  }
  async function stopApi() {
    await api.close();
    provider.kill('SIGTERM');
    process.env = { ...saved };
  }

  beforeAll(async () => {
    admin = await adminClient();
  });
  afterAll(() => admin.end());

  describe('with eidas1', () => {
    beforeAll(() => startApi('eidas1'));
    afterAll(stopApi);

    async function signInWith(rpps: string) {
      const start = await api.request('POST', '/auth/psc/start');
      expect(start.status).toBe(200);
      const auth = new URL(start.body.authorizationUrl);
      expect(auth.pathname).toBe('/auth');
      expect(auth.searchParams.get('acr_values')).toBe('eidas1');
      expect(auth.searchParams.get('scope')).toBe('openid scope_all');
      auth.searchParams.set('login_hint', rpps);
      const back = await browse(auth.href);
      return api.request('POST', '/auth/psc/callback', {
        body: { code: back.searchParams.get('code'), state: back.searchParams.get('state'), iss: back.searchParams.get('iss') },
      });
    }

    it('maps the practitioner by RPPS (SubjectNameID = 8 + RPPS) to their account', async () => {
      const structure = await makeStructure(admin);
      const user = await makeUser(admin, { membership: { tenantId: structure, role: 'practitioner' } });
      const rpps = nextRpps();
      await admin.query('UPDATE users SET rpps = $1 WHERE id = $2', [rpps, user.id]);
      const r = await signInWith(rpps);
      expect(r.status).toBe(200);
      const me = await api.request('GET', '/auth/me', { token: r.body.accessToken });
      expect(me.body.id).toBe(user.id);
    });

    it('refuses an RPPS that has no account, in French', async () => {
      const r = await signInWith(nextRpps());
      expect([r.status, r.body.code]).toEqual([403, 'rpps_inconnu']);
      expect(r.body.detail).toMatch(/Aucun compte actif/);
    });

    it('refuses a forged state', async () => {
      const r = await api.request('POST', '/auth/psc/callback', { body: { code: 'x', state: 'forged' } });
      expect([r.status, r.body.code]).toEqual([401, 'psc_refuse']);
    });
  });

  describe('with a weaker authentication level', () => {
    beforeAll(() => startApi('eidas2'));
    afterAll(stopApi);

    it('refuses the session when acr is not eidas1', async () => {
      const rpps = nextRpps();
      const user = await makeUser(admin);
      await admin.query('UPDATE users SET rpps = $1 WHERE id = $2', [rpps, user.id]);
      const start = await api.request('POST', '/auth/psc/start');
      const auth = new URL(start.body.authorizationUrl);
      auth.searchParams.set('login_hint', rpps);
      const back = await browse(auth.href);
      const r = await api.request('POST', '/auth/psc/callback', { body: { code: back.searchParams.get('code'), state: back.searchParams.get('state'), iss: back.searchParams.get('iss') } });
      expect([r.status, r.body.code]).toEqual([401, 'psc_refuse']);
      expect(r.body.detail).toMatch(/Niveau d'authentification insuffisant/);
    });
  });
});
