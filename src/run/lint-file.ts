/**
 * One file, from bytes to located findings: read, parse, adapt, evaluate, locate. This is the
 * unit of work of a run (and of a worker thread). It never throws: a file that cannot be read or
 * parsed is a finding, and so is an unexpected failure while linting one chart.
 */
import { readFileSync, statSync } from 'node:fs';
import { adapt, type InputFormat } from '../chart/adapt.js';
import type { ConceptMap } from '../chart/fhir/concept-map.js';
import { ENGINE_RULES, type Finding, type Position, type UnlocatedFinding } from '../finding.js';
import { formatOf, parseText, type SourceDoc, type SourceFormat } from '../read/parse.js';
import type { Engine } from '../rules/engine.js';

export interface LintFileOptions {
  /** Largest file read whole, in bytes. */
  maxFileSize: number;
  debug: boolean;
  /** Report errors only. */
  quiet?: boolean;
  /** `auto` (default) tells FHIR from native charts by content. */
  inputFormat?: InputFormat;
  conceptMap?: ConceptMap;
}

export interface ChartRef extends Position {
  chartId: string;
  pointer: string;
  /** The chart already has a finding (so a duplicate-id finding does not count it twice). */
  flagged: boolean;
}

export interface FileOutcome {
  file: string;
  findings: Finding[];
  charts: number;
  encounters: number;
  /** Charts (or chart candidates that could not be read) with at least one finding. */
  chartsWithFindings: number;
  /** Every chart id with its place, so the run can report ids repeated across files. */
  chartIds: ChartRef[];
}

export const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

/** What lints a chart: the engine, or anything that takes charts the same way (`convert` collects them). */
export type ChartLinter = Pick<Engine, 'lint'>;

function fileFinding(ruleId: string, message: string, pos: Position = { line: 1, column: 1 }): Finding {
  return { ruleId, severity: 'error', message, line: pos.line, column: pos.column, pointer: '', evidence: [] };
}

function describeErrno(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'the file disappeared before it could be read';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'this is a folder, not a file';
    case 'ELOOP': return 'too many symbolic links (a symlink loop?)';
    default: return e.code ? `${e.code}: ${e.message}` : String(err);
  }
}

/** Decodes file bytes: UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark. */
export function decode(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buf.toString('utf8');
}

