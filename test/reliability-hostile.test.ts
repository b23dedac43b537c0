/**
 * Hostile inputs, each in its own run beside a good chart: each is refused with a finding (or
 * read as plain data), the good chart is still linted exactly as on its own, and the run ends
 * with exit 1, nothing on stderr. Big and hostile files are generated here, never committed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { adapt } from '../src/chart/adapt.js';
import type { Finding } from '../src/finding.js';
import { parseText } from '../src/read/parse.js';
import type { Report } from '../src/report/types.js';
import { Engine } from '../src/rules/engine.js';
import { discover, displayPath } from '../src/run/discover.js';
import { DEFAULT_MAX_FILE_SIZE } from '../src/run/lint-file.js';
import { lintInputs } from '../src/run/lint-bulk.js';
import { setupRuleset } from '../src/run/setup.js';
import { cli, cliJson, NOBODY, nobodyCannotRun, ROOT } from './helpers/cli.js';
import { chart, scratches, type Scratch } from './helpers/scratch.js';
import { testUnless } from './helpers/skip.js';

const GOOD = `${JSON.stringify(chart('GOOD-1'), null, 2)}\n`;
const ENGINE_RULES = ['parse-error', 'chart-format', 'read-error', 'internal-error'];

const newScratch = scratches();

/** A folder with good.json and the given files, linted by the CLI from inside it. */
function lintWith(
  files: Record<string, string | Uint8Array>,
  args: string[] = [],
  setUp?: (s: Scratch) => void,
  env?: Record<string, string>,
): { code: number; report: Report; stderr: string } {
  const s = newScratch();
  s.write('good.json', GOOD);
  for (const [name, content] of Object.entries(files)) s.write(name, content);
  setUp?.(s);
  return cliJson(['--no-config-lookup', ...args, '.'], { cwd: s.dir, ...(env ? { env } : {}) });
}

/** The findings of one file linted on its own. */
function lintAlone(name: string, content: string | Uint8Array): Finding[] {
  const s = newScratch();
  s.write(name, content);
  const r = cliJson(['--no-config-lookup', name], { cwd: s.dir });
  expect(r.stderr).toBe('');
  return findingsOf(r.report, name);
}

function findingsOf(report: Report, file: string): Finding[] {
  const r = report.results.find((x) => x.file === file);
  if (!r) throw new Error(`no result for ${file}: ${report.results.map((x) => x.file).join(', ')}`);
  return r.findings;
}

let solo: Finding[];
beforeAll(() => {
  solo = lintAlone('good.json', GOOD);
  expect(solo.some((f) => !ENGINE_RULES.includes(f.ruleId))).toBe(true);
});

/** The run finished normally and the good chart was linted as on its own. */
function expectRunWentOn(r: { code: number; report: Report; stderr: string }): void {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  expect(findingsOf(r.report, 'good.json')).toEqual(solo);
}

function only(report: Report, file: string): Finding {
  const fs = findingsOf(report, file);
  expect(fs).toHaveLength(1);
  return fs[0]!;
}

