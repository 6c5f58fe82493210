import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';

/** A fatal problem with the file as a whole (nothing is imported). */
export class FileProblem extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly line = 0,
  ) {
    super(detail);
  }
}

export type Encoding = 'utf-8' | 'windows-1252';
export interface SourceOptions {
  format: 'csv' | 'xlsx';
  encoding?: Encoding;
  delimiter?: string;
}
export interface Batch {
  rows: string[][];
  lines: number[];
}
export interface Source {
  header: string[];
  encoding: Encoding | null;
  delimiter: string | null;
  batches: AsyncGenerator<Batch>;
}

/** What the upload learnt while streaming the file to disk (one pass: hash, size, UTF-8 validity). */
export interface UploadScan {
  format: 'csv' | 'xlsx';
  utf8Valid: boolean;
  bom: boolean;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const BATCH_ROWS = 250;
/** Typical double-encoding marks (UTF-8 bytes read as Windows-1252): Ã©, Ã¨, Â°… */
const MOJIBAKE = /[ÃÂ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]/;

/** Encoding: UTF-8 when the whole file decodes as UTF-8 (checked during upload), else Windows-1252. */
export function detectEncoding(scan: UploadScan): Encoding {
  return scan.bom || scan.utf8Valid ? 'utf-8' : 'windows-1252';
}

export function detectDelimiter(firstLine: string): string {
  const count = (d: string) => firstLine.split(d).length - 1;
  const candidates = [';', ',', '\t'].map((d) => ({ d, n: count(d) })).sort((a, b) => b.n - a.n);
  return candidates[0].n > 0 ? candidates[0].d : ';';
}

export async function openSource(path: string, scan: UploadScan, opts: SourceOptions): Promise<Source> {
  if (opts.format === 'xlsx') return openXlsx(path);
  return openCsv(path, opts.encoding ?? detectEncoding(scan), opts.delimiter);
}

type RowParse = { fields: string[]; next: number; nl: number } | null | 'unterminated';

/** One CSV record from position i (RFC 4180 quotes, CRLF or LF); null when the text ends too early. */
function parseRow(s: string, i: number, d: number, final: boolean): RowParse {
  const fields: string[] = [];
  const n = s.length;
  let nl = 0;
  for (;;) {
    if (i < n && s.charCodeAt(i) === 34) {
      let j = i + 1;
      let seg = j;
      let val = '';
      for (;;) {
        const q = s.indexOf('"', j);
        if (q < 0) return final ? 'unterminated' : null;
        if (q + 1 >= n && !final) return null;
        if (s.charCodeAt(q + 1) === 34) {
          val += s.slice(seg, q + 1);
          j = q + 2;
          seg = j;
          continue;
        }
        val += s.slice(seg, q);
        i = q + 1;
        break;
      }
      for (let k = val.indexOf('\n'); k >= 0; k = val.indexOf('\n', k + 1)) nl++;
      // Text after the closing quote (lenient: kept as part of the field).
      let j2 = i;
      while (j2 < n) {
        const c = s.charCodeAt(j2);
        if (c === d || c === 10 || c === 13) break;
        j2++;
      }
      if (j2 >= n && !final) return null;
      if (j2 > i) val += s.slice(i, j2);
      i = j2;
      fields.push(val);
    } else {
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c === d || c === 10 || c === 13) break;
        j++;
      }
      if (j >= n && !final) return null;
      fields.push(s.slice(i, j));
      i = j;
    }
    if (i >= n) return { fields, next: i, nl };
    const c = s.charCodeAt(i);
    if (c === d) {
      i++;
      continue;
    }
    if (c === 13) {
      if (i + 1 >= n && !final) return null;
      i += s.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else i++;
    return { fields, next: i, nl };
  }
}

