import { answerToText } from '../answers/format';
import type { AuditResponse } from '../model';
import { unwrap } from '../errors';
import { enabledLinkIds } from '../response/enable-when';
import { checkPinned } from '../response/guards';
import { answerableItems } from '../template/index-template';
import type { Questionnaire } from '../template/types';
import { answersFor, type ExportSource } from './source';

export interface CsvExportEntry {
  structure: { id: string; name: string };
  template: Questionnaire;
  response: AuditResponse;
}

export interface CsvOptions {
  source?: ExportSource;
  /** ',' by default; ';' suits a French Excel. */
  delimiter?: ',' | ';' | '\t';
  /** Prefix a UTF-8 BOM so Excel reads the accents right. */
  bom?: boolean;
}

export const CSV_HEADER = [
  'Identifiant structure',
  'Structure',
  'Version du questionnaire',
  'linkId',
  'Question',
  'Réponse',
  'Répondu le',
  'Répondu par',
] as const;

/** Characters a spreadsheet may read as the start of a formula (OWASP CSV injection). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** Neutralise: a leading apostrophe makes Excel/LibreOffice treat the cell as text. */
export const neutraliseCsvCell = (cell: string): string =>
  FORMULA_TRIGGERS.has(cell.charAt(0)) ? `'${cell}` : cell;

const quote = (cell: string, delimiter: string) =>
  cell.includes('"') || cell.includes(delimiter) || /[\r\n]/.test(cell)
    ? `"${cell.replaceAll('"', '""')}"`
    : cell;

/**
 * One row per structure × question (linkId), in document order, every question listed so sheets
 * of several structures line up. Disabled or unanswered questions have an empty answer.
 * Cells are raw here; `toCsv` neutralises and quotes.
 * @throws AuditQuestionnaireError template_mismatch if a response is not on the given template.
 */
export function auditCsvRows(
  entries: readonly CsvExportEntry[],
  source: ExportSource = 'current',
): string[][] {
  const rows: string[][] = [];
  for (const { structure, template, response } of entries) {
    unwrap(checkPinned(response, template));
    const answers = answersFor(response, source);
    const enabled = enabledLinkIds(template, answers);
    for (const item of answerableItems(template)) {
      const answer = enabled.has(item.linkId) ? answers[item.linkId] : undefined;
      const present = answer && answer.value !== null;
      rows.push([
        structure.id,
        structure.name,
        response.questionnaire.version,
        item.linkId,
        item.text ?? '',
        present ? answerToText(item, answer.value) : '',
        present ? answer.answeredAt : '',
        present ? (answer.answeredBy.displayName ?? answer.answeredBy.userId) : '',
      ]);
    }
  }
  return rows;
}

/** RFC 4180 text (CRLF), header first, every cell neutralised against formula injection. */
export function toCsv(
  rows: readonly (readonly string[])[],
  options: Omit<CsvOptions, 'source'> = {},
): string {
  const delimiter = options.delimiter ?? ',';
  const lines = [CSV_HEADER, ...rows].map((row) =>
    row.map((cell) => quote(neutraliseCsvCell(cell), delimiter)).join(delimiter),
  );
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

export const auditToCsv = (entries: readonly CsvExportEntry[], options: CsvOptions = {}): string =>
  toCsv(auditCsvRows(entries, options.source ?? 'current'), options);
