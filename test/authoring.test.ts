/**
 * The rule-authoring commands, run as a user runs them: `b12lint test`, `init`, `print-config`.
 */
import { describeEvidence as describeTestEvidence } from '../src/authoring/tester.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { schemaProblems } from '../src/rules/schema-check.js';
import { scratches } from './helpers/scratch.js';
import { cli } from './helpers/cli.js';

const scratch = scratches('b12lint-authoring-');

/**
 * The rule ids of the built-in ruleset, as `b12lint rules` lists them. Tests compare with these,
 * not with a count, so adding a rule to the catalog breaks none of them.
 */
function builtinRuleIds(): string[] {
  const r = cli(['rules', '--no-config-lookup']);
  expect(r.code).toBe(0);
  return r.stdout
    .split('\n')
    .slice(2)
    .filter((l) => l !== '')
    .map((l) => l.split(' ')[0]!);
}

test("options written before a subcommand's name reach it when it takes them; colour is display only; any other is refused, not dropped", () => {
  const before = cli(['--no-config-lookup', '-r', 'fixtures/rulesets/acme-policy.yaml', 'rules']);
  const after = cli(['rules', '--no-config-lookup', '-r', 'fixtures/rulesets/acme-policy.yaml']);
  expect(before).toEqual(after);
  expect(before.code).toBe(0);
  expect(cli(['--no-color', 'rules', '--no-config-lookup']).code).toBe(0);
  // `init --ruleset` is a switch: a file given to `-r` before it is no value of it.
  const init = cli(['-r', 'mine.yaml', 'init'], { cwd: tmp() });
  expect(init).toEqual({ code: 2, stdout: '', stderr: 'b12lint: --ruleset before "init": "init" does not take it\n' });
  const quiet = cli(['--quiet', 'explain', 'b12-drug-code-mismatch']);
  expect(quiet).toEqual({ code: 2, stdout: '', stderr: 'b12lint: --quiet before "explain": "explain" does not take it\n' });
});

/** A new folder in the system temp folder, removed after this file's tests. */
function tmp(): string {
  return scratch().dir;
}

const RULESET = `ruleset: t
codesets:
  hypertension: [I10]
rules:
  - id: b12-for-htn
    severity: error
    title: B12 for hypertension
    on: service
    match: { code: J3420 }
    when: { diagnosis: { linked: true, code: hypertension } }
    message: "{{service.code}} is linked to {{diagnoses.matched}}"
`;

const chart = (id: string, dx: string): string => `chartId: ${id}
encounters:
  - id: E1
    date: 2026-10-01
    diagnoses: [{ code: ${dx} }]
    services:
      - { code: J3420, diagnoses: [${dx}] }
`;

