/**
 * Baselines: a team adopting b12lint records today's findings (`--update-baseline`) and from
 * then on is told, and fails, only on new ones (`--baseline`). A finding is remembered by its
 * file and fingerprint (rule, chart id, encounter id and the subject's code and date; never the
 * line), so the baseline survives an export that shifts lines. Entries no finding matches any
 * more are reported as fixed; `--baseline-prune` drops them.
 *
 * Scope: a run judges only the entries of the files it linted, and of files that no longer exist
 * (in a sharded run, those whose path falls in its shard); the entries of other files are kept as
 * they are. Files that cannot be read or parsed, the parts of a file that were not read, and
 * b12lint's own failures, are never baselined: they would hide what was not read.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_MAX_FILE_SIZE, readSideInput, SideInputError } from '../read/bounded.js';
import { farTooDeep } from '../read/parse.js';
import { resolve } from 'node:path';
import { ENGINE_RULES } from '../finding.js';
import { keepFindings } from '../report/filter.js';
import { identityKey } from '../report/identity.js';
import type { BaselineEntry, Report } from '../report/types.js';
import { inShard, type Shard } from './shard.js';

export const DEFAULT_BASELINE = 'b12lint-baseline.json';
const FORMAT_VERSION = 1;
const NEVER_BASELINED: ReadonlySet<string> = new Set([ENGINE_RULES.parseError, ENGINE_RULES.readError, ENGINE_RULES.internalError]);

/**
 * `chart-format` findings that say part of a file was not read: a chart not evaluated (a list
 * over the bound), the value a key given twice shadowed, what a YAML merge key would bring in, an
 * empty file, a note cut at its bound, findings beyond a file's budget. Baselined, one would hide
 * whatever the unread part comes to hold (a security review: a baselined duplicate key hid claim
 * lines added to the list it shadows, and a file that later came in empty). Their messages are
 * b12lint's own (src/run/lint-file.ts, src/read/parse.ts, src/chart/note-limit.ts).
 */
const UNREAD: readonly RegExp[] = [
  /^The chart was not evaluated: /,
  /^Duplicate key: /,
  /^[\d,]+ more keys given twice are not listed\.$/,
  /^YAML merge key `<<`: /,
  /^The file is empty: /,
  /^The note is [\d,]+ characters long: only its first /,
  /^[\d,]+ more findings in this file are not listed: /,
];

/** A finding a baseline never records nor hides: the file, or a part of it, was not read. */
function neverBaselined(f: { ruleId: string; message: string }): boolean {
  return NEVER_BASELINED.has(f.ruleId) || (f.ruleId === ENGINE_RULES.chartFormat && UNREAD.some((re) => re.test(f.message)));
}

export class BaselineError extends Error {}

const keyOf = (e: BaselineEntry): string => identityKey(e.file, e.fingerprint);

function isEntry(v: unknown): v is BaselineEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  const optional = (k: string): boolean => e[k] === undefined || typeof e[k] === 'string';
  return (
    typeof e.file === 'string' &&
    typeof e.ruleId === 'string' &&
    typeof e.fingerprint === 'string' &&
    optional('chartId') &&
    optional('encounterId')
  );
}

/**
 * Reads a baseline file, under the size limit of chart files (a regular file only: never a pipe
 * or device read without end); anything that is not a baseline is a BaselineError naming the file.
 */
