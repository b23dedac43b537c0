/**
 * One way to work out a run's settings (src/run/settings.ts), whichever command or API asks: an
 * ICD-10-CM order file written in the config (`path` or `path@year`) is relative to the config
 * file, one given on the command line or to the API is relative to the run's folder, and neither
 * is ever taken against the process's own folder. The table in force shows in the finding it
 * makes: unknown-icd10-code names the fiscal year of the table it checked against.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { B12Lint, RulesetError } from '../src/index.js';
import { cli, ROOT } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';

const scratch = scratches('b12lint-settings-');

/**
 * A project whose config names the order file as `codes/order.txt@2026` (the name has no year,
 * so only the `@year` form can be read), with the chart one folder down, in `sub/`.
 */
function project(configExtra = ''): { dir: string; sub: string } {
  const dir = scratch().dir;
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'codes'));
  mkdirSync(join(dir, 'sub'));
  copyFileSync(join(ROOT, 'fixtures', 'icd10', 'icd10cm_order_2026.txt'), join(dir, 'codes', 'order.txt'));
  copyFileSync(join(ROOT, 'fixtures', 'catalog', 'unknown-icd10-code.fires.yaml'), join(dir, 'sub', 'chart.yaml'));
  writeFileSync(join(dir, 'b12lint.config.yaml'), `icd10: [codes/order.txt@2026]\n${configExtra}`);
  return { dir, sub: join(dir, 'sub') };
}

/** The unknown-icd10-code findings of a JSON report, by the fiscal year their message names. */
function unknownCodeYears(report: { results: { findings: { ruleId: string; message: string }[] }[] }): string[] {
  return report.results.flatMap((r) =>
    r.findings.filter((f) => f.ruleId === 'unknown-icd10-code').map((f) => /\((FY\d{4})\)/.exec(f.message)?.[1] ?? f.message),
  );
}

describe('the CLI', () => {
  test("reads a config's path@year table relative to the config file when run from a folder below it", () => {
    const p = project();
    const r = cli(['-f', 'json', 'chart.yaml'], { cwd: p.sub });
    expect(r.stderr).toContain('using the config ../b12lint.config.yaml');
    expect(r.code).toBe(1);
    expect(unknownCodeYears(JSON.parse(r.stdout))).toEqual(['FY2026']);
  });

  test('print-config names the same table from the same folder', () => {
    const p = project();
    const r = cli(['print-config'], { cwd: p.sub });
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.includes('order.txt@2026'));
    expect(line?.trim()).toBe('- ../codes/order.txt@2026');
  });

  test("reads a --icd10 path@year relative to the current folder, in place of the config's", () => {
    const p = project();
    copyFileSync(join(ROOT, 'fixtures', 'icd10', 'icd10cm_order_2026.txt'), join(p.sub, 'mine.txt'));
    const r = cli(['-f', 'json', '--icd10', 'mine.txt@2026', 'chart.yaml'], { cwd: p.sub });
    expect(r.code).toBe(1);
    expect(unknownCodeYears(JSON.parse(r.stdout))).toEqual(['FY2026']);
    // The config's table is not read when one is given: a missing one would stop the run (exit 2).
    writeFileSync(join(p.dir, 'b12lint.config.yaml'), 'icd10: [codes/missing.txt@2026]\n');
    expect(cli(['-f', 'json', '--icd10', 'mine.txt@2026', 'chart.yaml'], { cwd: p.sub }).code).toBe(1);
  });
});

describe('the Node API, in a process whose own folder is elsewhere', () => {
  test('the process runs from the repository, not the project', () => {
    expect(resolve(process.cwd())).toBe(ROOT);
  });

  test("reads the config's path@year table relative to the config file", async () => {
    const p = project();
    const b = new B12Lint({ cwd: p.sub });
    expect(unknownCodeYears(await b.lintFiles(['chart.yaml']))).toEqual(['FY2026']);
  });

  test('reads an icd10 path@year and a ruleset file relative to `cwd`', async () => {
    const p = project();
    writeFileSync(join(p.sub, 'team.yaml'), 'ruleset: team-rules\nextends: b12lint:recommended\n');
    const b = new B12Lint({ cwd: p.sub, config: false, ruleset: 'team.yaml', icd10: ['../codes/order.txt@2026'] });
    expect(b.ruleset.name).toBe('team-rules');
    expect(unknownCodeYears(await b.lintFiles(['chart.yaml']))).toEqual(['FY2026']);
  });

  test('a table that is not there is a RulesetError naming it at the path under `cwd`', () => {
    const p = project();
    let err: unknown;
    try {
      new B12Lint({ cwd: p.sub, config: false, icd10: ['codes/order.txt@2026'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RulesetError);
    expect((err as RulesetError).problems[0]!.file).toBe(join(p.sub, 'codes', 'order.txt'));
  });

  test("fails on the config's failOn, else on errors", async () => {
    const p = project('failOn: never\n');
    const withConfig = new B12Lint({ cwd: p.sub });
    const report = await withConfig.lintFiles(['chart.yaml']);
    expect(withConfig.exitCode(report)).toBe(0);
    expect(new B12Lint({ cwd: p.sub, config: false, icd10: ['../codes/order.txt@2026'] }).exitCode(report)).toBe(1);
  });
});
