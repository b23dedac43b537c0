/**
 * The report of `b12lint test`, as a test runner prints it: each case passed (✓) or failed (✗),
 * and for a failed case what was expected (-) and what the rule found (+), then one summary line.
 * Names, messages and evidence come from the test charts: each line is made printable
 * (src/core/printable.ts), and the lines that start with a path or a rule id start with it shown safe.
 */
import type { Finding } from '../finding.js';
import { printable, shownPath } from '../core/printable.js';
import type { ExpectedFinding } from './cases.js';
import { describeEvidence, type CaseResult } from './tester.js';
import { pushAll } from '../core/arrays.js';

export interface TestSummary {
  ruleset: string;
  testsFile?: string;
  /** Rule ids of the ruleset, in order. */
  rules: readonly string[];
  results: readonly CaseResult[];
}

function actualLine(f: Finding, mark: string): string[] {
  return [
    `      ${mark} ${f.line}:${f.column}  ${f.severity}  ${f.message}`,
    ...f.evidence.map((e) => `          ↳ ${describeEvidence(Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'pointer')))}`),
    ...(f.query
      ? queryLines(
          f.query.question,
          f.query.options,
          f.query.indicators.map((i) => Object.fromEntries(Object.entries(i).filter(([k]) => k !== 'pointer'))),
        )
      : []),
  ];
}

function expectedLine(e: ExpectedFinding): string[] {
  const where = e.line !== undefined ? `${e.line}:${e.column ?? '*'}` : '*:*';
  return [
    `      - ${where}  ${e.severity ?? '*'}  ${e.message ?? '*'}`,
    ...(e.evidence ?? []).map((ev) => `          ↳ ${describeEvidence(ev)}`),
    ...(e.query ? queryLines(e.query.question ?? '*', e.query.options, e.query.indicators ?? []) : []),
  ];
}

function queryLines(question: string, options: readonly string[] | undefined, indicators: readonly Record<string, unknown>[]): string[] {
  return [
    `          ? ${question}`,
    ...indicators.map((i) => `            • ${describeEvidence(i)}`),
    ...(options ? [`            [${options.join(' | ')}]`] : []),
  ];
}

function details(r: CaseResult): string[] {
  const out = [`      ${r.reason}`];
  if (r.broken.length) return [...out, ...r.broken.flatMap((f) => actualLine(f, '!'))];
  if (r.case.kind === 'invalid') {
    if (r.case.expected) pushAll(out, r.case.expected.flatMap(expectedLine));
    else out.push(`      - a finding of ${r.case.ruleId}`);
  }
  pushAll(
    out,
    r.actual.flatMap((f) => actualLine(f, '+')),
  );
  return out;
}

export function formatTestReport(s: TestSummary): string {
  const lines: string[] = [`${shownPath(s.ruleset)}${s.testsFile ? ` (tests: ${s.testsFile})` : ''}`, ''];
  const byRule = new Map<string, CaseResult[]>();
  for (const r of s.results) byRule.set(r.case.ruleId, [...(byRule.get(r.case.ruleId) ?? []), r]);
  for (const id of s.rules) {
    const results = byRule.get(id);
    if (!results) continue;
    lines.push(shownPath(id));
    for (const r of results) {
      lines.push(`  ${r.passed ? '✓' : '✗'} ${r.case.kind}: ${r.case.name}${r.passed ? '' : `  (${r.case.where})`}`);
      if (!r.passed) pushAll(lines, details(r));
    }
    lines.push('');
  }
  const failed = s.results.filter((r) => !r.passed).length;
  const untested = s.rules.filter((id) => !byRule.has(id));
  if (untested.length) lines.push(`Rules with no tests: ${untested.join(', ')}`);
  lines.push(`Tests: ${s.results.length - failed} passed, ${failed} failed`);
  return `${lines.map(printable).join('\n')}\n`;
}