describe('b12lint test', () => {
  test('the built-in ruleset passes its own tests, every rule with a case each way', () => {
    const r = cli(['test', 'rulesets/recommended.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Tests: \d+ passed, 0 failed$/m);
    expect(r.stdout).not.toContain('✗');
    expect(r.stdout).not.toContain('Rules with no tests');
    const rules = builtinRuleIds();
    expect(rules.length).toBeGreaterThan(0);
    const sections = new Map(r.stdout.split('\n\n').map((block) => [block.split('\n')[0]!, block]));
    for (const id of rules) {
      expect(sections.get(id)).toMatch(/^ {2}✓ valid: /m);
      expect(sections.get(id)).toMatch(/^ {2}✓ invalid: /m);
    }
  });

  test('a case that fails shows the expected and the actual findings, and exits 1', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'rules.yaml'), RULESET);
    writeFileSync(join(dir, 'htn.yaml'), `${chart('HTN-1', 'I10')}---\n${chart('HTN-2', 'I10')}`);
    writeFileSync(
      join(dir, 'rules.tests.yaml'),
      `tests:
  b12-for-htn:
    valid:
      - htn.yaml#HTN-2
    invalid:
      - chart: htn.yaml#HTN-1
        findings:
          - { line: 7, message: /linked to E53/ }
`,
    );
    const r = cli(['test', 'rules.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('rules.yaml (tests: rules.tests.yaml)');
    expect(r.stdout).toContain(
      '  ✗ valid: htn.yaml#HTN-2  (rules.tests.yaml:4:9)\n      expected no finding of b12-for-htn, got 1 finding\n      + 15:9  error  J3420 is linked to I10\n',
    );
    expect(r.stdout).toContain(
      [
        '  ✗ invalid: htn.yaml#HTN-1  (rules.tests.yaml:6:9)',
        '      finding 1: the message does not match "/linked to E53/"',
        '      - 7:*  *  /linked to E53/',
        '      + 7:9  error  J3420 is linked to I10',
      ].join('\n'),
    );
    expect(r.stdout).toMatch(/^Tests: 0 passed, 2 failed$/m);
  });

  test("tests may stand in the ruleset (a rule's examples), with inline charts placed in that file", () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'rules.yaml'),
      `${RULESET}    examples:
      valid:
        - chart: { chartId: OK, encounters: [{ id: E1, date: 2026-10-01, diagnoses: [D51.0], services: [{ code: J3420 }] }] }
      invalid:
        - name: hypertension
          chart:
            chartId: BAD
            encounters:
              - id: E1
                date: 2026-10-01
                diagnoses: [I10]
                services: [{ code: J3420 }]
          findings: [{ line: 23, column: 28, evidence: [{ kind: diagnosis, code: I10, line: 22 }] }]
`,
    );
    const r = cli(['test', 'rules.yaml'], { cwd: dir });
    expect(r.stdout).toContain('  ✓ valid: inline chart OK\n  ✓ invalid: hypertension\n');
    expect(r.code).toBe(0);
  });

  test('a tests file may be named instead of its ruleset', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'rules.yaml'), RULESET);
    writeFileSync(join(dir, 'htn.yaml'), chart('HTN-1', 'I10'));
    writeFileSync(join(dir, 'rules.tests.yaml'), 'tests:\n  b12-for-htn:\n    invalid: [htn.yaml]\n');
    expect(cli(['test', 'rules.tests.yaml'], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Tests: 1 passed, 0 failed'),
    });
  });

  test('a broken tests file is refused with its places and suggestions (exit 2)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'rules.yaml'), RULESET);
    writeFileSync(join(dir, 'htn.yaml'), chart('HTN-1', 'I10'));
    writeFileSync(
      join(dir, 'rules.tests.yaml'),
      `tests:
  b12-for-hnt:
    valid: [htn.yaml]
  b12-for-htn:
    invalid:
      - chart: htn.yaml#HTN-9
      - chart: missing.yaml
    vaild: []
`,
    );
    const r = cli(['test', 'rules.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      'rules.tests.yaml:2:3: tests for unknown rule "b12-for-hnt". Did you mean `b12-for-htn`?',
      'rules.tests.yaml:6:16: no chart "HTN-9" in htn.yaml. Did you mean `HTN-1`?',
      'rules.tests.yaml:7:16: chart file not found: missing.yaml',
      'rules.tests.yaml:8:5: unknown key `vaild` in a set of tests. Did you mean `valid`?',
      'b12lint: the ruleset or config has 4 problems; nothing was linted',
      '',
    ]);
  });

  test('a ruleset without tests is exit 2 with what to write', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'rules.yaml'), RULESET);
    const r = cli(['test', 'rules.yaml'], { cwd: dir });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^b12lint: rules\.yaml has no tests: write them in rules\.tests\.yaml/);
  });
});