export function readBaseline(path: string, shown: string, maxSize = DEFAULT_MAX_FILE_SIZE): BaselineEntry[] {
  if (!existsSync(path)) throw new BaselineError(`no baseline file "${shown}": create it with --update-baseline`);
  let text: string;
  try {
    text = readSideInput(path, maxSize);
  } catch (err) {
    if (!(err instanceof SideInputError)) throw err;
    throw new BaselineError(`cannot read the baseline "${shown}": ${err.message}`);
  }
  let data: unknown;
  try {
    data = farTooDeep(text) ? undefined : JSON.parse(text); // nested too far to be one: not parsed at all
  } catch {
    data = undefined; // never quoted: the parser's message shows the file's first characters
  }
  const d = data as { b12lintBaseline?: unknown; findings?: unknown };
  if (typeof d !== 'object' || d === null || d.b12lintBaseline !== FORMAT_VERSION || !Array.isArray(d.findings)) {
    throw new BaselineError(`"${shown}" is not a b12lint baseline (version ${FORMAT_VERSION}); write a new one with --update-baseline`);
  }
  const bad = d.findings.findIndex((e) => !isEntry(e));
  if (bad >= 0) throw new BaselineError(`"${shown}": entry ${bad + 1} is not a finding (file, ruleId and fingerprint are required)`);
  return d.findings as BaselineEntry[];
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  for (const k of ['file', 'chartId', 'encounterId', 'ruleId', 'fingerprint'] as const) {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The baseline file: sorted, one entry a line, so that a review sees each finding come and go. */
export function serializeBaseline(entries: readonly BaselineEntry[]): string {
  const lines = [...entries].sort(compareEntries).map((e) => `    ${JSON.stringify(e)}`);
  return `{\n  "b12lintBaseline": ${FORMAT_VERSION},\n  "findings": [${lines.length ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

/** The report's findings as baseline entries (what `--update-baseline` records). */
export function entriesOf(report: Report): BaselineEntry[] {
  return report.results.flatMap((r) =>
    r.findings
      .filter((f) => !neverBaselined(f))
      .map((f) => {
        const e: BaselineEntry = { file: r.file } as BaselineEntry;
        if (f.chartId !== undefined) e.chartId = f.chartId;
        if (f.encounterId !== undefined) e.encounterId = f.encounterId;
        e.ruleId = f.ruleId;
        e.fingerprint = f.fingerprint;
        return e;
      }),
  );
}

/** Which baseline entries a run may judge (see the header). */
export function baselineScope(report: Report, cwd: string, shard?: Shard): (file: string) => boolean {
  const linted = new Set(report.results.map((r) => r.file));
  return (file) => linted.has(file) || (!existsSync(resolve(cwd, file)) && (!shard || inShard(file, shard)));
}

/**
 * The report without the findings the baseline knows (each entry matches one finding), with
 * `summary.baseline` telling how many were left out and which entries no finding matched.
 */
export function applyBaseline(
  report: Report,
  entries: readonly BaselineEntry[],
  inScope: (file: string) => boolean,
  shownPath: string,
): Report {
  const remaining = new Map<string, number>();
  const judged = entries.filter((e) => inScope(e.file));
  for (const e of judged) remaining.set(keyOf(e), (remaining.get(keyOf(e)) ?? 0) + 1);
  let suppressed = 0;
  const filtered = keepFindings(report, (f, file) => {
    if (neverBaselined(f)) return true;
    const k = identityKey(file, f.fingerprint);
    const n = remaining.get(k) ?? 0;
    if (n === 0) return true;
    remaining.set(k, n - 1);
    suppressed++;
    return false;
  });
  const fixed = judged
    .filter((e) => {
      const n = remaining.get(keyOf(e)) ?? 0;
      if (n > 0) remaining.set(keyOf(e), n - 1);
      return n > 0;
    })
    .sort(compareEntries);
  return { ...filtered, summary: { ...filtered.summary, baseline: { file: shownPath, suppressed, fixed } } };
}

/** `--update-baseline`: the entries outside the run's scope as they were, and the run's findings. */
export function updatedBaseline(old: readonly BaselineEntry[], report: Report, inScope: (file: string) => boolean): BaselineEntry[] {
  return [...old.filter((e) => !inScope(e.file)), ...entriesOf(report)];
}

/** `--baseline-prune`: the baseline without the entries reported fixed. */
export function prunedBaseline(old: readonly BaselineEntry[], fixed: readonly BaselineEntry[]): BaselineEntry[] {
  const drop = new Map<string, number>();
  for (const e of fixed) drop.set(keyOf(e), (drop.get(keyOf(e)) ?? 0) + 1);
  return old.filter((e) => {
    const n = drop.get(keyOf(e)) ?? 0;
    if (n > 0) drop.set(keyOf(e), n - 1);
    return n === 0;
  });
}
