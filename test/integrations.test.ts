/**
 * The GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml), tested as far
 * as a machine without GitHub or pre-commit allows: the action's shell steps run here as the
 * runner runs them (bash, their `env:` and `working-directory:` with the `${{ }}` expressions
 * filled in, step outputs read from $GITHUB_OUTPUT, `if:` conditions evaluated), with the upload
 * step's inputs checked instead of run; the hook's manifest has the fields pre-commit requires,
 * and its command, run from a repository's root as pre-commit runs it, lints the charts and
 * nothing else. docs/ci.md documents both.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { cliJson, ROOT } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';

const scratch = scratches('b12lint-integrations-');

interface Step {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

interface Context {
  inputs: Record<string, string>;
  outputs: Record<string, Record<string, string>>;
}

/** The value of one expression of the kinds action.yml uses: inputs.x, github.action_path, steps.s.outputs.x, 'literal'. */
function value(expr: string, ctx: Context): string {
  const e = expr.trim();
  const literal = /^'(.*)'$/.exec(e);
  if (literal) return literal[1]!;
  if (e === 'github.action_path') return ROOT;
  const input = /^inputs\.([\w-]+)$/.exec(e);
  if (input) {
    if (!(input[1]! in action.inputs)) throw new Error(`action.yml uses an input it does not declare: ${input[1]}`);
    return ctx.inputs[input[1]!] ?? action.inputs[input[1]!]!.default ?? '';
  }
  const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
  if (output) return ctx.outputs[output[1]!]?.[output[2]!] ?? '';
  throw new Error(`an expression this test cannot evaluate: ${e}`);
}

/** A string with its `${{ }}` expressions filled in. */
function fill(text: string, ctx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => value(e, ctx));
}

/** An `if:` of the form `a == 'x' && b != ''`. */
function holds(condition: string | undefined, ctx: Context): boolean {
  if (condition === undefined) return true;
  return condition.split('&&').every((part) => {
    const m = /^(.*?)\s*(==|!=)\s*(.*)$/.exec(part.trim());
    if (!m) throw new Error(`a condition this test cannot evaluate: ${part}`);
    return (value(m[1]!, ctx) === value(m[3]!, ctx)) === (m[2] === '==');
  });
}

interface ActionRun {
  outputs: Record<string, string>;
  /** What the upload step would be given, when its condition holds. */
  upload?: Record<string, string>;
  /** Each shell step that ran: its name, exit status and output. */
  steps: { name: string; code: number; stdout: string; stderr: string }[];
  /** The job's conclusion: the first shell step that failed ends it. */
  failed: boolean;
}

/** Runs the action's steps in `workspace` as the runner does; the install step is tested apart. */
function runAction(workspace: string, inputs: Record<string, string>): ActionRun {
  const ctx: Context = { inputs, outputs: {} };
  const result: ActionRun = { outputs: {}, steps: [], failed: false };
  const outputFile = join(workspace, '..', `github-output-${Math.random().toString(36).slice(2)}`);
  for (const step of action.runs.steps) {
    if (!holds(step.if, ctx) || step.name === 'Install b12lint') continue;
    if (step.uses) {
      result.upload = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, fill(v, ctx)]));
      continue;
    }
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      NO_COLOR: '1',
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = fill(v, ctx);
    const script = join(workspace, '..', 'step.sh');
    writeFileSync(script, step.run!);
    // `shell: bash` is `bash --noprofile --norc -eo pipefail {0}` on GitHub's runners.
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: resolve(workspace, fill(step['working-directory'] ?? '.', ctx)),
      env,
      encoding: 'utf8',
    });
    result.steps.push({ name: step.name, code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr });
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (step.id) ctx.outputs[step.id] = outputs;
    if (r.status !== 0) {
      result.failed = true;
      break;
    }
  }
  for (const [name, out] of Object.entries(action.outputs)) result.outputs[name] = fill(out.value, ctx);
  return result;
}

