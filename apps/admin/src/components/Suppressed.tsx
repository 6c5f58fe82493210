import { VisuallyHidden } from '@mantine/core';

/** The marker the API sends for a suppressed cell (statistical secrecy: counts under 11). */
export const SUPPRESSED = '< 11';
export type Shown = number | typeof SUPPRESSED;

export const isSuppressed = (v: unknown): v is typeof SUPPRESSED => v === SUPPRESSED;
/** A value usable in a chart: suppressed and missing values are gaps, never zeros. */
export const plottable = (v: Shown | null | undefined): number | null => (typeof v === 'number' ? v : null);

/**
 * One indicator cell: the formatted value, or « < 11 » when the API suppressed it. The visible
 * text stays exactly « < 11 » (what the COPIL is used to read); screen readers also hear why.
 * A missing value (null, not computed) shows an em dash.
 */
export function SuppressedValue({ value, format = String }: { value: Shown | null | undefined; format?: (n: number) => string }) {
  if (value == null) {
    return (
      <span>
        <span aria-hidden>—</span>
        <VisuallyHidden>non disponible</VisuallyHidden>
      </span>
    );
  }
  if (isSuppressed(value)) {
    return (
      <span className="suppressed" title="Valeur masquée (secret statistique : moins de 11)" data-suppressed="true">
        {SUPPRESSED}
        <VisuallyHidden> (valeur masquée, secret statistique)</VisuallyHidden>
      </span>
    );
  }
  return <span>{format(value)}</span>;
}

/** Text form of the same rule, for CSV-like places (chart descriptions). */
export const shownText = (value: Shown | null | undefined, format: (n: number) => string = String): string =>
  value == null ? 'non disponible' : isSuppressed(value) ? 'moins de 11 (masqué)' : format(value);
