import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Problem } from '../src/common/problem';
import { PdfService } from '../src/pdf/pdf.service';

/**
 * Issue #6 §3 — one shared PDF service, against the real Chromium (/usr/bin/chromium) and read
 * back with poppler (pdftotext, pdffonts): a pool of reused pages never larger than
 * PDF_MAX_PAGES, a relaunch and a retry when Chromium is killed mid-document, every network
 * request blocked, the browser recycled after PDF_RECYCLE_AFTER documents, the shipped font
 * embedded, byte-identical HTML, and a « Page X / Y » footer.
 */
jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(path.join(tmpdir(), 'pdf-service-'));
let seq = 0;
const toFile = (pdf: Buffer) => {
  const f = path.join(dir, `doc-${++seq}.pdf`);
  writeFileSync(f, pdf);
  return f;
};
const pdfText = (pdf: Buffer, page?: number) =>
  execFileSync('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), '-layout', toFile(pdf), '-'], { encoding: 'utf8' });
const pdfFonts = (pdf: Buffer) =>
  execFileSync('pdffonts', [toFile(pdf)], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      return { name: cols[0], embedded: cols[cols.length - 4] };
    });
const pageCount = (pdf: Buffer) =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [toFile(pdf)], { encoding: 'utf8' }))?.[1]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A statement-like document: pdf-base styles, French amounts, `rows` table rows. */
const STATEMENT = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Relevé</title>{{> pdf-base}}</head><body>
<div class="doc-header"><div class="issuer"><strong>{{structure}}</strong><br>Maison de santé pluriprofessionnelle</div><div class="recipient">Relevé {{frMonth month}}<br>édité le {{frLongDate issuedOn}}</div></div>
<h1>Relevé mensuel des forfaits — {{frMonth month}}</h1>
<table><thead><tr><th>Médecin</th><th>Ligne</th><th class="num">Patients</th><th class="amount">Montant</th></tr></thead><tbody>
{{#each rows}}<tr><td>{{doctor}}</td><td>{{line}}</td><td class="num">{{patients}}</td><td class="amount">{{euros cents}}</td></tr>{{/each}}
<tr class="total"><td colspan="3">Total net (taux de fuite {{percent leakage}})</td><td class="amount">{{euros totalCents}}</td></tr>
</tbody></table><p class="small-print">Œuvre commune : « Médecin Traitant Renforcé 2 » — à l’attention de l’équipe.</p></body></html>`;

const statementData = (rows: number) => ({
  structure: 'MSP des Écrins',
  month: '2027-05',
  issuedOn: '2027-06-01',
  leakage: '0.0425',
  rows: Array.from({ length: rows }, (_, i) => ({ doctor: `Dr Hélène Lefèvre-${i}`, line: 'Socle bande 2', patients: 40 + i, cents: 123456 + i })),
  totalCents: '987654321',
});

describe('PdfService against the real Chromium', () => {
  const services: PdfService[] = [];
  const make = (cfg: Partial<PdfService['config']> = {}) => {
    const svc = new PdfService(cfg);
    svc.register('statement', STATEMENT);
    services.push(svc);
    return svc;
  };
  afterAll(async () => {
    await Promise.all(services.map((s) => s.onModuleDestroy()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('Chromium killed (SIGKILL) in the middle of a document → relaunched, the document retried and produced', async () => {
    const svc = make({ PDF_MAX_PAGES: 2 });
    await svc.render('statement', statementData(5)); // Chromium started
    const firstPid = (await svc.browserPid())!;
    expect(firstPid).toBeGreaterThan(0);
    // About forty pages: long enough to be surely in flight when Chromium is killed.
    const rendering = svc.render('statement', statementData(1500));
    await sleep(300);
    expect(svc.stats().crashRetries).toBe(0);
    process.kill(firstPid, 'SIGKILL');
    const pdf = await rendering;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(pdf)).toBeGreaterThan(20);
    expect(svc.stats()).toMatchObject({ crashRetries: 1, launches: 2 });
    const secondPid = (await svc.browserPid())!;
    expect(secondPid).not.toBe(firstPid);
    expect(alive(firstPid)).toBe(false);
    // And the service goes on with the new browser.
    expect(pdfText(await svc.render('statement', statementData(3)))).toContain('Relevé mensuel des forfaits');
  });

  it('a template asking for an http:// image → the request is blocked, the PDF is still produced', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const svc = make();
      svc.register(
        'remote',
        `<!doctype html><html><head>{{> pdf-base}}<link rel="stylesheet" href="http://127.0.0.1:${port}/style.css"></head><body>
         <p>Avant l’image</p><img src="http://127.0.0.1:${port}/logo.png" alt="logo"><img src="https://127.0.0.1:${port}/b.png">
         <iframe src="http://127.0.0.1:${port}/frame"></iframe><p>Après l’image</p></body></html>`,
      );
      const pdf = await svc.render('remote', {});
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdfText(pdf)).toMatch(/Avant l’image[\s\S]*Après l’image/);
      expect(hits).toBe(0);
    } finally {
      server.close();
    }
  });

  it('never more than PDF_MAX_PAGES pages open, and the same pages are reused from one document to the next', async () => {
    const svc = make({ PDF_MAX_PAGES: 2 });
    let maxSeen = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxSeen = Math.max(maxSeen, await svc.openPages());
        await sleep(5);
      }
    })();
    const pdfs = await Promise.all(Array.from({ length: 10 }, (_, i) => svc.render('statement', statementData(10 + i))));
    sampling = false;
    await sampler;
    expect(pdfs.every((p) => p.subarray(0, 5).toString('latin1') === '%PDF-')).toBe(true);
    expect(maxSeen).toBeGreaterThan(0);
    expect(maxSeen).toBeLessThanOrEqual(2);
    expect(svc.stats()).toMatchObject({ launches: 1, peakOpenPages: 2, openPages: 2, documentsOnBrowser: 10 });
    expect(await svc.openPages()).toBe(2);
  });

  it('nothing of a document reaches the next one on the same page (footer, styles, text)', async () => {
    const svc = make({ PDF_MAX_PAGES: 1 });
    svc.register('plain', '<!doctype html><html><head>{{> pdf-base}}</head><body><p>{{text}}</p></body></html>');
    svc.register('styled', '<!doctype html><html><head>{{> pdf-base}}<style>p::after { content: " SUFFIXE-A"; } body { color: #c00; }</style></head><body><p>{{text}}</p></body></html>');
    // Queued behind one another on a single page: B gets the page straight after A (no blank in between).
    const [a, b, c] = await Promise.all([
      svc.render('styled', { text: 'Document A' }, { footerText: 'PIED-A' }),
      svc.render('plain', { text: 'Document B' }),
      svc.render('plain', { text: 'Document C' }),
    ]);
    expect(pdfText(a)).toMatch(/Document A SUFFIXE-A[\s\S]*PIED-A[\s\S]*Page 1 \/ 1/);
    for (const [pdf, name] of [[b, 'B'], [c, 'C']] as const) {
      const text = pdfText(pdf);
      expect(text).toContain(`Document ${name}`);
      expect(text).not.toMatch(/SUFFIXE-A|PIED-A|Page 1|Document A/);
    }
    expect(svc.stats().directResets).toBeGreaterThanOrEqual(1);
    // A document alone finds a page that was blanked when it went idle.
    const before = svc.stats().directResets;
    expect(pdfText(await svc.render('plain', { text: 'Document D' }))).not.toContain('Document C');
    expect(svc.stats().directResets).toBe(before);
  });

  it('a pool page is replaced after PDF_PAGE_RECYCLE_AFTER documents, within the same browser', async () => {
    const svc = make({ PDF_MAX_PAGES: 1, PDF_PAGE_RECYCLE_AFTER: 2 });
    for (let i = 0; i < 5; i++) expect(pdfText(await svc.render('statement', statementData(1)))).toContain('Relevé mensuel');
    expect(svc.stats()).toMatchObject({ launches: 1, pageRecycles: 2, peakOpenPages: 1 });
    expect(await svc.openPages()).toBe(1);
  });

  it('the browser is recycled after PDF_RECYCLE_AFTER documents (the old Chromium exits)', async () => {
    const svc = make({ PDF_MAX_PAGES: 1, PDF_RECYCLE_AFTER: 3 });
    const pids: number[] = [];
    for (let i = 0; i < 7; i++) {
      await svc.render('statement', statementData(2));
      const pid = (await svc.browserPid())!;
      if (!pids.includes(pid)) pids.push(pid);
    }
    expect(pids).toHaveLength(3); // documents 1–3, 4–6, 7
    expect(svc.stats()).toMatchObject({ launches: 3, recycles: 2, documentsOnBrowser: 1 });
    for (let i = 0; i < 50 && pids.slice(0, 2).some(alive); i++) await sleep(100);
    expect(pids.slice(0, 2).map(alive)).toEqual([false, false]);
    const mem = svc.chromiumMemory();
    expect(mem.processes).toBeGreaterThan(1); // browser and its children
    expect(mem.pss).toBeGreaterThan(10 * 1024 * 1024);
    expect(mem.rss).toBeGreaterThanOrEqual(mem.pss);
  });

  it('the shipped font (Inter) is embedded, and is the only font — French accents, €, U+202F included', async () => {
    const svc = make();
    const pdf = await svc.render('statement', statementData(4));
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.name).toMatch(/^[A-Z]{6}\+Inter-(Regular|Bold)$/);
      expect(f.embedded).toBe('yes');
    }
    // pdftotext gives every kind of space back as U+0020; the HTML carries U+202F and U+00A0.
    expect(svc.renderHtml('statement', statementData(4))).toContain('<td class="amount">1\u202f234,56\u00a0€</td>');
    const text = pdfText(pdf);
    expect(text).toContain('1 234,56 €');
    expect(text).toContain('9 876 543,21 €');
    expect(text).toContain('mai 2027');
    expect(text).toContain('1er juin 2027');
    expect(text).toContain('4,25 %');
    expect(text).toMatch(/Œuvre commune : « Médecin Traitant Renforcé 2 » — à l’attention/);
  });

  it('PDF_TAGGED: untagged by default (smaller files), a structure tree for screen readers when true', async () => {
    const plain = await make().render('statement', statementData(20));
    const tagged = await make({ PDF_TAGGED: true }).render('statement', statementData(20));
    expect(plain.toString('latin1')).not.toContain('/StructTreeRoot');
    expect(tagged.toString('latin1')).toContain('/StructTreeRoot');
    expect(tagged.length).toBeGreaterThan(plain.length);
  });

  it('the same template and data give byte-identical HTML, from one service to another', () => {
    const a = make().renderHtml('statement', statementData(30));
    const b = make().renderHtml('statement', statementData(30));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(a).toContain("src: url(data:font/woff2;base64,");
    expect(a).not.toMatch(/https?:\/\//);
    expect(make().renderHtml('statement', statementData(31))).not.toBe(a);
  });

  it('a footer on every page: the caller’s text and « Page X / Y », in the shipped font', async () => {
    const svc = make();
    const footerText = 'Relevé n° 2027-05-0001 · SHA-256 9f2c<b>e1';
    const pdf = await svc.render('statement', statementData(60), { footerText });
    expect(pageCount(pdf)).toBe(2);
    expect(pdfText(pdf, 1)).toContain('Page 1 / 2');
    expect(pdfText(pdf, 2)).toContain('Page 2 / 2');
    expect(pdfText(pdf, 2)).toContain('Relevé n° 2027-05-0001 · SHA-256 9f2c<b>e1'); // escaped, printed as text
    for (const f of pdfFonts(pdf)) expect(f.name).toMatch(/\+Inter-(Regular|Bold)$/);
    // Quotes, backslash, a closing tag: printed as they are, the document left intact.
    const tricky = await svc.render('statement', statementData(2), { footerText: 'N° "A\\B" </style><p>x' });
    expect(pdfText(tricky)).toContain('N° "A\\B" </style><p>x');
    expect(pdfText(tricky)).toContain('Page 1 / 1');
    expect(pdfText(tricky)).toContain('Relevé mensuel des forfaits');
    // Without the option: no footer.
    expect(pdfText(await svc.render('statement', statementData(60)))).not.toContain('Page 1 / 2');
  });

  it('a document over PDF_TIMEOUT_MS → a 503 problem, and the next document is produced', async () => {
    const svc = make({ PDF_TIMEOUT_MS: 1000 });
    await svc.render('statement', statementData(1));
    const err = await svc.render('statement', statementData(6000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Problem);
    expect((err as Problem).status).toBe(503);
    expect(pdfText(await svc.render('statement', statementData(2)))).toContain('Relevé mensuel');
  });
});
