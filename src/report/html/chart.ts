/**
 * The HTML report's bar chart, drawn as inline SVG by the report itself (no library, nothing
 * fetched): one horizontal bar per row, stacked by severity, with its count written out, and a
 * title and description so a screen reader gets the same numbers as the picture.
 */
import { SEVERITIES } from '../../finding.js';
import { esc } from './escape.js';
import { maxOf } from '../../core/arrays.js';

/** Findings per severity, in SEVERITIES order. */
export type Tally = [error: number, warning: number, info: number];

export interface Bar {
  label: string;
  counts: Tally;
}

/** Bar colours; each has at least 3:1 contrast on white (WCAG 1.4.11) and the report's badges use them too. */
export const SEVERITY_COLOURS: Readonly<Record<string, string>> = { error: '#b00020', warning: '#9a4d00', info: '#1f5fa8' };

const WIDTH = 760;
const LABEL_W = 270;
const BAR_W = 420;
const ROW_H = 26;
const TOP = 34;
const MAX_LABEL = 36;

export const total = (t: Tally): number => t[0] + t[1] + t[2];

function clip(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
}

function legend(): string {
  return SEVERITIES.map((s, i) => {
    const x = LABEL_W + i * 110;
    return `<rect x="${x}" y="6" width="14" height="14" fill="${SEVERITY_COLOURS[s]}"/><text x="${x + 20}" y="18">${s}</text>`;
  }).join('');
}

export function barChart(id: string, title: string, bars: readonly Bar[]): string {
  const max = maxOf(
    bars.map((b) => total(b.counts)),
    1,
  );
  const height = TOP + bars.length * ROW_H + 6;
  const rows = bars
    .map((b, r) => {
      const y = TOP + r * ROW_H;
      let x = LABEL_W;
      const segments = b.counts
        .map((n, s) => {
          if (n === 0) return '';
          const w = Math.max(2, (n / max) * BAR_W);
          const rect = `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="16" fill="${SEVERITY_COLOURS[SEVERITIES[s]!]}"/>`;
          x += w;
          return rect;
        })
        .join('');
      const label = esc(clip(b.label));
      return (
        `<g><title>${esc(`${b.label}: ${describe(b.counts)}`)}</title>` +
        `<text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end">${label}</text>${segments}` +
        `<text x="${(x + 6).toFixed(1)}" y="${y + 17}">${total(b.counts)}</text></g>`
      );
    })
    .join('');
  const desc = bars.map((b) => `${b.label}: ${describe(b.counts)}`).join('; ');
  return (
    `<svg class="chart" id="${esc(id)}" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc">` +
    `<title id="${esc(id)}-title">${esc(title)}</title><desc id="${esc(id)}-desc">${esc(desc)}</desc>` +
    `${legend()}${rows}</svg>`
  );
}

function describe(t: Tally): string {
  const parts = SEVERITIES.map((s, i) => (t[i] ? `${t[i]} ${s}` : '')).filter(Boolean);
  return `${total(t)} (${parts.join(', ')})`;
}
