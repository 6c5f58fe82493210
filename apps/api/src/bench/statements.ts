import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { databaseConfig } from '../database/database.config';
import { migrate } from '../database/data-source';
import { provisionDatabase } from '../database/provision';
import { PDF_BASE_PARTIAL } from '../pdf/pdf-base';
import { PdfService, chromiumArgs, pdfPrintOptions, printableHtml, type RenderOptions } from '../pdf/pdf.service';
import { processTreeMemory } from '../pdf/process-rss';
import { benchMonthlyRun } from './statements-run';

/**
 * `npm run bench:statements` (issue #6, performance): (a) the monthly run of a structure of
 * 50 000 patients (statements-run.ts); (b) 500 two-page monthly structure statements rendered
 * through the shared PdfService, and in the same run the same HTML strings through a bare
 * puppeteer-core loop (`setContent` + `page.pdf()` on a pool of as many reused pages, same
 * concurrency, no interception, no reset) = the floor. The two alternate in rounds so that the
 * load of this shared machine weighs on both alike. Targets: service ≥ 80 % of the floor and
 * ≥ 15 PDFs/s; Chromium under 800 MB. Ends with ONE JSON line.
 */
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const WARMUP = 10;

/** Grid "MTR2-2026" (RULES.md §3), gross monthly unit price in cents; the last line has no leakage. */
const LINES: [label: string, grossCents: number][] = [
  ['Socle 0–5 ans', 1280],
  ['Socle 6–64 ans', 850],
  ['Socle 65–79 ans', 1050],
  ['Socle 80 ans et plus', 1400],
  ['Brique ALD', 710],
  ['Brique vulnérabilité sociale', 360],
  ['Brique santé mentale', 1040],
  ['Brique handicap', 1250],
  ['Brique haut risque cardio-vasculaire', 500],
  ['Brique suivi pédiatrique', 1310],
  ['Brique suivi obstétrique', 7040],
  ['Brique suivi gynécologique', 570],
  ['Perte d’autonomie à domicile', 4460],
];
const DOCTORS = ['Dr Amélie Bérard', 'Dr François Lefèvre', 'Dr Hélène Nguyễn-Dubois', 'Dr Jérôme Cœur', 'Dr Zoé Müller'];

/**
 * A benchmark fixture shaped like the structure's monthly statement (the real templates belong to
 * the statements feature): header block, references, one group per doctor with its lines and
 * subtotal, the totals, small print. About sixty table rows: two A4 pages.
 */
