/**
 * Which chart a finding belongs to, from the report alone, so that runs, baselines, `--quiet` and
 * `merge` count "charts with findings" alike. A finding with a chart id belongs to the chart of
 * its file with that id that starts last before it (a file may repeat an id); a FHIR chart,
 * spread over its document or over the files of a Bulk export, has no entry and is known by its
 * id across the run. A finding without an id belongs to the last chart before it whose pointer
 * is a prefix of its own (a chart without an id, or a place that could not be read as a chart);
 * documents of one file (YAML `---`, NDJSON lines) each start after the one before.
 */
import { ENGINE_RULES, type Finding } from '../finding.js';
import { formatOf } from '../read/parse.js';
import type { ChartEntry, FileResult, Report } from './types.js';

function startsBefore(c: ChartEntry, f: Finding): boolean {
  return c.line < f.line || (c.line === f.line && c.column <= f.column);
}

/** The JSON pointers a chart holding this pointer may have: '', '/a', '/a/b', ... */
function prefixes(pointer: string): string[] {
  const out = [''];
  for (let i = pointer.indexOf('/', 1); i > 0; i = pointer.indexOf('/', i + 1)) out.push(pointer.slice(0, i));
  if (pointer !== '') out.push(pointer);
  return out;
}

/** Indexes of charts by key; a key of one chart (most ids) keeps a number, not an array, so a file of many charts costs less. */
type Lists = Map<string, number | number[]>;

function add(map: Lists, key: string, i: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, i);
  else if (typeof list === 'number') map.set(key, [list, i]);
  else list.push(i);
}

function listOf(map: Lists, key: string): readonly number[] | undefined {
  const list = map.get(key);
  return typeof list === 'number' ? [list] : list;
}

/**
 * The charts of one file, indexed by id and by pointer, so that a file of many charts costs no
 * more per finding. Each index is made when first asked for (most findings carry a chart id, so
 * the pointer index is seldom needed).
 */
export class ChartIndex {
  private ids: Lists | undefined;
  private pointers: Lists | undefined;

  constructor(private readonly charts: readonly ChartEntry[]) {}

  private get byId(): Lists {
    if (!this.ids) {
      this.ids = new Map();
      for (let i = 0; i < this.charts.length; i++) {
        const id = this.charts[i]!.chartId;
        if (id !== undefined) add(this.ids, id, i);
      }
    }
    return this.ids;
  }

  private get byPointer(): Lists {
    if (!this.pointers) {
      this.pointers = new Map();
      for (let i = 0; i < this.charts.length; i++) add(this.pointers, this.charts[i]!.pointer, i);
    }
    return this.pointers;
  }

  /** The last of `list` (indexes in file order) that starts at or before the finding, or -1. */
  private lastBefore(list: readonly number[], f: Finding): number {
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (startsBefore(this.charts[list[mid]!]!, f)) {
        found = list[mid]!;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The index of the finding's chart, or -1 (a chart known by id alone, or the file itself). */
  ownerOf(f: Finding): number {
    if (f.ruleId === ENGINE_RULES.parseError || f.ruleId === ENGINE_RULES.readError) return -1;
    if (f.chartId !== undefined) {
      const list = listOf(this.byId, f.chartId);
      if (!list) return -1;
      const i = this.lastBefore(list, f);
      return i >= 0 ? i : list[0]!;
    }
    let best = -1;
    for (const p of prefixes(f.pointer)) {
      const list = listOf(this.byPointer, p);
      if (list) best = Math.max(best, this.lastBefore(list, f));
    }
    return best;
  }
}

/**
 * Counts the charts that have findings, a file at a time: the chart of a finding is a chart of its
 * file, a chart known by id across the run, or the file itself (one that cannot be read, or a JSON
 * or YAML file that does not parse, stands for one chart that was not linted; in NDJSON each
 * broken line is one). A file's own charts are forgotten once the next file starts, so findings
 * can come from a spool, in file order, without the report holding them.
 */
export class FlaggedCharts {
  private readonly byId = new Set<string>();
  private readonly inFile = new Set<number | string>();
  private done = 0;
  private file: FileResult | undefined;
  /** The current file's chart index, made at its first finding (most files have none). */
  private index: ChartIndex | undefined;
  private ndjson = false;

  startFile(r: FileResult): void {
    this.done += this.inFile.size;
    this.inFile.clear();
    this.file = r;
    this.index = undefined;
  }

  add(f: Finding): void {
    if (!this.index) {
      this.index = new ChartIndex(this.file?.charts ?? []);
      this.ndjson = this.file !== undefined && formatOf(this.file.file) === 'ndjson';
    }
    const i = this.index.ownerOf(f);
    if (i >= 0) this.inFile.add(i);
    else if (f.chartId !== undefined) this.byId.add(f.chartId);
    else if (f.ruleId === ENGINE_RULES.parseError) this.inFile.add(this.ndjson ? `@${f.line}` : 'file');
    else if (f.ruleId === ENGINE_RULES.readError) this.inFile.add('file');
    else this.inFile.add(`/${f.pointer}`);
  }

  get size(): number {
    return this.done + this.inFile.size + this.byId.size;
  }
}

export function chartsWithFindings(report: Report): number {
  const flagged = new FlaggedCharts();
  for (const r of report.results) {
    if (r.findings.length === 0) continue; // nothing to count (a report's spools are read back by now)
    flagged.startFile(r);
    for (const f of r.findings) flagged.add(f);
  }
  return flagged.size;
}
