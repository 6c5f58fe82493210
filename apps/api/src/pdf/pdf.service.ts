import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import Handlebars from 'handlebars';
import puppeteer, { type Browser } from 'puppeteer-core';
import { z } from 'zod';
import { loadConfig } from '../config/load-config';
import { Problem } from '../common/problem';

const schema = z.object({
  /** Chromium binary (Debian's package; scripts/ensure-deps.sh installs it). */
  PDF_CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  /** Pages rendered at once; further documents wait for a free slot. */
  PDF_MAX_PAGES: z.coerce.number().int().min(1).max(16).default(2),
  /** Per-document limit, milliseconds. */
  PDF_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
});
export const pdfConfig = (env = process.env) => loadConfig('pdf', schema, env);

/** Chromium flags: no GPU, no first-run, nothing fetched in the background. */
export function chromiumArgs(isRoot = process.getuid?.() === 0): string[] {
  return [
    '--headless',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // The sandbox needs an unprivileged user; as root Chromium refuses to start with it.
    ...(isRoot ? ['--no-sandbox'] : []),
  ];
}

/**
 * The shared PDF service (issue #4 §5; the statements issue extends it): Handlebars templates
 * registered by features, rendered by one Chromium (puppeteer-core) with a bounded number of
 * pages, a per-document timeout, a relaunch when Chromium dies, no JavaScript and every network
 * request blocked (templates are self-contained). `render(templateName, data)` → PDF bytes.
 */
@Injectable()
export class PdfService implements OnModuleDestroy {
  private readonly log = new Logger('PdfService');
  private readonly hbs = Handlebars.create();
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();
  private browser: Promise<Browser> | null = null;
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly cfg = pdfConfig();

  constructor() {
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerHelper('join', (xs: unknown, sep: unknown) => (Array.isArray(xs) ? xs.join(typeof sep === 'string' ? sep : ', ') : ''));
    this.hbs.registerHelper('frDate', (d: unknown) => {
      if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(d)) return d ?? '';
      const [y, m, day] = d.slice(0, 10).split('-');
      return `${day}/${m}/${y}`;
    });
  }

  /** Features register their templates at start-up (name → Handlebars source, a full HTML document). */
  register(name: string, source: string): void {
    this.templates.set(name, this.hbs.compile(source, { strict: false, noEscape: false }));
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  /** Registers a partial (shared header, styles) usable as `{{> name}}` in any template. */
  registerPartial(name: string, source: string): void {
    this.hbs.registerPartial(name, source);
  }

  async render(templateName: string, data: unknown): Promise<Buffer> {
    const tpl = this.templates.get(templateName);
    if (!tpl) throw new Error(`PDF template not registered: ${templateName}`);
    const html = tpl(data);
    await this.acquire();
    try {
      return await this.withTimeout(this.print(html), templateName);
    } catch (e) {
      if (e instanceof Problem) throw e;
      this.log.error(`PDF « ${templateName} » : ${e instanceof Error ? e.message : e}`);
      throw new Problem(503, 'pdf_indisponible', `Le service de génération PDF est momentanément indisponible (document « ${templateName} »). Réessayez.`);
    } finally {
      this.release();
    }
  }

  private async print(html: string): Promise<Buffer> {
    const browser = await this.getBrowser();
    const page = await browser.newPage();
    try {
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const url = req.url();
        if (url.startsWith('data:') || url === 'about:blank') void req.continue();
        else void req.abort('blockedbyclient');
      });
      await page.setContent(html, { waitUntil: 'load', timeout: this.cfg.PDF_TIMEOUT_MS });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
      return Buffer.from(pdf);
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  private withTimeout<T>(p: Promise<T>, name: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A hung page may mean a hung browser: start afresh for the next document.
        void this.restart();
        reject(new Problem(503, 'pdf_indisponible', `La génération du document « ${name} » a dépassé ${this.cfg.PDF_TIMEOUT_MS / 1000} s. Réessayez.`));
      }, this.cfg.PDF_TIMEOUT_MS);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private getBrowser(): Promise<Browser> {
    if (!this.browser) {
      const launching = puppeteer
        .launch({ executablePath: this.cfg.PDF_CHROMIUM_PATH, args: chromiumArgs(), headless: true, pipe: true })
        .then((b) => {
          // Chromium died (OOM, killed): the next document relaunches it.
          b.on('disconnected', () => {
            if (this.browser === launching) this.browser = null;
          });
          return b;
        });
      launching.catch((e: unknown) => {
        this.log.error(`Chromium ne démarre pas: ${e instanceof Error ? e.message : e}`);
        if (this.browser === launching) this.browser = null;
      });
      this.browser = launching;
    }
    return this.browser;
  }

  private async restart(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    if (b) await b.then((x) => x.close()).catch(() => undefined);
  }

  private acquire(): Promise<void> {
    if (this.busy < this.cfg.PDF_MAX_PAGES) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy--;
  }

  /** For tests and operations: the running Chromium's process id, if any. */
  async browserPid(): Promise<number | null> {
    if (!this.browser) return null;
    return (await this.browser).process()?.pid ?? null;
  }

  async onModuleDestroy(): Promise<void> {
    await this.restart();
  }
}
