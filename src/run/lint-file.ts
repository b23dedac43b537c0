/**
 * One file, from bytes to located findings: read, parse, adapt, evaluate, locate. This is the
 * unit of work of a run (and of a worker thread). It never throws: a file that cannot be read or
 * parsed is a finding, and so is an unexpected failure while linting one chart.
 */
import { adapt, type InputFormat } from '../chart/adapt.js';
import type { ConceptMap } from '../chart/fhir/concept-map.js';
import type { Chart } from '../chart/model.js';
import {
  ENGINE_RULES,
  fingerprintOf,
  SEVERITY_RANK,
  type Finding,
  type Position,
  type Query,
  type QueryIndicator,
  type Severity,
  type UnlocatedFinding,
} from '../finding.js';
import { DEFAULT_MAX_FILE_SIZE, type Bounded } from '../read/bounded.js';
import { decode, type Decoded } from '../read/decode.js';
import { formatOf, parseDecoded, TooManyValues, type ParseProblem, type SourceDoc, type SourceFormat } from '../read/parse.js';
import type { ChartEntry } from '../report/types.js';
import type { Unreached } from './discover.js';
import type { Engine } from '../rules/engine.js';
import { readChart, type Prefetched } from './prefetch.js';
import { findingTexts, quotedStrings, sensitiveStrings, type KnownText } from '../report/redact.js';
import { addTo, pushAll } from '../core/arrays.js';
import { readCause } from '../core/io.js';
import { grouped } from '../core/numbers.js';

export interface LintFileOptions {
  /** Largest file read whole, in bytes. */
  maxFileSize: number;
  debug: boolean;
  /** `auto` (default) tells FHIR from native charts by content. */
  inputFormat?: InputFormat;
  conceptMap?: ConceptMap;
  /** Keep the patient-identifying strings that findings quote, for `--redact`. */
  collectSensitive?: boolean;
  /** Build provider query drafts (default); false when no report of the run shows them. */
  queries?: boolean;
}

export interface FileOutcome {
  file: string;
  findings: Finding[];
  charts: number;
  encounters: number;
  /**
   * Every chart of the file, and every place that should have held one but could not be read as
   * one, in file order: the findings under a chart's pointer are its own (report/charts.ts), and
   * chart ids are checked across the run. A FHIR chart, spread over its document, is known by its
   * (derived) id alone and has no entry here.
   */
  chartRefs: ChartEntry[];
  /** Patient-identifying strings of the file's charts that their findings quote, by chart id (only with `collectSensitive`, and when there are some). */
  sensitive?: Map<string, string[]>;
}

export { DEFAULT_MAX_FILE_SIZE };

/** What lints a chart: the engine, or anything that takes charts the same way (`convert` collects them). */
export type ChartLinter = Pick<Engine, 'lint'> & Partial<Pick<Engine, 'knownText'>>;

/**
 * A chart file with no chart in it: an error, as an empty list of charts is. A nightly export that
 * failed and wrote nothing must not pass a pre-billing gate.
 */
export const EMPTY_FILE = 'The file is empty: expected one or more charts.';

export function fileFinding(ruleId: string, message: string, pos: Position = { line: 1, column: 1 }, pointer = ''): Finding {
  return {
    ruleId,
    severity: 'error',
    message,
    line: pos.line,
    column: pos.column,
    pointer,
    // A file's own format findings (no chart, no element) differ by what they say: one
    // fingerprint for them all let a baselined one hide another (a security review).
    fingerprint: fingerprintOf(
      { ruleId, pointer },
      ruleId === ENGINE_RULES.chartFormat && pointer === '' ? `file:${message.replace(/[\d,.]+/g, '#')}` : undefined,
    ),
    evidence: [],
  };
}

/**
 * What a folder walk could not read or did not follow (discover.ts), as a file's outcome: a
 * `read-error` at its path, standing for one chart that was not linted, as a file that cannot be
 * read does.
 */
export function unreachedOutcome(u: Unreached, display: string): FileOutcome {
  return {
    file: display,
    findings: [{ ...fileFinding(ENGINE_RULES.readError, u.message), severity: u.severity }],
    charts: 1,
    encounters: 0,
    chartRefs: [],
  };
}

const MB = 1024 * 1024;

type ReadResult = { bytes: Buffer } | { refused: string } | { deferred: number };

