/**
 * The test cases of a ruleset, for `b12lint test` and the rule docs. They come from a rule's own
 * `examples: { valid, invalid }` in the ruleset and from `<ruleset>.tests.yaml` beside it
 * (`tests: { <rule id>: { valid, invalid } }`). A case's chart is a path relative to the file
 * that names it, or a chart written inline: an inline chart is linted where it stands, so its
 * findings' lines are lines of that file. A path to a file of several charts is one case per
 * chart; `file.yaml#CHART-ID` picks one.
 */
import { shownName } from '../core/shown.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, type Node } from 'yaml';
import { formatOf, parseText, type SourceFormat } from '../read/parse.js';
import { yamlNodeAt } from '../read/yaml-locate.js';
import { checkSchema, type Definitions } from '../rules/load.js';
import { positionOf, readSource, type SourceFile } from '../read/source.js';
import { Problems } from '../read/problems.js';
import { resolveTableSpec } from '../rules/code-table.js';
import { didYouMean } from '../rules/suggest.js';
import type { NodePath } from '../rules/types.js';
import { displayPath } from '../run/discover.js';
import { decode } from '../read/decode.js';

export interface ExpectedFinding {
  line?: number;
  column?: number;
  severity?: string;
  chartId?: string;
  encounterId?: string;
  /** Text the message contains, or `/a regular expression/flags`. */
  message?: string;
  evidence?: Record<string, unknown>[];
  /** The finding's provider query: question (text or /pattern/), options (exactly), indicators (each found). */
  query?: { question?: string; options?: string[]; indicators?: Record<string, unknown>[] };
}

/** A chart to lint: a whole file's text (a case may pick one chart of it). */
export interface ChartText {
  /** As shown in reports. */
  file: string;
  text: string;
  format: SourceFormat;
  /** The line of `file` that the text's first line is (an inline chart of a tests file); 1 when the text is the file. */
  line?: number;
}

export interface TestCase {
  ruleId: string;
  kind: 'valid' | 'invalid';
  /** The case's name, or its chart's path. */
  name: string;
  /** Where the case is written: file:line:column. */
  where: string;
  chart: ChartText;
  /** The chart of the file the case is about (files of several charts). */
  chartId?: string;
  /** The findings expected (invalid cases); undefined: at least one. */
  expected?: ExpectedFinding[];
  /** The chart as written, for the rule docs. */
  excerpt: string;
}

export interface TestSuite {
  /** The tests file, when there is one. */
  testsFile?: string;
  /** ICD-10-CM order files the tests file names (absolute). */
  icd10: string[];
  cases: TestCase[];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `<ruleset>.tests.yaml` beside a ruleset file. */
export function testsFileFor(rulesetPath: string): string {
  return rulesetPath.replace(/\.ya?ml$/i, '') + '.tests.yaml';
}

/** The rules the ruleset file itself defines (not those it extends), in order. */
export function ownRules(defs: Definitions, rulesetPath: string): string[] {
  return [...defs.rules].filter(([, d]) => d.src.path === rulesetPath).map(([id]) => id);
}

/**
 * The cases of the ruleset file's rules (their `examples`), then those of the tests file, which
 * may also test a rule the ruleset extends.
 */
export function collectCases(defs: Definitions, rulesetPath: string, testsPath: string, problems: Problems): TestSuite {
  const suite: TestSuite = { icd10: [], cases: [] };
  const charts = new ChartFiles(problems);
  for (const [id, def] of defs.rules) {
    if (def.src.path === rulesetPath && def.value.examples !== undefined)
      addExamples(suite, charts, id, def.value.examples, def.src, [...def.path, 'examples'], problems);
  }
  if (existsSync(testsPath)) {
    const src = readSource(testsPath, problems);
    if (!src) return suite;
    suite.testsFile = src.file;
    const root: unknown = src.value();
    checkSchema('tests', src, root, problems);
    if (!isObj(root)) return suite;
    const icd10 = root.icd10 === undefined ? [] : Array.isArray(root.icd10) ? root.icd10 : [root.icd10];
    suite.icd10 = icd10.filter((f): f is string => typeof f === 'string').map((f) => resolveTableSpec(f, dirname(src.path)));
    if (isObj(root.tests)) {
      for (const [id, examples] of Object.entries(root.tests)) {
        if (!defs.rules.has(id)) {
          problems.atKey(src, ['tests', id], `tests for unknown rule ${shownName(id)}.${didYouMean(id, defs.rules.keys())}`);
          continue;
        }
        addExamples(suite, charts, id, examples, src, ['tests', id], problems);
      }
    }
  }
  return suite;
}

function addExamples(
  suite: TestSuite,
  charts: ChartFiles,
  ruleId: string,
  examples: unknown,
  src: SourceFile,
  path: NodePath,
  problems: Problems,
): void {
  if (!isObj(examples)) return;
  for (const kind of ['valid', 'invalid'] as const) {
    const list = examples[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      const at: NodePath = [...path, kind, i];
      const where = (p: NodePath): string => {
        const pos = positionOf(src, p);
        return `${src.file}:${pos.line}:${pos.column}`;
      };
      const spec = typeof c === 'string' ? { chart: c } : isObj(c) ? c : undefined;
      if (!spec) return;
      const chartPath: NodePath = typeof c === 'string' ? at : [...at, 'chart'];
      const expected = Array.isArray(spec.findings) ? (spec.findings.filter(isObj) as ExpectedFinding[]) : undefined;
      if (expected && kind === 'valid') {
        problems.at(src, [...at, 'findings'], 'a valid case expects no finding: leave `findings` out, or make it an invalid case');
        return;
      }
      const name = typeof spec.name === 'string' ? spec.name : undefined;
      if (isObj(spec.chart)) {
        const chart = inlineChart(src, chartPath);
        suite.cases.push({
          ruleId,
          kind,
          name: name ?? `inline chart ${String(spec.chart.chartId ?? '')}`.trim(),
          where: where(at),
          chart: chart.text,
          excerpt: chart.excerpt,
          ...(expected ? { expected } : {}),
        });
        return;
      }
      if (typeof spec.chart !== 'string') return;
      const [file, pick] = spec.chart.split('#') as [string, string | undefined];
      const loaded = charts.load(resolve(dirname(src.path || resolve('.')), file), src, chartPath);
      if (!loaded) return;
      const ids = pick !== undefined ? [pick] : loaded.chartIds.length > 1 ? loaded.chartIds : [undefined];
      if (pick !== undefined && !loaded.chartIds.includes(pick)) {
        problems.at(src, chartPath, `no chart "${pick}" in ${loaded.chart.file}.${didYouMean(pick, loaded.chartIds)}`);
        return;
      }
      if (expected && ids.length > 1) {
        problems.at(
          src,
          chartPath,
          `${loaded.chart.file} holds ${ids.length} charts: pick the one the findings are about (${file}#${ids[0]})`,
        );
        return;
      }
      for (const id of ids) {
        suite.cases.push({
          ruleId,
          kind,
          name: name ?? (id !== undefined ? `${loaded.chart.file}#${id}` : loaded.chart.file),
          where: where(at),
          chart: loaded.chart,
          ...(id !== undefined ? { chartId: id } : {}),
          ...(expected ? { expected } : {}),
          excerpt: loaded.excerpt(id),
        });
      }
    });
  }
}

