import { budgetBarsSvg, lineChartSvg } from './svg-charts';
import { SUPPRESSED } from './small-cell-suppression';

/** Issue #7 §4 — charts of the COPIL report: static SVG, and a hidden cell stays hidden. */
describe('static SVG charts (issue #7 §4)', () => {
  it('draws a line per structure with a gap where the value is "< 11", and escapes labels', () => {
    const svg = lineChartSvg('Patients inclus', [
      {
        label: 'A <&> B',
        points: [
          { x: '2027-01', y: 100 },
          { x: '2027-02', y: SUPPRESSED },
          { x: '2027-03', y: 120 },
        ],
      },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('A &lt;&amp;&gt; B');
    const d = /<path d="([^"]+)" fill="none" stroke="#1f4e79"/.exec(svg)![1];
    expect(d.match(/M/g)).toHaveLength(2); // two pieces: the hidden month breaks the line
  });

  it('budget bars label the euros, and show "< 11" rather than a hidden amount', () => {
    const svg = budgetBarsSvg('FISS', [
      { label: 'hors ipso', paidCents: SUPPRESSED, projectedCents: SUPPRESSED, budgetCents: 1_791_440_00 },
    ]);
    expect(svg).toContain('budget 1 791 440 €');
    expect(svg).toContain('payé &lt; 11');
  });
});