/** What reading a chart file gave (src/read/bounded.ts), with what is refused in words. */
function chartRead(r: Bounded | { deferred: number }, maxFileSize: number): ReadResult {
  if ('bytes' in r || 'deferred' in r) return r;
  if (r.refused === 'not-a-file') return { refused: 'Cannot read the file: it is not a regular file (a pipe, socket or device).' };
  const what = r.grew ? `${(r.size / MB).toFixed(1)} MB or more (it grew while it was read)` : `${(r.size / MB).toFixed(1)} MB`;
  return {
    refused: `File is ${what}, over the ${(maxFileSize / MB).toFixed(0)} MB limit for one file: raise it with --max-file-size <MB>, or split the export into smaller files.`,
  };
}

export function lintFile(abs: string, display: string, engine: ChartLinter, options: LintFileOptions): FileOutcome {
  return lintFileUpTo(abs, display, engine, options, Infinity)!;
}

/**
 * Chart files from this size up are linted in a worker thread when the run has the means
 * (schedule.ts), so that the thread that hears Ctrl-C never spends long on one file: the costliest
 * notes known take about 4 s a MiB (a dense run of one ambiguous term), so under a second here. A
 * night's charts are a few KB; a file this large is a bundle or a hostile one.
 */
export const DEFAULT_INLINE_LIMIT = 256 * 1024;

/** The inline limit, which `B12LINT_INLINE_LIMIT` (bytes) overrides (the tests send small files to a worker with 0). */
export function inlineLimit(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.B12LINT_INLINE_LIMIT);
  return env.B12LINT_INLINE_LIMIT !== undefined && Number.isInteger(v) && v >= 0 ? v : DEFAULT_INLINE_LIMIT;
}

/**
 * lintFile for a file of at most `limit` bytes; a larger one is not read (undefined), for a
 * worker thread to lint: the thread that handles Ctrl-C never spends seconds on one file.
 */
export function lintFileUpTo(
  abs: string,
  display: string,
  engine: ChartLinter,
  options: LintFileOptions,
  limit: number,
): FileOutcome | undefined {
  return lintRead(readChart(abs, options.maxFileSize, limit), abs, display, engine, options);
}

/**
 * lintFileUpTo once the file is read (here, or ahead by the reader thread: prefetch.ts): undefined
 * for a file deferred to a worker thread.
 */
