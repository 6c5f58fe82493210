import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { Problem, type FieldError } from '../common/problem';

/**
 * Readers of the INSEE reference files (issue #4 §3). Pure: bytes in, rows out, or a 400
 * problem naming the sheet, line and column at fault. Nothing is written on error.
 *
 * AAV 2020 ("Base des aires d'attraction des villes 2020", XLSX): a few title lines (5 in the
 * official file) above the header row of variable codes, two sheets:
 * - `AAV2020`: AAV2020, LIBAAV2020, TAAV2017 (size bracket), NB_COM…
 * - `Composition_communale`: CODGEO, LIBGEO, AAV2020, LIBAAV2020, CATEAAV2020, DEP, REG.
 */
export interface AavArea {
  aavCode: string;
  name: string;
  taav2017: string | null;
}
export interface AavCommune {
  communeCode: string;
  name: string;
  aavCode: string;
  cateaav: number;
  dep: string | null;
  reg: string | null;
}
export interface CommunePopulation {
  communeCode: string;
  population: number;
}

const COMMUNE = /^(\d{2}|2A|2B)\d{3}$/;
const AAV_CODE = /^[0-9A-Z]{3}$/;
const CATEGORIES = new Set([11, 12, 13, 20, 30]);
const MAX_ERRORS = 20;

const bad = (detail: string, errors: FieldError[] = []) =>
  new Problem(400, 'fichier_reference_invalide', detail, { errors: errors.slice(0, MAX_ERRORS) });

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return '';
  }
  return String(v).trim();
}

/** Rows of a sheet as records keyed by the header row, found by its required columns in the first 15 lines. */
function sheetRecords(ws: ExcelJS.Worksheet, required: string[]): { line: number; rec: Record<string, string> }[] {
  let headerLine = 0;
  let header: string[] = [];
  for (let r = 1; r <= Math.min(15, ws.rowCount); r++) {
    const vals = (ws.getRow(r).values as ExcelJS.CellValue[]).map((v) => cellText(v).toUpperCase());
    if (required.every((c) => vals.includes(c))) {
      headerLine = r;
      header = vals;
      break;
    }
  }
  if (!headerLine) {
    throw bad(`Feuille « ${ws.name} » : ligne d’en-tête introuvable (colonnes attendues : ${required.join(', ')}).`);
  }
  const out: { line: number; rec: Record<string, string> }[] = [];
  for (let r = headerLine + 1; r <= ws.rowCount; r++) {
    const vals = ws.getRow(r).values as ExcelJS.CellValue[];
    if (!Array.isArray(vals) || vals.every((v) => cellText(v) === '')) continue;
    const rec: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h) rec[h] = cellText(vals[i]);
    });
    out.push({ line: r, rec });
  }
  return out;
}

