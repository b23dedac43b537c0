/**
 * The Node API (src/index.ts, docs/api.md), used as an integrator uses it: the package is packed
 * with `npm pack` (the files a user installs, nothing else), unpacked into the node_modules of a
 * scratch project, and imported there by its name, from JavaScript run by node and from
 * TypeScript checked by tsc against the declarations it ships. Its reports are the CLI's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';

const scratch = scratches('b12lint-api-');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

let app: string;
let packed: string[];

/** Runs an ES module in the scratch project, which prints one JSON value. */
function runModule(name: string, code: string): any {
  writeFileSync(join(app, name), code);
  const r = spawnSync(process.execPath, [name], { cwd: app, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${name} exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

beforeAll(() => {
  const dir = scratch().dir;
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const [tarball] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = tarball!.files.map((f) => f.path);
  app = join(dir, 'app');
  const modules = join(app, 'node_modules');
  mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tarball!.filename), '-C', modules]);
  execFileSync('mv', [join(modules, 'package'), join(modules, 'b12lint')]);
  // The package's dependencies, and Node's types for tsc, as npm would have installed them.
  for (const dep of [...Object.keys(pkg.dependencies), '@types/node']) {
    mkdirSync(join(modules, dep, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep));
  }
  writeFileSync(join(app, 'package.json'), '{ "name": "integrator", "private": true, "type": "module" }\n');
  cpSync(join(ROOT, 'fixtures', 'charts'), join(app, 'charts'), { recursive: true });
  cpSync(join(ROOT, 'fixtures', 'rulesets', 'broken.yaml'), join(app, 'broken.yaml'));
}, 120_000);

describe('the package', () => {
  test('ships the entry, its declarations and the bundled CLI, and no sources or tests', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'package.json',
        'bin/b12lint.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/bundle/main.cjs',
        'dist/bundle/main.cache',
        'bin/load.js',
        'rulesets/recommended.yaml',
        'schemas/report.schema.json',
      ]),
    );
    expect(packed.filter((p) => /^(src|test|fixtures|bench|scripts)\//.test(p))).toEqual([]);
  });

  test('exports its entry, package.json and the schemas, and nothing deeper', () => {
    const got = runModule(
      'exports.mjs',
      `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const tryResolve = (s) => { try { return require.resolve(s).replace(process.cwd(), '.'); } catch (e) { return e.code; } };
      console.log(JSON.stringify([import.meta.resolve('b12lint').endsWith('/node_modules/b12lint/dist/index.js'),
        tryResolve('b12lint/package.json'), tryResolve('b12lint/schemas/report.schema.json'), tryResolve('b12lint/dist/rules/engine.js')]));
    `,
    );
    expect(got).toEqual([
      true,
      './node_modules/b12lint/package.json',
      './node_modules/b12lint/schemas/report.schema.json',
      'ERR_PACKAGE_PATH_NOT_EXPORTED',
    ]);
  });
});

