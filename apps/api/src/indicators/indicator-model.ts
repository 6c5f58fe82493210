import { applyMask, shownTotal, suppressionMask, SUPPRESSED, type Shown } from './small-cell-suppression';

/** Issue #7 §1 — how a patient entered the programme (RULES.md §1). */
export const INCLUSION_PATHS = ['entry_consultation', 'declaration', 'anniversary', 'mtr1'] as const;
export type InclusionPath = (typeof INCLUSION_PATHS)[number];
/** Socle age bands (RULES.md §3). */
export const BANDS = ['0-5', '6-64', '65-79', '80+'] as const;
export type Band = (typeof BANDS)[number];

/**
 * One patient × billed month as the issued statement explains it (aggregation input; never
 * leaves the server, never stored by this module). Amounts in cents.
 */
export interface PatientMonthFact {
  month: string;
  patientId: string;
  /** MT doctor of the structure covering the 1st of the month. */
  practitionerId: string;
  included: boolean;
  consommant: boolean;
  /** 'YYYY-MM' of the inclusion, and its path. */
  inclusionMonth: string | null;
  inclusionPath: InclusionPath | null;
  band: Band | null;
  /** Paid brique lines (socle excluded): code → cents. */
  briques: { code: string; grossCents: number; netCents: number }[];
  grossCents: number;
  netCents: number;
  sex: 'F' | 'M';
  age: number;
  infoNoteGiven: boolean;
  opposed: boolean;
}

export interface BriqueFigures {
  count: number;
  grossCents: number;
  netCents: number;
}

/** A row of `structure_indicators` (issue #7 §1). */
export interface IndicatorRow {
  month: string;
  patientsMt: number;
  included: number;
  consommant: number;
  newByPath: Record<InclusionPath, number>;
  bands: Record<Band, number>;
  briques: Record<string, BriqueFigures>;
  men: number;
  aged65Plus: number;
  doctors: number;
  grossCents: number;
  netCents: number;
  /** Rate set in the convention (e.g. 0.15), null when unknown. */
  leakageTheoretical: number | null;
  /** Real leakage rate, known after the yearly regularisation (RULES.md §4); null until then. */
  leakageReal: number | null;
  safeguardCents: number;
  infoNotes: number;
  oppositions: number;
}

const zeroPaths = (): Record<InclusionPath, number> => ({
  entry_consultation: 0,
  declaration: 0,
  anniversary: 0,
  mtr1: 0,
});
const zeroBands = (): Record<Band, number> => ({ '0-5': 0, '6-64': 0, '65-79': 0, '80+': 0 });

export function emptyRow(month: string): IndicatorRow {
  return {
    month,
    patientsMt: 0,
    included: 0,
    consommant: 0,
    newByPath: zeroPaths(),
    bands: zeroBands(),
    briques: {},
    men: 0,
    aged65Plus: 0,
    doctors: 0,
    grossCents: 0,
    netCents: 0,
    leakageTheoretical: null,
    leakageReal: null,
    safeguardCents: 0,
    infoNotes: 0,
    oppositions: 0,
  };
}

/**
 * Aggregates one structure's patient-months into one row per month (issue #7 §1).
 * Definitions: patientsMt = every patient of the statement (MT in the structure); included,
 * consommant as the engine said; new inclusions = inclusion month equals the month; bands,
 * briques and amounts over consommant patients (the only ones paid, RULES.md §2); sex, age,
 * doctors, information notes and oppositions over included patients.
 */