/** A repository with the example charts under charts/ (a `.git` folder marks its root). */
function workspace(): string {
  const dir = join(scratch().dir, 'workspace');
  mkdirSync(join(dir, '.git'), { recursive: true });
  cpSync(join(ROOT, 'fixtures', 'charts'), join(dir, 'charts'), { recursive: true });
  return dir;
}

const lintStep = (r: ActionRun) => r.steps.find((s) => s.name === 'Lint the charts')!;

describe('the GitHub Action (action.yml)', () => {
  test('is a composite action whose every input is described and used, and whose scripts get inputs only through env', () => {
    expect(action.runs.using).toBe('composite');
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    for (const [name, input] of Object.entries(action.inputs)) {
      expect({ name, described: input.description.length > 0 }).toEqual({ name, described: true });
      expect({ name, used: text.includes(`inputs.${name}`) }).toEqual({ name, used: true });
    }
    for (const step of action.runs.steps.filter((s) => s.run)) {
      expect({ step: step.name, shell: step.shell }).toEqual({ step: step.name, shell: 'bash' });
      expect({ step: step.name, expressionsInRun: /\$\{\{/.test(step.run!) }).toEqual({ step: step.name, expressionsInRun: false });
    }
    // Each INPUT_ variable the lint script reads is set by the step from the input of that name.
    const script = readFileSync(join(ROOT, 'scripts', 'action', 'lint.sh'), 'utf8');
    const read = [...new Set([...script.matchAll(/\$\{(INPUT_[A-Z_]+)/g)].map((m) => m[1]!))].sort();
    const env = action.runs.steps.find((s) => s.id === 'lint')!.env!;
    expect(read).toEqual(
      Object.keys(env)
        .filter((k) => k.startsWith('INPUT_'))
        .sort(),
    );
    for (const k of read) expect(env[k]).toBe(`\${{ inputs.${k.slice(6).toLowerCase().replace(/_/g, '-')} }}`);
  });

  test('with findings: annotations in the log, SARIF written and uploaded, then the job fails with exit 1', () => {
    const ws = workspace();
    const r = runAction(ws, { paths: 'charts' });
    const lint = lintStep(r);
    expect(lint.code).toBe(0);
    expect(lint.stderr).toBe('');
    const commands = lint.stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l));
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.every((l) => l.includes('file=charts/'))).toBe(true);
    const sarifFile = join(ws, 'b12lint.sarif');
    expect(r.outputs).toEqual({ 'exit-code': '1', 'sarif-file': sarifFile });
    expect(r.upload).toEqual({ sarif_file: sarifFile, category: 'b12lint' });
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(commands.length);
    expect(sarif.runs[0].results.length).toBe(cliJson(['charts'], { cwd: ws }).report.results.reduce((n, x) => n + x.findings.length, 0));
    expect(r.failed).toBe(true);
    expect(r.steps.at(-1)).toMatchObject({ name: 'Fail on findings', code: 1 });
  });

  test('inputs: paths one a line (a space in a name is kept), ruleset, fail-on, format, args, working-directory, no SARIF', () => {
    const ws = workspace();
    mkdirSync(join(ws, 'sub', 'odd name'), { recursive: true });
    cpSync(join(ROOT, 'fixtures', 'charts', 'p-0001.yaml'), join(ws, 'sub', 'odd name', 'p 1.yaml'));
    cpSync(join(ROOT, 'fixtures', 'charts', 'clean.yaml'), join(ws, 'sub', 'clean.yaml'));
    cpSync(join(ROOT, 'fixtures', 'rulesets', 'ci-formats.yaml'), join(ws, 'sub', 'rules.yaml'));
    const r = runAction(ws, {
      'working-directory': 'sub',
      paths: '  odd name/p 1.yaml\n\nclean.yaml  \n',
      ruleset: 'rules.yaml',
      'fail-on': 'never',
      format: 'json',
      'sarif-file': '',
      args: '--quiet',
    });
    const report = JSON.parse(lintStep(r).stdout);
    expect(report.ruleset.name).toBe(parse(readFileSync(join(ws, 'sub', 'rules.yaml'), 'utf8')).ruleset);
    expect(report.results.map((x: { file: string }) => x.file)).toEqual(['clean.yaml', 'odd name/p 1.yaml']);
    expect(report.results.flatMap((x: { findings: { severity: string }[] }) => x.findings.map((f) => f.severity))).toEqual(['error']); // --quiet
    expect(r.outputs).toEqual({ 'exit-code': '0', 'sarif-file': '' });
    expect(r.upload).toBeUndefined();
    expect(r.failed).toBe(false);
  });

  test("fail-on not given: the config's failOn decides, as it does for the CLI; given, the input overrides it", () => {
    const ws = workspace();
    writeFileSync(join(ws, 'b12lint.config.yaml'), 'failOn: warning\n');
    // A chart with warnings only: exit 0 under the default error, 1 under the config's warning.
    const paths = 'charts/clinic-batch-2026-10-06.yaml';
    const byConfig = runAction(ws, { paths, 'sarif-file': '' });
    expect(byConfig.outputs['exit-code']).toBe('1');
    expect(byConfig.failed).toBe(true);
    const byInput = runAction(ws, { paths, 'sarif-file': '', 'fail-on': 'error' });
    expect(byInput.outputs['exit-code']).toBe('0');
    expect(byInput.failed).toBe(false);
  });

  test('a broken ruleset: exit 2 recorded, no SARIF uploaded (an old one is removed), the job fails', () => {
    const ws = workspace();
    cpSync(join(ROOT, 'fixtures', 'rulesets', 'broken.yaml'), join(ws, 'broken.yaml'));
    writeFileSync(join(ws, 'b12lint.sarif'), '{"stale": true}');
    const r = runAction(ws, { paths: 'charts', ruleset: 'broken.yaml' });
    expect(lintStep(r).stderr).toMatch(/^broken\.yaml:6:15: bad severity/);
    expect(r.outputs).toEqual({ 'exit-code': '2', 'sarif-file': '' });
    expect(existsSync(join(ws, 'b12lint.sarif'))).toBe(false);
    expect(r.upload).toBeUndefined();
    expect(r.steps.at(-1)).toMatchObject({ name: 'Fail on findings', code: 2 });
  });

  test('an input is never run as a command', () => {
    const ws = workspace();
    const r = runAction(ws, { paths: '$(touch pwned-1)\n`touch pwned-2`', args: '$(touch pwned-3)', ruleset: '"; touch pwned-4; "' });
    expect(r.outputs['exit-code']).toBe('2');
    for (const n of [1, 2, 3, 4]) expect(existsSync(join(ws, `pwned-${n}`))).toBe(false);
  });

  test('the install step refuses a Node.js before 20, and otherwise runs npm ci once', () => {
    const dir = scratch().dir;
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const stub = (name: string, body: string): void => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub('npm', `echo "npm $*" >> "${join(dir, 'npm.log')}"; mkdir -p dist/bundle node_modules; touch dist/bundle/main.js`);
    const home = join(dir, 'action');
    mkdirSync(join(home, 'scripts', 'action'), { recursive: true });
    cpSync(join(ROOT, 'scripts', 'action', 'install.sh'), join(home, 'scripts', 'action', 'install.sh'));
    const install = action.runs.steps.find((s) => s.name === 'Install b12lint')!;
    expect(install['working-directory']).toBe('${{ github.action_path }}');
    const run = (path: string) =>
      spawnSync('bash', ['-eo', 'pipefail', '-c', install.run!], { cwd: home, env: { ...process.env, PATH: path }, encoding: 'utf8' });
    const first = run(`${bin}:${process.env.PATH}`);
    const second = run(`${bin}:${process.env.PATH}`);
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'npm.log'), 'utf8')).toBe('npm ci --no-audit --no-fund --loglevel=error\n');
    expect(second.stdout).toMatch(/already built/);
    stub('node', 'echo 18');
    const old = run(`${bin}:${process.env.PATH}`);
    expect(old.status).toBe(1);
    expect(old.stdout).toMatch(/^::error title=b12lint::b12lint needs Node\.js 20 or later \(found: 18\)/);
  });
});