export function lintRead(
  read: Prefetched,
  abs: string,
  display: string,
  engine: ChartLinter,
  options: LintFileOptions,
): FileOutcome | undefined {
  const refused = (message: string): FileOutcome => ({
    file: display,
    findings: [fileFinding(ENGINE_RULES.readError, message)],
    charts: 1,
    encounters: 0,
    chartRefs: [],
  });
  if ('thrown' in read) return refused(`Cannot read the file: ${readCause(read.thrown, abs, 'file')}.`);
  const r = chartRead(read, options.maxFileSize);
  if ('deferred' in r) return undefined;
  if ('refused' in r) return refused(r.refused);
  const decoded = decode(r.bytes);
  return lintDecoded(decoded, formatOf(abs) ?? (/^\s*[[{]/.test(decoded.text) ? 'json' : 'yaml'), display, engine, options);
}

/** Lints the text of one file already read (the part of lintFile after reading and decoding). */
export function lintText(text: string, format: SourceFormat, display: string, engine: ChartLinter, options: LintFileOptions): FileOutcome {
  return lintDecoded({ text, undecodable: [] }, format, display, engine, options);
}

/**
 * What --max-file-size bounds besides bytes, because memory grows with them and not with bytes:
 * the values of one JSON document or NDJSON line (one per 64 bytes of the limit), the tokens of
 * one YAML file (one per 32 bytes), and the findings listed for one file (one per 64 bytes; the
 * rest are counted). At the default 64 MB: 1,048,576 values, 2,097,152 tokens, 1,048,576 findings.
 */
export function limitsFor(maxFileSize: number): { maxValues: number; maxYamlTokens: number; maxFindings: number } {
  return {
    maxValues: Math.floor(maxFileSize / 64),
    maxYamlTokens: Math.floor(maxFileSize / 32),
    maxFindings: Math.floor(maxFileSize / 64),
  };
}

/**
 * The most elements in one list of a chart (diagnoses, services or notes of an encounter; the
 * chart's encounters, labs, medications). Rules compare elements of a chart with one another, so
 * their time grows with the square of a list's length; no real claim comes near this many.
 */
export const MAX_LIST = 1000;

/** A finding refusing a chart with a list longer than MAX_LIST, which is then not evaluated. */
function oversized(chart: Chart): UnlocatedFinding | undefined {
  // The lists are named (and their pointers made) only for a chart that has one too long.
  let longest = Math.max(chart.encounters.length, chart.labs.length, chart.medications.length);
  for (const e of chart.encounters) longest = Math.max(longest, e.diagnoses.length, e.services.length, e.notes.length);
  if (longest <= MAX_LIST) return undefined;
  const lists: [string, number, string][] = [
    ['encounters', chart.encounters.length, `${chart.ptr}/encounters`],
    ['labs', chart.labs.length, `${chart.ptr}/labs`],
    ['medications', chart.medications.length, `${chart.ptr}/medications`],
  ];
  for (const e of chart.encounters) {
    for (const [name, list] of [
      ['diagnoses', e.diagnoses],
      ['services', e.services],
      ['notes', e.notes],
    ] as const) {
      lists.push([`${name} of encounter ${e.id}`, list.length, `${e.ptr}/${name}`]);
    }
  }
  const over = lists.find(([, n]) => n > MAX_LIST);
  if (!over) return undefined;
  const f: UnlocatedFinding = {
    ruleId: ENGINE_RULES.chartFormat,
    severity: 'error',
    pointer: over[2],
    evidence: [],
    message: `The chart was not evaluated: it has ${grouped(over[1])} ${over[0]}, more than the ${grouped(MAX_LIST)} b12lint reads in one list.`,
  };
  if (chart.chartId) f.chartId = chart.chartId;
  return f;
}

/** Findings a file may still list, and those counted beyond. */
export interface Budget {
  left: number;
  unlisted: number;
  severity: Severity;
}

/** A file's decoded text, from parsing to located findings. */
export function lintDecoded(
  decoded: Decoded,
  format: SourceFormat,
  display: string,
  engine: ChartLinter,
  options: LintFileOptions,
): FileOutcome {
  const out: FileOutcome = { file: display, findings: [], charts: 0, encounters: 0, chartRefs: [] };
  const { maxFindings, ...parseLimits } = limitsFor(options.maxFileSize);
  const budget: Budget = { left: maxFindings, unlisted: 0, severity: 'info' };
  try {
    // Read as FHIR, a list is no chart list: an entry nested too deeply refuses the file once.
    const parsed = parseDecoded(decoded, format, { ...parseLimits, chartLists: options.inputFormat !== 'fhir' });
    let docs = 0;
    // Keys given twice in a document are known before it is linted (NDJSON: as its line is read):
    // each is placed in a chart of that document.
    let placed = 0;
    for (const doc of parsed.docs) {
      docs++;
      const charts = lintDoc(doc, engine, options, out, budget);
      for (; placed < parsed.formatProblems.length; placed++)
        out.findings.push(
          formatFinding(
            parsed.formatProblems[placed]!,
            charts.map((c) => ({ chartId: c.chartId, pointer: c.ptr })),
          ),
        );
    }
    for (const p of parsed.problems) out.findings.push(fileFinding(ENGINE_RULES.parseError, p.message, p, p.pointer));
    for (; placed < parsed.formatProblems.length; placed++) out.findings.push(formatFinding(parsed.formatProblems[placed]!, []));
    // A file that does not parse still stands for (at least) one chart that was not linted; each
    // broken NDJSON line is one chart, and so is each YAML document that could not be read. An
    // entry of a list (a problem with a pointer) is counted by the adapter, as a chart it refuses.
    let whole = 0;
    let ones = 0;
    for (const p of parsed.problems) {
      if (p.pointer !== undefined) continue;
      if (format === 'ndjson' || p.document) ones++;
      else whole++;
    }
    out.charts += ones + (whole > 0 ? 1 : 0);
    if (docs === 0 && parsed.problems.length === 0) {
      out.findings.push(fileFinding(ENGINE_RULES.chartFormat, EMPTY_FILE));
      out.charts += 1;
    }
  } catch (err) {
    if (err instanceof TooManyValues) {
      const per = err.what === 'values' ? 64 : 32;
      const message = `The file holds ${err.message}, too many to lint safely in memory (one per ${per} bytes of --max-file-size): raise --max-file-size, or split the export into smaller files.`;
      return { ...out, findings: [fileFinding(ENGINE_RULES.readError, message)], charts: 1, chartRefs: [] };
    }
    const f = fileFinding(ENGINE_RULES.internalError, `b12lint failed on this file: ${err instanceof Error ? err.message : String(err)}`);
    if (options.debug && err instanceof Error && err.stack) f.stack = err.stack;
    out.findings.push(f);
    out.charts = Math.max(out.charts, 1); // the file stands for at least one chart, even unread
  }
  out.findings.sort(compareFindings);
  if (budget.unlisted > 0) out.findings.push(unlistedFinding(budget, maxFindings, out.findings[out.findings.length - 1]!));
  return out;
}

/** A chart's entry in the report: its id when it has one, and where it starts. */
function chartRef(c: { chartId: string; pointer: string }, line: number, column: number): ChartEntry {
  return c.chartId ? { chartId: c.chartId, line, column, pointer: c.pointer } : { line, column, pointer: c.pointer };
}

/** The finding that stands, after a file's last listed finding, for those beyond its budget. */
export function unlistedFinding(budget: Budget, maxFindings: number, last: Position): Finding {
  return {
    ...fileFinding(
      ENGINE_RULES.chartFormat,
      `${grouped(budget.unlisted)} more findings in this file are not listed: only the first ${grouped(maxFindings)} are (--max-file-size sets this bound too).`,
      last,
    ),
    severity: budget.severity,
  };
}

/** Lints one document into `out`; returns its charts (src/run/lint-file.ts places a key given twice in its chart). */
export function lintDoc(doc: SourceDoc, engine: ChartLinter, options: LintFileOptions, out: FileOutcome, budget: Budget): readonly Chart[] {
  const adapted = adapt(doc.value, { format: options.inputFormat, conceptMap: options.conceptMap });
  const unlocated: UnlocatedFinding[] = adapted.findings;
  out.charts += adapted.charts.length + adapted.refused.length;
  for (const chart of adapted.charts) {
    out.encounters += chart.encounters.length;
    const tooLarge = oversized(chart);
    if (tooLarge) {
      unlocated.push(tooLarge);
      continue;
    }
    for (const f of engine.lint(chart, options.debug, options.queries !== false)) unlocated.push(f);
  }
  // Beyond the file's budget, findings are only counted (with the highest severity among them).
  const listed = unlocated.slice(0, Math.max(budget.left, 0));
  for (const f of unlocated.slice(listed.length)) {
    budget.unlisted++;
    if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[budget.severity]) budget.severity = f.severity;
  }
  budget.left -= listed.length;
  if (options.collectSensitive) keepQuoted(out, adapted.charts, listed, doc.value, engine.knownText);
  // Charts without an id and refused candidates always have a finding, so they cost no extra locating.
  // Plain loops, not spreads and maps of arrays that are mostly empty (refused candidates): a file
  // with one, coming after thousands without, made V8 drop this function's optimized code (it is
  // large, with what it calls inlined) and compile it again, four times a run of 20,000 charts.
  const candidates: { chartId: string; pointer: string }[] = [];
  if (!adapted.derivedIds) {
    for (let k = 0; k < adapted.charts.length; k++)
      candidates.push({ chartId: adapted.charts[k]!.chartId, pointer: adapted.charts[k]!.ptr });
    for (let k = 0; k < adapted.refused.length; k++) candidates.push({ chartId: '', pointer: adapted.refused[k]! });
  }
  if (listed.length === 0 && candidates.length === 1) {
    // The usual file: one chart, no finding. Its one position needs no scan (JsonLocator.locate).
    const c = candidates[0]!;
    const { line, column } = doc.locator.locate(c.pointer);
    out.chartRefs.push(chartRef(c, line, column));
    return adapted.charts;
  }
  const pointers = new Set<string>();
  for (const f of listed) {
    pointers.add(f.pointer);
    for (const e of f.evidence) pointers.add(e.pointer);
    for (const i of f.query?.indicators ?? []) pointers.add(i.pointer);
  }
  for (const c of candidates) pointers.add(c.pointer);
  if (pointers.size === 0) return adapted.charts; // nothing to locate (no findings, no charts)
  const pos = doc.locator.locateAll(pointers);
  for (const f of listed) {
    const p = pos.get(f.pointer)!;
    for (const e of [...f.evidence, ...(f.query?.indicators ?? [])]) {
      const ep = pos.get(e.pointer)!;
      e.line = ep.line;
      e.column = ep.column;
    }
    out.findings.push(toFinding(f, p));
  }
  const refs: ChartEntry[] = [];
  for (let k = 0; k < candidates.length; k++) {
    const c = candidates[k]!;
    const { line, column } = pos.get(c.pointer)!;
    refs.push(chartRef(c, line, column));
  }
  if (refs.length > 1) refs.sort((a, b) => a.line - b.line || a.column - b.column);
  for (let k = 0; k < refs.length; k++) out.chartRefs.push(refs[k]!);
  return adapted.charts;
}

/**
 * A `chart-format` finding for a problem of valid syntax (a key given twice), placed in the chart
 * that holds its pointer (the longest chart pointer it starts with; a document of one chart holds
 * them all), so the charts with findings are counted right and two such findings never share a
 * fingerprint. A problem without a pointer (YAML's) stands for its file.
 */
export function formatFinding(p: ParseProblem, charts: readonly { chartId?: string; pointer: string }[]): Finding {
  const f = fileFinding(ENGINE_RULES.chartFormat, p.message, p, p.pointer ?? '');
  if (p.pointer === undefined) return f;
  let owner: { chartId?: string; pointer: string } | undefined;
  for (const c of charts) {
    const holds = p.pointer === c.pointer || p.pointer.startsWith(`${c.pointer}/`) || c.pointer === '';
    if (holds && (!owner || c.pointer.length > owner.pointer.length)) owner = c;
  }
  if (!owner && charts.length === 1) owner = charts[0];
  if (owner?.chartId) f.chartId = owner.chartId;
  f.fingerprint = fingerprintOf({ ruleId: f.ruleId, chartId: f.chartId, pointer: f.pointer });
  return f;
}

/**
 * For `--redact`: the identifying strings of each chart that its listed findings quote (message,
 * stack, evidence), by chart id, in `out.sensitive` (made only when something is kept). A chart
 * without findings keeps nothing.
 */
export function keepQuoted(
  out: Pick<FileOutcome, 'sensitive'>,
  charts: readonly Chart[],
  listed: readonly UnlocatedFinding[],
  doc: unknown,
  known?: KnownText,
): void {
  const texts = new Map<string, string[]>();
  for (const f of listed) {
    const key = f.chartId ?? '';
    const list = texts.get(key) ?? [];
    pushAll(list, findingTexts(f));
    texts.set(key, list);
  }
  for (const chart of charts) {
    const quoting = texts.get(chart.chartId);
    if (!quoting) continue;
    const kept = quotedStrings(sensitiveStrings(chart, doc, known), quoting);
    if (kept.length === 0) continue;
    addTo((out.sensitive ??= new Map()), chart.chartId, kept);
  }
}

/** Fixes the key order of a finding, so reports are byte-identical whatever produced them. */
export function toFinding(f: UnlocatedFinding, p: Position): Finding {
  const out: Finding = { ruleId: f.ruleId, severity: f.severity, message: f.message } as Finding;
  if (f.chartId !== undefined) out.chartId = f.chartId;
  if (f.encounterId !== undefined) out.encounterId = f.encounterId;
  out.line = p.line;
  out.column = p.column;
  out.pointer = f.pointer;
  out.fingerprint = f.fingerprint ?? fingerprintOf(f);
  out.evidence = f.evidence.map((e) => {
    const { kind, pointer, line, column, ...rest } = e;
    return { kind, ...rest, line, column, pointer };
  });
  if (f.moreEvidence !== undefined) out.moreEvidence = f.moreEvidence;
  if (f.query) out.query = orderedQuery(f.query);
  if (f.stack) out.stack = f.stack;
  return out;
}

/** A query with its keys in the report's order: question, encounter date, indicators, options. */
function orderedQuery(q: Query): Query {
  const out: Query = { question: q.question } as Query;
  if (q.encounterDate !== undefined) out.encounterDate = q.encounterDate;
  out.indicators = q.indicators.map((i) => {
    const { text, source, section, date, file, line, column, pointer } = i;
    const o: QueryIndicator = { text, source } as QueryIndicator;
    if (section !== undefined) o.section = section;
    if (date !== undefined) o.date = date;
    if (file !== undefined) o.file = file;
    return Object.assign(o, { line, column, pointer });
  });
  if (q.moreIndicators !== undefined) out.moreIndicators = q.moreIndicators;
  out.options = q.options;
  return out;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