test('a YAML alias bomb (billion laughs) is refused as a parse error', () => {
  let yaml = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (const [prev, name] of [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
    ['e', 'f'],
    ['f', 'g'],
    ['g', 'h'],
    ['h', 'i'],
  ]) {
    yaml += `${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
  }
  const r = lintWith({ 'bomb.yaml': yaml });
  expectRunWentOn(r);
  // Each "lol" is 5 characters of text: a stands for 45, b for 405, ..., e for 295,245. The file
  // is under 1 KB, so its aliases may stand for 1 MB of text: f's third alias (line 6, column 14)
  // takes the document past it, before the values reach 1,048,576 (at g's first alias).
  expect(only(r.report, 'bomb.yaml')).toMatchObject({
    ruleId: 'parse-error',
    line: 6,
    column: 14,
    message: 'Invalid YAML: with its aliases, the document stands for more than 1 MB of text (an alias bomb)',
  });
});

test('a YAML alias inside the list or mapping it names (a value with no end) is refused at the alias', () => {
  const r = lintWith({ 'endless.yaml': 'chartId: E-1\nencounters: &e\n  - id: V1\n    notes: [*e]\n' });
  expectRunWentOn(r);
  expect(only(r.report, 'endless.yaml')).toMatchObject({
    ruleId: 'parse-error',
    line: 4,
    column: 13,
    message: 'Invalid YAML: an alias stands for a list or mapping that holds it: its value would never end',
  });
});

test("anchors of empty lists used many times are read in one pass (the yaml package's own count took the cube of the aliases: hours for 13 KB); past 1,000 aliases a document is refused", () => {
  // 900 aliases of an empty list, and 90 aliases of that list: 81,000 values, under both bounds.
  const text = `chartId: C-1\na: &a []\nb: &b [${Array(900).fill('*a').join(', ')}]\nc: [${Array(90).fill('*b').join(', ')}]\n`;
  // 3,000 and 300: the package would search every alias before each one (a square of them).
  const more = `chartId: C-2\na: &a []\nb: &b [${Array(3000).fill('*a').join(', ')}]\nc: [${Array(300).fill('*b').join(', ')}]\n`;
  const r = lintWith({ 'many.yaml': text, 'more.yaml': more });
  expectRunWentOn(r);
  expect(findingsOf(r.report, 'many.yaml').map((f) => [f.ruleId, f.message])).toEqual([
    ['chart-format', 'Missing `encounters`: expected a list.'],
  ]);
  expect(findingsOf(r.report, 'more.yaml').map((f) => [f.ruleId, f.message])).toEqual([
    [
      'parse-error',
      'Invalid YAML: the document holds more than 1,000 aliases, more than a chart needs and more than b12lint reads in bounded time',
    ],
  ]);
});

test('a YAML stream with alias bombs among its documents: each bomb is refused at its alias and counted as one chart; the others are linted', () => {
  const aliases = (name: string, prev: string): string => `${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
  // d stands for 7,381 values: the 141st of e's aliases of it takes the document past 1,048,576.
  const bomb = `a: &a [x, x, x, x, x, x, x, x, x]\n${aliases('b', 'a')}${aliases('c', 'b')}${aliases('d', 'c')}e: [${Array(200).fill('*d').join(', ')}]\n`;
  const good = (id: string): string => JSON.stringify(chart(id));
  const r = lintWith({ 'stream.yaml': [good('S-1'), bomb, bomb, good('S-4')].join('\n---\n') });
  expectRunWentOn(r);
  const found = findingsOf(r.report, 'stream.yaml');
  expect(found.filter((f) => f.ruleId === 'parse-error').map((f) => [f.line, f.column, f.message])).toEqual([
    [7, 5 + 4 * 140, 'Invalid YAML: with its aliases, the document stands for more than 1,048,576 values (an alias bomb)'],
    [14, 5 + 4 * 140, 'Invalid YAML: with its aliases, the document stands for more than 1,048,576 values (an alias bomb)'],
  ]);
  expect(new Set(found.filter((f) => f.ruleId !== 'parse-error').map((f) => f.chartId))).toEqual(new Set(['S-1', 'S-4']));
  // Four documents given, four charts counted (with good.json, five): none vanishes from the summary.
  expect(r.report.summary.charts).toBe(5);
});

test('JSON nested 100,000 levels deep is refused at the first level beyond 2,000, without a stack overflow', () => {
  const r = lintWith({
    'deep.json': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    'deep-object.json': `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
  });
  expectRunWentOn(r);
  // A list: its one entry is refused (a list of charts keeps the others, below).
  expect(only(r.report, 'deep.json')).toMatchObject({
    ruleId: 'parse-error',
    line: 1,
    column: 2001,
    pointer: '/0',
    message:
      'Unreadable JSON: entry 1 of the list is nested too deeply to be read (more than 2,000 levels of lists and mappings); it is not linted.',
  });
  // Anything else: the document.
  expect(only(r.report, 'deep-object.json')).toMatchObject({
    ruleId: 'parse-error',
    line: 1,
    column: 2005, // the object's brace is the first level
    pointer: '',
    message: 'Unreadable JSON: the document is nested too deeply to be read (more than 2,000 levels of lists and mappings).',
  });
});

test('a list of charts with entries nested too deeply: each is refused where it passes 2,000 levels, and the others are linted as on their own', () => {
  const deep = `${'['.repeat(3000)}0${']'.repeat(3000)}`;
  const entries = [GOOD.trim(), `{"chartId": "DEEP-A", "labs": ${deep}}`, JSON.stringify(chart('LIST-2')), `[${deep}, "[{"]`];
  const r = lintWith({ 'list.json': `[\n${entries.join(',\n')}\n]\n` });
  expectRunWentOn(r);
  const found = findingsOf(r.report, 'list.json');
  expect(found.filter((f) => f.ruleId === 'parse-error').map((f) => [f.pointer, f.line, f.column])).toEqual([
    ['/1', GOOD.trim().split('\n').length + 2, 30 + 1999],
    ['/3', GOOD.trim().split('\n').length + 4, 2000], // the entry's bracket is the second level
  ]);
  // The good charts: the findings each has alone, at its place in the list.
  const alone = lintWith({ 'two.json': `[\n${GOOD.trim()},\n{},\n${JSON.stringify(chart('LIST-2'))}\n]\n` });
  const said = (fs: Finding[]): string[] =>
    fs
      .filter((f) => f.pointer.startsWith('/0/') || f.pointer.startsWith('/2/'))
      .map((f) => `${f.ruleId} ${f.pointer} ${f.line}:${f.column}`);
  expect(said(found)).toEqual(said(findingsOf(alone.report, 'two.json')));
  expect(said(found).length).toBeGreaterThan(0);
  // Every entry counted and listed with its place: two linted, two refused.
  const file = r.report.results.find((x) => x.file === 'list.json')!;
  expect(file.charts.map((c) => c.pointer)).toEqual(['/0', '/1', '/2', '/3']);
  expect(r.report.summary.charts).toBe(5); // with good.json
});

test('read as FHIR (--input-format fhir), a list with entries nested too deeply is refused once, as one document: a list is no FHIR resource', () => {
  const deep = `${'['.repeat(3000)}0${']'.repeat(3000)}`;
  const r = lintWith({ 'list.json': `[${Array.from({ length: 50 }, () => deep).join(',')}]` }, ['--input-format', 'fhir']);
  expect(r.stderr).toBe('');
  const file = r.report.results.find((x) => x.file === 'list.json')!;
  expect(file.findings.map((f) => [f.ruleId, f.line, f.column, f.message])).toEqual([
    [
      'parse-error',
      1,
      2001,
      'Unreadable JSON: the document is nested too deeply to be read (more than 2,000 levels of lists and mappings).',
    ],
  ]);
  expect(r.report.summary.charts).toBe(2); // the list, and good.json
});

test('a chart with 100,000 levels of nesting in it is refused where they pass 2,000, without scanning further', () => {
  const text = `{"chartId": "DEEP-1",\n "encounters": [${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
  const r = lintWith({ 'deep-chart.json': text });
  expectRunWentOn(r);
  expect(only(r.report, 'deep-chart.json')).toMatchObject({ ruleId: 'parse-error', line: 2, column: 2015 }); // the 2,001st level: the chart's brace, the list's bracket, then 1,999 more
});

test('a lab value nested 5,000 lists deep is a parse error of its file (once a stack overflow that lost the file); NDJSON loses only its line', () => {
  const deepLab = JSON.stringify(
    chart('DEEPLAB-1', { labs: [{ loinc: '2132-9', value: 'VALUE', unit: 'pg/mL', date: '2026-09-28' }] }),
  ).replace('"VALUE"', `${'['.repeat(5000)}${']'.repeat(5000)}`);
  const r = lintWith({ 'deep-lab.json': deepLab, 'two.ndjson': `${JSON.stringify(chart('NDJ-1'))}\n${deepLab}\n` });
  expectRunWentOn(r);
  expect(only(r.report, 'deep-lab.json')).toMatchObject({ ruleId: 'parse-error', line: 1 });
  const nd = findingsOf(r.report, 'two.ndjson');
  expect(nd.filter((f) => f.ruleId === 'parse-error').map((f) => f.line)).toEqual([2]);
  expect(nd.some((f) => f.chartId === 'NDJ-1' && !ENGINE_RULES.includes(f.ruleId))).toBe(true); // the other line's chart is linted
  expect(nd.some((f) => f.ruleId === 'internal-error')).toBe(false);
  // The good chart, the deep chart and the two NDJSON lines: every chart counted.
  expect(r.report.summary.charts).toBe(4);
});

test('a diagnosis description or code of 40,000 characters is left out of the words searched for; the rules still read the chart', () => {
  const long = chart('LONG-1', {
    encounters: [
      {
        id: 'E1',
        date: '2026-10-02',
        setting: 'outpatient',
        diagnoses: [{ code: 'D51.0', description: 'a'.repeat(40_000) }, { code: 'Z'.repeat(40_000) }],
        services: [{ code: 'J3420', diagnoses: [1] }, { code: '96372' }],
        notes: [{ section: 'plan', text: 'Possible pernicious anemia. B12 shot.' }],
      },
    ],
  });
  const r = lintWith({ 'long.json': JSON.stringify(long) });
  expectRunWentOn(r);
  const found = findingsOf(r.report, 'long.json');
  expect(found.some((f) => f.ruleId === 'internal-error')).toBe(false);
  expect(found.some((f) => !ENGINE_RULES.includes(f.ruleId))).toBe(true);
  // What is left out is named: a chart-format warning at each diagnosis, with its size, never its text.
  const named = found.filter((f) => f.ruleId === 'chart-format');
  expect(named.map((f) => [f.severity, f.pointer])).toEqual([
    ['warning', '/encounters/0/diagnoses/0'],
    ['warning', '/encounters/0/diagnoses/1'],
  ]);
  expect(named[0]!.message).toMatch(
    /^The description of diagnosis D51\.0 has 40,000 characters and 1 word: more than a phrase b12lint searches the notes for \(300 characters or 40 words\); the notes are searched only for its code and the ruleset's words for it,/,
  );
  expect(named[1]!.message).toMatch(
    /^A diagnosis code as written has 40,000 characters and 1 word: .*; the notes are searched only for the ruleset's words for it,/,
  );
  expect(named.every((f) => !f.message.includes('aaaa') && !f.message.includes('ZZZZ'))).toBe(true);
});

test('a diagnosis description of words made of hyphens and a note of a million hyphens are read at once, not backtracked through', () => {
  // The description becomes a phrase searched for in the notes: "x - - - y" once made a pattern
  // whose runs of separators could each end on any of the note's hyphens.
  const hostile = chart('HYPHENS-1', {
    encounters: [
      {
        id: 'E1',
        date: '2026-10-02',
        setting: 'outpatient',
        diagnoses: [{ code: 'I10', description: 'x - - - y' }],
        services: [{ code: '99213', diagnoses: [1] }],
        notes: [{ section: 'assessment', text: `x${'-'.repeat(1_000_000)}` }],
      },
    ],
  });
  const r = lintWith({ 'hyphens.json': JSON.stringify(hostile) });
  expectRunWentOn(r);
  expect(findingsOf(r.report, 'hyphens.json')).toEqual([]);
  expect(r.report.summary.charts).toBe(2);
});

test('a dose concentration of "per" and a million spaces is read at once: a dose that cannot be read', () => {
  const hostile = chart('SPACES-1', {
    encounters: [
      {
        id: 'E1',
        date: '2026-10-02',
        diagnoses: [{ code: 'D51.0' }],
        services: [
          {
            code: 'J3420',
            units: 1,
            dose: { value: 1, unit: 'mL', concentration: `1000 mcg per${' '.repeat(1_000_000)}x` },
            diagnoses: [1],
          },
        ],
      },
    ],
  });
  const r = lintWith({ 'spaces.json': JSON.stringify(hostile) });
  expectRunWentOn(r);
  expect(findingsOf(r.report, 'spaces.json')).toContainEqual(
    expect.objectContaining({
      ruleId: 'chart-format',
      pointer: '/encounters/0/services/0/dose',
      message: expect.stringMatching(/^Dose must be written/),
    }),
  );
});

test('JSON opening 100,000 lists and never closing them is a parse error at the end', () => {
  const r = lintWith({ 'open.json': '['.repeat(100_000) });
  expectRunWentOn(r);
  expect(only(r.report, 'open.json')).toMatchObject({
    ruleId: 'parse-error',
    line: 1,
    column: 100_001,
    message: expect.stringMatching(/incomplete/),
  });
});

/**
 * YAML nesting `levels` lists and mappings deep, in each shape the parser nests differently: flow
 * (`[[[`), block mappings (one key a line, indented), compact block lists (`- - -` on one line) and
 * block lists a line each. The value of `x`, so the document's own mapping is one more level.
 */
function nested(shape: 'flow' | 'map' | 'compact' | 'lines', levels: number): string {
  const n = levels - 1; // the document's mapping is the first level
  switch (shape) {
    case 'flow':
      return `x: ${'['.repeat(n)}${']'.repeat(n)}`;
    case 'map':
      return `x:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')}\n${' '.repeat(n + 1)}v`;
    case 'compact':
      return `x:\n  ${'- '.repeat(n)}v`;
    case 'lines':
      return `x:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 1)}-`).join('\n')}\n${'  '.repeat(n + 1)}v`;
  }
}

describe('YAML nested more than 256 levels: that document alone is refused, at the level beyond the limit, the same in every run', () => {
  // A chart, `---`, the document `chartId: DEEP` with `body`, `---`, a chart; the charts' ids
  // begin with `tag` (ids must be unique within a run).
  const stream = (tag: string, body: string): string =>
    [JSON.stringify(chart(`${tag}-1`)), `chartId: DEEP-${tag}\n${body}`, JSON.stringify(chart(`${tag}-3`))].join('\n---\n');
  /** The findings of a stream's two charts, each line counted from its chart's own first line. */
  const said = (fs: Finding[], tag: string, text: string): string[] => {
    const lastLine = text.split('\n').length; // the second chart is the stream's last line
    return fs
      .filter((f) => f.chartId === `${tag}-1` || f.chartId === `${tag}-3`)
      .map((f) => (f.chartId === `${tag}-1` ? `first ${f.ruleId} ${f.line - 1}` : `second ${f.ruleId} ${f.line - lastLine}`));
  };
  let alone: string[];
  beforeAll(() => {
    const text = stream('S', 'x: []');
    alone = said(findingsOf(lintWith({ 'shallow.yaml': text }).report, 'shallow.yaml'), 'S', text);
    expect(alone.filter((f) => f.startsWith('first')).length).toBeGreaterThan(0);
    expect(alone.filter((f) => f.startsWith('second')).length).toBeGreaterThan(0);
  });

  // Where the 257th level opens (the document's mapping is the first): line and column.
  const beyond = { flow: [4, 259], map: [260, 257], compact: [5, 513], lines: [260, 513] } as const;
  for (const shape of ['flow', 'map', 'compact', 'lines'] as const) {
    test(`${shape}: 256 levels are read, 257 are refused at ${beyond[shape].join(':')}, in the main thread and in a worker alike`, () => {
      const files = { 'at-limit.yaml': stream('A', nested(shape, 256)), 'beyond.yaml': stream('B', nested(shape, 257)) };
      for (const jobs of ['1', '2']) {
        // With --jobs 2, workers for as few files as these (as test/perf.test.ts does).
        const r = lintWith(files, ['--jobs', jobs], undefined, { B12LINT_WORKER_THRESHOLD: '1' });
        expectRunWentOn(r);
        const atLimit = findingsOf(r.report, 'at-limit.yaml');
        expect(atLimit.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
        expect(said(atLimit, 'A', files['at-limit.yaml'])).toEqual(alone);
        const found = findingsOf(r.report, 'beyond.yaml');
        const refused = found.filter((f) => f.ruleId === 'parse-error');
        expect(refused.map((f) => [f.line, f.column, f.message])).toEqual([
          [...beyond[shape], 'Unreadable YAML: the document is nested too deeply to be read (more than 256 levels of lists and mappings).'],
        ]);
        // The charts around it: the findings each has alone, at their own lines.
        expect(said(found, 'B', files['beyond.yaml'])).toEqual(alone);
        expect(r.report.summary.charts).toBe(7); // two files of three documents, and good.json
      }
    });
  }

  test('a deep block list followed by another document (which overflowed the parser and lost the whole file) keeps the other documents', () => {
    const text = stream('C', nested('compact', 5000));
    const r = lintWith({ 'deep-stream.yaml': text });
    expectRunWentOn(r);
    const found = findingsOf(r.report, 'deep-stream.yaml');
    expect(found.filter((f) => f.ruleId === 'parse-error').map((f) => [f.line, f.column])).toEqual([[5, 513]]);
    expect(said(found, 'C', text)).toEqual(alone);
  });
});

test('a config or ruleset nested too deeply is a problem with its place and exit 2, never an internal error', () => {
  const s = newScratch();
  s.write('good.json', GOOD);
  s.write('deep-config.yaml', `ruleset: recommended\nignore:\n  ${'- '.repeat(3000)}x\n---\nfailOn: error\n`);
  s.write('deep-rules.yaml', `ruleset: deep\nrules: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
  const config = cli(['--config', 'deep-config.yaml', '.'], { cwd: s.dir });
  expect([config.code, config.stdout]).toEqual([2, '']);
  expect(config.stderr).toMatch(/^deep-config\.yaml:3:513: invalid YAML: nested more than 256 levels of lists and mappings$/m);
  expect(config.stderr).not.toMatch(/internal error|call stack/i);
  const ruleset = cli(['--no-config-lookup', '--ruleset', 'deep-rules.yaml', '.'], { cwd: s.dir });
  expect([ruleset.code, ruleset.stdout]).toEqual([2, '']);
  expect(ruleset.stderr).toMatch(/^deep-rules\.yaml:2:263: invalid YAML: nested more than 256 levels of lists and mappings$/m);
  expect(ruleset.stderr).not.toMatch(/internal error|call stack/i);
});

test('an alias bomb in a config or a tests file is a problem with its file and place, exit 2, never an internal error', () => {
  const s = newScratch();
  s.write('good.json', GOOD);
  // a stands for 1,001 values: the 99th alias of it takes the file past 100,000.
  const aliases = (n: number): string =>
    `a: &a [${Array(1000).fill('x').join(', ')}]\nb: [${Array.from({ length: n }, () => '*a').join(', ')}]\n`;
  s.write('bomb-config.yaml', `ruleset: recommended\n${aliases(101)}`);
  s.write('rs.yaml', 'ruleset: mine\nextends: recommended\nrules: []\n');
  s.write('rs.tests.yaml', aliases(101));
  const config = cli(['--config', 'bomb-config.yaml', '.'], { cwd: s.dir });
  const tests = cli(['test', 'rs.yaml'], { cwd: s.dir });
  for (const [r, file] of [
    [config, 'bomb-config.yaml'],
    [tests, 'rs.tests.yaml'],
  ] as const) {
    expect([r.code, r.stdout]).toEqual([2, '']);
    // At the 99th alias: line 2 of the tests file, 3 of the config.
    const line = file === 'rs.tests.yaml' ? 2 : 3;
    expect(r.stderr).toMatch(
      new RegExp(
        `^${file.replace('.', '\\.')}:${line}:${5 + 4 * 98}: invalid YAML: with its aliases, the document stands for more than 100,000 values`,
        'm',
      ),
    );
    expect(r.stderr).not.toMatch(/internal error/i);
  }
});

describe('a chart that makes every finding cite everything: the report stays the size of the chart, not its square', () => {
  // 999 injection lines, each linked to one diagnosis (under the 1,000 elements a list may hold):
  // each line's findings cite the diagnosis's lines, and the diagnosis's findings cite them all.
  const many = (code: string): string => {
    const c = chart('MANY-1');
    const e = (c.encounters as Record<string, unknown>[])[0]!;
    e.diagnoses = [{ code, status: 'confirmed' }];
    e.services = Array.from({ length: 999 }, () => ({ code: 'J3420', units: 1, diagnoses: [1] }));
    return JSON.stringify(c);
  };

  test('at most 20 pieces of evidence and 20 query indicators a finding, and how many more: in JSON to standard output and in stylish', () => {
    const r = lintWith({ 'many.json': many('D51.9') });
    expectRunWentOn(r);
    const found = findingsOf(r.report, 'many.json');
    expect(found.length).toBeGreaterThan(999);
    expect(Math.max(...found.map((f) => f.evidence.length))).toBe(20);
    const cut = found.filter((f) => f.moreEvidence !== undefined);
    expect(cut.length).toBeGreaterThan(0);
    for (const f of cut) expect(f.evidence.length + f.moreEvidence!).toBeGreaterThan(20);
    const drafts = found.flatMap((f) => (f.query ? [f.query] : []));
    expect(Math.max(0, ...drafts.map((q) => q.indicators.length))).toBeLessThanOrEqual(20);
    expect(JSON.stringify(r.report).length).toBeLessThan(40 * 1024 * 1024);
    const s = newScratch();
    s.write('many.json', many('D51.9'));
    const stylish = cli(['--no-config-lookup', 'many.json'], { cwd: s.dir });
    expect([stylish.code, stylish.stderr]).toEqual([0, '']); // warnings and infos only
    expect(stylish.stdout).toMatch(/↳ and [\d,]+ more$/m);
  });

  test('ids of 600,000 characters are no ids: said by their size, the encounter left out, the chart linted without one; quoted values shortened', () => {
    const c = chart('X'.repeat(600_000));
    const e = (c.encounters as Record<string, unknown>[])[0]!;
    c.encounters = [
      e,
      { ...e, id: 'Y'.repeat(600_000), services: Array.from({ length: 999 }, () => ({ code: 'J3420', units: 1, diagnoses: [1] })) },
    ];
    c.labs = [{ test: 'Hemoglobin', loinc: 'Z'.repeat(300_000), value: 10.1, unit: 'g/dL', date: '2026-10-01' }];
    const r = lintWith({ 'long-ids.json': JSON.stringify(c) });
    expectRunWentOn(r);
    const found = findingsOf(r.report, 'long-ids.json');
    const text = JSON.stringify(found);
    for (const ch of ['X', 'Y', 'Z']) expect([ch, text.includes(ch.repeat(301))]).toEqual([ch, false]);
    expect(found.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        '`chartId` is 600,000 characters long, longer than an id can be (at most 300): the chart is linted without an id.',
        'Encounter id is 600,000 characters long, longer than an id can be (at most 300): the encounter is left out.',
      ]),
    );
    expect(JSON.stringify(r.report).length).toBeLessThan(10 * 1024 * 1024);
  });

  test('in FHIR too, a Patient id or Encounter id of 600,000 characters is no id: said by its size, never repeated', () => {
    const bundle = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'fhir', 'p-0001.json'), 'utf8')) as {
      entry: { resource: Record<string, unknown> }[];
    };
    for (const { resource } of bundle.entry) {
      if (resource.resourceType === 'Patient') resource.id = 'P'.repeat(600_000);
      if (resource.resourceType === 'Encounter') resource.id = 'E'.repeat(600_000);
    }
    const r = lintWith({ 'long-ids.fhir.json': JSON.stringify(bundle) });
    expectRunWentOn(r);
    const found = findingsOf(r.report, 'long-ids.fhir.json');
    const text = JSON.stringify(found);
    for (const ch of ['P', 'E']) expect([ch, text.includes(ch.repeat(301))]).toEqual([ch, false]);
    expect(found.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        "The Patient's id is 600,000 characters long, longer than an id can be (at most 300): the chart is linted without an id.",
        'Encounter id is 600,000 characters long, longer than an id can be (at most 300): the encounter is left out, with what points to it.',
      ]),
    );
  });

  test('a code of 600,000 characters is shown by its start and size in messages, evidence and queries, never whole', () => {
    const code = `D51.${'9'.repeat(600_000)}`;
    const r = lintWith({ 'long-code.json': many(code) });
    expectRunWentOn(r);
    const found = findingsOf(r.report, 'long-code.json');
    expect(found.length).toBeGreaterThan(999);
    const text = JSON.stringify(found);
    expect(text).not.toContain('9'.repeat(301));
    expect(text).toContain('… (600,004 characters in all)');
  });
});

