import { Group, Text } from '@mantine/core';
import { useId } from 'react';

/**
 * Small accessible SVG charts (no chart library: @mantine/charts would bring recharts into the
 * lockfile for two chart kinds). Each chart is an image with a text alternative (role="img",
 * title and description); the page always puts the chart's data table beside it, which is the
 * accessible reading. Missing or suppressed values (« < 11 ») are gaps, never zeros.
 */
export interface Series {
  name: string;
  values: (number | null)[];
  color: string;
  dashed?: boolean;
}

const W = 640;
const H = 260;
const PAD = { left: 72, right: 16, top: 16, bottom: 40 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

function Legend({ series }: { series: Series[] }) {
  return (
    <Group gap="md" mt={4} aria-hidden>
      {series.map((s) => (
        <Group key={s.name} gap={6} wrap="nowrap">
          <svg width="24" height="10" aria-hidden focusable="false">
            <line x1="0" y1="5" x2="24" y2="5" stroke={s.color} strokeWidth="3" strokeDasharray={s.dashed ? '6 4' : undefined} />
          </svg>
          <Text size="sm">{s.name}</Text>
        </Group>
      ))}
    </Group>
  );
}

function Frame({ title, description, max, formatY, labels, children }: { title: string; description: string; max: number; formatY: (n: number) => string; labels: string[]; children: React.ReactNode }) {
  const id = useId();
  const ih = H - PAD.top - PAD.bottom;
  const iw = W - PAD.left - PAD.right;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={`${id}-t ${id}-d`} style={{ maxWidth: W, display: 'block' }}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{description}</desc>
      {ticks.map((t) => {
        const y = PAD.top + ih - (t / max) * ih;
        return (
          <g key={t}>
            <line x1={PAD.left} x2={PAD.left + iw} y1={y} y2={y} stroke="#ced4da" strokeWidth="1" />
            <text x={PAD.left - 6} y={y + 4} textAnchor="end" fontSize="11" fill="#343a40">
              {formatY(t)}
            </text>
          </g>
        );
      })}
      {labels.map((l, i) =>
        i % every === 0 ? (
          <text key={l + i} x={PAD.left + (labels.length === 1 ? iw / 2 : (i / (labels.length - 1)) * iw)} y={H - PAD.bottom + 18} textAnchor="middle" fontSize="11" fill="#343a40">
            {l}
          </text>
        ) : null,
      )}
      {children}
    </svg>
  );
}

/** Lines over a shared x axis (months, milestones). */
export function LineChart({ title, description, labels, series, formatY }: { title: string; description: string; labels: string[]; series: Series[]; formatY: (n: number) => string }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const ih = H - PAD.top - PAD.bottom;
  const iw = W - PAD.left - PAD.right;
  const x = (i: number) => PAD.left + (labels.length === 1 ? iw / 2 : (i / (labels.length - 1)) * iw);
  const y = (v: number) => PAD.top + ih - (v / max) * ih;
  return (
    <figure style={{ margin: 0 }}>
      <Frame title={title} description={description} max={max} formatY={formatY} labels={labels}>
        {series.map((s) => {
          // Split the line at gaps (suppressed or missing values).
          const segments: string[] = [];
          let current: string[] = [];
          s.values.forEach((v, i) => {
            if (v === null) {
              if (current.length) segments.push(current.join(' '));
              current = [];
            } else current.push(`${x(i)},${y(v)}`);
          });
          if (current.length) segments.push(current.join(' '));
          return (
            <g key={s.name}>
              {segments.map((pts) => (
                <polyline key={pts} points={pts} fill="none" stroke={s.color} strokeWidth="2.5" strokeDasharray={s.dashed ? '6 4' : undefined} />
              ))}
              {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={s.color} />))}
            </g>
          );
        })}
      </Frame>
      <Legend series={series} />
    </figure>
  );
}

/** Grouped horizontal-axis bars (one group per label, one bar per series). */
export function BarChart({ title, description, labels, series, formatY }: { title: string; description: string; labels: string[]; series: Series[]; formatY: (n: number) => string }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const ih = H - PAD.top - PAD.bottom;
  const iw = W - PAD.left - PAD.right;
  const group = iw / Math.max(1, labels.length);
  const bar = Math.min(48, (group * 0.7) / Math.max(1, series.length));
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`${title}. ${description}`} style={{ maxWidth: W, display: 'block' }}>
        {[0, 0.25, 0.5, 0.75, 1].map((f) => {
          const yy = PAD.top + ih - f * ih;
          return (
            <g key={f}>
              <line x1={PAD.left} x2={PAD.left + iw} y1={yy} y2={yy} stroke="#ced4da" />
              <text x={PAD.left - 6} y={yy + 4} textAnchor="end" fontSize="11" fill="#343a40">
                {formatY(f * max)}
              </text>
            </g>
          );
        })}
        {labels.map((l, gi) => {
          const gx = PAD.left + gi * group + (group - bar * series.length) / 2;
          return (
            <g key={l}>
              {series.map((s, si) => {
                const v = s.values[gi];
                if (v === null || v === undefined) return null;
                const h = (v / max) * ih;
                return <rect key={s.name} x={gx + si * bar} y={PAD.top + ih - h} width={bar - 2} height={h} fill={s.color} />;
              })}
              <text x={PAD.left + gi * group + group / 2} y={H - PAD.bottom + 18} textAnchor="middle" fontSize="12" fill="#343a40">
                {l}
              </text>
            </g>
          );
        })}
      </svg>
      <Legend series={series} />
    </figure>
  );
}

/** Colours with ≥ 3:1 contrast on white (WCAG 1.4.11), distinct without colour by dash pattern. */
export const CHART_COLORS = { primary: '#1c4f9c', secondary: '#b35900', tertiary: '#2b7a3d', target: '#495057' };