async function openCsv(path: string, encoding: Encoding, forcedDelimiter?: string): Promise<Source> {
  const stream = createReadStream(path, { highWaterMark: 32 * 1024 });
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: false });
  let text = '';
  let line = 1;
  let done = false;
  let first = true;

  const pull = async (): Promise<boolean> => {
    const r = await it.next();
    if (r.done) {
      done = true;
      text += decoder.decode();
      return false;
    }
    let chunk = r.value;
    if (first) {
      first = false;
      if (encoding === 'windows-1252' && chunk[0] === UTF8_BOM[0] && chunk[1] === UTF8_BOM[1] && chunk[2] === UTF8_BOM[2]) chunk = chunk.subarray(3);
    }
    try {
      text += decoder.decode(chunk, { stream: true });
    } catch {
      const partial = new TextDecoder('utf-8').decode(chunk);
      const before = text + partial.slice(0, Math.max(0, partial.indexOf('\ufffd')));
      const at = line + (before.match(/\n/g)?.length ?? 0);
      stream.destroy();
      throw new FileProblem('encodage_mixte', `Encodage mélangé : octets non UTF-8 vers la ligne ${at} alors que le début du fichier est en UTF-8. Réenregistrez le fichier dans un seul encodage (UTF-8 de préférence).`, at);
    }
    return true;
  };

  // Header: the first record.
  while (!done && !/[\r\n]/.test(text)) await pull();
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    stream.destroy();
    throw new FileProblem('fichier_vide', 'Le fichier est vide (aucune ligne d’en-tête).', 1);
  }
  const nlAt = text.search(/[\r\n]/);
  const delimiter = forcedDelimiter ?? detectDelimiter(nlAt >= 0 ? text.slice(0, nlAt) : text);
  const d = delimiter.charCodeAt(0);
  let head = parseRow(text, 0, d, done);
  while (head === null) {
    await pull();
    head = parseRow(text, 0, d, done);
  }
  if (head === 'unterminated') throw new FileProblem('fichier_tronque', 'Fichier tronqué : guillemet ouvrant sans guillemet fermant dans l’en-tête.', 1);
  const header = head.fields.map((h) => h.trim());
  text = text.slice(head.next);
  line += 1 + head.nl;

  async function* batches(): AsyncGenerator<Batch> {
    let rows: string[][] = [];
    let lines: number[] = [];
    let pos = 0;
    for (;;) {
      const r = parseRow(text, pos, d, done);
      if (r === 'unterminated') {
        throw new FileProblem('fichier_tronque', `Fichier tronqué : la ligne ${line} ouvre des guillemets jamais refermés (fichier coupé ou mal exporté).`, line);
      }
      if (r === null || (r.next === pos && !done)) {
        text = text.slice(pos);
        pos = 0;
        if (rows.length >= BATCH_ROWS) {
          yield { rows, lines };
          rows = [];
          lines = [];
        }
        if (done) break;
        await pull();
        continue;
      }
      if (r.next === pos) break;
      const blank = r.fields.length === 1 && r.fields[0].trim() === '';
      if (!blank) {
        if (encoding === 'windows-1252' && MOJIBAKE.test(r.fields.join(''))) {
          stream.destroy();
          throw new FileProblem('encodage_mixte', `Encodage mélangé : la ligne ${line} contient des caractères UTF-8 dans un fichier en Windows-1252 (ex. « Ã© » au lieu de « é »). Réenregistrez le fichier dans un seul encodage.`, line);
        }
        rows.push(r.fields);
        lines.push(line);
      }
      line += 1 + r.nl;
      pos = r.next;
    }
    if (rows.length) yield { rows, lines };
  }
  return { header, encoding, delimiter, batches: batches() };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('error' in v) return '';
  }
  return String(v);
}

async function openXlsx(path: string): Promise<Source> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit' });
  const sheets = reader[Symbol.asyncIterator]();
  const wrap = (e: unknown) =>
    e instanceof FileProblem ? e : new FileProblem('fichier_illisible', 'Classeur XLSX illisible ou tronqué : réenregistrez-le depuis le tableur.');
  let rowsIt: AsyncIterator<ExcelJS.Row>;
  let firstRow: IteratorResult<ExcelJS.Row>;
  try {
    const sheet = await sheets.next();
    if (sheet.done) throw new FileProblem('fichier_vide', 'Le classeur ne contient aucune feuille.', 1);
    rowsIt = (sheet.value as unknown as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
    firstRow = await rowsIt.next();
  } catch (e) {
    throw wrap(e);
  }
  if (firstRow.done) throw new FileProblem('fichier_vide', 'La première feuille du classeur est vide.', 1);
  const toFields = (row: ExcelJS.Row, width: number) => {
    const vals = row.values as ExcelJS.CellValue[];
    const out: string[] = [];
    for (let i = 1; i <= Math.max(width, vals.length - 1); i++) out.push(cellText(vals[i]).trim());
    return out;
  };
  const header = toFields(firstRow.value, 0);
  async function* batches(): AsyncGenerator<Batch> {
    let rows: string[][] = [];
    let lines: number[] = [];
    try {
      for (let r = await rowsIt.next(); !r.done; r = await rowsIt.next()) {
        const f = toFields(r.value, header.length);
        if (f.every((x) => x === '')) continue;
        rows.push(f);
        lines.push(r.value.number);
        if (rows.length >= BATCH_ROWS) {
          yield { rows, lines };
          rows = [];
          lines = [];
        }
      }
    } catch (e) {
      throw wrap(e);
    }
    if (rows.length) yield { rows, lines };
  }
  return { header, encoding: null, delimiter: null, batches: batches() };
}
