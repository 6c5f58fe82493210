/**
 * Column sets of the three import kinds and header folding live in @mtr/api-contracts (the web
 * app's import wizard proposes the same mapping before upload); the API resolves it here.
 */
import { COLUMNS, foldHeader, type ColumnSpec, type ImportKind, type Mapping } from '@mtr/api-contracts';

export { COLUMNS, IDLE_IMPORT_STATUSES, IMPORT_KINDS, IMPORT_STATUSES, IMPORT_STATUS_LABELS, foldHeader, type ColumnSpec, type ImportKind, type ImportStatus, type Mapping } from '@mtr/api-contracts';

export interface MappingResult {
  /** canonical column → index in the file */
  index: Record<string, number>;
  /** canonical column → header found */
  mapping: Mapping;
  missing: ColumnSpec[];
  duplicated: string[];
}

/**
 * Resolves the file's headers: the profile's mapping first (canonical → header as exported),
 * then the canonical name, then the known aliases.
 */
export function resolveMapping(kind: ImportKind, headers: string[], profile: Mapping = {}): MappingResult {
  const folded = headers.map(foldHeader);
  const index: Record<string, number> = {};
  const mapping: Mapping = {};
  const missing: ColumnSpec[] = [];
  for (const c of COLUMNS[kind]) {
    const wanted = profile[c.name] !== undefined ? [foldHeader(profile[c.name])] : [c.name, ...c.aliases];
    const at = wanted.map((w) => folded.indexOf(w)).find((i) => i >= 0);
    if (at !== undefined) {
      index[c.name] = at;
      mapping[c.name] = headers[at];
    } else if (c.required) missing.push(c);
  }
  const duplicated = folded.filter((h, i) => h !== '' && folded.indexOf(h) !== i);
  return { index, mapping, missing, duplicated };
}
