import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import Handlebars from 'handlebars';
import puppeteer, { ConnectionClosedError, type Browser, type Page, type PDFOptions } from 'puppeteer-core';
import { z } from 'zod';
import { loadConfig } from '../config/load-config';
import { Problem } from '../common/problem';
import { euros, frLongDate, frMonth, percent } from './french-format';
import { PDF_BASE_PARTIAL, PDF_FONT_FAMILY, pdfBaseStyle } from './pdf-base';
import { processTreeMemory } from './process-rss';

const schema = z.object({
  /** Chromium binary (Debian's package; scripts/ensure-deps.sh installs it). */
  PDF_CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  /** Pages rendered at once (the pool of reused pages); further documents wait for a free page. */
  PDF_MAX_PAGES: z.coerce.number().int().min(1).max(16).default(2),
  /** Per-document limit, milliseconds. */
  PDF_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  /** Documents after which Chromium is closed and started afresh (keeps its memory bounded). */
  PDF_RECYCLE_AFTER: z.coerce.number().int().min(1).max(1_000_000).default(500),
  /**
   * Documents after which a pool page is closed and replaced: its renderer process (which grows
   * by about half a megabyte per document) exits and gives its memory back.
   */
  PDF_PAGE_RECYCLE_AFTER: z.coerce.number().int().min(1).max(1_000_000).default(50),
  /**
   * Tagged PDF (structure tree for screen readers). Off by default: files about 4 times smaller
   * (stored for ever in generated_documents) and about 25 % more PDFs per second (docs/pdf.md).
   */
  PDF_TAGGED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export type PdfConfig = z.output<typeof schema>;
export const pdfConfig = (env = process.env) => loadConfig('pdf', schema, env);

/** Optional provider: tests and benchmarks give their own settings; the application reads the environment. */
export const PDF_CONFIG = Symbol('PDF_CONFIG');

/** A document that was rendering when Chromium died is tried again this many times. */
const CRASH_RETRIES = 2;

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

export interface RenderOptions {
  /**
   * When given (even empty), every page carries a footer: this text (document number, SHA-256…)
   * on the left and « Page X / Y » on the right, in the document's font (see printableHtml).
   */
  footerText?: string;
}

export interface PdfStats {
  /** Chromium processes started since the service was created. */
  launches: number;
  /** Documents tried again because Chromium (or its page) died under them. */
  crashRetries: number;
  /** Browsers retired after PDF_RECYCLE_AFTER documents. */
  recycles: number;
  /** Pool pages replaced after PDF_PAGE_RECYCLE_AFTER documents. */
  pageRecycles: number;
  /** Documents handed a page straight from the previous one (no blank page in between: a document was waiting). */
  directResets: number;
  /** Documents started on the current browser. */
  documentsOnBrowser: number;
  /** Pages currently open (in use or idle in the pool), all browsers together. */
  openPages: number;
  /** Most pages ever open at once. */
  peakOpenPages: number;
}

/** One Chromium process and its pool of reused pages. */
interface Generation {
  browser: Promise<Browser>;
  /** Documents started on it (recycling counter). */
  docs: number;
  inflight: number;
  idle: Page[];
  open: number;
  retired: boolean;
  dead: boolean;
  pid?: number;
  /** Resolves when Chromium disconnects (closed, killed, crashed). */
  disconnected: Promise<void>;
}

class RenderTimeout extends Error {}

const BLANK = '<!doctype html><html><head><title></title></head><body></body></html>';

/**
 * The shared PDF service (issues #4 §5 and #6 §3). Features register Handlebars templates; one
 * Chromium (puppeteer-core) renders them on a bounded pool of REUSED pages (PDF_MAX_PAGES): a
 * page is set up once (JavaScript off, every request other than data: and about:blank blocked —
 * templates are self-contained) and blanked after each document. Each document has a timeout;
 * when Chromium dies it is relaunched and the document that was rendering is tried again; after
 * PDF_RECYCLE_AFTER documents the browser is replaced so its memory stays bounded.
 */
@Injectable()
export class PdfService implements OnModuleDestroy {
  private readonly log = new Logger('PdfService');
  private readonly hbs = Handlebars.create();
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();
  private readonly cfg: PdfConfig;
  private current: Generation | null = null;
  /** The next browser, started shortly before the current one is recycled so the switch does not wait for a launch. */
  private standby: Generation | null = null;
  private readonly live = new Set<Generation>();
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  private closing = false;
  private readonly counters = { launches: 0, crashRetries: 0, recycles: 0, pageRecycles: 0, directResets: 0, peakOpenPages: 0 };

  constructor(@Optional() @Inject(PDF_CONFIG) overrides?: Partial<PdfConfig>) {
    this.cfg = { ...pdfConfig(), ...overrides };
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerHelper('join', (xs: unknown, sep: unknown) => (Array.isArray(xs) ? xs.join(typeof sep === 'string' ? sep : ', ') : ''));
    this.hbs.registerHelper('frDate', (d: unknown) => {
      if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(d)) return d ?? '';
      const [y, m, day] = d.slice(0, 10).split('-');
      return `${day}/${m}/${y}`;
    });
    // French formatting (french-format.ts); Handlebars passes its options object last, ignored.
    this.hbs.registerHelper('euros', (cents: unknown) => euros(cents));
    this.hbs.registerHelper('frLongDate', (d: unknown) => frLongDate(d));
    this.hbs.registerHelper('frMonth', (m: unknown) => frMonth(m));
    this.hbs.registerHelper('percent', (r: unknown) => percent(r));
    this.hbs.registerPartial(PDF_BASE_PARTIAL, pdfBaseStyle());
  }

  get config(): Readonly<PdfConfig> {
    return this.cfg;
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

  /** The HTML of a document: the same template and data always give the same bytes. */
  renderHtml(templateName: string, data: unknown): string {
    const tpl = this.templates.get(templateName);
    if (!tpl) throw new Error(`PDF template not registered: ${templateName}`);
    return tpl(data);
  }

  async render(templateName: string, data: unknown, options: RenderOptions = {}): Promise<Buffer> {
    return this.printHtml(this.renderHtml(templateName, data), options, templateName);
  }

  /** Prints a complete HTML document (what `render` does after Handlebars; the benchmark calls it directly). */
  async printHtml(html: string, options: RenderOptions = {}, label = 'document'): Promise<Buffer> {
    await this.acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.printOnce(html, options);
        } catch (e) {
          if (e instanceof CrashedError && attempt < CRASH_RETRIES && !this.closing) {
            this.counters.crashRetries++;
            this.log.warn(`PDF « ${label} » : Chromium s’est arrêté pendant le rendu, nouvel essai (${attempt + 1}/${CRASH_RETRIES}).`);
            continue;
          }
          const detail = e instanceof CrashedError ? e.cause : e;
          this.log.error(`PDF « ${label} » : ${detail instanceof Error ? detail.message : String(detail)}`);
          if (e instanceof RenderTimeout)
            throw new Problem(503, 'pdf_indisponible', `La génération du document « ${label} » a dépassé ${this.cfg.PDF_TIMEOUT_MS / 1000} s. Réessayez.`);
          throw new Problem(503, 'pdf_indisponible', `Le service de génération PDF est momentanément indisponible (document « ${label} »). Réessayez.`);
        }
      }
    } finally {
      this.release();
    }
  }

  /** One attempt on the current browser; a death of Chromium or of the page surfaces as CrashedError. */
  private async printOnce(html: string, options: RenderOptions): Promise<Buffer> {
    const gen = this.generation();
    gen.inflight++;
    gen.docs++;
    let page: Page | null = null;
    let timer: NodeJS.Timeout | undefined;
    try {
      page = await this.takePage(gen);
      const p = page;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RenderTimeout(`délai de ${this.cfg.PDF_TIMEOUT_MS} ms dépassé`)), this.cfg.PDF_TIMEOUT_MS);
      });
      const pdf = await Promise.race([this.print(p, html, options), timeout, crashOf(p)]);
      const uses = (pageUses.get(p) ?? 0) + 1;
      pageUses.set(p, uses);
      if (uses < this.cfg.PDF_PAGE_RECYCLE_AFTER) {
        // Reset between documents. A document waiting for this page replaces the whole document
        // itself (setContent = document.open(): DOM, styles and @page rules of this one are
        // discarded), so blanking first would only add a round trip; a page going idle is
        // blanked so nothing of this document stays in memory.
        if (this.waiting.length === 0) await Promise.race([p.setContent(BLANK, { waitUntil: 'load' }), timeout, crashOf(p)]);
        else this.counters.directResets++;
        gen.idle.push(p);
        page = null;
      } else {
        // Closed before the slot is freed, so a fresh page (and renderer) never overlaps it.
        this.counters.pageRecycles++;
        page = null;
        gen.open--;
        await p.close().catch(() => undefined);
      }
      return pdf;
    } catch (e) {
      if (e instanceof RenderTimeout) {
        // The page may be stuck: drop it, and drop the browser if it no longer answers.
        void this.checkAlive(gen);
        throw e;
      }
      if (await this.isCrash(e, gen, page)) throw new CrashedError(e);
      throw e;
    } finally {
      clearTimeout(timer);
      if (page) this.closePage(gen, page);
      gen.inflight--;
      if (gen.retired && gen.inflight === 0) void this.closeGeneration(gen);
    }
  }

  private async print(page: Page, html: string, options: RenderOptions): Promise<Buffer> {
    await page.setContent(printableHtml(html, options), { waitUntil: 'load', timeout: this.cfg.PDF_TIMEOUT_MS });
    return Buffer.from(await page.pdf({ ...pdfPrintOptions(this.cfg.PDF_TAGGED), timeout: this.cfg.PDF_TIMEOUT_MS }));
  }

  /** Was this failure Chromium (or the page's renderer) dying, rather than a bad document? */
  private async isCrash(e: unknown, gen: Generation, page: Page | null): Promise<boolean> {
    if (this.closing) return false;
    const browser = await gen.browser.catch(() => null);
    if (!browser) return false; // the launch itself failed: not worth a retry
    const msg = e instanceof Error ? e.message : String(e);
    const looksLikeCrash =
      e instanceof PageCrash || e instanceof ConnectionClosedError || (e instanceof Error && e.name === 'TargetCloseError') ||
      gen.dead || !browser.connected || page?.isClosed() === true ||
      /Target closed|Session closed|Connection closed|detached|crashed/i.test(msg);
    if (!looksLikeCrash) return false;
    // The page sees the pipe close before the browser reports it: wait a moment, then make sure
    // the retry goes to a live browser.
    await Promise.race([gen.disconnected, new Promise((r) => setTimeout(r, 100))]);
    if (!browser.connected) {
      gen.dead = true;
      this.unlink(gen);
      this.live.delete(gen);
    }
    return true;
  }

  private async takePage(gen: Generation): Promise<Page> {
    const browser = await gen.browser;
    const reused = gen.idle.pop();
    if (reused && !reused.isClosed() && !brokenPages.has(reused)) return reused;
    if (reused) this.closePage(gen, reused);
    const page = await browser.newPage();
    gen.open++;
    this.notePages();
    const crashed = new Promise<never>((_, reject) =>
      page.once('error', (err) => reject(new PageCrash(err instanceof Error ? err.message : 'Page crashed'))),
    );
    crashed.catch(() => brokenPages.add(page)); // a renderer that crashed while idle: the page is dropped when next taken
    pageCrash.set(page, crashed);
    // Set up once for the page's whole life.
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const url = req.url();
      if (url.startsWith('data:') || url === 'about:blank') void req.continue().catch(() => undefined);
      else void req.abort('blockedbyclient').catch(() => undefined);
    });
    return page;
  }

  private closePage(gen: Generation, page: Page): void {
    gen.open--;
    void page.close().catch(() => undefined);
  }

  private notePages(): void {
    let open = 0;
    for (const g of this.live) open += g.open;
    this.counters.peakOpenPages = Math.max(this.counters.peakOpenPages, open);
  }

  /** The browser documents go to now: launched on first use, after a crash, or after PDF_RECYCLE_AFTER documents. */
  private generation(): Generation {
    const cur = this.current;
    const limit = this.cfg.PDF_RECYCLE_AFTER;
    if (cur && !cur.dead && cur.docs >= limit) {
      this.counters.recycles++;
      this.retire(cur);
      this.current = this.standby;
      this.standby = null;
    } else if (cur && !cur.dead && !this.standby && limit > 1 && cur.docs >= limit - Math.min(20, Math.floor(limit / 2))) {
      this.standby = this.launch();
    }
    if ((!this.current || this.current.dead) && this.standby && !this.standby.dead) {
      this.current = this.standby;
      this.standby = null;
    }
    if (!this.current || this.current.dead) this.current = this.launch();
    return this.current;
  }

  private unlink(gen: Generation): void {
    if (this.current === gen) this.current = null;
    if (this.standby === gen) this.standby = null;
  }

  private launch(): Generation {
    this.counters.launches++;
    let onDisconnect!: () => void;
    const gen: Generation = {
      browser: null as unknown as Promise<Browser>,
      docs: 0, inflight: 0, idle: [], open: 0, retired: false, dead: false,
      disconnected: new Promise<void>((r) => (onDisconnect = r)),
    };
    gen.browser = puppeteer
      .launch({ executablePath: this.cfg.PDF_CHROMIUM_PATH, args: chromiumArgs(), headless: true, pipe: true })
      .then(async (b) => {
        gen.pid = b.process()?.pid;
        b.on('disconnected', () => {
          // Chromium died (OOM, killed) or was closed: the next document relaunches it.
          gen.dead = true;
          this.unlink(gen);
          this.live.delete(gen);
          onDisconnect();
        });
        // Chromium opens one blank tab at start: closed, so that only pool pages are ever open
        // (a standby browser holds none).
        await Promise.all((await b.pages()).map((p) => p.close()));
        return b;
      });
    gen.browser.catch((e: unknown) => {
      this.log.error(`Chromium ne démarre pas: ${e instanceof Error ? e.message : e}`);
      gen.dead = true;
      this.unlink(gen);
      this.live.delete(gen);
    });
    this.live.add(gen);
    return gen;
  }

  /** No new document goes to this browser; it closes once its last document is printed. */
  private retire(gen: Generation): void {
    gen.retired = true;
    this.unlink(gen);
    if (gen.inflight === 0) void this.closeGeneration(gen);
  }

  private async closeGeneration(gen: Generation): Promise<void> {
    gen.dead = true;
    this.unlink(gen);
    const browser = await gen.browser.catch(() => null);
    gen.open = 0;
    this.live.delete(gen);
    if (!browser) return;
    const proc = browser.process();
    const closed = browser.close().catch(() => undefined);
    // A browser that does not close within 5 s is killed.
    const killTimer = setTimeout(() => proc?.kill('SIGKILL'), 5000).unref();
    await closed;
    clearTimeout(killTimer);
  }

  /** After a timeout: a browser that does not answer within 5 s is replaced. */
  private async checkAlive(gen: Generation): Promise<void> {
    const browser = await gen.browser.catch(() => null);
    if (!browser || gen.dead) return;
    const ok = await Promise.race([browser.version().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
    if (!ok) {
      this.log.error('Chromium ne répond plus : redémarrage.');
      browser.process()?.kill('SIGKILL');
      this.retire(gen);
    }
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
    const gen = this.current;
    if (!gen) return null;
    const browser = await gen.browser.catch(() => null);
    return browser?.process()?.pid ?? null;
  }

  /** Pages Chromium itself reports open, all live browsers together (checks the pool bound). */
  async openPages(): Promise<number> {
    let n = 0;
    for (const gen of [...this.live]) {
      const browser = await gen.browser.catch(() => null);
      if (browser?.connected) n += (await browser.pages().catch(() => [])).length;
    }
    return n;
  }

  /** Memory of every Chromium process of the service (browser, zygotes, renderers), bytes: RSS summed, and PSS (the real footprint). */
  chromiumMemory(): { rss: number; pss: number; processes: number } {
    const total = { rss: 0, pss: 0, processes: 0 };
    for (const gen of this.live) {
      if (!gen.pid) continue;
      const m = processTreeMemory(gen.pid);
      total.rss += m.rss;
      total.pss += m.pss;
      total.processes += m.processes;
    }
    return total;
  }

  stats(): PdfStats {
    let open = 0;
    for (const g of this.live) open += g.open;
    return { ...this.counters, documentsOnBrowser: this.current?.docs ?? 0, openPages: open };
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.live].map((g) => this.closeGeneration(g)));
    this.current = null;
    this.standby = null;
  }
}