describe('import { B12Lint } from "b12lint"', () => {
  test('lintFiles gives the report the CLI gives, and format and exitCode what the CLI prints and returns', () => {
    const got = runModule(
      'files.mjs',
      `
      import { B12Lint, VERSION, FORMATS } from 'b12lint';
      const linter = new B12Lint({ config: false });
      const report = await linter.lintFiles(['charts']);
      console.log(JSON.stringify({ VERSION, FORMATS, ruleset: linter.ruleset.name, json: linter.format(report, 'json'), stylish: linter.format(report), exit: linter.exitCode(report), never: linter.exitCode(report, { failOn: 'never' }) }));
    `,
    );
    const json = cli(['--no-config-lookup', 'charts', '-f', 'json'], { cwd: app });
    const stylish = cli(['--no-config-lookup', 'charts'], { cwd: app });
    expect(got.VERSION).toBe(pkg.version);
    expect(got.FORMATS).toEqual(['stylish', 'json', 'html', 'sarif', 'junit', 'github', 'codequality', 'csv', 'queries']);
    expect(got.ruleset).toBe('b12lint:recommended');
    expect(JSON.parse(got.json)).toEqual(JSON.parse(json.stdout));
    expect(JSON.parse(got.json).summary.errors).toBeGreaterThan(0);
    expect(got.stylish).toBe(stylish.stdout);
    expect([got.exit, got.never]).toEqual([json.code, 0]);
  });

  test('lintChart lints objects (here a list of charts): the findings of the file they came from, placed by pointer', () => {
    const got = runModule(
      'chart.mjs',
      `
      import { readFileSync } from 'node:fs';
      import { B12Lint } from 'b12lint';
      const linter = new B12Lint({ config: false });
      const charts = JSON.parse(readFileSync('charts/batch-2026-10-08.json', 'utf8'));
      const fromObject = linter.lintChart(charts);
      const fromFile = await linter.lintFiles(['charts/batch-2026-10-08.json']);
      const brief = (r) => r.results.flatMap((x) => x.findings.map((f) => [f.ruleId, f.chartId, f.pointer, f.fingerprint]));
      console.log(JSON.stringify({ file: fromObject.results[0].file, object: brief(fromObject), file2: brief(fromFile) }));
    `,
    );
    expect(got.file).toBe('<chart>');
    expect(got.object.length).toBeGreaterThan(0);
    expect(got.object).toEqual(got.file2);
  });

  test('lintChart never throws: an object with a cycle, a BigInt or nesting too deep to write is a parse-error finding', () => {
    const got = runModule(
      'unwritable.mjs',
      `
      import { B12Lint } from 'b12lint';
      const linter = new B12Lint({ config: false });
      const cycle = { chartId: 'CYCLE', encounters: [] };
      cycle.self = cycle;
      let deep = [];
      for (let i = 0; i < 100000; i++) deep = [deep];
      const seen = [cycle, { chartId: 'BIG', n: 10n }, { chartId: 'DEEP', encounters: deep }].map((chart) => {
        const r = linter.lintChart(chart);
        return [r.summary.charts, r.results[0].findings.map((f) => [f.ruleId, f.severity, f.message])];
      });
      console.log(JSON.stringify(seen));
    `,
    );
    const unreadable = (why: string) => [1, [['parse-error', 'error', `The chart cannot be read as JSON: ${why}.`]]];
    expect(got).toEqual([
      unreadable('JSON.stringify refused it (a cycle, a BigInt, a toJSON or getter that throws)'),
      unreadable('JSON.stringify refused it (a cycle, a BigInt, a toJSON or getter that throws)'),
      unreadable('it is nested too deeply to be written'),
    ]);
  });

  test('lintText never throws: text that is not a chart is a finding with its place', () => {
    const got = runModule(
      'text.mjs',
      `
      import { B12Lint } from 'b12lint';
      const linter = new B12Lint({ config: false });
      const r = linter.lintText('chartId: [unclosed\\n', { filePath: 'broken.yaml' });
      console.log(JSON.stringify(r.results.map((x) => [x.file, x.findings.map((f) => [f.ruleId, f.line])])));
    `,
    );
    expect(got).toEqual([['broken.yaml', [['parse-error', expect.any(Number)]]]]);
  });

  test('a broken ruleset is a RulesetError listing every problem with its place', () => {
    const got = runModule(
      'broken.mjs',
      `
      import { B12Lint, RulesetError } from 'b12lint';
      try { new B12Lint({ ruleset: 'broken.yaml', config: false }); console.log('null'); }
      catch (e) { console.log(JSON.stringify({ isRulesetError: e instanceof RulesetError, problems: e.problems.map((p) => [p.line, p.column]) })); }
    `,
    );
    expect(got).toEqual({
      isRulesetError: true,
      problems: [
        [6, 15],
        [9, 20],
        [12, 11],
        [13, 37],
      ],
    });
  });

  test('redact: no chart id, patient id, note text or file name of the input is in any format', () => {
    const got = runModule(
      'redact.mjs',
      `
      import { readFileSync } from 'node:fs';
      import { B12Lint, FORMATS } from 'b12lint';
      const charts = JSON.parse(readFileSync('charts/batch-2026-10-08.json', 'utf8'));
      const texts = async (linter) => {
        const report = await linter.lintFiles(['charts/batch-2026-10-08.json']);
        return FORMATS.map((f) => linter.format(report, f));
      };
      console.log(JSON.stringify({
        // The chart ids, the patient id the HTML report shows in the lines around a finding, a
        // note's text quoted as evidence (the rule's own term, in its message, is not chart text),
        // and the file's name.
        secrets: [...charts.map((c) => c.chartId), charts[0].patient.id, 'gastric bypass in 2018', 'batch-2026-10-08'],
        plain: await texts(new B12Lint({ config: false })),
        redacted: await texts(new B12Lint({ config: false, redact: { key: 'k' } })),
      }));
    `,
    );
    expect(got.redacted).toHaveLength(9);
    for (const secret of got.secrets) expect(got.plain.join('\n')).toContain(secret); // what redaction has to hide is there without it
    for (const text of got.redacted) for (const secret of got.secrets) expect(text).not.toContain(secret);
  });

  test("the declarations type an integrator's TypeScript, and refuse a wrong format name or option", () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['use.ts'],
      }),
    );
    writeFileSync(
      join(app, 'use.ts'),
      `
      import { B12Lint, RulesetError, type Finding, type Report, type FormatName } from 'b12lint';
      const linter = new B12Lint({ cwd: '.', config: false, inputFormat: 'fhir', redact: { key: 'k' } });
      const report: Report = await linter.lintFiles(['charts']);
      const first: Finding | undefined = report.results[0]?.findings[0];
      const severity: 'error' | 'warning' | 'info' | undefined = first?.severity;
      const name: FormatName = 'sarif';
      const text: string = linter.format(report, name, { color: false });
      const code: 0 | 1 | 2 = linter.exitCode(report, { failOn: 'warning', maxWarnings: 0 });
      // @ts-expect-error: not a format
      linter.format(report, 'jsno');
      // @ts-expect-error: not an input format
      new B12Lint({ inputFormat: 'hl7v2' });
      // @ts-expect-error: a report's summary has no such count
      report.summary.problems;
      export const used = [severity, text, code, RulesetError];
    `,
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