describe('b12lint init', () => {
  test('writes a config with the schema modeline, and refuses to overwrite it without --force', () => {
    const dir = tmp();
    expect(cli(['init'], { cwd: dir })).toEqual({ code: 0, stdout: 'wrote b12lint.config.yaml\n', stderr: '' });
    const text = readFileSync(join(dir, 'b12lint.config.yaml'), 'utf8');
    const schema = /^# yaml-language-server: \$schema=(.+)$/m.exec(text.split('\n')[0]!)?.[1];
    expect(schema).toBeDefined();
    expect(existsSync(join(dir, schema!))).toBe(true);
    expect(parse(text)).toEqual({ ruleset: 'b12lint:recommended' });
    expect(cli(['init'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'b12lint: b12lint.config.yaml already exists: nothing was written (--force overwrites)\n',
    });
    expect(cli(['init', '--force'], { cwd: dir }).code).toBe(0);
  });

  test('a folder whose config is .b12lintrc.yaml already: refused, exit 2, even with --force (two configs in a folder stop every run)', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.b12lintrc.yaml'), 'failOn: error\n');
    for (const args of [['init'], ['init', '--force']])
      expect(cli(args, { cwd: dir })).toEqual({
        code: 2,
        stdout: '',
        stderr: "b12lint: .b12lintrc.yaml is this folder's config already: nothing was written (edit it, or remove it first)\n",
      });
    expect(existsSync(join(dir, 'b12lint.config.yaml'))).toBe(false);
  });

  test('a link (even to nothing) or a FIFO where it would write: refused, exit 2, nothing written through it, even with --force', () => {
    const dir = tmp();
    const outside = join(tmp(), 'victim.yaml');
    symlinkSync(outside, join(dir, 'b12lint.config.yaml'));
    for (const args of [['init'], ['init', '--force']]) {
      expect(cli(args, { cwd: dir })).toEqual({
        code: 2,
        stdout: '',
        stderr: 'b12lint: b12lint.config.yaml is not a plain file (a link, a folder or a device): nothing was written\n',
      });
    }
    expect(existsSync(outside)).toBe(false);
    const fifoDir = tmp();
    execFileSync('mkfifo', [join(fifoDir, 'b12lint-rules.yaml')]);
    const r = cli(['init', '--ruleset', '--force'], { cwd: fifoDir });
    expect([r.code, r.stderr]).toEqual([
      2,
      'b12lint: b12lint-rules.yaml is not a plain file (a link, a folder or a device): nothing was written\n',
    ]);
    expect(existsSync(join(fifoDir, 'b12lint.config.yaml'))).toBe(false);
  });

  test('its commented examples (override, codeset extension, values, ignore) are a valid config', () => {
    const dir = tmp();
    cli(['init'], { cwd: dir });
    const text = readFileSync(join(dir, 'b12lint.config.yaml'), 'utf8');
    const uncommented = text
      .split('\n')
      .map((l) => l.replace(/^# (?=[a-z0-9]+: |[a-z0-9]+:$|  )/i, ''))
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    const config = parse(uncommented) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual([
      'ruleset',
      'ignore',
      'failOn',
      'maxWarnings',
      'icd10',
      'values',
      'codesets',
      'rules',
      'overrides',
    ]);
    expect(schemaProblems('config', config)).toEqual([]);
  });

  test('--ruleset also writes a starter ruleset whose tests pass, and the config runs it', () => {
    const dir = tmp();
    const r = cli(['init', '--ruleset'], { cwd: dir });
    expect(r.stdout).toBe('wrote b12lint.config.yaml\nwrote b12lint-rules.yaml\nwrote b12lint-rules.tests.yaml\n');
    const t = cli(['test', 'b12lint-rules.yaml'], { cwd: dir });
    expect(t.stdout).toContain('Tests: 2 passed, 0 failed');
    expect(t.code).toBe(0);
    const n = builtinRuleIds().length + 1; // the starter's own rule on top of the built-in ones
    expect(cli(['rules'], { cwd: dir }).stdout).toMatch(new RegExp(`^my-team/b12-rules: ${n} active of ${n} rules`));
    writeFileSync(join(dir, 'c.yaml'), chart('C1', 'I10'));
    const lint = cli(['.', '-f', 'json'], { cwd: dir });
    expect(JSON.parse(lint.stdout).results.map((x: { file: string }) => x.file)).toEqual(['c.yaml']);
  });
});

describe('b12lint print-config', () => {
  test('prints the config and the ruleset after extends and overrides, as YAML', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'b12lint.config.yaml'),
      [
        'ignore: [archive/]',
        'values: { injection-interval: 28d }',
        'codesets: { b12-supporting: { add: [K91.89] } }',
        'rules:',
        '  b12-drug-without-admin: off',
        '',
      ].join('\n'),
    );
    const r = cli(['print-config'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = parse(r.stdout) as {
      config: string;
      settings: Record<string, unknown>;
      ruleset: {
        name: string;
        layers: string[];
        values: Record<string, unknown>;
        codesets: Record<string, string[]>;
        rules: { id: string; severity: string; on: string }[];
      };
    };
    expect(out.config).toBe('b12lint.config.yaml');
    expect(out.settings).toEqual({ failOn: 'error', maxWarnings: null, ignore: ['archive/'], icd10: [] });
    expect(out.ruleset.layers).toEqual(['b12lint:recommended', 'b12lint.config.yaml']);
    expect(out.ruleset.values['injection-interval']).toBe('28d');
    expect(out.ruleset.values['b12-normal-above']).toBe(300);
    expect(out.ruleset.codesets['b12-supporting']).toContain('K91.89');
    expect(out.ruleset.rules.map((x) => x.id).sort()).toEqual(builtinRuleIds().sort());
    expect(out.ruleset.rules.find((x) => x.id === 'b12-drug-without-admin')).toMatchObject({ severity: 'off', on: 'service' });
  });

  test('with a file, tells whether a run from here lints it', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'b12lint.config.yaml'), 'ignore: ["*.draft.yaml"]\n');
    writeFileSync(join(dir, 'a.yaml'), chart('A', 'I10'));
    writeFileSync(join(dir, 'a.draft.yaml'), chart('B', 'I10'));
    expect(parse(cli(['print-config', 'a.yaml'], { cwd: dir }).stdout).file).toEqual({ path: 'a.yaml', linted: true });
    expect(parse(cli(['print-config', 'a.draft.yaml'], { cwd: dir }).stdout).file).toEqual({ path: 'a.draft.yaml', linted: false });
  });

  test('-r prints that ruleset as written; a broken config is exit 2', () => {
    const r = cli(['print-config', '--no-config-lookup', '-r', 'fixtures/rulesets/acme-policy.yaml']);
    expect(parse(r.stdout).ruleset.name).toBe('acme/b12-policy');
    const dir = tmp();
    writeFileSync(join(dir, 'b12lint.config.yaml'), 'failon: warning\n');
    expect(cli(['print-config'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('b12lint.config.yaml:1:1: unknown key `failon`. Did you mean `failOn`?'),
    });
  });
});

test("b12lint test prints a finding's evidence whole: a converted value is shown, not [object Object]", () => {
  expect(describeTestEvidence({ kind: 'lab', test: 'ferritin', converted: { value: 240, unit: 'ng/mL' } })).toBe(
    '{ kind: lab, test: ferritin, converted: { value: 240, unit: ng/mL } }',
  );
});
