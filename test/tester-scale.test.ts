/**
 * `b12lint test` over tests files of many cases: each case's chart is its own text (with the
 * file's line numbers), not the file up to it, and the excerpts of a file of many charts are
 * found in one pass. Both once cost the square of the number of cases (1,000 cases: 40 s and
 * 4 GB; 44 s). Work and size are counted, not time.
 */
import { jest } from '@jest/globals';
import { parseDocument, type Node } from 'yaml';
import { collectCases } from '../src/authoring/cases.js';
import { loadSuite } from '../src/authoring/test-command.js';
import { runCases } from '../src/authoring/tester.js';
import { yamlNodeAt } from '../src/read/yaml-locate.js';
import { Problems } from '../src/read/problems.js';
import { loadDefinitions } from '../src/rules/load.js';
import { scratch } from './helpers/scratch.js';

const RULESET = `ruleset: t
extends: b12lint:recommended
rules:
  - id: own
    severity: warning
    title: t
    on: service
    match: { code: J3420 }
    when: { diagnosis: { linked: true, code: I10 } }
    message: m
    docs: d
`;

const chart = (i: number): string =>
  `chartId: C${i}\nencounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{code: D51.0}]\n    services: [{code: J3420, diagnoses: [D51.0]}]\n`;

function suite(tests: string, files: Record<string, string> = {}) {
  const s = scratch();
  s.write('r.yaml', RULESET);
  s.write('r.tests.yaml', tests);
  for (const [name, text] of Object.entries(files)) s.write(name, text);
  const problems = new Problems();
  const defs = loadDefinitions(`${s.dir}/r.yaml`, problems, s.dir);
  return { s, problems, cases: () => collectCases(defs, `${s.dir}/r.yaml`, `${s.dir}/r.tests.yaml`, problems).cases };
}

test('500 inline cases: each chart text is its own lines, at the file’s line numbers, not the file up to it blanked', () => {
  const n = 500;
  const indented = (i: number) =>
    chart(i)
      .split('\n')
      .filter(Boolean)
      .map((l) => `          ${l}\n`)
      .join('');
  const tests = `tests:\n  own:\n    valid:\n${Array.from({ length: n }, (_, i) => `      - name: c${i}\n        chart:\n${indented(i)}`).join('')}`;
  const { s, problems, cases } = suite(tests);
  try {
    const all = cases();
    expect(problems.list).toEqual([]);
    expect(all).toHaveLength(n);
    // Each the file up to it: about n / 2 files' worth.
    const total = all.reduce((sum, c) => sum + c.chart.text.length, 0);
    expect(total).toBeLessThan(3 * tests.length);
    // The last case's chart stands where the tests file has it.
    const last = all[n - 1]!;
    const doc = parseDocument(last.chart.text);
    const id = yamlNodeAt(doc.contents as Node, '/chartId')!;
    const line = (last.chart.line ?? 1) - 1 + last.chart.text.slice(0, id.range![0]).split('\n').length;
    expect(line).toBe(tests.split('\n').findIndex((l) => l.includes(`chartId: C${n - 1}`)) + 1);
  } finally {
    s.remove();
  }
});

test('one case naming a file of 1,000 charts: the excerpts come from one pass over its documents, not one for each chart', () => {
  const n = 1000;
  const charts = Array.from({ length: n }, (_, i) => `---\n${chart(i)}`).join('');
  const { s, problems, cases } = suite('tests:\n  own:\n    valid:\n      - charts.yaml\n', { 'charts.yaml': charts });
  const split = jest.spyOn(String.prototype, 'split');
  try {
    const all = cases();
    expect(problems.list).toEqual([]);
    expect(all).toHaveLength(n);
    expect(all[n - 1]!.excerpt).toBe(chart(n - 1).trim());
    // The whole file split into its documents for each chart's excerpt: a thousand times.
    expect(split.mock.calls.filter(([sep]) => sep instanceof RegExp && sep.source.startsWith('^---')).length).toBeLessThanOrEqual(1);
  } finally {
    split.mockRestore();
    s.remove();
  }
});

test('an inline case’s finding is at its line and column in the tests file, its evidence too', () => {
  const inline = (i: number, dx: string) =>
    `      - name: c${i}\n        chart:\n          chartId: C${i}\n          encounters:\n            - id: E1\n              date: 2026-10-01\n              diagnoses: [{code: ${dx}}]\n              services: [{code: J3420, diagnoses: [${dx}]}]\n`;
  const tests = `tests:\n  own:\n    valid:\n${inline(0, 'D51.0')}${inline(1, 'D51.0')}    invalid:\n${inline(2, 'I10')}`;
  const { s } = suite(tests);
  try {
    const { suite: loaded, ruleset } = loadSuite(`${s.dir}/r.yaml`, `${s.dir}/r.yaml`, s.dir, []);
    const results = runCases(ruleset, loaded.cases);
    const invalid = results.find((r) => r.case.kind === 'invalid')!;
    const own = invalid.actual.find((f) => f.ruleId === 'own')!;
    const lines = tests.split('\n');
    const serviceLine = lines.findIndex((l, k) => k > 20 && l.includes('services: [{code: J3420, diagnoses: [I10]}]')) + 1;
    const dxLine = lines.findIndex((l, k) => k > 20 && l.includes('diagnoses: [{code: I10}]')) + 1;
    expect([own.line, own.column]).toEqual([serviceLine, lines[serviceLine - 1]!.indexOf('{code: J3420') + 1]);
    expect(own.evidence.map((e) => e.line)).toContain(dxLine);
  } finally {
    s.remove();
  }
});