test('a JSON text over 1 MB nested more than 100,000 levels is refused whole before it is parsed: at its first level beyond 2,000, or at its syntax error', () => {
  const r = lintWith({
    'far.json': `[${JSON.stringify(chart('FAR-1'))}, ${'['.repeat(600_000)}${']'.repeat(600_000)}]`,
    'open.json': '['.repeat(2_000_000),
  });
  expectRunWentOn(r);
  expect(only(r.report, 'far.json')).toMatchObject({
    ruleId: 'parse-error',
    line: 1,
    message: 'Unreadable JSON: the document is nested too deeply to be read (more than 2,000 levels of lists and mappings).',
  });
  expect(only(r.report, 'open.json')).toMatchObject({
    ruleId: 'parse-error',
    line: 1,
    column: 2_000_001,
    message: expect.stringMatching(/incomplete/),
  });
});

test('an NDJSON line, a baseline or a shard report over 1 MB nested more than 100,000 levels is refused before it is parsed', () => {
  const deep = `${'['.repeat(600_000)}${']'.repeat(600_000)}`;
  const good = JSON.stringify(chart('ND-1'));
  const r = lintWith({ 'lines.ndjson': `${good}\n${deep}\n${JSON.stringify(chart('ND-3'))}\n` });
  expectRunWentOn(r);
  const found = findingsOf(r.report, 'lines.ndjson');
  expect(found.filter((f) => f.ruleId === 'parse-error').map((f) => [f.line, f.column, f.message])).toEqual([
    [2, 2001, 'Unreadable JSON: the document is nested too deeply to be read (more than 2,000 levels of lists and mappings).'],
  ]);
  expect(new Set(found.map((f) => f.chartId).filter(Boolean))).toEqual(new Set(['ND-1', 'ND-3']));
  const s = newScratch();
  s.write('good.json', GOOD);
  s.write('deep.json', deep);
  const baseline = cli(['--no-config-lookup', '--baseline', 'deep.json', 'good.json'], { cwd: s.dir });
  expect([baseline.code, baseline.stdout]).toEqual([2, '']);
  expect(baseline.stderr).toMatch(/"deep\.json" is not a b12lint baseline/);
  const merge = cli(['merge', 'deep.json'], { cwd: s.dir });
  expect([merge.code, merge.stdout]).toEqual([2, '']);
  expect(merge.stderr).toMatch(
    /deep\.json is not a b12lint JSON report: the document is nested too deeply to be read .*\(line 1, column 2001\)/,
  );
});

