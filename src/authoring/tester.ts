/**
 * Running a ruleset's test cases (`b12lint test`): each chart is linted by the real pipeline
 * (read, adapt, engine, locate), and the rule's findings are compared with what the case expects:
 * none for a valid case; for an invalid case at least one, or exactly the findings listed (line,
 * column, severity, message text or /pattern/, evidence), in the order of the file.
 */
import type { Finding } from '../finding.js';
import { ENGINE_RULES } from '../finding.js';
import { Engine } from '../rules/engine.js';
import { OTHER_OPTION, UNDETERMINED_OPTION } from '../rules/query.js';
import type { CompiledRuleset } from '../rules/types.js';
import { lintText } from '../run/lint-file.js';
import type { ChartText, ExpectedFinding, TestCase } from './cases.js';

export interface CaseResult {
  case: TestCase;
  passed: boolean;
  /** The rule's findings on the case's chart. */
  actual: Finding[];
  /** Why it failed, in words (empty when it passed). */
  reason: string;
  /** Findings that make the chart unusable as a test (it does not parse, breaks the format). */
  broken: Finding[];
}

const UNUSABLE: readonly string[] = [ENGINE_RULES.parseError, ENGINE_RULES.readError, ENGINE_RULES.internalError, ENGINE_RULES.chartFormat];

/** Runs every case; the ruleset's rules turned off are tested too. */
export function runCases(ruleset: CompiledRuleset, cases: readonly TestCase[]): CaseResult[] {
  const engine = new Engine({ ...ruleset, rules: ruleset.allRules });
  const linted = new Map<ChartText, ByChart>();
  const findingsOf = (chart: ChartText): ByChart => {
    let f = linted.get(chart);
    if (!f) {
      const all = lintText(chart.text, chart.format, chart.file, engine, { maxFileSize: Infinity, debug: false }).findings;
      if (chart.line !== undefined && chart.line > 1) shiftLines(all, chart.line - 1);
      linted.set(chart, (f = new ByChart(all)));
    }
    return f;
  };
  return cases.map((c) => judge(c, findingsOf(c.chart).of(c.chartId)));
}

/**
 * A file's findings by chart: a case about one chart of a file sees that chart's findings and the
 * file's own problems (findings with no chart), in the file's order. Split once, not filtered
 * from all of them for each case (a file of thousands of charts, each a case).
 */
class ByChart {
  private readonly byId = new Map<string, number[]>();
  private readonly none: number[] = [];

  constructor(private readonly all: readonly Finding[]) {
    all.forEach((f, i) => {
      if (f.chartId === undefined) this.none.push(i);
      else {
        const list = this.byId.get(f.chartId);
        if (list) list.push(i);
        else this.byId.set(f.chartId, [i]);
      }
    });
  }

  /** The findings a case about `chartId` (every chart: undefined) sees. */
  of(chartId: string | undefined): Finding[] {
    if (chartId === undefined) return [...this.all];
    const own = this.byId.get(chartId) ?? [];
    const out: Finding[] = [];
    let a = 0;
    let b = 0;
    while (a < own.length || b < this.none.length) {
      const next = b >= this.none.length || (a < own.length && own[a]! < this.none[b]!) ? own[a++]! : this.none[b++]!;
      out.push(this.all[next]!);
    }
    return out;
  }
}

/** Findings of a text that starts `by` lines into its file, placed in the file. */
function shiftLines(findings: Finding[], by: number): void {
  for (const f of findings) {
    f.line += by;
    for (const e of f.evidence) if (e.line !== undefined) e.line += by;
    for (const i of f.query?.indicators ?? []) if (i.line !== undefined) i.line += by;
  }
}

