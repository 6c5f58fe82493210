import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, inject, it } from 'vitest';
import { checkPage, launch, rppsWithKey, signIn } from './browser';

/**
 * Issue #8, groundwork: sign-in (TOTP step), navigation by role, structures, practitioners with
 * the shared RPPS validation, sign-out and session expiry, against the real API, worker and
 * database; axe-core (WCAG 2.1 A/AA) on every page visited, screenshots in test-output/e2e.
 */
const { baseUrl, totpSecrets, structures } = inject('e2e');
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
});
afterEach(async () => {
  await page?.context().close();
});

const rows = (p: Page) => p.getByRole('table').locator('tbody tr');

describe('web app served by the API', () => {
  it('generated OpenAPI types come from the same document as GET /docs/openapi.json', async () => {
    const live = await (await fetch(`${baseUrl}/docs/openapi.json`)).json();
    const generated = JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../openapi.json'), 'utf8'));
    expect(generated).toEqual(live);
  });

  it('API routes stay API routes; browser navigations get the app', async () => {
    const api = await fetch(`${baseUrl}/structures`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    const prefixed = await fetch(`${baseUrl}/api/health/live`);
    expect(prefixed.ok).toBe(true);
    const nav = await fetch(`${baseUrl}/structures`, { headers: { accept: 'text/html' } });
    expect(await nav.text()).toContain('<div id="root">');
  });
});

describe('coordinator', () => {
  it('signs in, sees only their structure, adds a practitioner after fixing a bad RPPS', async () => {
    await page.goto(`${baseUrl}/`);
    await page.waitForURL('**/connexion');
    await checkPage(page, '01-connexion');
    await signIn(page, baseUrl, 'coord.tilleuls@demo-mtr2.fr');
    await page.waitForURL(`**/structures/${structures.tilleuls}`);
    await page.getByRole('heading', { level: 1, name: 'Maison de santé des Tilleuls' }).waitFor();
    await rows(page).first().waitFor();
    await checkPage(page, '02-coordination-structure');

    // Only their structure: the list has one row, another structure's page is refused.
    await page.goto(`${baseUrl}/structures`);
    await page.getByRole('heading', { level: 1, name: 'Structures' }).waitFor();
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().textContent()).toContain('Maison de santé des Tilleuls');
    await checkPage(page, '03-coordination-structures');
    await page.goto(`${baseUrl}/structures/${structures.saintMartin}`);
    await page.getByRole('heading', { level: 1, name: 'Accès refusé' }).waitFor();

    await page.goto(`${baseUrl}/structures/${structures.tilleuls}`);
    await page.getByRole('button', { name: 'Ajouter un praticien' }).click();
    const dialog = page.getByRole('dialog', { name: 'Ajouter un praticien' });
    await dialog.getByLabel(/^Nom/).fill('Lambert');
    await dialog.getByLabel('Prénom').fill('Zoé');
    await dialog.getByLabel('Profession').selectOption('sage_femme');
    await dialog.getByLabel('Date d’arrivée').fill('2027-05-01');
    const good = rppsWithKey('1000000013');
    const bad = good.slice(0, 10) + ((Number(good[10]) + 1) % 10);
    await dialog.getByLabel('Numéro RPPS').fill(bad);
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    const rpps = dialog.getByLabel('Numéro RPPS');
    await expect.poll(() => rpps.getAttribute('aria-invalid')).toBe('true');
    await dialog.getByText('numéro RPPS invalide (11 chiffres, clé de Luhn)').waitFor();
    expect(await rpps.evaluate((el) => el === document.activeElement)).toBe(true);
    await checkPage(page, '04-praticien-rpps-invalide');

    await rpps.fill(good);
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Zoé Lambert a été ajouté(e) à la structure.').waitFor();
    await page.getByRole('cell', { name: 'LAMBERT Zoé' }).waitFor();
    await checkPage(page, '05-praticien-ajoute');

    // Pages of later issues say so.
    await page.getByRole('link', { name: 'Patientèle' }).click();
    await page.getByRole('heading', { level: 1, name: 'Patientèle' }).waitFor();
    await checkPage(page, '06-patientele-a-venir');
  });
});