test('YAML nested 100,000 levels deep is a parse error at the level beyond the limit, not a crash', () => {
  const r = lintWith({ 'deep.yaml': `${'['.repeat(100_000)}${']'.repeat(100_000)}\n` });
  expectRunWentOn(r);
  expect(only(r.report, 'deep.yaml')).toMatchObject({
    ruleId: 'parse-error',
    line: 1,
    column: 257,
    message: 'Unreadable YAML: the document is nested too deeply to be read (more than 256 levels of lists and mappings).',
  });
});

// A file of several hundred MB takes the same path as this one over a lower limit: the size is
// checked before the file is read (and again on the bytes read), so no test writes 300 MB.
test('a file over --max-file-size is refused with the limit and the option to raise it; a higher limit reads it', () => {
  const big = `[${Array.from({ length: 7000 }, (_, i) => JSON.stringify(chart(`BIG-${i}`))).join(',\n')}]`;
  expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
  const refused = lintWith({ 'big.json': big }, ['--max-file-size', '1']);
  expectRunWentOn(refused);
  expect(only(refused.report, 'big.json')).toMatchObject({
    ruleId: 'read-error',
    line: 1,
    column: 1,
    message: expect.stringMatching(/^File is 2\.\d MB, over the 1 MB limit for one file: raise it with --max-file-size/),
  });
  expect(refused.report.summary.charts).toBe(2);
  const read = lintWith({ 'big.json': big }, ['--max-file-size', '16']);
  expect(findingsOf(read.report, 'big.json').some((f) => f.ruleId === 'read-error')).toBe(false);
  expect(read.report.summary.charts).toBe(7001);
});

