/**
 * The import kinds' columns come from @mtr/api-contracts, shared with the API (docs/imports/README.md);
 * the wizard matches headers the way the API does (profile mapping first, then the canonical name,
 * then known aliases, accents, case and punctuation ignored) to propose a mapping before upload.
 * The API's dry run remains the judge.
 */
import { COLUMNS, foldHeader, type ColumnSpec, type ImportKind, type Mapping } from '@mtr/api-contracts';

export { COLUMNS, IMPORT_KINDS, IMPORT_STATUS_LABELS, foldHeader, type ColumnSpec, type ImportKind, type Mapping } from '@mtr/api-contracts';

export const KIND_LABELS: Record<ImportKind, string> = {
  patients: 'Patients',
  criteria: 'Critères (briques : ALD, C2S, scores…)',
  activity: 'Activité (consultations, visites)',
};

/** The proposed mapping (canonical column → file header) for the file's headers, with a profile's choices first. */
export function proposeMapping(kind: ImportKind, headers: string[], profile: Mapping = {}): Mapping {
  const folded = headers.map(foldHeader);
  const mapping: Mapping = {};
  for (const c of COLUMNS[kind]) {
    const wanted = profile[c.name] !== undefined ? [foldHeader(profile[c.name])] : [c.name, ...c.aliases];
    const at = wanted.map((w) => folded.indexOf(w)).find((i) => i >= 0);
    if (at !== undefined) mapping[c.name] = headers[at];
  }
  return mapping;
}

/** Problems of a mapping the user is about to send: required columns without a header, a header used twice. */
export function mappingProblems(kind: ImportKind, mapping: Mapping): { missing: ColumnSpec[]; reused: string[] } {
  const missing = COLUMNS[kind].filter((c) => c.required && !mapping[c.name]);
  const used = Object.values(mapping).filter(Boolean);
  const reused = [...new Set(used.filter((h, i) => used.indexOf(h) !== i))];
  return { missing, reused };
}

export const sameMapping = (a: Mapping, b: Mapping): boolean => {
  const ka = Object.keys(a).filter((k) => a[k]);
  const kb = Object.keys(b).filter((k) => b[k]);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
};

export interface Sniffed {
  encoding: 'utf-8' | 'windows-1252';
  delimiter: ';' | ',' | 'tab';
  headers: string[];
  /** Data lines seen in the sample (approximate for very large files). */
  sampleLines: number;
}

const DELIMS: [Sniffed['delimiter'], string][] = [
  [';', ';'],
  [',', ','],
  ['tab', '\t'],
];

/**
 * Reads the start of a CSV in the browser: encoding (valid UTF-8, else Windows-1252, BOM
 * dropped), delimiter (the most frequent of ; , tab on the header line) and the headers (quotes
 * removed). XLSX files are not read here: the API detects their columns.
 */
export function sniffCsv(bytes: Uint8Array): Sniffed {
  let encoding: Sniffed['encoding'] = 'utf-8';
  let text: string;
  // A sample may end inside a multi-byte character: allow that trailing cut.
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, trimIncomplete(bytes)));
  } catch {
    encoding = 'windows-1252';
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  text = text.replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const first = lines[0] ?? '';
  const [delimiter, ch] = DELIMS.map(([d, c]) => [d, c, first.split(c).length] as const).sort((a, b) => b[2] - a[2])[0];
  const headers = first.split(ch).map((h) => h.trim().replace(/^"(.*)"$/, '$1').trim());
  return { encoding, delimiter, headers, sampleLines: lines.slice(1).filter((l) => l.trim()).length };
}

function trimIncomplete(b: Uint8Array): number {
  let end = b.length;
  // Step back over at most 3 continuation bytes and the lead byte of an incomplete sequence.
  for (let i = 1; i <= 4 && end - i >= 0; i++) {
    const byte = b[end - i];
    if ((byte & 0xc0) === 0x80) continue;
    if ((byte & 0xc0) === 0xc0) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      if (need > i) end -= i;
    }
    break;
  }
  return end;
}

export const DELIMITER_LABELS: Record<string, string> = { ';': 'point-virgule (;)', ',': 'virgule (,)', tab: 'tabulation' };
export const ENCODING_LABELS: Record<string, string> = { 'utf-8': 'UTF-8', 'windows-1252': 'Windows-1252 (Excel ancien)' };