export async function readAavWorkbook(bytes: Buffer): Promise<{ areas: AavArea[]; communes: AavCommune[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw bad('Le fichier n’est pas un classeur XLSX lisible (fichier INSEE « AAV2020 » attendu).');
  }
  const areasSheet = wb.getWorksheet('AAV2020');
  const compoSheet = wb.getWorksheet('Composition_communale');
  if (!areasSheet || !compoSheet) {
    throw bad('Feuilles « AAV2020 » et « Composition_communale » attendues dans le classeur INSEE.');
  }
  const errors: FieldError[] = [];
  const areas: AavArea[] = [];
  for (const { line, rec } of sheetRecords(areasSheet, ['AAV2020', 'LIBAAV2020'])) {
    const code = rec.AAV2020;
    if (!AAV_CODE.test(code)) {
      errors.push({ line, column: 'AAV2020', code: 'code_aav_invalide', detail: `AAV2020 : « ${code} » n’est pas un code d’aire à 3 caractères` });
      continue;
    }
    areas.push({ aavCode: code, name: rec.LIBAAV2020 || code, taav2017: rec.TAAV2017 || null });
  }
  const communes: AavCommune[] = [];
  const seen = new Set<string>();
  for (const { line, rec } of sheetRecords(compoSheet, ['CODGEO', 'AAV2020', 'CATEAAV2020'])) {
    const code = rec.CODGEO.toUpperCase();
    const cat = Number(rec.CATEAAV2020);
    if (!COMMUNE.test(code)) {
      errors.push({ line, column: 'CODGEO', code: 'code_commune_invalide', detail: `CODGEO : « ${code} » n’est pas un code commune INSEE` });
    } else if (!AAV_CODE.test(rec.AAV2020)) {
      errors.push({ line, column: 'AAV2020', code: 'code_aav_invalide', detail: `AAV2020 : « ${rec.AAV2020} » invalide` });
    } else if (!CATEGORIES.has(cat)) {
      errors.push({ line, column: 'CATEAAV2020', code: 'categorie_invalide', detail: `CATEAAV2020 : « ${rec.CATEAAV2020} » (attendu 11, 12, 13, 20 ou 30)` });
    } else if (seen.has(code)) {
      errors.push({ line, column: 'CODGEO', code: 'doublon', detail: `commune ${code} en double` });
    } else {
      seen.add(code);
      communes.push({ communeCode: code, name: rec.LIBGEO || code, aavCode: rec.AAV2020, cateaav: cat, dep: rec.DEP || null, reg: rec.REG || null });
    }
  }
  if (errors.length) throw bad(`Fichier AAV 2020 : ${errors.length} ligne(s) invalide(s), rien n’a été importé.`, errors);
  if (communes.length === 0) throw bad('Feuille « Composition_communale » vide : rien n’a été importé.');
  const known = new Set(areas.map((a) => a.aavCode));
  for (const c of communes) {
    if (!known.has(c.aavCode)) areas.push({ aavCode: c.aavCode, name: c.aavCode === '000' ? 'Commune hors attraction des villes' : c.aavCode, taav2017: null });
    known.add(c.aavCode);
  }
  return { areas, communes };
}

const CODE_COLUMNS = ['CODGEO', 'DEPCOM', 'COM', 'CODE_COMMUNE', 'CODE'];
const POP_COLUMNS = ['PMUN', 'PTOT', 'POPULATION', 'P21_POP', 'P20_POP', 'P19_POP'];

/**
 * Legal populations, CSV (`;` or `,`): a commune code column (CODGEO, DEPCOM or COM — with DEP
 * when COM holds only the 3 last characters) and a population column (PMUN, PTOT, POPULATION…).
 */
export function readPopulationsCsv(bytes: Buffer): CommunePopulation[] {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let rows: string[][];
  try {
    rows = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch {
    throw bad('Le fichier des populations n’est pas un CSV lisible.');
  }
  const header = (rows[0] ?? []).map((h) => h.toUpperCase());
  const codeIdx = CODE_COLUMNS.map((c) => header.indexOf(c)).find((i) => i >= 0) ?? -1;
  const popIdx = POP_COLUMNS.map((c) => header.indexOf(c)).find((i) => i >= 0) ?? -1;
  const depIdx = header.indexOf('DEP');
  if (codeIdx < 0 || popIdx < 0) {
    throw bad(`En-tête du CSV : colonnes attendues ${CODE_COLUMNS.join('/')} et ${POP_COLUMNS.join('/')}.`);
  }
  const errors: FieldError[] = [];
  const out: CommunePopulation[] = [];
  const seen = new Set<string>();
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    let code = (r[codeIdx] ?? '').toUpperCase();
    if (code.length < 5 && depIdx >= 0) {
      const dep = (r[depIdx] ?? '').toUpperCase();
      code = dep.length === 3 ? dep + code.slice(-2) : dep + code.padStart(3, '0');
    }
    const raw = (r[popIdx] ?? '').replace(/[\s\u00a0\u202f]/g, '');
    if (!COMMUNE.test(code)) {
      errors.push({ line, column: header[codeIdx], code: 'code_commune_invalide', detail: `« ${code} » n’est pas un code commune INSEE` });
    } else if (!/^\d{1,8}$/.test(raw)) {
      errors.push({ line, column: header[popIdx], code: 'population_invalide', detail: `population « ${raw} » : entier positif attendu` });
    } else if (seen.has(code)) {
      errors.push({ line, column: header[codeIdx], code: 'doublon', detail: `commune ${code} en double` });
    } else {
      seen.add(code);
      out.push({ communeCode: code, population: Number(raw) });
    }
  });
  if (errors.length) throw bad(`Fichier des populations : ${errors.length} ligne(s) invalide(s), rien n’a été importé.`, errors);
  if (out.length === 0) throw bad('Fichier des populations vide : rien n’a été importé.');
  return out;
}
