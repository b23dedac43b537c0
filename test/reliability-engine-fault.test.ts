/**
 * Engine faults are contained: a rule that throws on one chart becomes an internal-error finding
 * for that chart, the other rules and charts are still linted, the report is still built, and
 * the exit code is 2, so a CI gate never passes on it. `--debug` adds the stack.
 *
 * No real condition throws on any input (the property tests hunt for one), and the loader accepts
 * only the conditions its schemas know, so the faulty rule is added by this test to the compiled
 * recommended ruleset; everything after that is the real run, report and exit code.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../src/finding.js';
import { FORMATTERS } from '../src/report/index.js';
import type { Report } from '../src/report/types.js';
import type { CompiledRuleset } from '../src/rules/types.js';
import { exitCode, run } from '../src/run/run.js';
import { setupRuleset } from '../src/run/setup.js';
import { chart, scratch, type Scratch } from './helpers/scratch.js';

let s: Scratch;
let charts: string;
beforeAll(() => {
  s = scratch();
  charts = join(s.dir, 'charts');
  mkdirSync(charts);
  s.write('charts/a-boom.json', JSON.stringify(chart('BOOM-1'), null, 2));
  s.write('charts/b-fine.json', JSON.stringify(chart('FINE-1'), null, 2));
});
afterAll(() => s.remove());

/** The recommended ruleset plus a rule whose condition throws on the chart BOOM-1. */
function faultyRuleset(): CompiledRuleset {
  const ruleset = setupRuleset({ version: 'test' });
  ruleset.rules.push({
    id: 'explodes-on-one-chart',
    severity: 'info',
    title: 'A condition that throws on one chart',
    on: 'service',
    match: null,
    cite: [],
    message: 'never rendered',
    docs: '',
    source: '',
    file: 'test',
    when: (scope) => {
      if (scope.chart.chartId === 'BOOM-1') throw new TypeError("cannot read this chart's BOOM-1");
      return null;
    },
  });
  return ruleset;
}

async function lint(debug: boolean): Promise<Report> {
  return (await run({ inputs: ['.'], cwd: charts, ruleset: faultyRuleset(), version: 'test', debug })).report;
}

function findings(report: Report, file: string): Finding[] {
  return report.results.find((r) => r.file === file)!.findings;
}

test('a rule that throws on one chart is an internal-error finding for that chart; the run goes on and exits 2', async () => {
  const report = await lint(false);
  expect(exitCode(report, 'error', undefined)).toBe(2);
  expect(exitCode(report, 'never', undefined)).toBe(2);
  const boom = findings(report, 'a-boom.json');
  const fine = findings(report, 'b-fine.json');
  const internal = boom.filter((f) => f.ruleId === 'internal-error');
  expect(internal).toHaveLength(1);
  expect(internal[0]).toMatchObject({
    chartId: 'BOOM-1',
    severity: 'error',
    pointer: '/encounters/0/services/0',
    message: "Rule explodes-on-one-chart failed on this chart: cannot read this chart's BOOM-1",
  });
  expect(internal[0]!.stack).toBeUndefined();
  // The other rules still ran on that chart, and on the other chart as on any day.
  const others = (fs: Finding[]): string[] => fs.filter((f) => f.ruleId !== 'internal-error').map((f) => f.ruleId);
  expect(others(boom).length).toBeGreaterThan(0);
  expect(others(boom)).toEqual(others(fine));
  expect(fine.some((f) => f.ruleId === 'internal-error')).toBe(false);
});

test('--debug keeps the stack of the fault, and the terminal report shows it', async () => {
  const report = await lint(true);
  const internal = findings(report, 'a-boom.json').find((f) => f.ruleId === 'internal-error')!;
  expect(internal.stack).toMatch(/^TypeError: cannot read this chart's BOOM-1\n\s+at /);
  const stylish = FORMATTERS.get('stylish')!(report, { color: false });
  expect(stylish).toMatch(
    /error +Rule explodes-on-one-chart failed on this chart.*internal-error\n\s+TypeError: cannot read this chart's BOOM-1\n\s+at /,
  );
});
