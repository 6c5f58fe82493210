import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

export const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test-output/e2e');
export const DEMO_PASSWORD = 'Demo-MTR2-2026!';

/** Debian's Chromium (no browser download); --no-sandbox only when running as root. */
export function launch(): Promise<Browser> {
  const args = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args, headless: true });
}

const CONTEXT = { locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 800 } };

/**
 * One Chromium per test file and a fresh French context and page per test, registered as vitest
 * hooks; `onPage` receives each new page. `freshPage()` starts another session inside a test (a
 * second user), closing the current one.
 */
export function pagePerTest(onPage: (page: Page) => void): { freshPage(): Promise<Page> } {
  let browser: Browser | undefined;
  let current: Page | undefined;
  const freshPage = async () => {
    await current?.context().close();
    current = await (await browser!.newContext(CONTEXT)).newPage();
    current.setDefaultTimeout(10_000);
    onPage(current);
    return current;
  };
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    await freshPage();
  });
  afterEach(async () => {
    await current?.context().close();
    current = undefined;
  });
  return { freshPage };
}

/** RFC 6238 code of a base32 secret, as the demo users' authenticator app would show. */
export function totp(secret: string, at = Date.now()): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const key: number[] = [];
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | A.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      key.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

/**
 * axe-core on the page as it is now: no WCAG 2.1 level A or AA violation allowed. Then a
 * full-page screenshot under apps/admin/test-output/e2e (git-ignored).
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  // Measure the page at rest: CSS transitions (menu, modal, active link) finished.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).slice(0, 3).join(' | ')}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(violations, `axe: ${name}`).toEqual([]);
}

export async function signIn(page: Page, baseUrl: string, email: string, totpSecret?: string): Promise<void> {
  await page.goto(`${baseUrl}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel(/^Mot de passe/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  if (totpSecret) {
    await page.getByLabel('Code d’authentification').waitFor();
    await page.getByLabel('Code d’authentification').fill(totp(totpSecret));
    await page.getByRole('button', { name: 'Valider le code' }).click();
  }
  await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
}

/** A valid RPPS: 10 digits and the Luhn key. */
export function rppsWithKey(first10: string): string {
  for (let k = 0; k <= 9; k++) {
    const v = first10 + k;
    let sum = 0;
    for (let i = 0; i < v.length; i++) {
      let d = Number(v[v.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    if (sum % 10 === 0) return v;
  }
  throw new Error('unreachable');
}
