/**
 * `b12lint merge`: the JSON reports of the n shards of a run (`--shard i/n`) become the report the
 * whole run would have given, byte for byte. Each shard checked chart ids only among its own
 * files; merge takes those checks back and checks the ids across every file, as a run does.
 * It refuses reports that cannot add up to one run: a missing or repeated shard, another
 * ruleset or b12lint version or build, a file in two shards, a shard already filtered by a baseline.
 *
 * A shard report is a file b12lint did not necessarily write (a CI artifact anyone with the
 * pipeline's rights could replace), so nothing of it is trusted before it is checked: it must be
 * valid for the JSON report schema (schemas/report.schema.json: severities, whole-number
 * positions, no unknown keys), its summary must count its findings, and every finding must be
 * of a rule the merge's ruleset runs, at that rule's severity. A report that is not is refused
 * by name and reason (exit 2): a tampered shard can never be merged with a severity no format
 * knows, counted as less than it is, or written raw into a format. (A shard that leaves findings
 * out cannot be told from one that had none: docs/security.md.)
 */
import { ENGINE_RULES, type Severity } from '../finding.js';
import { farTooDeep, jsonProblem } from '../read/parse.js';
import { countSeverities } from '../report/filter.js';
import type { FileResult, Report } from '../report/types.js';
import { schemaProblems } from '../rules/schema-check.js';
import { assembleReport, duplicateChartIds } from './run.js';
import { pushAll } from '../core/arrays.js';

export class MergeError extends Error {}

export interface ShardReport {
  /** The report file's name, for messages. */
  name: string;
  report: Report;
}

/** What merge knows of its ruleset: its fingerprint, and the severity of each rule it runs. */
export interface MergeRuleset {
  fingerprint: string;
  severities: ReadonlyMap<string, Severity>;
}

/** A JSON pointer as messages show it. */
function pointer(path: readonly (string | number)[]): string {
  return `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/** Parses one shard report and checks it against the report schema and its own summary. */
export function parseShardReport(text: string, name: string): ShardReport {
  const far = farTooDeep(text);
  if (far)
    throw new MergeError(
      `${name} is not a b12lint JSON report: ${far.message.replace(/^\w+ JSON: /, '')} (line ${far.line}, column ${far.column})`,
    );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // The reason in words and the place; never the text (the file may be anything: never echo it).
    const p = jsonProblem(text, err);
    throw new MergeError(`${name} is not JSON: ${p.message.replace(/^\w+ JSON: /, '')} (line ${p.line}, column ${p.column})`);
  }
  const r = data as Partial<Report> | null;
  if (typeof r !== 'object' || r === null || Array.isArray(r) || (r.tool as { name?: unknown } | undefined)?.name !== 'b12lint') {
    throw new MergeError(`${name} is not a b12lint JSON report (--format json)`);
  }
  const problems = schemaProblems('report', data);
  if (problems.length) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new MergeError(`${name} is not a valid b12lint JSON report: at ${pointer(first.path)}, ${first.message}${more}`);
  }
  const report = data as Report;
  if (!report.shard) throw new MergeError(`${name} is not the report of a sharded run (--shard i/n)`);
  if (report.shard.index > report.shard.total)
    throw new MergeError(`${name} says it is shard ${report.shard.index} of ${report.shard.total}, which does not exist`);
  if (report.summary.baseline)
    throw new MergeError(`${name} was filtered by a baseline; lint the shards without --baseline and give it to merge`);
  const counts = countSeverities(report.results);
  const s = report.summary;
  if (counts.errors !== s.errors || counts.warnings !== s.warnings || counts.infos !== s.infos) {
    throw new MergeError(
      `${name} does not add up: its summary counts ${s.errors}/${s.warnings}/${s.infos} errors/warnings/infos, its findings ${counts.errors}/${counts.warnings}/${counts.infos}`,
    );
  }
  return { name, report };
}

const ENGINE_RULE_IDS: ReadonlySet<string> = new Set(Object.values(ENGINE_RULES));

/** Every finding of the shard is of a rule the ruleset runs, at that rule's severity (the engine's own rules at any). */
function checkRules({ name, report }: ShardReport, ruleset: MergeRuleset): void {
  for (const r of report.results) {
    for (const f of r.findings) {
      if (ENGINE_RULE_IDS.has(f.ruleId)) continue;
      const severity = ruleset.severities.get(f.ruleId);
      if (severity === undefined)
        throw new MergeError(`${name} has a finding of rule "${f.ruleId}" in ${r.file}, which the ruleset does not run`);
      if (f.severity !== severity)
        throw new MergeError(
          `${name} has a finding of ${f.ruleId} in ${r.file} at severity ${f.severity}, but the rule's severity is ${severity}`,
        );
    }
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Merges the shards of one run. `ruleset` is the one merge itself set up (it describes the rules
 * in SARIF): it must be the one the shards ran; `config`, the config file merge used, is the one
 * the merged report names.
 */
export function mergeReports(shards: readonly ShardReport[], ruleset: MergeRuleset, config?: string): Report {
  if (shards.length === 0) throw new MergeError('no reports to merge');
  const [first] = shards;
  const head = first!.report;
  const total = head.shard!.total;
  const seen = new Map<number, string>();
  for (const { name, report } of shards) {
    const s = report.shard!;
    if (s.total !== total) throw new MergeError(`${name} is shard ${s.index}/${s.total}, but ${first!.name} is of ${total} shards`);
    if (!same(report.tool, head.tool) || !same(report.ruleset, head.ruleset) || s.ruleset !== head.shard!.ruleset) {
      throw new MergeError(`${name} was made by another b12lint version or build, ruleset or config than ${first!.name}`);
    }
    const other = seen.get(s.index);
    if (other !== undefined) throw new MergeError(`${name} and ${other} are both shard ${s.index}/${total}`);
    seen.set(s.index, name);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length)
    throw new MergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: merge needs every shard of the run`,
    );
  if (head.shard!.ruleset !== ruleset.fingerprint) {
    throw new MergeError(
      `the shards were linted with another ruleset, config or build of b12lint (${head.ruleset.name}); give merge the same --ruleset, --config and --icd10 options, and run it with the build that linted them`,
    );
  }
  for (const shard of shards) checkRules(shard, ruleset);

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
    pushAll(results, own);
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
    // Each found finding takes out the first of the file's findings written the same way: counted by
    // text, then one pass over the file's findings (not a search and a splice for each).
    const left = new Map<string, number>();
    for (const f of found) {
      const text = JSON.stringify(f);
      left.set(text, (left.get(text) ?? 0) + 1);
    }
    r.findings = r.findings.filter((x) => {
      if (x.ruleId !== ENGINE_RULES.chartFormat) return true; // a repeated id is a chart-format finding
      const text = JSON.stringify(x);
      const n = left.get(text) ?? 0;
      if (n === 0) return true;
      left.set(text, n - 1);
      return false;
    });
  }
  return copies;
}
