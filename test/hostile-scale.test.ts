/**
 * Small hostile charts whose cost once grew far faster than their size: each test builds one at
 * the scale that took seconds, and asserts the work done (how often a note is read), not time.
 */
import { jest } from '@jest/globals';
import { CompiledContext } from '../src/rules/context.js';
import { Engine } from '../src/rules/engine.js';
import { setupRuleset } from '../src/run/setup.js';
import { lintText } from '../src/run/lint-file.js';
import { JsonLocator } from '../src/read/json-locate.js';
import { firstWhere, maxOf, minOf, pushAll } from '../src/core/arrays.js';
import { duplicateChartIds } from '../src/run/run.js';
import { closest } from '../src/rules/suggest.js';
import { CodeMatcher } from '../src/rules/codes.js';
import { TermMatcher } from '../src/rules/terms.js';
import { loadDefinitions } from '../src/rules/load.js';
import { Problems } from '../src/read/problems.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { builtinContext } from './helpers/engine.js';
import { scratch } from './helpers/scratch.js';

const ruleset = setupRuleset({ version: 'test' });

/** A chart (C-1, patient P-1) of these encounters, as JSON text. */
function chartText(encounters: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ chartId: 'C-1', patient: { id: 'P-1', birthDate: '1950-01-01', sex: 'female' }, encounters, ...extra });
}

/** The findings of one JSON chart text, linted with the built-in ruleset as a run lints it. */
function lintChart(text: string): ReturnType<typeof lintText> {
  return lintText(text, 'json', 'c.json', new Engine(ruleset), { maxFileSize: 64 * 1024 * 1024, debug: false });
}

/** One encounter with `lines` J3420 lines and `notes` distinct assessment notes. */
function manyNotes(lines: number, notes: number, prefix = 'Note'): string {
  return chartText([
    {
      id: 'E1',
      date: '2026-10-01',
      diagnoses: [{ code: 'D51.0' }, { code: 'I10' }],
      services: Array.from({ length: lines }, () => ({ code: 'J3420', units: 1, diagnoses: ['D51.0'] })),
      notes: Array.from({ length: notes }, (_, i) => ({
        section: 'assessment',
        text: `${prefix} ${i}: probable hypertension, B12 deficiency considered, iron deficiency anemia denied.`,
      })),
    },
  ]);
}

test('a chart of 1,000 lines and 1,000 distinct notes reads each note a few times at most (once a section asked for), not once per line (the memos held 256 texts)', () => {
  const read = jest.spyOn(CompiledContext.prototype as unknown as { read: (t: string, s: string) => unknown }, 'read');
  try {
    const out = lintChart(manyNotes(1000, 1000));
    expect(out.findings.length).toBeGreaterThan(0);
    // Read with its own section and without one, and the first 256 readings once more when the memo that
    // held the earlier charts' texts is emptied.
    expect(read.mock.calls.length).toBeLessThanOrEqual(3 * 1000);
  } finally {
    read.mockRestore();
  }
});

test('a note repeated word for word in the next chart is still read from the memo (the memos keep texts across charts)', () => {
  const read = jest.spyOn(CompiledContext.prototype as unknown as { read: (t: string, s: string) => unknown }, 'read');
  try {
    const engine = new Engine(ruleset);
    const options = { maxFileSize: 64 * 1024 * 1024, debug: false };
    lintText(manyNotes(3, 2, 'Repeated'), 'json', 'a.json', engine, options);
    const first = read.mock.calls.length;
    expect(first).toBeGreaterThan(0);
    lintText(manyNotes(3, 2, 'Repeated'), 'json', 'b.json', engine, options); // the same two notes
    expect(read.mock.calls.length).toBe(first);
  } finally {
    read.mockRestore();
  }
});

test('one chart id repeated 200,000 times in one file: each repeat is one finding (the file’s list was copied at every one)', () => {
  const charts = Array.from({ length: 200_000 }, (_, k) => ({ chartId: 'SAME', line: k + 1, column: 1, pointer: `/${k}` }));
  const result = { file: 'a.ndjson', findings: [], charts };
  const found = duplicateChartIds([result]).get(result)!;
  expect(found).toHaveLength(199_999);
  expect(found[199_998]).toMatchObject({ ruleId: 'chart-format', line: 200_000, chartId: 'SAME' });
  expect(found[0]!.message).toBe('Duplicate chartId "SAME": the same id is used at line 1; chart ids must be unique within a run.');
});