const BENCH_TEMPLATE = 'bench-structure-statement';
const BENCH_SOURCE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Relevé {{number}}</title>{{> ${PDF_BASE_PARTIAL}}}
<style> tr.group td { font-weight: 700; padding-top: 2.5mm; border-bottom: 0.8pt solid #8a8a8a; } </style></head><body>
<div class="doc-header">
  <div class="issuer"><strong>{{structure.name}}</strong><br>{{structure.legalForm}} · FINESS {{structure.finess}}<br>{{structure.address}}</div>
  <div class="recipient"><strong>Programme MTR 2 — article 51</strong><br>Relevé mensuel des forfaits<br>{{frMonth month}}</div>
</div>
<div class="doc-title"><h1>Relevé mensuel de la structure</h1><div class="subtitle">Période du {{frLongDate periodStart}} au {{frLongDate periodEnd}}</div></div>
<dl class="doc-refs">
  <dt>Numéro</dt><dd>{{number}}</dd><dt>Version</dt><dd>{{version}}</dd>
  <dt>Date d’émission</dt><dd>{{frLongDate issuedOn}}</dd><dt>Taux de fuite théorique</dt><dd>{{percent leakageRate}}</dd>
</dl>
<table>
<thead><tr><th>Ligne</th><th class="num">Patients</th><th class="amount">Prix unitaire brut</th><th class="amount">Prix unitaire net</th><th class="amount">Montant brut</th><th class="amount">Montant net</th></tr></thead>
<tbody>
{{#each doctors}}<tr class="group"><td colspan="6">{{name}} — RPPS {{rpps}}</td></tr>
{{#each lines}}<tr><td>{{label}}</td><td class="num">{{patients}}</td><td class="amount">{{euros grossUnitCents}}</td><td class="amount">{{euros netUnitCents}}</td><td class="amount">{{euros grossCents}}</td><td class="amount">{{euros netCents}}</td></tr>
{{/each}}<tr class="subtotal"><td>Sous-total {{name}}</td><td class="num">{{patients}}</td><td></td><td></td><td class="amount">{{euros grossCents}}</td><td class="amount">{{euros netCents}}</td></tr>
{{/each}}
<tr class="total"><td>Total de la structure</td><td class="num">{{patients}}</td><td></td><td></td><td class="amount">{{euros grossCents}}</td><td class="amount">{{euros netCents}}</td></tr>
</tbody></table>
<p class="keep-together">Montant brut {{euros grossCents}}, minoration au titre du taux de fuite théorique ({{percent leakageRate}}) {{euros leakageCents}}, montant net à facturer <strong>{{euros netCents}}</strong>.</p>
<p class="small-print">Relevé établi à partir de la liste des patients, des critères et de l’activité du mois. Un relevé émis n’est jamais modifié : toute correction donne lieu à une nouvelle version qui en indique le motif. La perte d’autonomie à domicile n’est pas soumise au taux de fuite. Régularisation annuelle selon le taux réel constaté par l’Assurance Maladie.</p>
</body></html>`;

/** Net unit price: gross × (1 − rate), half-up to the cent, in integers (rate in basis points). */
const netUnit = (grossCents: number, rateBp: number) => Math.floor((grossCents * (10_000 - rateBp) + 5_000) / 10_000);

function statementData(i: number) {
  const rateBp = [500, 1500, 2500][i % 3];
  let patients = 0;
  let grossCents = 0;
  let netCents = 0;
  const doctors = DOCTORS.map((name, d) => {
    const lines = LINES.slice(0, 9 + ((i + d) % 2)).map(([label, unit], l) => {
      const count = 5 + ((i * 7 + d * 31 + l * 13) % 400);
      const noLeakage = label.startsWith('Perte');
      const netUnitCents = noLeakage ? unit : netUnit(unit, rateBp);
      return { label, patients: count, grossUnitCents: unit, netUnitCents, grossCents: count * unit, netCents: count * netUnitCents };
    });
    const sum = (k: 'patients' | 'grossCents' | 'netCents') => lines.reduce((a, x) => a + x[k], 0);
    patients += sum('patients');
    grossCents += sum('grossCents');
    netCents += sum('netCents');
    return { name, rpps: String(10_000_000_000 + i * 10 + d), lines, patients: sum('patients'), grossCents: sum('grossCents'), netCents: sum('netCents') };
  });
  return {
    number: `RS-2027-05-${String(i + 1).padStart(5, '0')}`,
    version: 1,
    month: '2027-05',
    periodStart: '2027-05-01',
    periodEnd: '2027-05-31',
    issuedOn: '2027-06-02',
    leakageRate: (rateBp / 10_000).toFixed(4),
    structure: { name: `Maison de santé pluriprofessionnelle n° ${i + 1}`, legalForm: 'SISA', finess: String(690_000_000 + i), address: '12 rue de l’Hôtel-de-Ville, 69001 Lyon' },
    doctors,
    patients,
    grossCents,
    netCents,
    leakageCents: grossCents - netCents,
  };
}

const pagesOf = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

interface Doc {
  html: string;
  options: RenderOptions;
}

/** The floor: the same documents on a pool of reused pages with nothing but setContent + page.pdf(). */
async function bareLoop(pages: Page[], docs: Doc[], tagged: boolean): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    pages.map(async (page) => {
      while (next < docs.length) {
        const doc = docs[next++];
        await page.setContent(printableHtml(doc.html, doc.options), { waitUntil: 'load' });
        const pdf = await page.pdf(pdfPrintOptions(tagged));
        if (pdf.length < 1000) throw new Error('PDF vide');
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

async function serviceLoop(svc: PdfService, docs: Doc[]): Promise<number> {
  const t0 = performance.now();
  // All at once: the service's own queue bounds the concurrency to PDF_MAX_PAGES.
  const pdfs = await Promise.all(docs.map((d) => svc.printHtml(d.html, d.options, BENCH_TEMPLATE)));
  if (pdfs.some((p) => p.length < 1000)) throw new Error('PDF vide');
  return (performance.now() - t0) / 1000;
}

async function main() {
  process.env.DATABASE_NAME = 'mtr2_bench_statements';
  const cfg = databaseConfig();
  await provisionDatabase(cfg, { recreate: true });
  await migrate(cfg);
  const adminUrl = new URL(cfg.adminUrl!);
  adminUrl.pathname = `/${cfg.databaseName}`;
  const monthly = await benchMonthlyRun(adminUrl.toString());

  const svc = new PdfService();
  const concurrency = svc.config.PDF_MAX_PAGES;
  svc.register(BENCH_TEMPLATE, BENCH_SOURCE);
  const tHtml = performance.now();
  const docs: Doc[] = Array.from({ length: DOCUMENTS + WARMUP }, (_, i) => {
    const html = svc.renderHtml(BENCH_TEMPLATE, statementData(i));
    const data = statementData(i);
    const sha = createHash('sha256').update(html).digest('hex');
    return { html, options: { footerText: `Relevé ${data.number} · version ${data.version} · SHA-256 ${sha}` } };
  });
  const htmlMs = (performance.now() - tHtml) / docs.length;
  if (process.env.BENCH_DUMP_HTML) writeFileSync(process.env.BENCH_DUMP_HTML, JSON.stringify(docs));
  const htmlKiB = Math.round(docs[0].html.length / 1024);

  const bare: Browser = await puppeteer.launch({ executablePath: svc.config.PDF_CHROMIUM_PATH, args: chromiumArgs(), headless: true, pipe: true });
  const barePages = await Promise.all(Array.from({ length: concurrency }, () => bare.newPage()));
  const barePid = bare.process()!.pid!;

  let nodePeak = 0;
  const peak = { svcPss: 0, svcRss: 0, barePss: 0, bareRss: 0 };
  const sample = () => {
    nodePeak = Math.max(nodePeak, process.memoryUsage.rss());
    const s = svc.chromiumMemory();
    const b = processTreeMemory(barePid);
    peak.svcPss = Math.max(peak.svcPss, s.pss);
    peak.svcRss = Math.max(peak.svcRss, s.rss);
    peak.barePss = Math.max(peak.barePss, b.pss);
    peak.bareRss = Math.max(peak.bareRss, b.rss);
  };
  const sampler = setInterval(sample, Number(process.env.BENCH_SAMPLE_MS ?? 200));

  try {
    // Warm-up of both (browser start, font decoding paths), then check the document's shape.
    const warm = docs.slice(0, WARMUP);
    await serviceLoop(svc, warm);
    await bareLoop(barePages, warm, svc.config.PDF_TAGGED);
    const probe = await svc.printHtml(docs[WARMUP].html, docs[WARMUP].options);
    const pages = pagesOf(probe);
    process.stdout.write(
      `document: ${htmlKiB} KiB of HTML (fonts inlined), ${pages} pages, Handlebars ${htmlMs.toFixed(2)} ms each; PDF ${Math.round(probe.length / 1024)} KiB (tagged: ${svc.config.PDF_TAGGED})\n`,
    );

    const measured = docs.slice(WARMUP);
    const per = Math.ceil(measured.length / ROUNDS);
    let svcS = 0;
    let bareS = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const batch = measured.slice(r * per, (r + 1) * per);
      // Alternate which goes first, so neither always runs on a warmer or quieter machine.
      if (r % 2 === 0) {
        svcS += await serviceLoop(svc, batch);
        bareS += await bareLoop(barePages, batch, svc.config.PDF_TAGGED);
      } else {
        bareS += await bareLoop(barePages, batch, svc.config.PDF_TAGGED);
        svcS += await serviceLoop(svc, batch);
      }
    }
    sample();
    const value = measured.length / svcS;
    const floor = measured.length / bareS;
    const ratio = value / floor;
    const stats = svc.stats();
    process.stdout.write(
      `PdfService:   ${measured.length} PDFs in ${svcS.toFixed(1)} s = ${value.toFixed(1)} PDF/s (${concurrency} pages, browser recycled after ${svc.config.PDF_RECYCLE_AFTER}: ${stats.recycles}×, ${stats.launches} launch(es); pages after ${svc.config.PDF_PAGE_RECYCLE_AFTER}: ${stats.pageRecycles}×)\n` +
        `bare loop:    ${measured.length} PDFs in ${bareS.toFixed(1)} s = ${floor.toFixed(1)} PDF/s (${concurrency} reused pages, setContent + page.pdf)\n` +
        `ratio:        ${(ratio * 100).toFixed(0)} % of the floor (target ≥ 80 %), target ≥ 15 PDF/s\n` +
        `peak memory:  Node RSS ${mib(nodePeak)} MiB; Chromium of the service PSS ${mib(peak.svcPss)} MiB (target < 800; RSS summed over its processes ${mib(peak.svcRss)} MiB); bare Chromium PSS ${mib(peak.barePss)} MiB (RSS summed ${mib(peak.bareRss)} MiB)\n`,
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'statements',
        value: Number(value.toFixed(2)),
        unit: 'PDF/s',
        floor: Number(floor.toFixed(2)),
        ratio: Number(ratio.toFixed(3)),
        target: 15,
        targetRatio: 0.8,
        peakRssMiB: mib(nodePeak),
        chromiumPeakMiB: mib(peak.svcPss),
        chromiumPeakRssSumMiB: mib(peak.svcRss),
        bareChromiumPeakMiB: mib(peak.barePss),
        chromiumTargetMiB: 800,
        documents: measured.length,
        pagesPerDocument: pages,
        concurrency,
        recycleAfter: svc.config.PDF_RECYCLE_AFTER,
        recycles: stats.recycles,
        pageRecycleAfter: svc.config.PDF_PAGE_RECYCLE_AFTER,
        pageRecycles: stats.pageRecycles,
        taggedPdf: svc.config.PDF_TAGGED ? 1 : 0,
        pdfKiB: Math.round(probe.length / 1024),
        ...(monthly ?? {}),
      }) + '\n',
    );
  } finally {
    clearInterval(sampler);
    await bare.close();
    await svc.onModuleDestroy();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