function judge(c: TestCase, mine: readonly Finding[]): CaseResult {
  const broken = mine.filter((f) => UNUSABLE.includes(f.ruleId) && f.severity === 'error');
  const actual = mine.filter((f) => f.ruleId === c.ruleId);
  const result = (reason: string): CaseResult => ({ case: c, passed: reason === '', actual, reason, broken });
  if (broken.length) return result('the chart is not a usable chart');
  if (c.kind === 'valid') return result(actual.length ? `expected no finding of ${c.ruleId}, got ${count(actual.length)}` : '');
  if (!c.expected) return result(actual.length ? '' : `expected ${c.ruleId} to fire, got no finding`);
  if (actual.length !== c.expected.length) return result(`expected ${count(c.expected.length)}, got ${count(actual.length)}`);
  const bad = c.expected.findIndex((e, i) => mismatch(e, actual[i]!) !== '');
  return result(bad < 0 ? '' : `finding ${bad + 1}: ${mismatch(c.expected[bad]!, actual[bad]!)}`);
}

function count(n: number): string {
  return n === 1 ? '1 finding' : `${n} findings`;
}

/** A `/pattern/flags` or plain text the message must contain. */
export function messageMatches(expected: string, message: string): boolean {
  const re = /^\/(.*)\/([gimsuy]*)$/s.exec(expected);
  return re ? new RegExp(re[1]!, re[2]).test(message) : message.includes(expected);
}

/** What differs between an expected finding and the actual one ('' when it matches). */
function mismatch(e: ExpectedFinding, f: Finding): string {
  const fields = ['line', 'column', 'severity', 'chartId', 'encounterId'] as const;
  for (const k of fields) {
    if (e[k] !== undefined && String(e[k]) !== String(f[k])) return `${k} ${String(f[k])}, expected ${String(e[k])}`;
  }
  if (e.message !== undefined && !messageMatches(e.message, f.message)) return `the message does not match ${JSON.stringify(e.message)}`;
  for (const want of e.evidence ?? []) {
    const found = f.evidence.some((ev) =>
      Object.entries(want).every(([k, v]) => String((ev as unknown as Record<string, unknown>)[k]) === String(v)),
    );
    if (!found) return `no evidence ${describeEvidence(want)}`;
  }
  return e.query !== undefined ? queryMismatch(e.query, f) : '';
}

/** What differs between an expected query and the finding's ('' when it matches). */
function queryMismatch(e: NonNullable<ExpectedFinding['query']>, f: Finding): string {
  const q = f.query;
  if (!q) return 'the finding has no query';
  if (e.question !== undefined && !messageMatches(e.question, q.question))
    return `the query's question does not match ${JSON.stringify(e.question)}`;
  if (e.options !== undefined) {
    // The two options b12lint adds to every list may be left out of the expectation.
    const added = [OTHER_OPTION, UNDETERMINED_OPTION];
    const tail = q.options.slice(-2);
    const mentionsAdded = e.options.some((o) => added.includes(o));
    const actual = !mentionsAdded && tail.length === 2 && tail.every((o, i) => o === added[i]) ? q.options.slice(0, -2) : q.options;
    if (actual.length !== e.options.length || actual.some((o, i) => o !== e.options![i])) {
      return `the query's options are ${JSON.stringify(actual)}, expected ${JSON.stringify(e.options)}`;
    }
  }
  for (const want of e.indicators ?? []) {
    const found = q.indicators.some((ind) =>
      Object.entries(want).every(([k, v]) => {
        const got = (ind as unknown as Record<string, unknown>)[k];
        return k === 'text' ? typeof got === 'string' && messageMatches(String(v), got) : String(got) === String(v);
      }),
    );
    if (!found) return `the query has no indicator ${describeEvidence(want)}`;
  }
  return '';
}

export function describeEvidence(e: Record<string, unknown>): string {
  return `{ ${Object.entries(e)
    .map(
      ([k, v]) =>
        `${k}: ${v !== null && typeof v === 'object' && !Array.isArray(v) ? describeEvidence(v as Record<string, unknown>) : String(v)}`,
    )
    .join(', ')} }`;
}
