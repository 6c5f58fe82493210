import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { checkPage, DEMO_PASSWORD, pagePerTest, signIn } from './browser';

/**
 * RULES §6 "financial simulations", issue #8 items 2–3: the ipso team runs the financial
 * simulation of the Causse candidate's doctors on its candidacy page (one income declared, the
 * others computed from the imported activity), the coordinator reads the stored simulation and the
 * exit notice page; axe-core (WCAG 2.1 A/AA) on every page, screenshots in test-output/e2e.
 */
const { baseUrl, totpSecrets, structures } = inject('e2e');
let page: Page;
const session = pagePerTest((p) => (page = p));

async function tokenOf(email: string): Promise<string> {
  const r = await fetch(`${baseUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { accessToken: string }).accessToken;
}

/** Uploads a CSV, waits for the dry run, commits, waits for the commit (the coordinator's import, through the API). */
async function importCsv(token: string, structureId: string, kind: string, csv: string) {
  const auth = { authorization: `Bearer ${token}` };
  const up = await fetch(`${baseUrl}/structures/${structureId}/imports?kind=${kind}&filename=${kind}-simulation.csv`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
  expect(up.status).toBeLessThan(300);
  const id = ((await up.json()) as { import: { id: string } }).import.id;
  const status = async () => ((await (await fetch(`${baseUrl}/structures/${structureId}/imports/${id}`, { headers: auth })).json()) as { status: string }).status;
  await expect.poll(status, { timeout: 30_000, interval: 200 }).toBe('validated');
  expect((await fetch(`${baseUrl}/structures/${structureId}/imports/${id}/commit`, { method: 'POST', headers: auth })).status).toBeLessThan(300);
  await expect.poll(status, { timeout: 30_000, interval: 200 }).toBe('committed');
  return id;
}

/** Reverts an applied import (the demo data stays as the other scenarios expect it). */
async function revert(token: string, structureId: string, id: string) {
  const r = await fetch(`${baseUrl}/structures/${structureId}/imports/${id}/revert`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBeLessThan(300);
}

const frDate = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;

describe('financial simulation (RULES §6, issue #8 §2)', () => {
  it('ipso runs the simulation on the Causse candidacy page; the coordinator reads it and the exit notice page', async () => {
    // The Causse coordinator imports a small patient list and its activity (last month and four months ago).
    const coord = await tokenOf('coord.causse@demo-mtr2.fr');
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 10));
    const earlier = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 4, 12));
    const patientsImport = await importCsv(
      coord,
      structures.causse,
      'patients',
      'identifiant_patient;nom;prenom;date_naissance;sexe;rpps_medecin_traitant;debut_declaration_mt\n' +
        'SIM-1;Cazals;Pierre;03/05/1948;M;10000000090;01/01/2015\n' +
        'SIM-2;Fabre;Julie;21/09/1985;F;10000000090;01/01/2018\n' +
        'SIM-3;Rouquet;Marc;14/02/1979;M;10000000108;01/01/2019\n',
    );
    const activityImport = await importCsv(
      coord,
      structures.causse,
      'activity',
      'identifiant_patient;rpps;date;type;actes\n' +
        `SIM-1;10000000090;${frDate(lastMonth)};consultation;G\n` +
        `SIM-2;10000000090;${frDate(earlier)};consultation;G\n` +
        `SIM-3;10000000108;${frDate(lastMonth)};consultation;G\n`,
    );

    await signIn(page, baseUrl, 'ipso@demo-mtr2.fr', totpSecrets['ipso@demo-mtr2.fr']);
    await page.goto(`${baseUrl}/candidatures/${structures.causse}`);
    await page.getByRole('heading', { level: 1, name: 'Candidature — Maison de santé du Causse' }).waitFor();
    const panel = page.getByRole('region', { name: 'Simulation financière' });
    await panel.getByText(/Aucune simulation enregistrée/).waitFor();
    await panel.getByLabel('Revenu mensuel actuel à l’acte de Dr Jean Lacombe (€)').fill('abc');
    await panel.getByText('montant en euros, par exemple 4 500 ou 4 500,50').waitFor();
    await panel.getByLabel('Revenu mensuel actuel à l’acte de Dr Jean Lacombe (€)').fill('4 500');
    await panel.getByRole('button', { name: 'Lancer la simulation' }).click();
    const table = panel.getByRole('table');
    await table.waitFor();
    const lacombe = table.getByRole('row', { name: /Lacombe/ });
    // Lacombe: 2 MT patients, both consommant; 75 years (10,50 €) + 41 years (8,50 €) → 16,16 € at 15 % (8,93 + 7,23).
    await expect.poll(async () => (await lacombe.textContent())?.replace(/\s+/g, ' ')).toContain('2 / 2');
    expect((await lacombe.textContent())?.replace(/\s+/g, ' ')).toContain('16,16 €');
    expect(await lacombe.textContent()).toContain('déclaré');
    expect(await table.getByRole('row', { name: /Vidal/ }).textContent()).toContain('calculé (activité importée)');
    await panel.getByText(/^Simulation de .* lancée le .* \(équipe ipso\)\.$/).waitFor();
    await panel.getByRole('heading', { name: 'Hypothèses' }).waitFor();
    await checkPage(page, '40-candidature-simulation');

    // The coordinator finds the stored simulation (date and author) and the exit notice page.
    await session.freshPage();
    await signIn(page, baseUrl, 'coord.causse@demo-mtr2.fr');
    await page.getByRole('link', { name: 'Simulation financière' }).click();
    await page.getByRole('heading', { level: 1, name: 'Simulation financière' }).waitFor();
    await page.getByRole('table').getByRole('row', { name: /Lacombe/ }).waitFor();
    await page.getByText(/\(équipe ipso\)\.$/).waitFor();
    await checkPage(page, '41-coordination-simulation');
    await page.getByRole('link', { name: 'Préavis de sortie' }).click();
    await page.getByRole('heading', { level: 1, name: 'Préavis de sortie' }).waitFor();
    await page.getByText(/au plus tôt 3 mois après la réception du préavis par la CNAM/).waitFor();
    await page.getByText(/Préavis impossible dans l’état actuel|Vous ne pouvez pas notifier la sortie|Notifier la sortie/).first().waitFor();
    await checkPage(page, '42-coordination-preavis-sortie');
    await revert(coord, structures.causse, activityImport);
    await revert(coord, structures.causse, patientsImport);
  });
});