export function lintFile(abs: string, display: string, engine: ChartLinter, options: LintFileOptions): FileOutcome {
  const out: FileOutcome = { file: display, findings: [], charts: 0, encounters: 0, chartsWithFindings: 0, chartIds: [] };
  let text: string;
  try {
    const size = statSync(abs).size;
    if (size > options.maxFileSize) {
      out.chartsWithFindings = 1;
      out.findings.push(fileFinding(ENGINE_RULES.readError, `File is ${(size / 1048576).toFixed(1)} MB, over the ${(options.maxFileSize / 1048576).toFixed(0)} MB limit for one file: raise it with --max-file-size, or export NDJSON (one chart per line).`));
      out.charts = 1;
      return out;
    }
    text = decode(readFileSync(abs));
  } catch (err) {
    out.findings.push(fileFinding(ENGINE_RULES.readError, `Cannot read the file: ${describeErrno(err)}.`));
    out.charts = 1;
    out.chartsWithFindings = 1;
    return out;
  }
  const format = formatOf(abs) ?? (/^\s*[[{]/.test(text) ? 'json' : 'yaml');
  return lintText(text, format, display, engine, options);
}

/** Lints the text of one file already read (the part of lintFile after reading). */
export function lintText(text: string, format: SourceFormat, display: string, engine: ChartLinter, options: LintFileOptions): FileOutcome {
  const out: FileOutcome = { file: display, findings: [], charts: 0, encounters: 0, chartsWithFindings: 0, chartIds: [] };
  try {
    const parsed = parseText(text, format);
    for (const p of parsed.problems) out.findings.push(fileFinding(ENGINE_RULES.parseError, p.message, p));
    // A file that does not parse still stands for (at least) one chart that was not linted;
    // in NDJSON each broken line is one chart.
    const unparsed = parsed.problems.length > 0 && format !== 'ndjson' ? 1 : parsed.problems.length;
    out.charts += unparsed;
    out.chartsWithFindings += unparsed;
    if (parsed.docs.length === 0 && parsed.problems.length === 0) {
      out.findings.push({ ...fileFinding(ENGINE_RULES.chartFormat, 'The file is empty: expected one or more charts.'), severity: 'warning' });
      out.charts += 1;
      out.chartsWithFindings += 1;
    }
    for (const doc of parsed.docs) lintDoc(doc, engine, options, out);
  } catch (err) {
    const f = fileFinding(ENGINE_RULES.internalError, `b12lint failed on this file: ${err instanceof Error ? err.message : String(err)}`);
    if (options.debug && err instanceof Error && err.stack) f.stack = err.stack;
    out.findings.push(f);
  }
  out.findings.sort(compareFindings);
  return out;
}

function lintDoc(doc: SourceDoc, engine: ChartLinter, options: LintFileOptions, out: FileOutcome): void {
  let unlocated: UnlocatedFinding[] = [];
  const adapted = adapt(doc.value, { format: options.inputFormat, conceptMap: options.conceptMap });
  unlocated.push(...adapted.findings);
  out.charts += adapted.charts.length + adapted.refused.length;
  for (const chart of adapted.charts) {
    out.encounters += chart.encounters.length;
    unlocated.push(...engine.lint(chart, options.debug));
  }
  if (options.quiet) unlocated = unlocated.filter((f) => f.severity === 'error');
  // Which charts (and refused chart candidates) have findings: a finding belongs to the chart
  // whose pointer is its prefix (a FHIR chart, spread over its document, to the chart it names).
  const flagged = new Set<string>();
  const candidates = [...adapted.charts.map((c) => c.ptr), ...adapted.refused];
  for (const f of unlocated) {
    const owner = adapted.derivedIds && f.chartId !== undefined ? `#${f.chartId}` : candidates.find((c) => c === '' || f.pointer === c || f.pointer.startsWith(`${c}/`));
    flagged.add(owner ?? f.pointer);
  }
  out.chartsWithFindings += flagged.size;
  const ids = adapted.derivedIds ? [] : adapted.charts.filter((c) => c.chartId);
  const pointers = new Set<string>();
  for (const f of unlocated) {
    pointers.add(f.pointer);
    for (const e of f.evidence) pointers.add(e.pointer);
  }
  for (const c of ids) pointers.add(c.ptr);
  if (pointers.size === 0) return; // nothing to locate (no findings, no chart ids)
  const pos = doc.locator.locateAll(pointers);
  for (const f of unlocated) {
    const p = pos.get(f.pointer)!;
    for (const e of f.evidence) {
      const ep = pos.get(e.pointer)!;
      e.line = ep.line;
      e.column = ep.column;
    }
    out.findings.push(toFinding(f, p));
  }
  for (const c of ids) out.chartIds.push({ chartId: c.chartId, pointer: c.ptr, flagged: flagged.has(c.ptr), ...pos.get(c.ptr)! });
}

/** Fixes the key order of a finding, so reports are byte-identical whatever produced them. */
export function toFinding(f: UnlocatedFinding, p: Position): Finding {
  const out: Finding = { ruleId: f.ruleId, severity: f.severity, message: f.message } as Finding;
  if (f.chartId !== undefined) out.chartId = f.chartId;
  if (f.encounterId !== undefined) out.encounterId = f.encounterId;
  out.line = p.line;
  out.column = p.column;
  out.pointer = f.pointer;
  out.evidence = f.evidence.map((e) => {
    const { kind, pointer, line, column, ...rest } = e;
    return { kind, ...rest, line, column, pointer };
  });
  if (f.stack) out.stack = f.stack;
  return out;
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
