/**
 * Findings of a streamed file, written out as they are produced: to a private temporary file
 * (one finding a line, in report order), not kept in memory, so a 1 GB export with hundreds of
 * thousands of findings lints in flat memory. The report stage either writes the formats that
 * can be written piece by piece straight from it (src/report/stream-writer.ts, through
 * `findingsOf`), or reads it back (readBackSpools) for those that need the whole report. The file holds what the report holds (patient data): it is created readable by
 * its owner only and removed when the run ends, whatever way it ends.
 */
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_RULES, type Finding, type Severity } from '../finding.js';
import { ndjsonLines } from '../read/ndjson-stream.js';
import type { FileResult, Report } from '../report/types.js';
import { compareFindings } from './lint-file.js';

const open = new Set<string>();
process.on('exit', () => {
  for (const p of open) rmSync(p, { force: true });
});

let serial = 0;

export class FindingSpool {
  count = 0;
  internalErrors = 0;
  readonly counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  /** Widest `line:column` by severity, for the stylish columns (with or without `--quiet`). */
  readonly posWidths: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  private readonly out: WriteStream;
  private largestLine = 0;

  constructor(readonly path = join(tmpdir(), `b12lint-${process.pid}-${++serial}.ndjson`)) {
    this.out = createWriteStream(path, { mode: 0o600 });
    open.add(path);
  }

  /** Appends findings (already in report order); waits when the disk is behind. */
  async append(findings: readonly Finding[]): Promise<void> {
    for (const f of findings) {
      const line = JSON.stringify(f);
      this.largestLine = Math.max(this.largestLine, line.length);
      this.count++;
      this.counts[f.severity]++;
      if (f.ruleId === ENGINE_RULES.internalError) this.internalErrors++;
      this.posWidths[f.severity] = Math.max(this.posWidths[f.severity], `${f.line}:${f.column}`.length);
      if (!this.out.write(`${line}\n`)) await once(this.out, 'drain');
    }
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }

  /** The findings, in the order they were appended. */
  async *read(): AsyncGenerator<Finding> {
    for await (const l of ndjsonLines(this.path, this.largestLine * 4 + 1024)) {
      if ('bytes' in l && l.bytes.length > 0) yield JSON.parse(l.bytes.toString('utf8')) as Finding;
    }
  }

  dispose(): void {
    rmSync(this.path, { force: true });
    open.delete(this.path);
  }
}

/**
 * The spool of a streamed file, found by the file's findings array (which then holds only the
 * findings added after streaming: chart ids repeated in other files). Keyed by the array, the
 * spool follows the findings from FileOutcome into the report without becoming part of either.
 */
const spools = new WeakMap<readonly Finding[], FindingSpool>();

export function attachSpool(findings: readonly Finding[], spool: FindingSpool): void {
  spools.set(findings, spool);
}

export function spoolOf(findings: readonly Finding[]): FindingSpool | undefined {
  return spools.get(findings);
}

/** Forgets a spool whose findings were read back into the array. */
function detachSpool(findings: readonly Finding[]): void {
  spools.delete(findings);
}

/** True when some file of the report has its findings in a spool. */
export function hasSpools(report: Report): boolean {
  return report.results.some((r) => spools.has(r.findings));
}

/** A streamed file's findings in report order: the spool merged with the findings added later. */
async function* merged(later: readonly Finding[], spool: FindingSpool): AsyncGenerator<Finding> {
  const rest = [...later].sort(compareFindings);
  let k = 0;
  for await (const f of spool.read()) {
    while (k < rest.length && compareFindings(rest[k]!, f) < 0) yield rest[k++]!;
    yield f;
  }
  while (k < rest.length) yield rest[k++]!;
}

/** A file's findings in report order, from its spool (merged with the later ones) or its array. */
export async function* findingsOf(r: FileResult): AsyncGenerator<Finding> {
  const spool = spoolOf(r.findings);
  if (spool) yield* merged(r.findings, spool);
  else yield* r.findings;
}

/**
 * How many of a file's findings have a severity in `keep`, and the widest `line:column` among
 * them, without reading a spool.
 */
export function findingsShape(r: FileResult, keep: ReadonlySet<Severity>): { count: number; posWidth: number; sevWidth: number } {
  let count = 0;
  let posWidth = 0;
  let sevWidth = 0;
  const spool = spoolOf(r.findings);
  for (const s of spool ? keep : []) {
    if (spool!.counts[s] === 0) continue;
    count += spool!.counts[s];
    posWidth = Math.max(posWidth, spool!.posWidths[s]);
    sevWidth = Math.max(sevWidth, s.length);
  }
  for (const f of r.findings) {
    if (!keep.has(f.severity)) continue;
    count++;
    posWidth = Math.max(posWidth, `${f.line}:${f.column}`.length);
    sevWidth = Math.max(sevWidth, f.severity.length);
  }
  return { count, posWidth, sevWidth };
}

/** Reads every spool of a report back into its findings array (then removes the spool). */
export async function readBackSpools(report: Report): Promise<void> {
  for (const r of report.results) {
    const spool = spoolOf(r.findings);
    if (!spool) continue;
    const all: Finding[] = [];
    for await (const f of merged(r.findings, spool)) all.push(f);
    r.findings.length = 0;
    for (const f of all) r.findings.push(f);
    detachSpool(r.findings);
    spool.dispose();
  }
}