/** Chromium (or the page) went away under a document: the document is worth another try. */
class CrashedError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

class PageCrash extends Error {}

/** Rejects when the page's renderer process crashes (its pending calls would otherwise hang until the timeout). */
const pageCrash = new WeakMap<Page, Promise<never>>();
const brokenPages = new WeakSet<Page>();
/** Documents printed on each page (page recycling). */
const pageUses = new WeakMap<Page, number>();
const crashOf = (page: Page): Promise<never> => pageCrash.get(page) ?? new Promise<never>(() => undefined);

/** page.pdf() options of every document: A4, backgrounds, margins (the footer sits in the bottom one). */
export function pdfPrintOptions(tagged = false): PDFOptions {
  return { format: 'A4', printBackground: true, tagged, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } };
}

/**
 * The HTML Chromium prints: the document, plus, when a footer is asked for, CSS page-margin boxes
 * (@page @bottom-left / @bottom-right, with counter(page) / counter(pages)) — drawn in the
 * document's own fonts, unlike puppeteer's footerTemplate, which is a separate document per page
 * (it would need the font inlined again and costs about a tenth of the throughput).
 */
export function printableHtml(html: string, options: RenderOptions = {}): string {
  if (options.footerText === undefined) return html;
  const box = `font-family: '${PDF_FONT_FAMILY}', sans-serif; font-size: 7pt; color: #555; vertical-align: middle;`;
  const style =
    `<style>@page { ` +
    `@bottom-left { content: "${cssString(options.footerText)}"; ${box} text-align: left; } ` +
    `@bottom-right { content: "Page " counter(page) " / " counter(pages); ${box} text-align: right; white-space: nowrap; } }</style>`;
  const head = html.search(/<\/head>/i);
  return head >= 0 ? html.slice(0, head) + style + html.slice(head) : style + html;
}

/** A CSS string body: quotes, backslashes, line breaks and `<` (no `</style>`) as hex escapes. */
function cssString(text: string): string {
  return text.replace(/[^\p{L}\p{N} .,:;·°#+\-_/()'’=@€%]/gu, (c) => `\\${c.codePointAt(0)!.toString(16)} `);
}