// Memory grows with values and findings, not with bytes, so --max-file-size bounds them too
// (one JSON value or listed finding per 64 bytes, one YAML token per 32): at 1 MB, 16,384 values.
describe('files of millions of tiny values are bounded, not allowed to exhaust memory', () => {
  test('JSON with more values than the bound is refused with the bound and the option to raise it', () => {
    const r = lintWith({ 'ones.json': `[${'1,'.repeat(20_000)}1]` }, ['--max-file-size', '1']);
    expectRunWentOn(r);
    expect(only(r.report, 'ones.json')).toMatchObject({
      ruleId: 'read-error',
      message:
        'The file holds more than 16,384 values, too many to lint safely in memory (one per 64 bytes of --max-file-size): raise --max-file-size, or split the export into smaller files.',
    });
  });

  test('YAML with more tokens than the bound is refused before it is parsed', () => {
    const r = lintWith({ 'ones.yaml': `[${'1,'.repeat(20_000)}1]\n` }, ['--max-file-size', '1']);
    expectRunWentOn(r);
    expect(only(r.report, 'ones.yaml')).toMatchObject({
      ruleId: 'read-error',
      message: expect.stringMatching(/^The file holds more than 32,768 YAML tokens/),
    });
  });

  test('beyond the bound on findings a file lists, the rest are counted in one finding of the highest severity', () => {
    const r = lintWith({ 'empties.ndjson': '{}\n'.repeat(10_000) }, ['--max-file-size', '1']);
    expectRunWentOn(r);
    const fs = findingsOf(r.report, 'empties.ndjson');
    expect(fs).toHaveLength(16_384 + 1);
    expect(fs[fs.length - 1]).toMatchObject({
      ruleId: 'chart-format',
      severity: 'error',
      message: '3,616 more findings in this file are not listed: only the first 16,384 are (--max-file-size sets this bound too).',
    });
    expect(r.report.summary.charts).toBe(10_000 + 1);
  });

  test('a chart with a list of more than 1,000 elements is counted and reported, not evaluated (rules compare elements pairwise)', () => {
    const huge = chart('HUGE-1');
    (huge.encounters as { diagnoses: unknown[] }[])[0]!.diagnoses = Array(1001).fill('D62');
    const r = lintWith({ 'huge.json': JSON.stringify(huge) });
    expectRunWentOn(r);
    expect(only(r.report, 'huge.json')).toMatchObject({
      ruleId: 'chart-format',
      chartId: 'HUGE-1',
      pointer: '/encounters/0/diagnoses',
      message: 'The chart was not evaluated: it has 1,001 diagnoses of encounter E1, more than the 1,000 b12lint reads in one list.',
    });
    expect(r.report.summary.charts).toBe(2);
  });
});

