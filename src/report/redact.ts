/**
 * `--redact`: a report that can be attached to a ticket. A pure transform of the report, applied
 * before every formatter. What can identify a patient becomes a stable hash (`redacted:3f9a1c0b7d2e`):
 * chart and encounter ids (claim and visit numbers), file paths (exports are often named after
 * the patient), note excerpts, and, wherever they appear in a message, the patient's ids, names,
 * birth date and note text. The same value gives the same hash in every format and every run, so
 * findings still group and compare, and whoever holds the charts can find one by hashing its id.
 * With a key (B12LINT_REDACT_KEY) the hash is an HMAC, so an id cannot be confirmed by hashing
 * guesses. What a finding is about stays: rule ids, severities, positions, pointers, codes, lab
 * values, dates of service, the terms a rule matched and the ruleset's own words. A provider
 * query's note quotes are hashed like excerpts; its question and options keep the ruleset's words
 * with any identifying value in them hashed. The chart ids
 * of a file's `charts` and of a baseline's fixed entries are hashed like the findings'.
 */
import { createHmac } from 'node:crypto';
import type { Chart } from '../chart/model.js';
import { ENGINE_RULES, type Evidence, type Finding } from '../finding.js';
import { valueAt } from '../read/json-locate.js';
import type { Report } from './types.js';

export interface RedactOptions {
  /** Identifying strings of each chart (sensitiveStrings), by `sensitiveKey(file, chartId)`. */
  sensitive: ReadonlyMap<string, readonly string[]>;
  /** A secret for a keyed hash; without it the hash is the same for everyone. */
  key?: string;
}

/** The key under which a chart's identifying strings are kept: its file and chart id ('' for none). */
export function sensitiveKey(file: string, chartId: string | undefined): string {
  return `${file}\u0000${chartId ?? ''}`;
}

/** Keys whose values are categories, not identifiers. */
const NOT_IDENTIFYING = new Set(['sex', 'gender', 'resourceType', 'use', 'system']);

/**
 * What in one chart can identify its patient: the chart id, the patient's id and birth date, the
 * note texts, and every text written under the patient in the source document (names,
 * identifiers, addresses, a birth date that is not a valid date), whatever the format.
 */
export function sensitiveStrings(chart: Chart, doc: unknown): string[] {
  const out: string[] = [chart.chartId];
  if (chart.patient.id !== undefined) out.push(chart.patient.id);
  if (chart.patient.birthDateText !== undefined) out.push(chart.patient.birthDateText);
  for (const e of chart.encounters) for (const n of e.notes) out.push(n.text);
  const stack: unknown[] = [valueAt(doc, chart.patient.ptr)];
  while (stack.length > 0 && out.length < 10_000) {
    const v = stack.pop();
    if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (!NOT_IDENTIFYING.has(k)) stack.push(x);
    }
  }
  return out.filter((s) => s.trim().length >= 2);
}

/** Rules whose messages quote chart text in double quotes (`found the text "..."`). */
const QUOTING_RULES = new Set<string>([ENGINE_RULES.chartFormat, ENGINE_RULES.parseError, ENGINE_RULES.readError, ENGINE_RULES.internalError]);
const PATH_LIKE = /[^\s"'`]*[^\s"'`:]\.(?:json|ya?ml|ndjson|jsonl)\b/gi;

export function redact(report: Report, options: RedactOptions): Report {
  const hash = (s: string): string => `redacted:${createHmac('sha256', options.key ?? 'b12lint-redact').update(s).digest('hex').slice(0, 12)}`;
  const path = (p: string): string => {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(p)?.[0] ?? '';
    return `${hash(p).replace(':', '-')}${ext}`;
  };
  const patterns = new Map<string, RegExp | null>();
  const replacer = (values: readonly string[]): RegExp | null => {
    const key = values.join('\u0000');
    if (!patterns.has(key)) patterns.set(key, alternation(values));
    return patterns.get(key)!;
  };
  const results = report.results.map((r) => ({
    file: path(r.file),
    findings: r.findings.map((f) => {
      const values = [
        ...(options.sensitive.get(sensitiveKey(r.file, f.chartId)) ?? []),
        ...[f.chartId, f.encounterId].filter((v): v is string => v !== undefined),
        ...f.evidence.flatMap((e) => (e.excerpt !== undefined ? [e.excerpt] : [])),
        ...(f.query?.indicators ?? []).flatMap((i) => (i.source === 'note' ? [i.text] : [])),
      ];
      const re = replacer(values);
      const text = (s: string): string => {
        let out = re ? s.replace(re, hash) : s;
        if (QUOTING_RULES.has(f.ruleId)) {
          out = out.replace(/"([^"]*)"/g, (m, inner: string) => (inner.startsWith('redacted:') ? m : `"${hash(inner)}"`));
          out = out.replace(PATH_LIKE, (p) => (p.startsWith('redacted-') ? p : path(p)));
        }
        return out;
      };
      const g: Finding = { ...f, message: text(f.message), evidence: f.evidence.map(redactEvidence(hash)) };
      if (f.chartId !== undefined) g.chartId = hash(f.chartId);
      if (f.encounterId !== undefined) g.encounterId = hash(f.encounterId);
      if (f.stack !== undefined) g.stack = text(f.stack);
      if (f.query !== undefined) {
        // A note quote is chart text: hashed whole, like an excerpt. Labs, medications and dates stay.
        const indicators = f.query.indicators.map((i) => ({ ...i, text: i.source === 'note' ? hash(i.text) : text(i.text) }));
        g.query = { ...f.query, question: text(f.query.question), indicators, options: f.query.options.map(text) };
      }
      return g;
    }),
    charts: r.charts.map((c) => (c.chartId === undefined ? c : { ...c, chartId: hash(c.chartId) })),
  }));
  const baseline = report.summary.baseline;
  if (!baseline) return { ...report, results };
  const fixed = baseline.fixed.map((e) => {
    const g = { ...e, file: path(e.file) };
    if (e.chartId !== undefined) g.chartId = hash(e.chartId);
    if (e.encounterId !== undefined) g.encounterId = hash(e.encounterId);
    return g;
  });
  return { ...report, summary: { ...report.summary, baseline: { ...baseline, fixed } }, results };
}

function redactEvidence(hash: (s: string) => string): (e: Evidence) => Evidence {
  return (e) => (e.excerpt === undefined ? e : { ...e, excerpt: hash(e.excerpt) });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const WORD_EDGE = /[\p{L}\p{N}]/u;

/** One pattern for every value, longest first, matching whole words only where a value starts or ends with one. */
function alternation(values: readonly string[]): RegExp | null {
  const unique = [...new Set(values.filter((v) => v.trim().length >= 2))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return null;
  const parts = unique.map((v) => {
    const before = WORD_EDGE.test(v[0]!) ? '(?<![\\p{L}\\p{N}])' : '';
    const after = WORD_EDGE.test(v[v.length - 1]!) ? '(?![\\p{L}\\p{N}])' : '';
    return `${before}${escapeRegExp(v)}${after}`;
  });
  return new RegExp(parts.join('|'), 'gu');
}