describe('ipso team', () => {
  it('signs in with the TOTP step and sees every structure', async () => {
    await page.goto(`${baseUrl}/connexion`);
    await page.getByLabel('Adresse e-mail').fill('ipso@demo-mtr2.fr');
    await page.getByLabel(/^Mot de passe/).fill('Demo-MTR2-2026!');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByLabel('Code d’authentification').waitFor();
    await checkPage(page, '07-connexion-totp');
    await page.getByLabel('Code d’authentification').fill('000000');
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByRole('alert').getByText('Code d\'authentification incorrect ou expiré.').waitFor();
    await page.goto(`${baseUrl}/connexion`);
    await signIn(page, baseUrl, 'ipso@demo-mtr2.fr', totpSecrets['ipso@demo-mtr2.fr']);
    await page.waitForURL('**/structures');
    await expect.poll(() => rows(page).count()).toBe(3);
    await checkPage(page, '08-ipso-structures');
    await page.getByRole('link', { name: 'Maison de santé du Causse' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maison de santé du Causse' }).waitFor();
    await page.getByRole('button', { name: 'Ajouter un praticien' }).waitFor();
    await checkPage(page, '09-ipso-structure');
    await page.getByRole('link', { name: 'Candidatures' }).click();
    await page.getByRole('heading', { level: 1, name: 'Candidatures' }).waitFor();
    await checkPage(page, '10-candidatures-a-venir');
    await page.getByRole('link', { name: 'Indicateurs COPIL' }).click();
    await page.getByRole('heading', { level: 1, name: 'Indicateurs COPIL' }).waitFor();
    await checkPage(page, '11-indicateurs-a-venir');
  });
});

describe('COPIL', () => {
  it('sees the structures without practitioner access; a direct URL is refused', async () => {
    await signIn(page, baseUrl, 'copil@demo-mtr2.fr', totpSecrets['copil@demo-mtr2.fr']);
    await page.waitForURL('**/structures');
    await expect.poll(() => rows(page).count()).toBe(3);
    expect(await page.getByRole('table').getByRole('link').count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: /Entrée dans la convention/ }).count()).toBe(0);
    await checkPage(page, '12-copil-structures');
    for (const url of [`/structures/${structures.tilleuls}`, `/structures/${structures.tilleuls}/praticiens`, `/structures/${structures.tilleuls}/patientele`]) {
      await page.goto(`${baseUrl}${url}`);
      await page.getByRole('heading', { level: 1, name: 'Accès refusé' }).waitFor();
      await page.getByText('Le COPIL consulte les indicateurs agrégés').waitFor();
    }
    await checkPage(page, '13-copil-acces-refuse');
    await page.goto(`${baseUrl}/candidatures`);
    await page.getByRole('heading', { level: 1, name: 'Accès refusé' }).waitFor();
  });
});

describe('session', () => {
  it('renews an expired access token silently, says when the session has expired, signs out', async () => {
    await signIn(page, baseUrl, 'coord.causse@demo-mtr2.fr');
    await page.waitForURL(`**/structures/${structures.causse}`);
    const key = 'mtr2.session';
    const before = JSON.parse((await page.evaluate((k) => sessionStorage.getItem(k), key)) ?? '{}');

    // An access token the API refuses (401 jeton_expire): renewed with the refresh token, then replayed.
    await page.evaluate((k) => {
      const s = JSON.parse(sessionStorage.getItem(k)!);
      sessionStorage.setItem(k, JSON.stringify({ ...s, accessToken: 'expire.expire.expire' }));
    }, key);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Maison de santé du Causse' }).waitFor();
    await rows(page).first().waitFor();
    const after = JSON.parse((await page.evaluate((k) => sessionStorage.getItem(k), key)) ?? '{}');
    expect(after.refreshToken).not.toBe(before.refreshToken);

    // Sign out: back to the sign-in page, and protected pages send there.
    await page.getByRole('button', { name: /options de session/ }).click();
    await page.getByRole('menuitem', { name: 'Se déconnecter', exact: true }).click();
    await page.getByText('Vous êtes déconnecté.').waitFor();
    await page.goto(`${baseUrl}/structures`);
    await page.waitForURL('**/connexion');

    // A spent refresh token (replayed after rotation): the session has expired, and the page says so.
    await signIn(page, baseUrl, 'coord.causse@demo-mtr2.fr');
    await page.evaluate(
      ([k, spent]) => {
        const s = JSON.parse(sessionStorage.getItem(k)!);
        sessionStorage.setItem(k, JSON.stringify({ ...s, accessToken: 'expire.expire.expire', refreshToken: spent }));
      },
      [key, after.refreshToken as string],
    );
    await page.reload();
    await page.getByText('Votre session a expiré : reconnectez-vous pour continuer.').waitFor();
    await checkPage(page, '14-session-expiree');

    // Sign out everywhere.
    await signIn(page, baseUrl, 'coord.causse@demo-mtr2.fr');
    await page.getByRole('button', { name: /options de session/ }).click();
    await page.getByRole('menuitem', { name: /Se déconnecter partout/ }).click();
    await page.getByText('Vous êtes déconnecté de tous vos appareils.').waitFor();
  });

  it('works on a tablet in portrait', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await signIn(page, baseUrl, 'coord.ipso@demo-mtr2.fr');
    await page.getByRole('link', { name: 'Relevés mensuels' }).click();
    await page.getByRole('heading', { level: 1, name: 'Relevés mensuels' }).waitFor();
    await checkPage(page, '15-tablette-releves');
  });
});