describe('__proto__ and constructor keys are plain data', () => {
  // JSON.stringify drops a `__proto__` own key, so the text is written by hand.
  const json = `{"__proto__": {"chartId": "INHERITED", "polluted": true}, "constructor": {"prototype": {"polluted": true}}, "encounters": [{"id": "E1", "date": "2026-10-02"}]}`;
  const yaml =
    '__proto__: {chartId: INHERITED, polluted: true}\nconstructor: {prototype: {polluted: true}}\nencounters: [{id: E1, date: 2026-10-02}]\n';

  test.each([
    ['proto.json', json],
    ['proto.yaml', yaml],
  ])('%s: no chart id is inherited from a __proto__ key', (name, text) => {
    const r = lintWith({ [name]: text });
    expectRunWentOn(r);
    expect(findingsOf(r.report, name).map((f) => f.message)).toContain('Chart has no `chartId`.');
  });

  test('parsing and adapting them pollutes no prototype', () => {
    for (const [text, format] of [
      [json, 'json'],
      [yaml, 'yaml'],
    ] as const) {
      const parsed = parseText(text, format);
      const doc = [...parsed.docs][0]!.value as Record<string, unknown>;
      expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
      expect(Object.keys(doc)).toEqual(['__proto__', 'constructor', 'encounters']);
      expect(adapt(doc).charts[0]!.chartId).toBe('');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).chartId).toBeUndefined();
  });
});

