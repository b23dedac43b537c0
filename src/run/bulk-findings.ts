/**
 * The findings of a Bulk Data export's files, put in report order. A Bulk export is linted a
 * patient at a time, so a file's findings come in patient order, not in line order. A small export
 * keeps them in memory and sorts each file's at the end, as any file's are. A large one spools
 * them (an external merge sort): each file's findings are buffered, and when the buffers hold
 * BUFFERED findings in all, each is sorted and written out as a run (a FindingSpool, private and
 * removed at exit), or added to the file's last run when it all comes after it (so an export
 * whose files hold their patients in the same order yields one run a file). At the end each file's runs are
 * merged into one spool, which the report stage reads (src/cli/finish.ts). Ties keep the order the
 * findings came in (runs are consecutive, merged earliest first), so the order is exactly the one
 * of a stable sort in memory.
 */
import type { Finding } from '../finding.js';
import { placeOf } from '../report/charts.js';
import { compareFindings, type FileOutcome } from './lint-file.js';
import { attachSpool, FindingSpool } from './spool.js';

/** Findings buffered across the files before they are written out as runs. */
const BUFFERED = 8192;

/** Runs merged at once: each one read holds a read buffer. */
const FAN_IN = 16;

interface SpooledFile {
  buffer: Finding[];
  /** Runs, in the order their findings came; only the last is open. */
  runs: FindingSpool[];
  /** The last finding of the last run. */
  last?: Finding;
}

export class BulkFindings {
  private readonly files: SpooledFile[];
  private held = 0;
  /**
   * Each file's places outside every patient's chart that have findings (an unreadable line, a
   * resource that names no patient, the file itself): each stands for a chart that was not linted,
   * as a broken line of native NDJSON does, and joins the file's chart total at `finish`. The
   * summary counts charts with findings from the report alone (src/report/charts.ts), where these
   * count as charts: without them in the total, it said "in 3 of 2 charts".
   */
  private readonly places: Set<string>[];

  /** `buffered`: findings held in all before runs are written (BUFFERED; a test sets fewer). */
  constructor(
    private readonly outcomes: readonly FileOutcome[],
    private readonly spooled: boolean,
    private readonly buffered = BUFFERED,
  ) {
    this.files = outcomes.map(() => ({ buffer: [], runs: [] }));
    this.places = outcomes.map(() => new Set());
  }

  /** A finding of the export's file number `file`, in the order produced; one without a chart id stands for a chart left unread unless `unread` is false. */
  add(file: number, f: Finding, unread = true): void {
    if (unread && f.chartId === undefined) this.places[file]!.add(placeOf(f, true));
    if (!this.spooled) {
      this.outcomes[file]!.findings.push(f);
      return;
    }
    this.files[file]!.buffer.push(f);
    this.held++;
  }

  /** Writes the buffers out as runs once they hold enough findings. */
  async spill(): Promise<void> {
    if (this.held < this.buffered) return;
    for (const file of this.files) await this.flush(file);
    this.held = 0;
  }

  /** Puts every file's findings in report order: sorted in memory, or merged into one spool attached to the file. */
  async finish(): Promise<void> {
    for (const [i, places] of this.places.entries()) this.outcomes[i]!.charts += places.size;
    if (!this.spooled) {
      for (const o of this.outcomes) o.findings.sort(compareFindings);
      return;
    }
    for (const [i, file] of this.files.entries()) {
      await this.flush(file);
      let runs = file.runs;
      if (runs.length === 0) continue;
      await runs[runs.length - 1]!.close();
      while (runs.length > 1) {
        const merged: FindingSpool[] = [];
        for (let k = 0; k < runs.length; k += FAN_IN) merged.push(await mergeRuns(runs.slice(k, k + FAN_IN)));
        runs = merged;
      }
      attachSpool(this.outcomes[i]!.findings, runs[0]!);
    }
  }

  private async flush(file: SpooledFile): Promise<void> {
    if (file.buffer.length === 0) return;
    const sorted = file.buffer.sort(compareFindings);
    file.buffer = [];
    const open = file.runs[file.runs.length - 1];
    if (open && compareFindings(file.last!, sorted[0]!) <= 0) await open.append(sorted);
    else {
      await open?.close();
      const run = new FindingSpool();
      file.runs.push(run);
      await run.append(sorted);
    }
    file.last = sorted[sorted.length - 1];
  }
}

/** Merges closed runs (consecutive, earliest first) into one closed spool, and removes them. */
async function mergeRuns(runs: readonly FindingSpool[]): Promise<FindingSpool> {
  if (runs.length === 1) return runs[0]!;
  const out = new FindingSpool();
  const readers = runs.map((r) => r.read());
  const pull = async (k: number): Promise<Finding | undefined> => {
    const next = await readers[k]!.next();
    return next.done ? undefined : next.value;
  };
  const heads: (Finding | undefined)[] = [];
  for (let k = 0; k < readers.length; k++) heads.push(await pull(k));
  for (;;) {
    let k = -1;
    for (let j = 0; j < heads.length; j++) {
      if (heads[j] !== undefined && (k < 0 || compareFindings(heads[j]!, heads[k]!) < 0)) k = j;
    }
    if (k < 0) break;
    await out.append([heads[k]!]);
    heads[k] = await pull(k);
  }
  await out.close();
  for (const r of runs) r.dispose();
  return out;
}
