/**
 * FHIR Bulk Data exports in a run. NDJSON files whose lines are FHIR resources (told by content)
 * are grouped by folder: each folder is one export, its patients joined across its files. Each
 * patient becomes one chart, linted like any other; each finding points at the file and line of
 * the resource it is about (and the JSON pointer inside that line), and evidence standing in
 * another file names it. The export's log (`log.ndjson`, as bulk-data clients write it) holds no
 * resource and is passed over. An export as large as a streamed NDJSON file (lint-stream.ts) has
 * its findings spooled to disk as they come (bulk-findings.ts), not kept in memory.
 */
import { limitNotes } from '../chart/note-limit.js';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { InputFormat } from '../chart/adapt.js';
import { BulkIndex, type BulkProblem, type BulkSource } from '../chart/fhir/bulk.js';
import { defaultConceptMap } from '../chart/fhir/concept-map.js';
import { adaptFhirEntries, isFhirDocument } from '../chart/fhir/index.js';
import { ENGINE_RULES, fingerprintOf, type Finding, type UnlocatedFinding } from '../finding.js';
import { JsonLocator } from '../read/json-locate.js';
import { formatOf } from '../read/parse.js';
import { BulkFindings } from './bulk-findings.js';
import { fileFinding, keepQuoted, lintFile, toFinding, type ChartLinter, type FileOutcome, type LintFileOptions } from './lint-file.js';
import type { KnownText } from '../report/redact.js';
import type { Chart } from '../chart/model.js';
import { streamThreshold } from './lint-stream.js';
import { addTo, pushAll } from '../core/arrays.js';

type NdjsonKind = 'fhir' | 'export-log' | 'empty' | 'other';

const SNIFF_BYTES = 64 * 1024;

/** What an NDJSON file holds, from its first line: FHIR resources, a bulk export log, or charts. */
function sniffNdjson(path: string): NdjsonKind {
  let head: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      head = buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return 'other'; // lintFile reports the read error
  }
  const first = head.split('\n').find((l) => l.trim() !== '') ?? '';
  if (first === '' && head.length < SNIFF_BYTES) return 'empty';
  if (/"resourceType"\s*:/.test(first) && isFhirLine(first, head.length < SNIFF_BYTES || head.indexOf('\n', head.indexOf(first)) >= 0))
    return 'fhir';
  if (/"exportId"\s*:/.test(first) && /"eventId"\s*:/.test(first)) return 'export-log';
  return 'other';
}

/**
 * Whether a first line that names a `resourceType` is a FHIR resource, not a native chart that
 * carries one of its own (isFhirDocument): read whole where it is, else by the keys it shows.
 */