export function aggregateFacts(
  facts: Iterable<PatientMonthFact>,
  extra: { leakageTheoretical?: number | null; safeguardCentsByMonth?: Record<string, number> } = {},
): IndicatorRow[] {
  const rows = new Map<string, IndicatorRow>();
  const doctors = new Map<string, Set<string>>();
  for (const f of facts) {
    let r = rows.get(f.month);
    if (!r) {
      r = emptyRow(f.month);
      rows.set(f.month, r);
      doctors.set(f.month, new Set());
    }
    r.patientsMt++;
    if (!f.included) continue;
    r.included++;
    if (f.inclusionMonth === f.month && f.inclusionPath) r.newByPath[f.inclusionPath]++;
    if (f.sex === 'M') r.men++;
    if (f.age >= 65) r.aged65Plus++;
    if (f.infoNoteGiven) r.infoNotes++;
    if (f.opposed) r.oppositions++;
    doctors.get(f.month)!.add(f.practitionerId);
    if (!f.consommant) continue;
    r.consommant++;
    if (f.band) r.bands[f.band]++;
    for (const b of f.briques) {
      const x = (r.briques[b.code] ??= { count: 0, grossCents: 0, netCents: 0 });
      x.count++;
      x.grossCents += b.grossCents;
      x.netCents += b.netCents;
    }
    r.grossCents += f.grossCents;
    r.netCents += f.netCents;
  }
  const out = [...rows.values()].sort((a, b) => a.month.localeCompare(b.month));
  for (const r of out) {
    r.doctors = doctors.get(r.month)!.size;
    r.leakageTheoretical = extra.leakageTheoretical ?? null;
    r.safeguardCents = extra.safeguardCentsByMonth?.[r.month] ?? 0;
  }
  return out;
}

/** What a COPIL member sees of a row: every count 1–10 and what derives from it is "< 11". */
export interface ShownRow {
  month: string;
  patientsMt: Shown;
  included: Shown;
  consommant: Shown;
  newInclusions: Shown;
  newByPath: Record<InclusionPath, Shown>;
  bands: Record<Band, Shown>;
  briques: Record<string, { count: Shown; grossCents: Shown; netCents: Shown }>;
  menPct: Shown | null;
  aged65PlusPct: Shown | null;
  doctors: Shown;
  grossCents: Shown;
  netCents: Shown;
  leakageTheoretical: number | null;
  leakageReal: number | null;
  safeguardCents: Shown;
  infoNotes: Shown;
  oppositions: Shown;
  suppressed: boolean;
}

const small = (n: number) => n >= 1 && n <= 10;

/**
 * The patient funnel (MT patients ⊃ included ⊃ consommant) publishes its differences
 * implicitly: patientsMt − included and included − consommant are counts too. When one of them
 * is 1–10 the COPIL sees neither `patientsMt` nor `included` (consommant stays: with both
 * hidden, no difference can be formed).
 */
export function funnelHidden(r: Pick<IndicatorRow, 'patientsMt' | 'included' | 'consommant'>): boolean {
  return small(r.included) || small(r.patientsMt - r.included) || small(r.included - r.consommant);
}

/**
 * A total published over structures (programme view): hidden when it is small, or when exactly
 * one of its parts is hidden (total − the visible parts would give it back).
 */
export function shownSum(parts: readonly { value: number; hidden: boolean }[], suppress: boolean): Shown {
  const sum = parts.reduce((s, p) => s + p.value, 0);
  if (!suppress) return sum;
  if (small(sum) || parts.filter((p) => p.hidden).length === 1) return SUPPRESSED;
  return sum;
}
/** Percentage to one decimal, half-up. */
const pct = (part: number, whole: number) => (whole ? Math.round((part * 1000) / whole) / 10 : null);

/**
 * The one place rows become COPIL-facing (JSON, CSV and PDF all go through it).
 * `suppress=false` gives the same shape unsuppressed (ipso, the structure itself).
 * Secondary suppression: the paths and the bands are published with their totals
 * (new inclusions, consommant), so a lone hidden cell gets a complement; a percentage is
 * hidden when its numerator or its complement (e.g. women = included − men) is small.
 */
