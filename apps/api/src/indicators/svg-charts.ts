import { SUPPRESSED, type Shown } from './small-cell-suppression';

/**
 * Issue #7 §4 — static SVG charts for the COPIL PDF, drawn on the server (no JavaScript in the
 * page). They take already-shown values: a "< 11" cell is a gap in the line and an empty bar,
 * so a chart never reveals what the table hides.
 */
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) =>
  new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }).format(n).replace(/\u202f|\u00a0/g, ' ');
const PALETTE = ['#1f4e79', '#c55a11', '#548235', '#7030a0', '#bf9000', '#2e75b6', '#a50021', '#00806b'];

export interface Series {
  label: string;
  points: { x: string; y: Shown }[];
}

export function lineChartSvg(
  title: string,
  series: readonly Series[],
  opts: { width?: number; height?: number; target?: { x: string; y: number }[] } = {},
): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 260;
  const m = { l: 64, r: 16, t: 28, b: 40 };
  const xs = [
    ...new Set(series.flatMap((s) => s.points.map((p) => p.x)).concat((opts.target ?? []).map((t) => t.x))),
  ].sort();
  const ys = series
    .flatMap((s) => s.points.map((p) => p.y))
    .filter((y): y is number => typeof y === 'number')
    .concat((opts.target ?? []).map((t) => t.y));
  const maxY = Math.max(1, ...ys);
  const X = (x: string) => m.l + (xs.length <= 1 ? 0 : (xs.indexOf(x) * (W - m.l - m.r)) / (xs.length - 1));
  const Y = (y: number) => H - m.b - (y / maxY) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="10">`,
    `<text x="${m.l}" y="16" font-size="12" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#888"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#888"/>`,
  ];
  for (const f of [0, 0.5, 1])
    parts.push(`<text x="${m.l - 4}" y="${Y(maxY * f) + 3}" text-anchor="end">${fmt(maxY * f)}</text>`);
  const step = Math.max(1, Math.ceil(xs.length / 8));
  xs.forEach((x, i) => {
    if (i % step === 0)
      parts.push(`<text x="${X(x)}" y="${H - m.b + 14}" text-anchor="middle">${esc(x)}</text>`);
  });
  if (opts.target?.length) {
    const d = opts.target
      .map((t, i) => `${i ? 'L' : 'M'}${X(t.x).toFixed(1)},${Y(t.y).toFixed(1)}`)
      .join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="#999" stroke-dasharray="4 3"/>`);
  }
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    let d = '';
    let pen = false;
    for (const p of [...s.points].sort((a, b) => a.x.localeCompare(b.x))) {
      if (p.y === SUPPRESSED) {
        pen = false; // gap: the value is hidden
        continue;
      }
      d += `${pen ? 'L' : 'M'}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)} `;
      pen = true;
    }
    if (d) parts.push(`<path d="${d.trim()}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    parts.push(
      `<rect x="${m.l + 8 + (k % 4) * 140}" y="${H - 14 + 0}" width="8" height="8" fill="${color}"/>`,
    );
    parts.push(`<text x="${m.l + 20 + (k % 4) * 140}" y="${H - 6}">${esc(s.label.slice(0, 22))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Horizontal bars: paid and projected against a budget (cents), each labelled in euros. */
export function budgetBarsSvg(
  title: string,
  bars: readonly { label: string; paidCents: Shown; projectedCents: Shown; budgetCents: number }[],
  width = 640,
): string {
  const rowH = 34;
  const H = 30 + bars.length * rowH + 10;
  const l = 110;
  const max = Math.max(
    1,
    ...bars.flatMap((b) => [b.budgetCents, typeof b.projectedCents === 'number' ? b.projectedCents : 0]),
  );
  const w = (c: number) => ((width - l - 20) * c) / max;
  const eur = (c: Shown) => (c === SUPPRESSED ? SUPPRESSED : `${fmt(Math.round(c / 100))} €`);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="10">`,
    `<text x="4" y="16" font-size="12" font-weight="bold">${esc(title)}</text>`,
  ];
  bars.forEach((b, i) => {
    const y = 26 + i * rowH;
    parts.push(`<text x="4" y="${y + 14}">${esc(b.label)}</text>`);
    parts.push(
      `<rect x="${l}" y="${y}" width="${w(b.budgetCents).toFixed(1)}" height="22" fill="#e7e6e6" stroke="#999"/>`,
    );
    if (typeof b.projectedCents === 'number')
      parts.push(
        `<rect x="${l}" y="${y + 4}" width="${w(b.projectedCents).toFixed(1)}" height="14" fill="${b.projectedCents > b.budgetCents ? '#f4b183' : '#bdd7ee'}"/>`,
      );
    if (typeof b.paidCents === 'number')
      parts.push(
        `<rect x="${l}" y="${y + 7}" width="${w(b.paidCents).toFixed(1)}" height="8" fill="#1f4e79"/>`,
      );
    parts.push(
      `<text x="${l + 4}" y="${y + 32}" font-size="9">payé ${esc(eur(b.paidCents))} · projeté ${esc(eur(b.projectedCents))} · budget ${esc(eur(b.budgetCents))}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
