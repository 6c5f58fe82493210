/**
 * Statistical secrecy for COPIL-facing outputs: a count from 1 to 10 is shown as "< 11",
 * and so is every amount derived from it. Secondary suppression then hides a second cell in
 * any row or column whose total is published and that would otherwise have exactly one hidden
 * cell (total − visible cells would give it back). Zero is not sensitive and stays visible.
 */
export const SUPPRESSED = '< 11' as const;
export type Shown = number | typeof SUPPRESSED;

export interface SuppressionResult {
  /** true where the cell must be hidden */
  mask: boolean[][];
}

const isSmall = (n: number, threshold: number) => n >= 1 && n < threshold;

/**
 * @param counts rows × columns of counts (the table body, totals excluded)
 * @param totals which margins are published: row totals, column totals, or both
 */
export function suppressionMask(
  counts: readonly (readonly number[])[],
  totals: { rows: boolean; columns: boolean },
  threshold = 11,
): SuppressionResult {
  const mask = counts.map((row) => row.map((n) => isSmall(n, threshold)));
  const width = counts[0]?.length ?? 0;
  const lines: { cells: [number, number][] }[] = [];
  if (totals.rows) counts.forEach((row, r) => lines.push({ cells: row.map((_, c) => [r, c] as [number, number]) }));
  if (totals.columns) for (let c = 0; c < width; c++) lines.push({ cells: counts.map((_, r) => [r, c] as [number, number]) });
  // Each pass can create a lone hidden cell in a crossing line; a fixed point is reached in
  // at most rows × columns passes since every pass hides at least one more cell.
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      const hidden = line.cells.filter(([r, c]) => mask[r][c]);
      if (hidden.length !== 1) continue;
      // Complement: the smallest visible non-zero cell of the line (least information lost);
      // if only zeros remain visible, hiding one of them still breaks the subtraction.
      const candidates = line.cells.filter(([r, c]) => !mask[r][c]).sort(([r1, c1], [r2, c2]) => {
        const a = counts[r1][c1] || Number.MAX_SAFE_INTEGER;
        const b = counts[r2][c2] || Number.MAX_SAFE_INTEGER;
        return a - b;
      });
      if (!candidates.length) continue;
      const [r, c] = candidates[0];
      mask[r][c] = true;
      changed = true;
    }
  }
  return { mask };
}

/** Applies a mask to any table shaped like the counts (counts themselves, or amounts derived from them). */
export function applyMask(values: readonly (readonly number[])[], mask: readonly (readonly boolean[])[]): Shown[][] {
  return values.map((row, r) => row.map((v, c) => (mask[r][c] ? SUPPRESSED : v)));
}

/** A published total stays visible unless it is itself a small count. */
export function shownTotal(total: number, threshold = 11): Shown {
  return isSmall(total, threshold) ? SUPPRESSED : total;
}
