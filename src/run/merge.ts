/**
 * `b12lint merge`: the JSON reports of the n shards of a run (`--shard i/n`) become the report the
 * whole run would have given, byte for byte. Each shard checked chart ids only among its own
 * files; merge takes those checks back and checks the ids across every file, as a run does.
 * It refuses reports that cannot add up to one run: a missing or repeated shard, another
 * ruleset or b12lint version, a file in two shards, a shard already filtered by a baseline.
 */
import type { FileResult, Report } from '../report/types.js';
import { assembleReport, duplicateChartIds } from './run.js';

export class MergeError extends Error {}

export interface ShardReport {
  /** The report file's name, for messages. */
  name: string;
  report: Report;
}

/** Parses one shard report, checking the members merge relies on. */
export function parseShardReport(text: string, name: string): ShardReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new MergeError(`${name} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const r = data as Partial<Report>;
  const ok = typeof r === 'object' && r !== null && r.tool?.name === 'b12lint' && typeof r.summary === 'object' &&
    Array.isArray(r.results) && r.results.every((x) => typeof x?.file === 'string' && Array.isArray(x.findings) && Array.isArray(x.charts));
  if (!ok) throw new MergeError(`${name} is not a b12lint JSON report (--format json) of this version`);
  if (!r.shard) throw new MergeError(`${name} is not the report of a sharded run (--shard i/n)`);
  if (r.summary!.baseline) throw new MergeError(`${name} was filtered by a baseline; lint the shards without --baseline and give it to merge`);
  return { name, report: r as Report };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Merges the shards of one run. `rulesetFingerprint` is that of the ruleset merge itself set up
 * (it describes the rules in SARIF): it must be the one the shards ran; `config`, the config file
 * merge used, is the one the merged report names.
 */
export function mergeReports(shards: readonly ShardReport[], rulesetFingerprint: string, config?: string): Report {
  if (shards.length === 0) throw new MergeError('no reports to merge');
  const [first] = shards;
  const head = first!.report;
  const total = head.shard!.total;
  const seen = new Map<number, string>();
  for (const { name, report } of shards) {
    const s = report.shard!;
    if (s.total !== total) throw new MergeError(`${name} is shard ${s.index}/${s.total}, but ${first!.name} is of ${total} shards`);
    if (!same(report.tool, head.tool) || !same(report.ruleset, head.ruleset) || s.ruleset !== head.shard!.ruleset) {
      throw new MergeError(`${name} was made by another b12lint version, ruleset or config than ${first!.name}`);
    }
    const other = seen.get(s.index);
    if (other !== undefined) throw new MergeError(`${name} and ${other} are both shard ${s.index}/${total}`);
    seen.set(s.index, name);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: merge needs every shard of the run`);
  if (head.shard!.ruleset !== rulesetFingerprint) {
    throw new MergeError(`the shards were linted with another ruleset or config (${head.ruleset.name}); give merge the same --ruleset, --config and --icd10 options`);
  }

  const files = new Map<string, string>();
  const results: FileResult[] = [];
  const totals = { files: 0, charts: 0, encounters: 0 };
  for (const { name, report } of shards) {
    const own = withoutShardDuplicates(report.results);
    for (const r of own) {
      const other = files.get(r.file);
      if (other !== undefined) throw new MergeError(`${r.file} is in both ${other} and ${name}`);
      files.set(r.file, name);
    }
    results.push(...own);
    totals.files += report.summary.files;
    totals.charts += report.summary.charts;
    totals.encounters += report.summary.encounters;
  }
  return assembleReport({ tool: head.tool, ruleset: head.ruleset, ...(config !== undefined ? { config } : {}) }, totals, results);
}

/** The shard's results without the repeated-chart-id findings it made among its own files. */
function withoutShardDuplicates(results: readonly FileResult[]): FileResult[] {
  const copies = results.map((r) => ({ ...r, findings: [...r.findings] }));
  for (const [r, found] of duplicateChartIds(copies)) {
    for (const f of found) {
      const text = JSON.stringify(f);
      const i = r.findings.findIndex((x) => JSON.stringify(x) === text);
      if (i >= 0) r.findings.splice(i, 1);
    }
  }
  return copies;
}
