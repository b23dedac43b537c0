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
import type { ChartEntry, ChartSource, FileResult, Report } from './types.js';

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

/** Findings of these rules stand for the file or a line of it, never for a chart entry. */
function ownerless(f: Finding): boolean {
  return f.ruleId === ENGINE_RULES.parseError || f.ruleId === ENGINE_RULES.readError;
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
    if (ownerless(f)) return -1;
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

/** Charts passed by a StreamedOwners between two turns of its recent ids. */
const RECENT = 4096;

/**
 * ChartIndex's answers for a file whose chart entries are read in file order (a spool), asked for
 * findings in report order (by position), holding only a few thousand of them. Charts that start
 * at or before a finding are passed, remembering the last index of each pointer (a file has few
 * distinct pointers) and of each id among the last RECENT to 2 x RECENT charts: the last chart
 * with the finding's id, when it is among those, is the answer ChartIndex gives. Otherwise (its
 * chart is further back, later in the file, or not there) the answer is left open, and `rest`
 * settles those with one more reading of the entries, looking only at the ids left open.
 */
class StreamedOwners {
  private readonly it: Iterator<ChartEntry>;
  private next: IteratorResult<ChartEntry>;
  private passed = 0;
  private recent = new Map<string, number>();
  private older = new Map<string, number>();
  private readonly byPointer = new Map<string, number>();
  private open: Finding[] = [];

  constructor(private readonly charts: ChartSource) {
    this.it = charts.entries()[Symbol.iterator]();
    this.next = this.it.next();
  }

  /** The index of the finding's chart, -1, or undefined when it is settled by `rest`. */
  ownerOf(f: Finding): number | undefined {
    if (ownerless(f)) return -1;
    for (; !this.next.done && startsBefore(this.next.value, f); this.next = this.it.next()) this.pass(this.next.value);
    if (f.chartId !== undefined) {
      const i = this.recent.get(f.chartId) ?? this.older.get(f.chartId);
      if (i === undefined) this.open.push(f);
      return i;
    }
    let best = -1;
    for (const p of prefixes(f.pointer)) best = Math.max(best, this.byPointer.get(p) ?? -1);
    return best;
  }

  private pass(c: ChartEntry): void {
    const i = this.passed++;
    this.byPointer.set(c.pointer, i);
    if (c.chartId === undefined) return;
    if (this.recent.size >= RECENT) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(c.chartId, i);
  }

  /** The findings left open, each with the index ChartIndex gives it (once). */
  *rest(): Generator<[Finding, number]> {
    const open = this.open;
    this.open = [];
    if (open.length === 0) return;
    const ids = new Set(open.map((f) => f.chartId!));
    const some: ChartEntry[] = [];
    const at: number[] = [];
    let i = 0;
    for (const c of this.charts.entries()) {
      if (c.chartId !== undefined && ids.has(c.chartId)) {
        some.push(c);
        at.push(i);
      }
      i++;
    }
    // The index of only these charts answers as the whole file's does: a finding with an id looks at the charts with that id.
    const index = new ChartIndex(some);
    for (const f of open) {
      const k = index.ownerOf(f);
      yield [f, k < 0 ? -1 : at[k]!];
    }
  }
}

/** Chart indexes of one file, as bits (one buffer, cleared and reused from file to file). */
class IndexSet {
  private bits = new Uint8Array(1024);
  /** Indexes in the set. */
  size = 0;

  /** Empties the set, to hold indexes below `count`. */
  reset(count: number): void {
    const bytes = (count + 7) >> 3;
    if (bytes > this.bits.length) this.bits = new Uint8Array(Math.max(bytes, this.bits.length * 2));
    else this.bits.fill(0, 0, bytes);
    this.size = 0;
  }

  add(i: number): void {
    const bit = 1 << (i & 7);
    if ((this.bits[i >> 3]! & bit) === 0) {
      this.bits[i >> 3]! |= bit;
      this.size++;
    }
  }
}

/**
 * The place that a finding outside every chart entry and without a chart id stands for, as one
 * chart that was not linted: a line of NDJSON that could not be read (`@line`), the file itself
 * (one that cannot be read, or JSON or YAML that does not parse), or a place that could not be
 * read as a chart (`/pointer`). FlaggedCharts counts each once; whatever lints a file counts the
 * same places in its chart total (src/run/lint-file.ts, src/run/bulk-findings.ts), so the charts
 * with findings are never more than the charts.
 */
export function placeOf(f: Finding, ndjson: boolean): string {
  if (f.ruleId === ENGINE_RULES.parseError) return ndjson ? `@${f.line}` : 'file';
  if (f.ruleId === ENGINE_RULES.readError) return 'file';
  return `/${f.pointer}`;
}

/**
 * Counts the charts that have findings, a file at a time: the chart of a finding is a chart of its
 * file, a chart known by id across the run, or the file itself (one that cannot be read, or a JSON
 * or YAML file that does not parse, stands for one chart that was not linted; in NDJSON each
 * broken line is one). A file's own charts are forgotten once the next file starts, so findings
 * can come from a spool, in file order, without the report holding them; so can the chart
 * entries, given as a ChartSource (then the findings must come in report order).
 */
export class FlaggedCharts {
  private readonly byId = new Set<string>();
  private readonly inFile = new Set<string>();
  private readonly charts = new IndexSet();
  private done = 0;
  private file: FileResult | undefined;
  private source: ChartSource | undefined;
  /** The current file's chart finder, made at its first finding (most files have none). */
  private owners: ChartIndex | StreamedOwners | undefined;
  private ndjson = false;

  startFile(r: FileResult, source?: ChartSource): void {
    this.settle();
    this.done += this.inFile.size + this.charts.size;
    this.inFile.clear();
    this.charts.reset(0);
    this.file = r;
    this.source = source;
    this.owners = undefined;
  }

  add(f: Finding): void {
    if (!this.owners) {
      const charts = this.file?.charts ?? [];
      this.owners = this.source ? new StreamedOwners(this.source) : new ChartIndex(charts);
      this.charts.reset(this.source ? this.source.count : charts.length);
      this.ndjson = this.file !== undefined && formatOf(this.file.file) === 'ndjson';
    }
    const i = this.owners.ownerOf(f);
    if (i !== undefined) this.count(f, i);
  }

  private count(f: Finding, i: number): void {
    if (i >= 0) this.charts.add(i);
    else if (f.chartId !== undefined) this.byId.add(f.chartId);
    else this.inFile.add(placeOf(f, this.ndjson));
  }

  /** Counts the current file's findings whose chart was left open. */
  private settle(): void {
    if (this.owners instanceof StreamedOwners) for (const [f, i] of this.owners.rest()) this.count(f, i);
  }

  get size(): number {
    this.settle();
    return this.done + this.inFile.size + this.charts.size + this.byId.size;
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