test('empty files: JSON is a parse error, YAML and NDJSON an empty-file error (a failed export fails the gate); each counts as one chart', () => {
  const r = lintWith({ 'empty.json': '', 'empty.yaml': '', 'empty.ndjson': '', 'blank.ndjson': '\n\n', 'comment.yaml': '# nothing\n' });
  expectRunWentOn(r);
  expect(only(r.report, 'empty.json')).toMatchObject({ ruleId: 'parse-error', message: 'Invalid JSON: the file is empty (no JSON value)' });
  for (const f of ['empty.yaml', 'empty.ndjson', 'blank.ndjson', 'comment.yaml']) {
    expect(only(r.report, f)).toMatchObject({
      ruleId: 'chart-format',
      severity: 'error',
      message: 'The file is empty: expected one or more charts.',
    });
  }
  expect(r.report.summary.charts).toBe(6);
});

test('an empty NDJSON file alone fails the run (exit 1), streamed or read whole', () => {
  for (const env of [{}, { B12LINT_STREAM_THRESHOLD: '0' }] as Record<string, string>[]) {
    const s = newScratch();
    s.write('export.ndjson', '');
    const r = cliJson(['--no-config-lookup', 'export.ndjson'], { cwd: s.dir, env });
    expect(r.code).toBe(1);
    expect(only(r.report, 'export.ndjson')).toMatchObject({ ruleId: 'chart-format', severity: 'error' });
  }
});

test('a UTF-8 byte-order mark is accepted: same findings at the same places', () => {
  expect(lintAlone('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD)]))).toEqual(solo);
});

test('UTF-16 with a byte-order mark, little- and big-endian, is decoded: same findings at the same places', () => {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le')]);
  const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(GOOD, 'utf16le').swap16()]);
  expect(lintAlone('le.json', le)).toEqual(solo);
  expect(lintAlone('be.json', be)).toEqual(solo);
});

test('UTF-16 that is no text (half a character, an odd byte at the end) refuses the file at it, as invalid UTF-8 does', () => {
  const text = 'chartId: U1\nencounters:\n  - id: E1\n    date: 2026-10-02\n    services: [{ code: J342\uD800 }]\n';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  const odd = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le'), Buffer.from([0x41])]);
  const r = lintWith({ 'le.yaml': le, 'be.yaml': be, 'odd.json': odd });
  expectRunWentOn(r);
  for (const f of ['le.yaml', 'be.yaml'])
    expect(only(r.report, f)).toMatchObject({
      ruleId: 'parse-error',
      line: 5,
      column: 28,
      message: 'Not UTF-16 text: the code unit 0xD800 is half of a character with no other half. Export the charts as UTF-8.',
    });
  expect(only(r.report, 'odd.json')).toMatchObject({ ruleId: 'parse-error', message: expect.stringContaining('an odd number of bytes') });
});

test('binary garbage is one parse error', () => {
  let seed = 42;
  const bytes = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
  const r = lintWith({ 'garbage.json': bytes, 'garbage.yaml': bytes });
  expectRunWentOn(r);
  expect(only(r.report, 'garbage.json').ruleId).toBe('parse-error');
  expect(only(r.report, 'garbage.yaml').ruleId).toBe('parse-error');
});

test('Latin-1 bytes refuse a YAML file at the first of them, and only their own line of an NDJSON file', () => {
  const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
  const noteLine = '    notes: ["Seen by Dr. M\u00fcller"]';
  const yaml = latin1(`chartId: L1\nencounters:\n  - id: E1\n    date: 2026-10-02\n${noteLine}\n`);
  const ndjson = Buffer.concat([
    Buffer.from(`${JSON.stringify(chart('ND-1'))}\n`),
    latin1(`${JSON.stringify(chart('ND-2', { note: 'M\u00fcller' }))}\n`),
    Buffer.from(`${JSON.stringify(chart('ND-3'))}\n`),
  ]);
  const r = lintWith({ 'latin1.yaml': yaml, 'latin1.ndjson': ndjson });
  expectRunWentOn(r);
  expect(only(r.report, 'latin1.yaml')).toMatchObject({
    ruleId: 'parse-error',
    line: 5,
    column: noteLine.indexOf('\u00fc') + 1,
    message: 'Not UTF-8 text: byte 0xFC cannot be decoded (is the file Latin-1 or Windows-1252?). Export the charts as UTF-8.',
  });
  const nd = findingsOf(r.report, 'latin1.ndjson');
  expect(nd.filter((f) => f.ruleId === 'parse-error').map((f) => f.line)).toEqual([2]);
  expect(new Set(nd.filter((f) => f.chartId).map((f) => f.chartId))).toEqual(new Set(['ND-1', 'ND-3']));
  expect(r.report.summary.charts).toBe(1 + 1 + 3);
});

