/**
 * Issue 19, item 8: a file that is not b12lint's, given where b12lint expects its own
 * (`-c /etc/shadow`, `-r somefile`, a concept map, a baseline, a shard report), is refused
 * without a word of its content: a key is quoted only when it is a short identifier, a value
 * only when it is a short text under a key b12lint knows, and never a line of the file. Each
 * foreign file below holds SECRET markers in its values and lines; no message may show one.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATTERS } from '../../src/report/index.js';
import { cli } from '../helpers/cli.js';
import { scratches } from '../helpers/scratch.js';
import { unsafeLines } from './hostile.js';

const scratch = scratches('b12lint-foreign-');

/** Files b12lint did not write, each with secrets in its lines and values. */
const FOREIGN: Record<string, string> = {
  shadow: 'root:$6$abcdefgh$SECRET1hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nbob:$6$xyz$SECRET2hash:19000:0:99999:7:::\n',
  credentials: '[default]\naws_secret_access_key = SECRET3wJalrXUtnFEMI/K7MDENG\n',
  'env-file': 'DB_PASSWORD="SECRET4hunter2\nAPI: [key\n',
  'tokens.json': '{"token": "SECRET5", "a key far longer than any identifier b12lint would ever use, with spaces": "SECRET6"}',
  'one-line.txt': 'SECRET7 the first line of some text file\nand a second\n',
  id_ed25519:
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nSECRET8: abc\n-----END OPENSSH PRIVATE KEY-----\n',
};

const { dir } = scratch();
for (const [name, text] of Object.entries(FOREIGN)) writeFileSync(join(dir, name), text);
writeFileSync(join(dir, 'chart.yaml'), 'chartId: C1\nencounters: []\n');

const ALL = Object.keys(FOREIGN);
/** A line-per-record file, one of YAML keys, one of JSON keys and values: the shapes the other readers take. */
const SOME = ['shadow', 'credentials', 'tokens.json'];

/** Every way a file reaches b12lint as one of its own, with the files tried that way. */
const USES: [string, (file: string) => string[], string[]][] = [
  ['-c', (f) => ['-c', f, 'chart.yaml'], ALL],
  ['-r', (f) => ['-r', f, 'chart.yaml'], ALL],
  ['--concept-map', (f) => ['--concept-map', f, 'chart.yaml'], SOME],
  ['--baseline', (f) => ['--baseline', f, 'chart.yaml'], SOME],
  ['merge', (f) => ['merge', f], SOME],
  ['print-config -c', (f) => ['print-config', '-c', f], SOME],
  ['convert -c', (f) => ['convert', '-c', f, 'chart.yaml'], SOME],
];

describe.each(USES)('%s', (_use, args, files) => {
  test.each(files)('%s is refused by name (exit 2), without a word of its content', (file) => {
    const r = cli(args(file), { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(/SECRET|\$6\$|hunter2|wJalr|b3BlbnNzaC/);
    expect(unsafeLines(r.stderr)).toEqual([]);
  });
});

describe('what a message may still quote', () => {
  test('a short identifier key is quoted; a long one is placed but not quoted', () => {
    const r = cli(['-c', 'tokens.json', 'chart.yaml'], { cwd: dir });
    expect(r.stderr.split('\n')).toEqual([
      'tokens.json:1:2: unknown key `token`.',
      'tokens.json:1:22: unknown key (not quoted: not a short name).',
      'b12lint: the ruleset or config has 2 problems; nothing was linted',
      '',
    ]);
  });

  test("a b12lint config's short mistyped value is quoted with its suggestion; a long value is not", () => {
    const { dir: own } = scratch();
    writeFileSync(
      join(own, 'b12lint.config.yaml'),
      'failOn: eror\ninputFormat: "SECRET9 a long value that is not an input format at all"\n',
    );
    writeFileSync(join(own, 'chart.yaml'), 'chartId: C1\nencounters: []\n');
    const r = cli(['chart.yaml'], { cwd: own });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      'b12lint.config.yaml:1:9: bad fail-on severity "eror": `failOn` takes error, warning, info or never. Did you mean `error`?',
      'b12lint.config.yaml:2:14: bad input format: `inputFormat` takes auto, native or fhir.',
    ]);
  });

  test('the root of a file is never quoted, short or long', () => {
    const { dir: own } = scratch();
    writeFileSync(join(own, 'short.yaml'), 'SECRET10\n');
    expect(cli(['-c', 'short.yaml', '.'], { cwd: own }).stderr).toBe(
      'short.yaml:1:1: the file takes a mapping; found text\nb12lint: the ruleset or config has 1 problem; nothing was linted\n',
    );
  });
});

/**
 * Security review 27, #14: a chart file may be a symbolic link to any file the run can read, and a
 * one-line file (a token, `.env`, a PIN) parses as a bare scalar where a chart was expected. The
 * finding says what kind of value stood there, never its text: no format shows a secret.
 */
describe('a chart file that is a symbolic link to a secret', () => {
  const { dir: own } = scratch();
  const secrets: Record<string, string> = {
    ...FOREIGN,
    'app.env': 'DB_PASSWORD=SECRET20Sup3rS3cretPassw0rd!\n',
    token: 'ghp_SECRET21R3alL00kingGitHubT0ken\n',
    pin: '73019946102283\n',
    'tokens.yaml': '- SECRET22 a token in a list\n',
  };
  mkdirSync(join(own, 'secret'));
  mkdirSync(join(own, 'charts'));
  writeFileSync(join(own, 'charts', 'chart.yaml'), 'chartId: C1\nencounters: []\n');
  for (const [name, text] of Object.entries(secrets)) {
    writeFileSync(join(own, 'secret', name), text);
    symlinkSync(join('..', 'secret', name), join(own, 'charts', `${name}.yaml`));
  }

  test.each([...FORMATTERS.keys()])('%s: each is a finding, and no secret is in the report', (format) => {
    const r = cli(['--no-config-lookup', '-f', format, 'charts'], { cwd: own });
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/SECRET|\$6\$|hunter2|wJalr|b3BlbnNz|73019946102283|ghp_/);
  });

  test('the finding says the kind and size of what stood where a chart was expected', () => {
    const out = cli(['--no-config-lookup', '--no-color', 'charts'], { cwd: own }).stdout;
    const expected = 'Expected a chart (a mapping with `chartId` and `encounters`); found';
    expect(out).toContain(`charts/app.env.yaml\n  1:1  error  ${expected} a text of 40 characters.`);
    expect(out).toContain(`charts/pin.yaml\n  1:1  error  ${expected} a number.`);
    expect(out).toContain(`charts/tokens.yaml.yaml\n  1:3  error  ${expected} a text of 26 characters.`);
  });
});
