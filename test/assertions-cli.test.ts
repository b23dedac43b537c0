/**
 * The built-in rules read notes through assertions, tried through the CLI on real charts: each
 * chart's id names the rule that must fire (FIRE.<rule>.<case>) or stay quiet (QUIET.<rule>.<case>).
 */
import { cliJson } from './helpers/cli.js';

type Report = ReturnType<typeof cliJson>['report'];

function rulesByChart(report: Report): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of report.results)
    for (const f of r.findings) {
      if (f.chartId === undefined) continue;
      const set = out.get(f.chartId) ?? new Set<string>();
      set.add(f.ruleId);
      out.set(f.chartId, set);
    }
  return out;
}

describe('rules that read notes ask for the assertion they mean', () => {
  const fires = cliJson(['fixtures/assertions/catalog.fires.yaml']);
  const quiet = cliJson(['fixtures/assertions/catalog.quiet.yaml']);
  const fired = rulesByChart(fires.report);
  const stayed = rulesByChart(quiet.report);

  test('both files are read whole, with no format problem', () => {
    expect(fires.report.summary.charts).toBe(13);
    expect(quiet.report.summary.charts).toBe(15);
    expect([...fired.values(), ...stayed.values()].some((s) => s.has('chart-format') || s.has('parse-error'))).toBe(false);
  });

  test.each(
    [
      'FIRE.blood-loss-anemia-undocumented.historical',
      'FIRE.blood-loss-anemia-undocumented.hypothetical',
      'FIRE.blood-loss-anemia-undocumented.risk',
      'FIRE.blood-loss-anemia-undocumented.no-longer',
      'FIRE.blood-loss-contradicted-by-notes.after',
      'FIRE.b12-deficiency-undocumented.family',
      'FIRE.b12-deficiency-undocumented.negated-after',
      'FIRE.b12-deficiency-undocumented.unlikely',
      'FIRE.b12-deficiency-undocumented.pa-not-b12',
      'FIRE.uncertain-dx-coded-outpatient.probable',
      'FIRE.etiology-documented-not-coded.past-surgery',
      'FIRE.b12-injection-unsupported-dx.history-status',
      'FIRE.b12-injection-frequency.loading-word-not-about-b12',
    ].map((c) => [c]),
  )('%s', (chart) => {
    const rule = chart.split('.')[1]!;
    expect([...(fired.get(chart) ?? [])]).toContain(rule);
  });

  test.each(
    [
      'QUIET.b12-deficiency-undocumented.pseudo-no-new',
      'QUIET.b12-deficiency-undocumented.history-on-maintenance',
      'QUIET.b12-deficiency-undocumented.pa-about-b12',
      'QUIET.uncertain-dx-coded-outpatient.cause-uncertain',
      'QUIET.uncertain-dx-coded-outpatient.prognosis-uncertain',
      'QUIET.uncertain-dx-coded-outpatient.other-diagnosis',
      'QUIET.blood-loss-contradicted-by-notes.no-longer',
      'QUIET.blood-loss-anemia-undocumented.scope-ends',
      'QUIET.blood-loss-anemia-undocumented.ruled-out-status',
      'QUIET.etiology-documented-not-coded.not-current',
      'QUIET.b12-injection-frequency.loading-about-b12',
    ].map((c) => [c]),
  )('%s', (chart) => {
    const rule = chart.split('.')[1]!;
    expect([...(stayed.get(chart) ?? [])]).not.toContain(rule);
  });

  test('a family mention is shown as such in the evidence and the message suggests no code to add', () => {
    const f = fires.report.results
      .flatMap((r) => r.findings)
      .find((x) => x.chartId === 'FIRE.b12-deficiency-undocumented.family' && x.ruleId === 'b12-deficiency-undocumented')!;
    expect(f.evidence).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'note', assertion: 'family', excerpt: 'Mother had pernicious anemia' })]),
    );
  });
});
