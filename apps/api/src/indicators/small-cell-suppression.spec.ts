import { applyMask, shownTotal, suppressionMask, SUPPRESSED } from './small-cell-suppression';

/** Issue #7 §3 — small-cell suppression, primary and secondary. */
describe('small-cell suppression', () => {
  it('hides counts from 1 to 10, shows 0 and 11', () => {
    const counts = [[0, 1, 10, 11, 250]];
    const { mask } = suppressionMask(counts, { rows: false, columns: false });
    expect(applyMask(counts, mask)).toEqual([[0, SUPPRESSED, SUPPRESSED, 11, 250]]);
  });

  it('hides the amounts derived from a hidden count', () => {
    const counts = [[4, 120]];
    const amountsCents = [[3400, 102_000]];
    const { mask } = suppressionMask(counts, { rows: false, columns: false });
    expect(applyMask(amountsCents, mask)).toEqual([[SUPPRESSED, 102_000]]);
  });

  it('with a published row total, a lone hidden cell gets a complement (the smallest visible one)', () => {
    const counts = [[5, 40, 300, 18]];
    const { mask } = suppressionMask(counts, { rows: true, columns: false });
    expect(applyMask(counts, mask)).toEqual([[SUPPRESSED, 40, 300, SUPPRESSED]]);
    // total − visible cells no longer gives any single hidden cell back
    const visible = 40 + 300;
    expect(5 + 40 + 300 + 18 - visible).toBe(23);
  });

  it('two hidden cells in a row need no complement', () => {
    const counts = [[5, 7, 300]];
    const { mask } = suppressionMask(counts, { rows: true, columns: false });
    expect(applyMask(counts, mask)).toEqual([[SUPPRESSED, SUPPRESSED, 300]]);
  });

  it('secondary suppression propagates across rows and columns until no line has a lone hidden cell', () => {
    const counts = [
      [3, 50, 60],
      [40, 70, 80],
      [45, 90, 100],
    ];
    const { mask } = suppressionMask(counts, { rows: true, columns: true });
    for (const row of mask) expect(row.filter(Boolean).length).not.toBe(1);
    for (let c = 0; c < 3; c++) expect(mask.map((r) => r[c]).filter(Boolean).length).not.toBe(1);
    expect(mask[0][0]).toBe(true);
  });

  it('a small total is itself hidden', () => {
    expect(shownTotal(7)).toBe(SUPPRESSED);
    expect(shownTotal(0)).toBe(0);
    expect(shownTotal(11)).toBe(11);
  });
});