export function showRow(r: IndicatorRow, suppress: boolean): ShownRow {
  const newInclusions = INCLUSION_PATHS.reduce((s, p) => s + r.newByPath[p], 0);
  const paths = [INCLUSION_PATHS.map((p) => r.newByPath[p])];
  const bands = [BANDS.map((b) => r.bands[b])];
  const briqueCodes = Object.keys(r.briques).sort();
  const pathMask = suppress
    ? suppressionMask(paths, { rows: true, columns: false }).mask
    : [paths[0].map(() => false)];
  const bandMask = suppress
    ? suppressionMask(bands, { rows: true, columns: false }).mask
    : [bands[0].map(() => false)];
  const hide = (n: number): Shown => (suppress ? shownTotal(n) : n);
  const derived = (count: number, v: number): Shown => (suppress && small(count) ? SUPPRESSED : v);
  const share = (part: number, whole: number): Shown | null => {
    if (suppress && (small(part) || small(whole - part) || small(whole))) return SUPPRESSED;
    return pct(part, whole);
  };
  const shownPaths = applyMask(paths, pathMask)[0];
  const shownBands = applyMask(bands, bandMask)[0];
  const out: ShownRow = {
    month: r.month,
    patientsMt: suppress && funnelHidden(r) ? SUPPRESSED : hide(r.patientsMt),
    included: suppress && funnelHidden(r) ? SUPPRESSED : hide(r.included),
    consommant: hide(r.consommant),
    newInclusions: hide(newInclusions),
    newByPath: Object.fromEntries(INCLUSION_PATHS.map((p, i) => [p, shownPaths[i]])) as Record<
      InclusionPath,
      Shown
    >,
    bands: Object.fromEntries(BANDS.map((b, i) => [b, shownBands[i]])) as Record<Band, Shown>,
    briques: Object.fromEntries(
      briqueCodes.map((c) => {
        const b = r.briques[c];
        return [
          c,
          {
            count: hide(b.count),
            grossCents: derived(b.count, b.grossCents),
            netCents: derived(b.count, b.netCents),
          },
        ];
      }),
    ),
    menPct: share(r.men, r.included),
    aged65PlusPct: share(r.aged65Plus, r.included),
    doctors: hide(r.doctors),
    grossCents: derived(r.consommant, r.grossCents),
    netCents: derived(r.consommant, r.netCents),
    leakageTheoretical: r.leakageTheoretical,
    leakageReal: suppress && small(r.consommant) ? null : r.leakageReal,
    safeguardCents: derived(r.doctors, r.safeguardCents),
    infoNotes: hide(r.infoNotes),
    oppositions: hide(r.oppositions),
    suppressed: false,
  };
  out.suppressed = suppress && JSON.stringify(out).includes(SUPPRESSED);
  return out;
}

/** Flat CSV of shown rows (semicolon, French Excel); the same suppressed values as the JSON. */
export function rowsToCsv(rows: readonly (ShownRow & { structureName?: string })[]): string {
  const briqueCodes = [...new Set(rows.flatMap((r) => Object.keys(r.briques)))].sort();
  const header = [
    'structure',
    'mois',
    'patients_mt',
    'inclus',
    'consommants',
    'nouvelles_inclusions',
    ...INCLUSION_PATHS.map((p) => `inclusions_${p}`),
    ...BANDS.map((b) => `socle_${b}`),
    ...briqueCodes.flatMap((c) => [`${c}_nombre`, `${c}_brut_cents`, `${c}_net_cents`]),
    'hommes_pct',
    'age_65_plus_pct',
    'medecins',
    'forfaits_bruts_cents',
    'forfaits_nets_cents',
    'taux_fuite_theorique',
    'taux_fuite_reel',
    'sauvegarde_cents',
    'notes_information',
    'oppositions',
  ];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[;"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = rows.map((r) =>
    [
      r.structureName ?? '',
      r.month,
      r.patientsMt,
      r.included,
      r.consommant,
      r.newInclusions,
      ...INCLUSION_PATHS.map((p) => r.newByPath[p]),
      ...BANDS.map((b) => r.bands[b]),
      ...briqueCodes.flatMap((c) =>
        r.briques[c] ? [r.briques[c].count, r.briques[c].grossCents, r.briques[c].netCents] : [0, 0, 0],
      ),
      r.menPct,
      r.aged65PlusPct,
      r.doctors,
      r.grossCents,
      r.netCents,
      r.leakageTheoretical,
      r.leakageReal,
      r.safeguardCents,
      r.infoNotes,
      r.oppositions,
    ]
      .map(cell)
      .join(';'),
  );
  return [header.join(';'), ...lines].join('\r\n') + '\r\n';
}