describe('the pre-commit hook (.pre-commit-hooks.yaml)', () => {
  type Hook = Record<string, unknown>;
  const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  // The keys of pre-commit's manifest schema (pre_commit/clientlib.py, MANIFEST_HOOK_DICT).
  const KNOWN = [
    'id',
    'name',
    'entry',
    'language',
    'alias',
    'files',
    'exclude',
    'types',
    'types_or',
    'exclude_types',
    'additional_dependencies',
    'args',
    'always_run',
    'fail_fast',
    'pass_filenames',
    'description',
    'language_version',
    'log_file',
    'minimum_pre_commit_version',
    'require_serial',
    'stages',
    'verbose',
  ];
  const BOOLEANS = ['always_run', 'fail_fast', 'pass_filenames', 'require_serial', 'verbose'];

  test('is a list of hooks with the fields pre-commit requires, and only fields it knows', () => {
    expect(Array.isArray(hooks) && hooks.length).toBeGreaterThan(0);
    expect(new Set(hooks.map((h) => h.id)).size).toBe(hooks.length);
    for (const h of hooks) {
      for (const key of ['id', 'name', 'entry', 'language'])
        expect({ key, type: typeof h[key], empty: h[key] === '' }).toEqual({ key, type: 'string', empty: false });
      expect(Object.keys(h).filter((k) => !KNOWN.includes(k))).toEqual([]);
      for (const k of BOOLEANS.filter((b) => b in h)) expect({ k, type: typeof h[k] }).toEqual({ k, type: 'boolean' });
      for (const k of ['files', 'exclude'].filter((r) => r in h)) expect(() => new RegExp(h[k] as string)).not.toThrow();
    }
  });

  test('installs as a node package whose bin is the entry, and runs when a chart file is staged', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const hook = hooks.find((h) => h.id === 'b12lint')!;
    expect(hook.language).toBe('node');
    const command = (hook.entry as string).split(' ')[0]!;
    expect(existsSync(join(ROOT, pkg.bin[command]!))).toBe(true);
    const files = new RegExp(hook.files as string);
    expect(['charts/a.yaml', 'charts/b.yml', 'exports/Claim.000.ndjson', 'p.json', 'x.jsonl'].filter((f) => !files.test(f))).toEqual([]);
    expect(['README.md', 'src/a.ts', 'notes.txt'].filter((f) => files.test(f))).toEqual([]);
  });

  test("its command, run from the root of a repository, lints the charts and not the repository's own files", () => {
    const hook = hooks.find((h) => h.id === 'b12lint')!;
    expect(hook.pass_filenames).toBe(false);
    const repo = workspace();
    writeFileSync(
      join(repo, '.pre-commit-config.yaml'),
      'repos:\n  - repo: https://example.org/b12lint\n    rev: v1.0.0\n    hooks: [{ id: b12lint }]\n',
    );
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(repo, '.github', 'workflows', 'ci.yml'), 'on: push\njobs: {}\n');
    writeFileSync(join(repo, 'package.json'), '{ "name": "billing", "private": true }\n');
    const r = cliJson([...((hook.args as string[] | undefined) ?? [])], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.report.results.map((x) => x.file).every((f) => f.startsWith('charts/'))).toBe(true);
    expect(r.report.summary.files).toBe(cliJson(['charts'], { cwd: repo }).report.summary.files);
    expect(r.code).toBe(1);
  });
});