test('merge of a shard whose file repeats one chart id 60,000 times: the same findings as the run (each was searched for among all of them)', () => {
  const s = scratch();
  try {
    const line = (k: number): string =>
      JSON.stringify({ chartId: 'SAME', encounters: [{ id: `E${k}`, date: '2026-10-01', diagnoses: [{ code: 'I10' }] }] });
    writeFileSync(join(s.dir, 'dup.ndjson'), `${Array.from({ length: 60_000 }, (_, k) => line(k)).join('\n')}\n`);
    const shard = cli(['--no-config-lookup', '--shard', '1/1', '-f', 'json', '-o', 'shard.json', 'dup.ndjson'], { cwd: s.dir });
    expect(shard.code).toBe(1);
    const merged = cli(['merge', '--no-config-lookup', 'shard.json', '-f', 'json'], { cwd: s.dir });
    expect(merged.code).toBe(1);
    const report = JSON.parse(merged.stdout) as { results: { findings: { ruleId: string; message: string }[] }[] };
    const duplicates = report.results[0]!.findings.filter((f) => f.message.startsWith('Duplicate chartId'));
    expect(duplicates).toHaveLength(59_999);
  } finally {
    s.remove();
  }
});

test('a name of 32,000 characters gets no "did you mean" and is none (the distance takes the product of the lengths: 20 s)', () => {
  const long = 'a'.repeat(32_000);
  expect(closest(`${long}b`, [long, 'b12-injection'])).toBeUndefined();
  expect(closest('b12-injectoin', [long, 'b12-injection'])).toBe('b12-injection');
});

test('an ignore pattern with two "/**/" between names is refused, exit 2, with its line (three and a deep path took 7 s a file); one, or "**" at an end, is taken', () => {
  const s = scratch();
  try {
    s.write('p.json', JSON.stringify({ chartId: 'C', encounters: [{ id: 'E', date: '2026-10-01', diagnoses: [{ code: 'I10' }] }] }));
    s.write('.b12lintignore', 'tmp/**\n**/x.json\nexports/**/old/*.json\na/**/b/**/c\n');
    const refused = cli(['--no-config-lookup', '.'], { cwd: s.dir });
    expect([refused.code, refused.stdout]).toEqual([2, '']);
    expect(refused.stderr).toBe(
      'b12lint: .b12lintignore:4: a pattern may have at most one "/**/" between two names (this one has 2): matching it against deep paths would take too long. Write it as several patterns.\n',
    );
    s.write('.b12lintignore', 'tmp/**\n**/x.json\nexports/**/old/*.json\n');
    expect(cli(['--no-config-lookup', '.'], { cwd: s.dir }).code).toBe(0);
  } finally {
    s.remove();
  }
});

test('a chain of 22 rulesets, each extending the next twice, loads each file once (applied again at every naming, 2^22 times, it took gigabytes)', () => {
  const s = scratch();
  try {
    const n = 22;
    for (let i = 0; i < n; i++) s.write(`r${i}.yaml`, `ruleset: r${i}\nextends: [./r${i + 1}.yaml, ./r${i + 1}.yaml]\nrules: []\n`);
    s.write(`r${n}.yaml`, `ruleset: r${n}\nextends: b12lint:recommended\n`);
    const problems = new Problems();
    const defs = loadDefinitions(join(s.dir, 'r0.yaml'), problems, s.dir);
    expect(problems.list).toEqual([]);
    expect(defs.files).toHaveLength(n + 2); // r0 to r22 and the recommended ruleset, once each
    expect(defs.name).toBe('r0');
  } finally {
    s.remove();
  }
});

