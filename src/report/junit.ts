/**
 * JUnit XML (the Ant schema that Jenkins, GitLab and most CI test tabs read): one testsuite per
 * file, one testcase per chart, and at most one <failure> per testcase holding all of that
 * chart's findings (an <error> when b12lint itself failed on it). A chart without an id is named
 * by its line; findings about the file itself (it cannot be read or parsed) are a testcase `(file)`.
 */
import { ENGINE_RULES, SEVERITY_RANK, type Finding } from '../finding.js';
import { ChartIndex } from './charts.js';
import { evidenceWords } from './stylish.js';
import type { FileResult, Formatter } from './types.js';

const FILE_CASE = '(file)';

/** Characters XML 1.0 cannot hold (C0 controls but tab and line ends, lone surrogates, U+FFFE/F). */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** An attribute value: line ends and tabs as character references, or XML would turn them into spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface Case {
  name: string;
  findings: Finding[];
}

/**
 * The file's test cases: `(file)` first when it has findings, then every chart in file order
 * (named by its id, else by its line), then charts known by id alone (FHIR).
 */
function casesOf(r: FileResult): Case[] {
  const fileCase: Case = { name: FILE_CASE, findings: [] };
  const charts = r.charts.map((c): Case => ({ name: c.chartId ?? `chart at line ${c.line}`, findings: [] }));
  const byId = new Map<string, Case>();
  const index = new ChartIndex(r.charts);
  for (const f of r.findings) {
    const i = index.ownerOf(f);
    if (i >= 0) charts[i]!.findings.push(f);
    else if (f.chartId === undefined) fileCase.findings.push(f);
    else {
      const c = byId.get(f.chartId) ?? { name: f.chartId, findings: [] };
      c.findings.push(f);
      byId.set(f.chartId, c);
    }
  }
  return [...(fileCase.findings.length ? [fileCase] : []), ...charts, ...byId.values()];
}

function findingText(f: Finding): string {
  const lines = [`${f.line}:${f.column}  ${f.severity}  ${f.message}  (${f.ruleId})`];
  for (const e of evidenceWords(f)) lines.push(`    ↳ ${e}`);
  return lines.join('\n');
}

function testcase(c: Case, classname: string): string {
  const open = `    <testcase name="${xmlAttr(c.name)}" classname="${xmlAttr(classname)}" time="0"`;
  if (c.findings.length === 0) return `${open}/>`;
  const internal = c.findings.some((f) => f.ruleId === ENGINE_RULES.internalError);
  const worst = c.findings.reduce((a, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[a.severity] ? f : a));
  const counts = (['error', 'warning', 'info'] as const)
    .map((s) => [s, c.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => plural(n, s));
  const message = `${plural(c.findings.length, 'problem')} (${counts.join(', ')}): ${[...new Set(c.findings.map((f) => f.ruleId))].join(', ')}`;
  const tag = internal ? 'error' : 'failure';
  const type = internal ? ENGINE_RULES.internalError : worst.severity;
  const body = c.findings.map(findingText).join('\n');
  return `${open}>\n      <${tag} message="${xmlAttr(message)}" type="${xmlAttr(type)}">${xmlText(body)}</${tag}>\n    </testcase>`;
}

/** The class name CI tabs group by: the file without its extension (dots would read as packages). */
function classNameOf(file: string): string {
  return file.replace(/\.[^./]*$/, '');
}

export const junit: Formatter = (report, options) => {
  const timestamp = options.timestamp ?? '1970-01-01T00:00:00';
  const hostname = options.hostname || 'localhost';
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  report.results.forEach((r, id) => {
    const cases = casesOf(r);
    const errors = cases.filter((c) => c.findings.some((f) => f.ruleId === ENGINE_RULES.internalError)).length;
    const failures = cases.filter((c) => c.findings.length > 0).length - errors;
    out.push(
      `  <testsuite package="${xmlAttr(report.tool.name)}" id="${id}" name="${xmlAttr(r.file)}" timestamp="${xmlAttr(timestamp)}" hostname="${xmlAttr(hostname)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="0">`,
    );
    out.push('    <properties>');
    out.push(`      <property name="ruleset" value="${xmlAttr(report.ruleset.name)}"/>`);
    out.push(`      <property name="b12lint.version" value="${xmlAttr(report.tool.version)}"/>`);
    out.push('    </properties>');
    for (const c of cases) out.push(testcase(c, classNameOf(r.file)));
    out.push('    <system-out/>', '    <system-err/>', '  </testsuite>');
  });
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
};
