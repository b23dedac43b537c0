/**
 * A ruleset's lab tests stand under `labs:`; the older key `tests:` (which a tests file uses for
 * rule tests) is still read, with a deprecation warning on stderr, once per file, with its place.
 * Both keys in one file is a ruleset problem. Run through the built CLI.
 */
import { cli } from './helpers/cli.js';
import { scratch } from './helpers/scratch.js';

const DIR = 'fixtures/labs-key';
const CHART = `${DIR}/chart.yaml`;
const lint = (ruleset: string, ...more: string[]) => cli(['--no-config-lookup', '-r', `${DIR}/${ruleset}`, ...more, CHART]);
const WARNING = '`tests` is deprecated for lab tests: rename the key `labs` (b12lint reads both for now)';

test('`labs:` names the lab tests: the rule reads the B12 result, converted, and nothing is said on stderr', () => {
  const r = lint('labs.yaml');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('B12 136 pg/mL is low.  low-b12-result');
});

test('the older `tests:` works the same, with one warning placed at the key', () => {
  const r = lint('tests.yaml');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('B12 136 pg/mL is low.  low-b12-result');
  expect(r.stderr).toBe(`${DIR}/tests.yaml:3:1: warning: ${WARNING}\n`);
});

test('the warning is said once per file, however often the file is extended, and workers do not repeat it', () => {
  const r = lint('extends-twice.yaml', '--jobs', '2', 'fixtures/charts/clean.yaml');
  expect(r.code).toBe(0);
  expect(r.stderr).toBe(`${DIR}/tests.yaml:3:1: warning: ${WARNING}\n${DIR}/tests-too.yaml:4:1: warning: ${WARNING}\n`);
});

test('both keys in one file is a problem with its place, and nothing is linted', () => {
  const r = lint('both.yaml');
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(
    `${DIR}/both.yaml:5:1: \`tests\` and \`labs\` both name lab tests: move the entries of \`tests\` (the older name) into \`labs\`\n`,
  );
});

test('a config with `tests:`, `print-config` and `b12lint test` warn too', () => {
  const s = scratch();
  try {
    s.write('b12lint.config.yaml', 'ruleset: b12lint:recommended\ntests:\n  b12: { loinc: [2132-9], unit: pmol/L }\n');
    const lintRun = cli([`${process.cwd()}/${CHART}`], { cwd: s.dir });
    expect(lintRun.stderr).toBe(`b12lint.config.yaml:2:1: warning: ${WARNING}\n`);
    const printed = cli(['print-config'], { cwd: s.dir });
    expect(printed.code).toBe(0);
    expect(printed.stderr).toBe(`b12lint.config.yaml:2:1: warning: ${WARNING}\n`);
    expect(printed.stdout).toMatch(/^ {2}labs:\n {4}b12:\n {6}loinc:\n {8}- 2132-9\n {6}unit: pmol\/L$/m);
  } finally {
    s.remove();
  }
  const tested = cli(['test', `${DIR}/tests.yaml`]);
  expect(tested.stderr).toBe(`${DIR}/tests.yaml:3:1: warning: ${WARNING}\n`);
});
