/**
 * SARIF 2.1.0 (OASIS), as GitHub code scanning and other SARIF viewers read it: one run whose
 * driver lists every active rule and the engine's own rules, and one result per finding with its
 * place (a URI from the repository root, line and column), a fingerprint that survives shifted
 * lines, and its evidence as related locations. No timestamps: the same report gives the same file.
 */
import { ENGINE_RULE_INFO, ENGINE_RULES, type Evidence, type Finding, type Severity } from '../finding.js';
import { findingIds, repoPath } from './identity.js';
import { describeEvidence } from './stylish.js';
import type { FormatOptions, Formatter, Report, RuleInfo } from './types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A rule id as SARIF's `name`, an identifier in PascalCase: `b12-injection-x` is `B12InjectionX`. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function toLevel(severity: string): 'error' | 'warning' | 'note' {
  return LEVEL[severity as Severity] ?? 'warning';
}

/** A path as a URI reference: each segment percent-encoded, `/` kept. */
export function pathToUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Rule docs are Markdown; SARIF's `text` members are plain text. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*(.+?)\*\*/gs, '$1');
}

function descriptor(r: RuleInfo): Record<string, unknown> {
  const d: Record<string, unknown> = {
    id: r.id,
    name: ruleName(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: plain(r.docs) || r.title },
    defaultConfiguration: { level: toLevel(r.severity) },
  };
  if (r.docs) d.help = { text: plain(r.docs), markdown: r.docs };
  return d;
}

function region(p: { line?: number; column?: number }): Record<string, number> | undefined {
  return p.line !== undefined && p.line > 0 ? { startLine: p.line, startColumn: Math.max(1, p.column ?? 1) } : undefined;
}

/**
 * A message as SARIF's plain text. There `[text](target)` is an embedded link that a viewer shows
 * and follows (3.11.6) and `{0}` a placeholder (3.11.5): chart text quoted in a message (a unit
 * written `[l](http://e)`) must be neither. So a backslash and the square brackets are escaped
 * with a backslash (a chart's `\[` is written `\\\[`: a backslash, then a bracket), and curly brackets
 * are doubled.
 */
export function plainText(text: string): string {
  return /[[\]{}\\]/.test(text) ? text.replace(/[[\]\\]/g, (c) => `\\${c}`).replace(/[{}]/g, (c) => c + c) : text;
}

function location(uri: string, p: { line?: number; column?: number }): Record<string, unknown> {
  const reg = region(p);
  return { physicalLocation: { artifactLocation: { uri }, ...(reg ? { region: reg } : {}) } };
}

function relatedLocations(uri: string, evidence: readonly Evidence[]): Record<string, unknown>[] {
  return evidence.map((e, id) => ({ id, ...location(uri, e), message: { text: plainText(describeEvidence(e)) } }));
}

/**
 * The parts of a SARIF log: the log around its results (`log`), the driver's rule index, and each
 * file's URI. The pure formatter below and the piece writer (src/report/stream-writer.ts) both
 * build the log from these, so that they write the same text.
 */
export function sarifParts(report: Report, options: FormatOptions) {
  const ruleset = options.rules ?? [];
  const rules = [...ruleset, ...ENGINE_RULE_INFO.filter((e) => !ruleset.some((r) => r.id === e.id))];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const descriptors = rules.map(descriptor);
  return {
    /** The log, its results as given; whether the run was successful is known only after them (a streamed file's findings). */
    log(results: unknown, internal: boolean): object {
      return {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: report.tool.name,
                version: report.tool.version,
                semanticVersion: report.tool.version,
                rules: descriptors,
              },
            },
            columnKind: 'utf16CodeUnits',
            results,
            invocations: [{ executionSuccessful: !internal }],
            // The config file the run used (as the JSON report names it): a reviewer sees which settings judged the charts.
            ...(report.config !== undefined ? { properties: { config: report.config } } : {}),
          },
        ],
      };
    },
    uri: (file: string): string => pathToUri(repoPath(file, options)),
    result: (f: Finding, uri: string, id: string): Record<string, unknown> => result(f, uri, index.get(f.ruleId), id),
  };
}

export const sarif: Formatter = (report, options) => {
  const parts = sarifParts(report, options);
  const ids = findingIds(report, options);
  const results: Record<string, unknown>[] = [];
  let internal = false;
  for (const r of report.results) {
    const uri = parts.uri(r.file);
    for (const f of r.findings) {
      if (f.ruleId === ENGINE_RULES.internalError) internal = true;
      results.push(parts.result(f, uri, ids.get(f)!));
    }
  }
  return `${JSON.stringify(parts.log(results, internal), null, 2)}\n`;
};

function result(f: Finding, uri: string, ruleIndex: number | undefined, id: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ruleId: f.ruleId };
  if (ruleIndex !== undefined) out.ruleIndex = ruleIndex;
  out.level = toLevel(f.severity);
  out.message = { text: plainText(f.message) };
  out.locations = [location(uri, f)];
  out.partialFingerprints = { 'b12lintFinding/v1': id };
  if (f.evidence.length) out.relatedLocations = relatedLocations(uri, f.evidence);
  const props: Record<string, string | number> = {};
  if (f.chartId !== undefined) props.chartId = f.chartId;
  if (f.encounterId !== undefined) props.encounterId = f.encounterId;
  if (f.moreEvidence) props.moreEvidence = f.moreEvidence; // related locations beyond those listed
  if (Object.keys(props).length) out.properties = props;
  return out;
}