function isFhirLine(line: string, whole: boolean): boolean {
  if (whole) {
    try {
      return isFhirDocument(JSON.parse(line));
    } catch {
      // Not JSON: the keys it shows decide, and the file's lines are reported as they are read.
    }
  }
  return !/"chartId"\s*:|"encounters"\s*:\s*\[/.test(line);
}

interface Inputs {
  /** Files linted one by one (JSON, YAML, native NDJSON). */
  files: string[];
  /** Bulk Data exports: the FHIR NDJSON files of one folder each. */
  exports: string[][];
  /** Bulk export logs: listed in the report, with no chart. */
  logs: string[];
}

/** Sorts discovered files into single files and Bulk Data exports. */
function partitionInputs(paths: readonly string[], format: InputFormat): Inputs {
  const out: Inputs = { files: [], exports: [], logs: [] };
  const byFolder = new Map<string, string[]>();
  const empties: string[] = [];
  for (const p of paths) {
    const kind = format !== 'native' && formatOf(p) === 'ndjson' ? sniffNdjson(p) : 'other';
    if (kind === 'export-log') out.logs.push(p);
    else if (kind === 'empty') empties.push(p);
    else if (kind === 'fhir' || (format === 'fhir' && formatOf(p) === 'ndjson')) {
      const group = byFolder.get(dirname(p)) ?? [];
      group.push(p);
      byFolder.set(dirname(p), group);
    } else out.files.push(p);
  }
  // An empty NDJSON file beside a Bulk Data export is one of its files, for a resource type with no
  // resource; anywhere else it is an empty chart file (a failed export: an error, lint-file.ts).
  if (empties.length > 0) {
    const order = new Map(paths.map((p, i) => [p, i]));
    for (const p of empties) {
      const group = byFolder.get(dirname(p));
      if (!group) {
        out.files.push(p);
        continue;
      }
      group.push(p);
      group.sort((a, b) => order.get(a)! - order.get(b)!); // in the run's order, as the export's other files
    }
    out.files.sort((a, b) => order.get(a)! - order.get(b)!);
  }
  out.exports = [...byFolder.values()];
  return out;
}

function emptyOutcome(file: string): FileOutcome {
  return { file, findings: [], charts: 0, encounters: 0, chartRefs: [] };
}

/**
 * Lints discovered files: single files one by one, Bulk Data exports folder by folder. Given a
 * signal, it lets the event loop run between two, so that Ctrl-C can stop the run: it then
 * rejects with the signal's reason and nothing is reported. `keep` (a shard) chooses the units to
 * lint by their displayed path: a file, or an export's folder, whose files are linted together or
 * not at all.
 */
/** How long a run lints between two turns of the event loop (Ctrl-C, progress), in ms. */
export const YIELD_MS = 20;

export async function lintInputs(
  paths: readonly string[],
  display: (abs: string) => string,
  engine: ChartLinter,
  options: LintFileOptions,
  signal?: AbortSignal,
  keep?: (unit: string) => boolean,
  /**
   * Lints the single files instead (a run's schedule: cache, threads, streaming), calling `next`
   * between two; `whole` when they are all the run lints (no shard, no Bulk Data export or log).
   */
  singles?: (files: readonly string[], next: () => Promise<void>, whole: boolean) => Promise<FileOutcome[]>,
  heavy?: HeavyCharts,
  /**
   * Awaited at each checkpoint (between two files, every so many patients of a Bulk export), before
   * the signal is looked at: `convert` writes there the charts read since the last one.
   */
  between?: () => Promise<void>,
): Promise<FileOutcome[]> {
  const all = partitionInputs(paths, options.inputFormat ?? 'auto');
  const folder = (abs: string): string => display(dirname(abs));
  // Without a shard every unit is kept, and no path is worked out just to be kept.
  const inputs: Inputs = !keep
    ? all
    : {
        files: all.files.filter((abs) => keep(display(abs))),
        exports: all.exports.filter((group) => keep(folder(group[0]!))),
        logs: all.logs.filter((abs) => keep(folder(abs))),
      };
  // A turn of the event loop (where Ctrl-C is heard) costs a system call: one every YIELD_MS, not
  // one per file, which the profile of 20,000 small charts put at a tenth of the run.
  let yielded = performance.now();
  const next = async (): Promise<void> => {
    await between?.();
    if (!signal) return;
    signal.throwIfAborted();
    if (performance.now() - yielded < YIELD_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    yielded = performance.now();
    signal.throwIfAborted();
  };
  const out: FileOutcome[] = [];
  if (singles) pushAll(out, await singles(inputs.files, next, !keep && all.exports.length === 0 && all.logs.length === 0));
  else {
    for (const abs of inputs.files) {
      await next();
      out.push(lintFile(abs, display(abs), engine, options));
    }
  }
  for (const group of inputs.exports) {
    await next();
    pushAll(out, await lintBulk(group, display, engine, options, next, heavy));
  }
  const exportFolders = new Set(all.exports.map((group) => dirname(group[0]!)));
  for (const abs of inputs.logs) {
    const o = emptyOutcome(display(abs));
    // A log with no export beside it: the export's files are missing, and nothing was linted (an
    // error, as an input with no chart is).
    if (!exportFolders.has(dirname(abs))) {
      const message =
        'This is a Bulk Data export log: it holds no chart, and no file of the export it logs is in its folder (expected one or more charts).';
      o.findings.push(fileFinding(ENGINE_RULES.chartFormat, message));
    }
    out.push(o);
  }
  return out;
}

const ENTRY = /^\/entry\/(\d+)\/resource(\/.*)?$/;

/** Places findings on the files and lines their resources came from, and hands each to `found` with its file's number. */
function locate(
  unlocated: readonly UnlocatedFinding[],
  sources: readonly BulkSource[],
  outcomes: readonly FileOutcome[],
  found: BulkFindings,
): void {
  const locators = new Map<number, JsonLocator>();
  const place = (pointer: string): { source: BulkSource; inner: string; line: number; column: number } => {
    const m = ENTRY.exec(pointer);
    const k = m ? Number(m[1]) : 0;
    const source = sources[k] ?? sources[0]!;
    const inner = m?.[2] ?? '';
    let locator = locators.get(k);
    if (!locator) {
      locator = new JsonLocator(source.text, source.line);
      locators.set(k, locator);
    }
    return { source, inner, ...locator.locate(inner) };
  };
  for (const f of unlocated) {
    const at = place(f.pointer);
    const located = <T extends { pointer: string; file?: string }>(e: T): T => {
      const ep = place(e.pointer);
      const out = { ...e, pointer: ep.inner, line: ep.line, column: ep.column };
      if (ep.source.file !== at.source.file) out.file = outcomes[ep.source.file]!.file;
      return out;
    };
    const evidence = f.evidence.map(located);
    const query = f.query ? { ...f.query, indicators: f.query.indicators.map(located) } : undefined;
    found.add(at.source.file, toFinding({ ...f, pointer: at.inner, evidence, ...(query ? { query } : {}) }, at));
  }
}

/**
 * For `--redact`: the identifying strings of the patient's charts that its findings quote, kept
 * for each file the patient's resources (so its findings) stand in.
 */
function keepQuotedInExport(
  charts: readonly Chart[],
  unlocated: readonly UnlocatedFinding[],
  entries: readonly { resource: unknown }[],
  sources: readonly BulkSource[],
  outcomes: readonly FileOutcome[],
  known: KnownText | undefined,
): void {
  const found: Pick<FileOutcome, 'sensitive'> = {};
  keepQuoted(found, charts, unlocated, { entry: entries.map((e) => ({ resource: e.resource })) }, known);
  const kept = found.sensitive;
  if (!kept) return;
  for (const file of new Set(sources.map((s) => s.file))) {
    const outcome = outcomes[file]!;
    outcome.sensitive ??= new Map();
    // Groups of one chart id add to one list (copied at each, 2,000 groups took seconds).
    for (const [id, values] of kept) addTo(outcome.sensitive, id, values);
  }
}

/** The size of an export in bytes (a file that cannot be read counts nothing: the index reports it). */
function bytesOf(files: readonly string[]): number {
  let total = 0;
  for (const f of files) {
    try {
      total += statSync(f).size;
    } catch {
      // reported by the index
    }
  }
  return total;
}

/**
 * Where a patient's chart is linted when its resources are over `limit` characters: in a worker
 * thread, this one waiting, so that Ctrl-C is heard while tens of megabytes of notes are read.
 */
export interface HeavyCharts {
  limit: number;
  lint: (chart: Chart) => Promise<UnlocatedFinding[]>;
}

/** Patients between two checkpoints (Ctrl-C) of an export. */
const CHECK_EVERY = 1024;

/** Lints one Bulk Data export: one outcome per file. */
async function lintBulk(
  files: readonly string[],
  display: (abs: string) => string,
  engine: ChartLinter,
  options: LintFileOptions,
  checkpoint: () => Promise<void>,
  heavy?: HeavyCharts,
): Promise<FileOutcome[]> {
  const outcomes = files.map((f) => emptyOutcome(display(f)));
  const found = new BulkFindings(outcomes, bytesOf(files) >= streamThreshold());
  const map = options.conceptMap ?? defaultConceptMap();
  const index = new BulkIndex(files, options.maxFileSize, map);
  try {
    // A key given twice in a line (a problem with a pointer) is told with the chart that reads the
    // line, once a patient's resources are put together; the other problems stand for lines unread.
    const keysTwice = new Map<string, BulkProblem[]>();
    for (const p of index.problems) {
      if (p.pointer !== undefined) {
        const at = `${p.file}:${p.line}`;
        keysTwice.set(at, [...(keysTwice.get(at) ?? []), p]);
        continue;
      }
      found.add(p.file, {
        ruleId: p.ruleId,
        severity: p.severity,
        message: p.message,
        line: p.line,
        column: p.column,
        pointer: '',
        fingerprint: fingerprintOf({ ruleId: p.ruleId, pointer: '' }),
        evidence: [],
      });
    }
    for (const patient of index.patients()) {
      if (patient.id % CHECK_EVERY === CHECK_EVERY - 1) await checkpoint();
      const home = outcomes[patient.home]!;
      try {
        const { entries, sources, external, notRead, identifierCount } = index.assemble(patient);
        const adapted = limitNotes(adaptFhirEntries(entries, { map, where: 'export', external, notRead, identifierCount }));
        const unlocated: UnlocatedFinding[] = [...adapted.findings];
        home.charts += adapted.charts.length;
        const elsewhere = heavy && sources.reduce((n, s) => n + s.text.length, 0) > heavy.limit;
        for (const chart of adapted.charts) {
          home.encounters += chart.encounters.length;
          pushAll(unlocated, elsewhere ? await heavy.lint(chart) : engine.lint(chart, options.debug, options.queries !== false));
        }
        if (options.collectSensitive) keepQuotedInExport(adapted.charts, unlocated, entries, sources, outcomes, engine.knownText);
        locate(unlocated, sources, outcomes, found);
        if (keysTwice.size > 0) tellKeysTwice(keysTwice, sources, adapted.charts[0]?.chartId, found);
      } catch (err) {
        const first = index.locations(patient)[0]!;
        const f: Finding = {
          ruleId: ENGINE_RULES.internalError,
          severity: 'error',
          line: first.line,
          column: 1,
          pointer: '',
          fingerprint: fingerprintOf({ ruleId: ENGINE_RULES.internalError, pointer: patient.key }),
          evidence: [],
          message: `b12lint failed on the resources of ${patient.key}: ${err instanceof Error ? err.message : String(err)}`,
        };
        if (options.debug && err instanceof Error && err.stack) f.stack = err.stack;
        found.add(first.file, f);
      }
      await found.spill();
    }
    // Lines no chart read (left out, or of no patient): told all the same, standing for no chart.
    for (const twice of keysTwice.values()) for (const p of twice) found.add(p.file, keyFinding(p, undefined), false);
    if (outcomes.every((o) => o.charts === 0)) {
      // An export that gives no chart is an error, as a native file with no chart is (a failed
      // export must not pass a pre-billing gate), rather than "no problems in 0 charts".
      const message = `This Bulk Data export (${files.length === 1 ? '1 file' : `${files.length} files`}) holds no chart: no resource of it belongs to a patient (expected one or more charts).`;
      found.add(0, fileFinding(ENGINE_RULES.chartFormat, message));
    }
  } finally {
    index.close();
  }
  await found.finish();
  return outcomes;
}

/** The keys given twice in the lines a patient's chart read, told with its chart id (and then forgotten). */
function tellKeysTwice(
  keysTwice: Map<string, BulkProblem[]>,
  sources: readonly BulkSource[],
  chartId: string | undefined,
  found: BulkFindings,
): void {
  for (const src of sources) {
    const at = `${src.file}:${src.line}`;
    const twice = keysTwice.get(at);
    if (!twice) continue;
    keysTwice.delete(at);
    for (const p of twice) found.add(p.file, keyFinding(p, chartId));
  }
}

/** The finding of a key given twice in a line of the export, with the chart that read the line (if one did). */
function keyFinding(p: BulkProblem, chartId: string | undefined): Finding {
  const f: Finding = {
    ruleId: p.ruleId,
    severity: p.severity,
    message: p.message,
    line: p.line,
    column: p.column,
    pointer: p.pointer ?? '',
    fingerprint: fingerprintOf({ ruleId: p.ruleId, chartId, pointer: `@${p.line}${p.pointer ?? ''}` }),
    evidence: [],
  };
  if (chartId) f.chartId = chartId;
  return f;
}