test('a ruleset two layers extend is applied once, where it is first named: the second layer is not undone by it', () => {
  const s = scratch();
  try {
    s.write('base.yaml', 'ruleset: base\nextends: []\nrules: []\ncodesets:\n  mine: [D51.0]\n');
    s.write('a.yaml', 'ruleset: a\nextends: ./base.yaml\nrules: []\n');
    s.write('b.yaml', 'ruleset: b\nextends: ./base.yaml\nrules: []\ncodesets:\n  mine: { add: [D51.8] }\n');
    s.write('top.yaml', 'ruleset: top\nextends: [./b.yaml, ./a.yaml]\nrules: []\n');
    const problems = new Problems();
    const defs = loadDefinitions(join(s.dir, 'top.yaml'), problems, s.dir);
    expect(problems.list).toEqual([]);
    expect(defs.files.map((f) => f.replace(/.*\//, ''))).toEqual(['base.yaml', 'b.yaml', 'a.yaml', 'top.yaml']);
    expect(defs.codesets.get('mine')?.value).toEqual(['D51.0', 'D51.8']); // base applied again after b gave [D51.0]
  } finally {
    s.remove();
  }
});

test('one sentence of 20,000 doubts written after their words ("... is presumed and ..."): each cue reads its own clause, not the sentence back to its start (an opener looked for that far took 9 s at 150 KB)', () => {
  const text = Array.from({ length: 20_000 }, () => 'bleeding is presumed').join(' and ');
  const hits = new TermMatcher(['bleeding'], builtinContext()).find(text, 'assessment');
  expect(hits).toHaveLength(20_000);
  expect(hits.every((h) => h.assertion === 'possible')).toBe(true);
});

test("1,000 lines without a dose and a note of 20,000 B12 names: the notes' dose is looked for once per encounter, not once per line", () => {
  const text = chartText([
    {
      id: 'E1',
      date: '2026-10-01',
      diagnoses: [{ code: 'D51.0' }],
      services: Array.from({ length: 1000 }, () => ({ code: 'J3420', units: 2, diagnoses: ['D51.0'] })),
      notes: [{ section: 'plan', text: `${'b12 '.repeat(20_000)}cyanocobalamin 1000 mcg IM given.` }],
    },
  ]);
  const out = lintChart(text);
  // The first dose written after a B12 name in the note's one sentence: 1000 mcg, one unit; the
  // lines bill it together, 2,000 units, reported once at the last of them.
  const mismatches = out.findings.filter((f) => f.ruleId === 'b12-units-dose-mismatch');
  expect(mismatches).toHaveLength(1);
  expect(mismatches[0]!.message).toContain(
    'J3420 is billed with 2000 unit(s) on 1000 lines of this encounter, but the documented dose of 1000 mcg',
  );
  expect(mismatches[0]!.pointer).toBe('/encounters/0/services/999');
});

test('10,000 injection lines: each is counted against the others by date (binary search), a visit-day once, and a finding lists 20 of them with the count of the rest', () => {
  // 20 visits on 20 days in a row, 500 lines each: a visit's lines of one day are one injection.
  const encounters = Array.from({ length: 20 }, (_, e) => ({
    id: `E${e}`,
    date: `2026-01-${String(1 + e).padStart(2, '0')}`,
    diagnoses: [{ code: 'D51.0' }],
    services: Array.from({ length: 500 }, () => ({ code: 'J3420', units: 1, diagnoses: ['D51.0'] })),
    notes: [],
  }));
  const text = chartText(encounters);
  const out = lintChart(text);
  const frequent = out.findings.filter((f) => f.ruleId === 'b12-injection-frequency');
  // Every line but those of the first visit, which has no injection before it.
  expect(frequent).toHaveLength(19 * 500);
  const first = frequent[0]!;
  expect(first.message).toContain('makes 2 B12 injections within 25 days (2026-01-01, 2026-01-02)');
  // The evidence lists the lines: 20 of the two visits' 1,000, and the count of the rest.
  expect([first.evidence.length, first.moreEvidence]).toEqual([20, 980]);
  const last = frequent[frequent.length - 1]!;
  expect(last.message).toContain('makes 20 B12 injections within 25 days (2026-01-01, 2026-01-02,');
  expect(last.message).not.toContain('more)');
});

test('4,000 lines and 1,000 medications: which medications match is worked out once per chart, and a finding lists 20 with the count of the rest', () => {
  const encounters = Array.from({ length: 4 }, (_, e) => ({
    id: `E${e}`,
    date: `2026-0${e + 1}-01`,
    diagnoses: [{ code: 'I10' }],
    services: Array.from({ length: 1000 }, () => ({ code: 'J3420', units: 1, diagnoses: ['I10'] })),
    notes: [],
  }));
  const medications = Array.from({ length: 1000 }, (_, k) => ({ name: `cyanocobalamin oral ${k} mcg tablet` }));
  const text = chartText(encounters, { medications });
  const out = lintChart(text);
  // Each line linked to I10 is unsupported, and cites the 1,000 B12 medications (undated: current).
  const unsupported = out.findings.filter((f) => f.ruleId === 'b12-injection-unsupported-dx');
  expect(unsupported).toHaveLength(4000);
  const first = unsupported[0]!;
  expect(first.evidence).toHaveLength(20);
  expect(first.moreEvidence).toBeGreaterThanOrEqual(1000 - 20);
  expect(first.query!.indicators).toHaveLength(20);
  expect(first.query!.moreIndicators).toBeGreaterThanOrEqual(1000 - 20);
});

test('a sentence of 20,000 blood-loss labels: a "none" word is looked for right after each label, not to the end of the sentence (80 s, now the same finding at once)', () => {
  const text = chartText([
    {
      id: 'E1',
      date: '2026-01-01',
      diagnoses: [{ code: 'D62' }],
      services: [{ code: 'J3420', units: 1, diagnoses: ['D62'] }],
      notes: [{ section: 'assessment', text: `Estimated blood loss ${'blood loss '.repeat(20_000)}minimal.` }],
    },
  ]);
  const out = lintChart(text);
  expect(out.findings.find((f) => f.ruleId === 'blood-loss-anemia-undocumented')?.message).toContain(
    '(the measured blood loss is minimal)',
  );
});

test('1,000 lines each pointing at 1,000 diagnoses by code: each pointer is found by its code, not by a search of the diagnoses', () => {
  const diagnoses = Array.from({ length: 1000 }, (_, k) => ({ code: `Z${String(k % 100).padStart(2, '0')}.${Math.floor(k / 100)}` }));
  const services = Array.from({ length: 1000 }, () => ({ code: '99213', diagnoses: diagnoses.map((d) => d.code).reverse() }));
  const text = JSON.stringify({ chartId: 'C-1', encounters: [{ id: 'E1', date: '2026-01-01', diagnoses, services }] });
  const out = lintChart(text);
  expect(out.findings.filter((f) => f.message.startsWith('Diagnosis pointer'))).toEqual([]);
  expect(out.charts).toBe(1);
});

/** One outpatient encounter: `lines` J3420 lines linked to D62, and `notes` distinct assessment notes that deny bleeding. */
function linesAndNotes(lines: number, notes: number): string {
  return chartText([
    {
      id: 'E1',
      date: '2026-10-01',
      setting: 'outpatient',
      diagnoses: [{ code: 'D62', description: 'Acute posthemorrhagic anemia' }],
      services: Array.from({ length: lines }, () => ({ code: 'J3420', units: 1, diagnoses: ['D62'] })),
      notes: Array.from({ length: notes }, (_, i) => ({
        section: 'assessment',
        text: `Visit note ${i}: acute blood loss anemia. Denies bleeding.`,
      })),
    },
  ]);
}

/** A chart's lint, and how often `method` of `proto` was called while it ran. */
function lintCounting(text: string, proto: object, method: string): { out: ReturnType<typeof lintChart>; calls: number } {
  const spy = jest.spyOn(proto as Record<string, () => unknown>, method);
  try {
    const out = lintChart(text);
    return { out, calls: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

test('1,000 lines and 1,000 notes in one encounter: the notes are searched once for each condition, not once for each line (5 such encounters took 3 s)', () => {
  const { out, calls } = lintCounting(linesAndNotes(1000, 1000), TermMatcher.prototype, 'find');
  expect(out.findings.filter((f) => f.ruleId === 'b12-injection-blood-loss-dx')).toHaveLength(1000);
  // Each line's rules look through the encounter's notes: a million searches a condition, one by one.
  expect(calls).toBeLessThan(50 * 1000);
});

test('1,000 lines in one encounter: each line’s search for another service (96372) looks through the encounter’s codes once, not once for each line', () => {
  const { out, calls } = lintCounting(linesAndNotes(1000, 1), CodeMatcher.prototype, 'matchesProcedure');
  expect(out.findings.filter((f) => f.ruleId === 'b12-drug-without-admin')).toHaveLength(1000);
  expect(calls).toBeLessThan(50 * 1000);
});

test('3 encounters of one day with 600 lines each: a line’s search for services that day in any encounter is two binary searches, not a look through every line of the chart', () => {
  const encounter = (k: number): unknown => ({
    id: `E${k}`,
    date: '2026-10-01',
    setting: 'outpatient',
    diagnoses: [{ code: 'D51.0' }],
    services: Array.from({ length: 600 }, (_, i) => ({ code: i % 2 ? 'J3420' : '96372', units: 1, diagnoses: ['D51.0'] })),
    notes: [{ section: 'assessment', text: 'Pernicious anemia, B12 1000 mcg IM today.' }],
  });
  const { out, calls } = lintCounting(chartText([encounter(1), encounter(2), encounter(3)]), CodeMatcher.prototype, 'matchesProcedure');
  expect(out.findings.length).toBeGreaterThan(0);
  // Each of 900 J3420 lines filtering the chart's 1,800: 1.6 million calls a condition.
  expect(calls).toBeLessThan(50 * 1000);
});

test('300 blood-loss diagnoses and 300 notes in one encounter: the measured amounts and denials are read once an encounter, not once a diagnosis', () => {
  const text = chartText([
    {
      id: 'E1',
      date: '2026-10-01',
      setting: 'outpatient',
      diagnoses: Array.from({ length: 300 }, () => ({ code: 'D62', description: 'Acute posthemorrhagic anemia' })),
      services: [{ code: 'J3420', units: 1, diagnoses: [1] }],
      notes: Array.from({ length: 300 }, (_, i) => ({ section: 'assessment', text: `Note ${i}: EBL 50 mL. Denies bleeding.` })),
    },
  ]);
  const { out, calls } = lintCounting(text, TermMatcher.prototype, 'find');
  expect(out.findings.filter((f) => f.ruleId === 'blood-loss-contradicted-by-notes')).toHaveLength(300);
  // Once a diagnosis: 90,000 searches a condition.
  expect(calls).toBeLessThan(30 * 1000);
});

test('3,000 pointers in JSON nested 150 deep are located with each ancestor walked once, not each pointer walked to the root (the cube of the depth: a minute at 600)', () => {
  // {"a":[{"v":0},...20 leaves...,{"a":[...]}]} nested `depth` times; a pointer to every leaf.
  const depth = 150;
  const leaves = 20;
  let text = '{"a":[]}';
  const pointers: string[] = [];
  for (let d = depth - 1; d >= 0; d--) {
    text = `{"a":[${Array.from({ length: leaves }, (_, i) => `{"v":${i}}`).join(',')},${text}]}`;
  }
  for (let d = 0, prefix = ''; d < depth; d++, prefix += `/a/${leaves}`) {
    for (let i = 0; i < leaves; i++) pointers.push(`${prefix}/a/${i}/v`);
  }
  const locator = new JsonLocator(text);
  const slice = jest.spyOn(String.prototype, 'slice');
  let found: Map<string, { line: number; column: number }>;
  try {
    found = locator.locateAll(pointers);
    // Walked to the root, each pointer's ancestors: half a million slices.
    expect(slice.mock.calls.length).toBeLessThan(10 * pointers.length);
  } finally {
    slice.mockRestore();
  }
  const last = pointers[pointers.length - 1]!;
  expect(found.get(last)).toEqual({ line: 1, column: text.indexOf('{"v":19},{"a":[]}') + 6 });
  expect(found.size).toBe(depth * leaves);
});

test('130,000 charts sharing one id in one file, and 130,000 broken lines in an HTML report with sources: a report and exit 1, not a stack overflow (each list was spread into one call)', () => {
  const s = scratch();
  try {
    s.write('dup.ndjson', '{"chartId":"A"}\n'.repeat(130_000));
    const dup = cli(['--no-config-lookup', '-f', 'stylish', '-o', 'dup.txt', 'dup.ndjson'], { cwd: s.dir });
    expect([dup.code, dup.stderr]).toEqual([1, '']);
    const tail = readFileSync(join(s.dir, 'dup.txt'), 'utf8').slice(-300);
    expect(tail).toMatch(/✖ [\d,]+ problems \([\d,]+ errors?, [\d,]+ warnings?\) in [\d,]+ of 130,?000 charts\n$/);
    s.write('broken.ndjson', 'x\n'.repeat(130_000));
    const html = cli(['--no-config-lookup', '--debug', '-f', 'html', '-o', 'broken.html', 'broken.ndjson'], { cwd: s.dir });
    expect([html.code, html.stderr]).toEqual([1, '']);
    expect(readFileSync(join(s.dir, 'broken.html'), 'utf8').trimEnd().endsWith('</html>')).toBe(true);
  } finally {
    s.remove();
  }
});

test('pushAll, maxOf and minOf take lists longer than a call takes arguments', () => {
  const long = Array.from({ length: 300_000 }, (_, i) => i);
  const out: number[] = [-1];
  pushAll(out, long);
  expect([out.length, out[0], out[300_000]]).toEqual([300_001, -1, 299_999]);
  expect([maxOf(long), minOf(long), maxOf([], 2), minOf([], 8), maxOf([1, Number.NaN, 3])]).toEqual([299_999, 0, 2, 8, Number.NaN]);
});

test("a note of one sentence holding 50,000 plans: each plan looks for its clause's end within a bounded reach, not to the note's end", () => {
  const text = 'will start B12 for pernicious anemia '.repeat(50_000);
  const encounters = [
    { id: 'E1', date: '2026-10-10', diagnoses: [{ code: 'D51.0' }], services: [], notes: [{ section: 'assessment', text }] },
  ];
  const out = lintChart(chartText(encounters));
  // The anemia is each plan's reason, so current: documented, and not uncertain.
  expect(out.findings.filter((f) => f.ruleId === 'b12-deficiency-undocumented' || f.ruleId === 'uncertain-dx-coded-outpatient')).toEqual(
    [],
  );
});

test("a note of 10,000 B12 results on one line looks back for each label's line start within its reach, not across the note (1 MB took 7 s, 4 MB 100 s)", () => {
  const text = 'Denies melena, hematochezia. B12 1000 mcg IM given today. Pernicious anemia, stable; no bleeding. '.repeat(10_000);
  const chart = chartText([
    {
      id: 'E1',
      date: '2026-10-01',
      diagnoses: [{ code: 'D62' }, { code: 'D51.0' }],
      services: [{ code: 'J3420', units: 1 }],
      notes: [{ section: 'plan', text }],
    },
  ]);
  // Characters a search for a line break walks back over, in every note-sized string.
  let walked = 0;
  const original = String.prototype.lastIndexOf;
  const spy = jest.spyOn(String.prototype, 'lastIndexOf').mockImplementation(function (this: string, search: string, from?: number) {
    const found = original.call(this, search, from);
    if (search === '\n' && this.length > 100_000) walked += (from ?? this.length) - Math.max(found, 0);
    return found;
  });
  try {
    const out = lintChart(chart);
    expect(out.findings.length).toBeGreaterThan(0);
    expect(walked).toBeLessThan(10 * text.length);
  } finally {
    spy.mockRestore();
  }
});

test('a sentence of 8,000 B12 results beside a J3420 line reads the words around each name within reach, not the whole sentence (128 KB took 7 s)', () => {
  const text = 'B12 150 pg/mL, '.repeat(8_000);
  const chart = chartText([
    {
      id: 'E1',
      date: '2026-10-05',
      diagnoses: [{ code: 'D51.0' }],
      services: [{ code: 'J3420', units: 1 }, { code: '96372' }],
      notes: [{ section: 'other', text }],
    },
  ]);
  // Characters of the strings split into words or clauses, all told.
  let split = 0;
  const original = String.prototype.split;
  const spy = jest.spyOn(String.prototype, 'split').mockImplementation(function (this: string, ...args: unknown[]) {
    split += this.length;
    return (original as (...a: unknown[]) => string[]).apply(this, args);
  });
  try {
    const out = lintChart(chart);
    expect(out.findings.length).toBeGreaterThan(0);
    expect(split).toBeLessThan(100 * text.length);
  } finally {
    spy.mockRestore();
  }
});

test('a note over 1 MiB of characters is read up to the limit, and an error at the note says what is not read (a 45 MB note of "no melena, " ran out of memory)', () => {
  // D62 with bleeding denied only past the limit: not read, so the denial does not count.
  const text = `${'Fatigue for months. '.repeat(60_000)}Denies melena or hematochezia.`;
  const encounters = [{ id: 'E1', date: '2026-10-10', diagnoses: [{ code: 'D62' }], services: [], notes: [{ section: 'ros', text }] }];
  const out = lintChart(chartText(encounters));
  const cut = out.findings.filter((f) => f.ruleId === 'chart-format');
  expect(cut.map((f) => [f.severity, f.pointer, f.encounterId])).toEqual([['error', '/encounters/0/notes/0', 'E1']]);
  // Cut at the last space before the limit, not inside a word.
  expect(cut[0]!.message).toMatch(
    new RegExp(
      `^The note is ${text.length.toLocaleString('en-US')} characters long: only its first 1,048,5\\d\\d are read \\(at most 1,048,576 of a note\\); what the rest documents is not linted\\.$`,
    ),
  );
  expect(out.findings.map((f) => f.ruleId)).not.toContain('blood-loss-contradicted-by-notes');
  // Under the limit, the same denial is read.
  const short = [{ ...encounters[0]!, notes: [{ section: 'ros', text: 'Fatigue for months. Denies melena or hematochezia.' }] }];
  expect(lintChart(chartText(short)).findings.map((f) => f.ruleId)).toContain('blood-loss-contradicted-by-notes');
});

test('a sentence of 30,000 planned surgeries with no stop: `apart:` looks its words up once in the note, and no mention\u2019s clause is read on its own (each was, and kept: 12 s and 888 MB a 1 MiB note)', () => {
  const note = `B12 deficiency, B12 170. ${Array.from({ length: 30_000 }, (_, i) => `sleeve gastrectomy scheduled ${i}`).join(' ')}`;
  const text = chartText([
    { id: 'E1', date: '2026-05-12', diagnoses: [{ code: 'E53.8' }], notes: [{ section: 'assessment', text: note }] },
  ]);
  const spy = jest.spyOn(CompiledContext.prototype, 'analyse');
  try {
    const out = lintChart(text);
    expect(out.findings.filter((f) => f.ruleId === 'etiology-documented-not-coded')).toEqual([]);
    // The note is read as a whole; a clause cut out of it and read again made a text of its own per mention.
    const texts = new Set(spy.mock.calls.map(([t]) => t));
    expect(texts.size).toBeLessThan(10);
  } finally {
    spy.mockRestore();
  }
});

test('a note of 40,000 "?PA" beside B12 and 40,000 "low B12 intake": an entry’s `near:` and a condition’s `except:` look each mention up, not through every other', () => {
  const pa = chartText([
    {
      id: 'E1',
      date: '2026-05-12',
      diagnoses: [{ code: 'D51.0' }],
      notes: [{ section: 'assessment', text: 'B12 low, ?PA '.repeat(40_000) }],
    },
  ]);
  expect(lintChart(pa).findings.some((f) => f.ruleId === 'uncertain-dx-coded-outpatient')).toBe(true);
  const intake = chartText([
    {
      id: 'E1',
      date: '2026-05-12',
      diagnoses: [{ code: 'E53.8' }],
      notes: [{ section: 'assessment', text: 'low B12 intake '.repeat(40_000) }],
    },
  ]);
  expect(lintChart(intake).findings.some((f) => f.ruleId === 'b12-deficiency-undocumented')).toBe(true);
});

test('firstWhere finds the first item of a list in order at which a test holds, by halving', () => {
  expect(firstWhere([1, 2, 3, 5, 8], (x) => x >= 4)).toBe(3);
  expect(firstWhere([1, 2, 3], (x) => x >= 0)).toBe(0);
  expect(firstWhere([1, 2, 3], (x) => x > 9)).toBe(3);
  expect(firstWhere([], () => true)).toBe(0);
  let asked = 0;
  expect(
    firstWhere(
      Array.from({ length: 1_000_000 }, (_, i) => i),
      (x) => (asked++, x >= 700_000),
    ),
  ).toBe(700_000);
  expect(asked).toBeLessThanOrEqual(21);
});