test('a bare scalar is a chart-format finding saying a chart was expected', () => {
  const r = lintWith({ 'number.json': '42', 'text.yaml': 'just a line of text\n' });
  expectRunWentOn(r);
  // By its kind, never its text: a chart file may be a link to a one-line secret (docs/security.md).
  expect(only(r.report, 'number.json').message).toBe('Expected a chart (a mapping with `chartId` and `encounters`); found a number.');
  expect(only(r.report, 'text.yaml').message).toMatch(/^Expected a chart .*; found a text of 19 characters\.$/);
});

test('symbolic link loops end discovery: folders linked back are not walked (each link an info), a file linked twice is linted once, a looping link is a read error', () => {
  const r = lintWith({}, [], (s) => {
    mkdirSync(join(s.dir, 'sub'));
    symlinkSync('..', join(s.dir, 'sub', 'up')); // two loops: the walk would grow exponentially
    symlinkSync('.', join(s.dir, 'sub', 'here'));
    symlinkSync('self.json', join(s.dir, 'self.json'));
    symlinkSync('nowhere.json', join(s.dir, 'dangling.json'));
    symlinkSync('../good.json', join(s.dir, 'sub', 'alias.json'));
  });
  expectRunWentOn(r);
  expect(r.report.results.map((x) => x.file).sort()).toEqual(['dangling.json', 'good.json', 'self.json', 'sub/here', 'sub/up']);
  for (const link of ['sub/here', 'sub/up'])
    expect(only(r.report, link)).toMatchObject({
      ruleId: 'read-error',
      severity: 'info',
      message: expect.stringMatching(/^A symbolic link to a folder: not followed/),
    });
  expect(only(r.report, 'self.json')).toMatchObject({
    ruleId: 'read-error',
    message: 'Cannot read the file: too many symbolic links (a symbolic link loop).',
  });
  expect(only(r.report, 'dangling.json')).toMatchObject({ ruleId: 'read-error', message: expect.stringMatching(/no longer exists/) });
});

test('a named pipe is refused without being opened (it would block the run)', () => {
  const r = lintWith({}, [], (s) => {
    execFileSync('mkfifo', [join(s.dir, 'pipe.json')]);
  });
  expectRunWentOn(r);
  expect(only(r.report, 'pipe.json')).toMatchObject({
    ruleId: 'read-error',
    message: 'Cannot read the file: it is not a regular file (a pipe, socket or device).',
  });
});

test('a named pipe does not block the HTML report, which shows the chart lines around findings', () => {
  const s = newScratch();
  s.write('good.json', GOOD);
  execFileSync('mkfifo', [join(s.dir, 'pipe.json')]);
  const r = cli(['--no-config-lookup', '-f', 'html:report.html', '-f', 'json', '.'], { cwd: s.dir, timeoutMs: 30_000 });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('');
  expect(readFileSync(join(s.dir, 'report.html'), 'utf8')).toContain('pipe.json');
});

// chmod 000 does not stop root from reading. As root, the CLI runs as the unprivileged user
// `nobody` (uid 65534), for whom the permission is real; otherwise it runs as the current user.
// `nobody` must be able to run b12lint itself: not when the checkout sits in a folder closed to
// it (a clone in a private temp folder), and then the test is reported as skipped, with why.
const asRoot = process.getuid?.() === 0;

testUnless(nobodyCannotRun(), 'an unreadable file is a read-error finding', () => {
  const s = newScratch();
  s.write('good.json', GOOD);
  s.write('locked.json', GOOD.replace('GOOD-1', 'LOCKED-1'));
  chmodSync(join(s.dir, 'locked.json'), 0o000);
  if (asRoot) chmodSync(s.dir, 0o755); // so that `nobody` can enter the folder
  const r = cliJson(['--no-config-lookup', '.'], { cwd: s.dir, ...(asRoot ? { uid: NOBODY } : {}) });
  expectRunWentOn(r);
  expect(only(r.report, 'locked.json')).toMatchObject({ ruleId: 'read-error', message: 'Cannot read the file: permission denied.' });
});

test('a file that disappears between discovery and reading is a read-error finding; the others are linted', async () => {
  const s = newScratch();
  s.write('good.json', GOOD);
  s.write('gone.json', GOOD.replace('GOOD-1', 'GONE-1'));
  const files = await discover(['.'], { cwd: s.dir });
  expect(files.map((f) => f.slice(s.dir.length + 1))).toEqual(['gone.json', 'good.json']);
  rmSync(join(s.dir, 'gone.json'));
  const engine = new Engine(setupRuleset({ version: 'test' }));
  const [gone, good] = await lintInputs(files, (abs) => displayPath(abs, s.dir), engine, {
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    debug: false,
  });
  expect(gone!.findings).toEqual([
    expect.objectContaining({ ruleId: 'read-error', message: expect.stringMatching(/^Cannot read the file: it no longer exists/) }),
  ]);
  expect(gone!.charts).toBe(1);
  expect(good!.findings).toEqual(solo);
});

test('%YAML 1.1 does not turn dates into Date objects: the chart reads as under YAML 1.2', () => {
  const rules = (fs: Finding[]): string[] => fs.map((f) => `${f.ruleId}: ${f.message}`);
  expect(rules(lintAlone('v11.yaml', `%YAML 1.1\n---\n${GOOD}`))).toEqual(rules(solo)); // JSON is YAML
});

test('a YAML key given twice is a chart-format finding at the second one, and the chart is still linted', () => {
  const r = lintWith({
    'twice.yaml':
      'chartId: T-1\nchartId: T-2\nencounters: [{id: E1, date: 2026-10-02, diagnoses: [D62], services: [{code: J3420, diagnoses: [D62]}]}]\n',
  });
  expectRunWentOn(r);
  const fs = findingsOf(r.report, 'twice.yaml');
  expect(fs[0]).toMatchObject({ ruleId: 'chart-format', line: 2, column: 1, message: expect.stringMatching(/^Duplicate key/) });
  expect(fs.some((f) => f.chartId === 'T-2' && !ENGINE_RULES.includes(f.ruleId))).toBe(true);
});
