import { readFileSync } from 'node:fs';

/**
 * Fonts shipped with the project (issue #6 §3: identical output on every machine): Inter 400 and
 * 700, Latin subset of @fontsource/inter (SIL Open Font License 1.1) — every French letter, « »,
 * ’, €, and the U+202F narrow no-break space of `1 234,56 €`. Inlined as data: URLs because the
 * PDF service blocks every other request. Read once per process; the bytes never change, so the
 * HTML of a document is byte-identical from one render to the next.
 */
export const PDF_FONT_FAMILY = 'Inter';

const woff2 = (weight: 400 | 700) =>
  readFileSync(require.resolve(`@fontsource/inter/files/inter-latin-${weight}-normal.woff2`)).toString('base64');

const fontFace = (weight: 400 | 700, data: string) =>
  `@font-face { font-family: '${PDF_FONT_FAMILY}'; font-style: normal; font-weight: ${weight}; font-display: block; src: url(data:font/woff2;base64,${data}) format('woff2'); }`;

let faces: string | null = null;
/** The @font-face rules of Inter 400 and 700. */
export function fontFaces(): string {
  faces ??= `${fontFace(400, woff2(400))}\n${fontFace(700, woff2(700))}`;
  return faces;
}

/** Name of the shared partial: `{{> pdf-base}}` in a template's <head>. */
export const PDF_BASE_PARTIAL = 'pdf-base';

/**
 * The full <style> block of a sober A4 French financial document: header block (issuer /
 * recipient / references), tables whose header repeats on every page, right-aligned amounts in
 * tabular figures, subtotal and total rows, small print. Templates add their own rules after it.
 */
export function pdfBaseStyle(): string {
  return `<style>
${fontFaces()}
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: '${PDF_FONT_FAMILY}', sans-serif; font-size: 9.5pt; line-height: 1.35; color: #1a1a1a; font-variant-numeric: tabular-nums; }
h1 { font-size: 15pt; font-weight: 700; margin: 0 0 1.5mm; }
h2 { font-size: 11.5pt; font-weight: 700; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 0.6pt solid #8a8a8a; }
h3 { font-size: 10pt; font-weight: 700; margin: 4mm 0 1.5mm; }
p { margin: 0 0 2mm; }
strong, b, th { font-weight: 700; }
.doc-header { display: flex; justify-content: space-between; align-items: flex-start; gap: 8mm; padding-bottom: 3mm; margin-bottom: 5mm; border-bottom: 1.2pt solid #1a1a1a; }
.doc-header .issuer, .doc-header .recipient { font-size: 8.5pt; line-height: 1.4; }
.doc-header .recipient { text-align: right; }
.doc-title { margin: 0 0 4mm; }
.doc-title .subtitle { font-size: 10pt; color: #444; }
dl.doc-refs { display: grid; grid-template-columns: max-content auto; gap: 0.6mm 4mm; margin: 0 0 5mm; font-size: 8.5pt; }
dl.doc-refs dt { color: #555; } dl.doc-refs dd { margin: 0; font-weight: 700; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 4mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 1.1mm 2mm; text-align: left; vertical-align: top; border-bottom: 0.4pt solid #c9c9c9; }
th { font-size: 8.5pt; background: #efefef; border-bottom: 0.9pt solid #1a1a1a; }
th.amount, td.amount, th.num, td.num { text-align: right; white-space: nowrap; }
tr.subtotal td { font-weight: 700; background: #f6f6f6; border-top: 0.6pt solid #8a8a8a; }
tr.total td { font-weight: 700; font-size: 10pt; border-top: 1.2pt solid #1a1a1a; border-bottom: 1.2pt solid #1a1a1a; }
.keep-together { break-inside: avoid; page-break-inside: avoid; }
.muted { color: #555; }
.small-print { font-size: 7.5pt; line-height: 1.3; color: #555; margin-top: 6mm; }
.nowrap { white-space: nowrap; }
</style>`;
}