/**
 * An inline chart, linted where it stands: the file's text before it is blanked out (newlines
 * kept), so that line and column of each finding are those of the file.
 */
function inlineChart(src: SourceFile, path: NodePath): { text: ChartText; excerpt: string } {
  const pointer = path.map((p) => `/${String(p)}`).join('');
  const node = yamlNodeAt(src.doc.contents as Node | null, pointer);
  const [start, end] = node?.range ?? [0, 0];
  const body = src.text.slice(start, end);
  const lineStart = src.text.lastIndexOf('\n', start - 1) + 1;
  const indent = start - lineStart;
  // The chart alone, its own line's start as spaces, and the line it starts at: a finding's line
  // and column are the file's (tester.ts adds the line). The whole text before, blanked, made
  // each case's text as long as the file up to it (1,000 cases took 40 s and 4 GB).
  const line = src.lines.linePos(start).line;
  const excerpt =
    isMap(node) && !node.flow
      ? (' '.repeat(indent) + body)
          .split('\n')
          .map((l) => l.slice(indent))
          .join('\n')
          .trimEnd()
      : body.trim();
  return { text: { file: src.file, text: ' '.repeat(indent) + body, format: 'yaml', line }, excerpt };
}

interface LoadedCharts {
  chart: ChartText;
  chartIds: string[];
  excerpt(chartId: string | undefined): string;
}

/** Chart files named by cases, read once each. */
class ChartFiles {
  private readonly files = new Map<string, LoadedCharts | undefined>();

  constructor(private readonly problems: Problems) {}

  load(abs: string, src: SourceFile, at: NodePath): LoadedCharts | undefined {
    if (this.files.has(abs)) return this.files.get(abs);
    let text: string;
    try {
      text = decode(readFileSync(abs)).text;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.problems.at(
        src,
        at,
        code === 'ENOENT'
          ? `chart file not found: ${displayPath(abs, process.cwd())}`
          : `cannot read ${displayPath(abs, process.cwd())} (${code ?? String(err)})`,
      );
      this.files.set(abs, undefined);
      return undefined;
    }
    const format = formatOf(abs) ?? (/^\s*[[{]/.test(text) ? 'json' : 'yaml');
    const values = [...parseText(text, format).docs].flatMap((d) => (Array.isArray(d.value) ? d.value : [d.value]));
    const ids = values.map((v) => (isObj(v) && typeof v.chartId === 'string' ? v.chartId : undefined));
    const chartIds = ids.every((id) => id !== undefined) ? (ids as string[]) : [];
    const loaded: LoadedCharts = {
      chart: { file: displayPath(abs, process.cwd()), text, format },
      chartIds,
      excerpt: excerpts(text, format, values),
    };
    this.files.set(abs, loaded);
    return loaded;
  }
}

/** One chart of a file as written: its YAML document (comments kept), or its JSON. */
/**
 * The excerpt of each chart of a file, by chart id: its YAML document as written, else its JSON,
 * found for all of the file's charts at the first asking (each case's chart searched the file's
 * documents again, parsing each: 1,000 cases on one file took 44 s).
 */
function excerpts(text: string, format: SourceFormat, values: unknown[]): (id: string | undefined) => string {
  let byId: Map<string, string> | undefined;
  const build = (): Map<string, string> => {
    const out = new Map<string, string>();
    if (format === 'yaml') {
      // The first document that holds the chart, as written.
      for (const part of text.split(/^---[ \t]*$/m)) {
        for (const d of parseText(part, 'yaml').docs) {
          const id = isObj(d.value) ? d.value.chartId : undefined;
          if (typeof id === 'string' && !out.has(id)) out.set(id, part.trim());
        }
      }
    }
    return out;
  };
  let firstValue: Map<string, unknown> | undefined;
  return (id) => {
    if (id === undefined) return text.trim();
    const written = (byId ??= build()).get(id);
    if (written !== undefined) return written;
    if (!firstValue) {
      firstValue = new Map();
      for (const v of values) if (isObj(v) && typeof v.chartId === 'string' && !firstValue.has(v.chartId)) firstValue.set(v.chartId, v);
    }
    return JSON.stringify(firstValue.get(id), null, 2);
  };
}
