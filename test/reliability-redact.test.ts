/**
 * `--redact`: no patient-identifying string of the fixtures appears in a redacted report of any
 * format, while the findings themselves (rules, places, codes) stay, and the hashes are stable.
 * The charts are the bundled fixtures plus generated ones that put identifying text where
 * messages quote it: a birth date that is not a date, patient names, a bare line of text, a
 * chart id used twice. A test ruleset quotes ids, the birth date and note excerpts in messages.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REDACT_PUBLIC_KEY } from '../src/cli/main.js';
import { shownValue } from '../src/core/shown.js';
import { Redactor, sensitiveKey } from '../src/report/redact.js';
import { FORMATTERS } from '../src/report/index.js';
import type { Report } from '../src/report/types.js';
import { cli, ROOT } from './helpers/cli.js';
import { findingOfC1 } from './helpers/finding.js';
import { chart, scratch, type Scratch } from './helpers/scratch.js';

interface Fixture {
  chartId?: string;
  patient?: { id?: string; birthDate?: string; name?: unknown };
  encounters?: { notes?: ({ text?: string } | string)[] }[];
}

let s: Scratch;
/** The unredacted JSON report. */
let plain: string;
const identifying = new Set<string>();
const notes: string[] = [];

beforeAll(() => {
  s = scratch();
  const charts = join(s.dir, 'charts');
  mkdirSync(charts);
  cpSync(join(ROOT, 'fixtures', 'charts'), charts, { recursive: true });
  s.write(
    'charts/named.json',
    JSON.stringify(
      chart('MRN-778899', {
        patient: { id: 'PT-778899', birthDate: '1961-13-45', name: { given: ['Quincy'], family: 'Publicover' } },
      }),
      null,
      2,
    ),
  );
  s.write('charts/again.json', JSON.stringify(chart('MRN-778899'), null, 2));
  s.write('charts/scalar.yaml', 'Jane Quincy, MRN 445566\n');
  s.write(
    'phi-rules.yaml',
    [
      'ruleset: test/phi',
      'extends: [b12lint:recommended]',
      'rules:',
      '  - id: quotes-the-note',
      '    severity: warning',
      '    title: Quotes a note',
      '    on: encounter',
      '    when: { text: { terms: [injection, injections, melena] } }',
      '    message: "Chart {{chart.id}}, encounter {{encounter.id}}: \\"{{text.excerpt}}\\""',
      '  - id: names-the-patient',
      '    severity: info',
      '    title: Names the patient',
      '    on: chart',
      '    when: { all: [{ field: { path: patient.id, exists: true } }, { field: { path: patient.birthDateText, exists: true } }] }',
      '    message: "Patient {{field.patient.id}}, born {{field.patient.birthDateText}}, chart {{chart.id}}"',
      '',
    ].join('\n'),
  );
  for (const name of readdirSync(charts)) {
    const text = readFileSync(join(charts, name), 'utf8');
    const docs = name.endsWith('.json')
      ? [JSON.parse(text) as unknown]
      : name.endsWith('.ndjson')
        ? text
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as unknown)
        : parseAllDocuments(text).map((d) => d.toJS() as unknown);
    for (const doc of docs.flat()) {
      if (typeof doc === 'string') identifying.add(doc);
      const c = doc as Fixture;
      if (typeof c !== 'object' || c === null) continue;
      for (const v of [c.chartId, c.patient?.id, c.patient?.birthDate]) if (v) identifying.add(v);
      // The name's values (not its keys, `given` and `family`, which rule docs may use as words).
      for (const n of leaves(c.patient?.name)
        .join(' ')
        .match(/[A-Za-z]{4,}/g) ?? [])
        identifying.add(n);
      for (const e of c.encounters ?? []) for (const n of e.notes ?? []) notes.push(typeof n === 'string' ? n : (n.text ?? ''));
    }
  }
  identifying.add('445566');
  expect(identifying.size).toBeGreaterThan(20); // every fixture chart was read
  plain = lint(['--format', 'json']);
  for (const r of (JSON.parse(plain) as Report).results)
    for (const f of r.findings) for (const e of f.evidence) if (e.term) matchedTerms.push(e.term);
});
afterAll(() => s.remove());

/** The strings of a value, at any depth. */
function leaves(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(leaves);
  return v !== null && typeof v === 'object' ? Object.values(v).flatMap(leaves) : [];
}

function lint(args: string[], env: Record<string, string> = {}): string {
  const r = cli(['--no-config-lookup', '--ruleset', join(s.dir, 'phi-rules.yaml'), ...args, 'charts'], { cwd: s.dir, env });
  // Without a key, --redact says once that its hashes can be guessed (test/security/io-redact.test.ts).
  expect(r.stderr).toBe(args.includes('--redact') && !env.B12LINT_REDACT_KEY ? `b12lint: warning: ${REDACT_PUBLIC_KEY}\n` : '');
  expect(r.code).toBe(1);
  return r.stdout;
}

/** The rulesets' own words, which messages may share with a note ("vitamin B12 deficiency"). */
const RULESET_WORDS = readdirSync(join(ROOT, 'rulesets'))
  .map((f) => readFileSync(join(ROOT, 'rulesets', f), 'utf8'))
  .join('\n')
  .toLowerCase();
/** The terms rules matched in notes ("Roux-en-Y gastric bypass"): what a finding is about, kept. */
const matchedTerms: string[] = [];

/** Every identifying string, and every 20-character window of a note that is neither the rulesets' words nor a matched term, that shows in `text`. */
function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  const out = [...identifying].filter((v) => lower.includes(v.toLowerCase()));
  for (const n of notes) {
    for (let i = 0; i + 20 <= n.length; i++) {
      const w = n.slice(i, i + 20);
      if (text.includes(w) && !RULESET_WORDS.includes(w.toLowerCase()) && !matchedTerms.some((t) => t.includes(w))) out.push(w);
    }
  }
  return out;
}

test('without --redact the reports do show these strings (so the test below has something to find)', () => {
  for (const v of ['ENC-2026-000101', 'P-0001', '1961-05-20', 'MRN-778899', '1961-13-45']) expect(plain).toContain(v);
  // A file that is one line of text is described by its size, never quoted, redacted or not.
  expect(plain).not.toContain('445566');
  expect(leaks(plain).some((l) => notes.some((n) => n.includes(l)))).toBe(true);
});

test.each([...FORMATTERS.keys()])('a redacted %s report shows no patient-identifying string', (format) => {
  const out = lint(['--redact', '--format', format]);
  expect(out).toMatch(/redacted/);
  expect(leaks(out)).toEqual([]);
});

test('redaction keeps what the findings are about: rules, places, severities, codes', () => {
  const before = JSON.parse(plain) as Report;
  const redacted = JSON.parse(lint(['--format', 'json', '--redact'])) as Report;
  const shape = (r: Report): string[] =>
    r.results
      .flatMap((x) =>
        x.findings.map(
          (f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column} ${f.pointer} ${f.evidence.map((e) => e.code ?? e.kind).join(',')}`,
        ),
      )
      .sort();
  expect(shape(redacted)).toEqual(shape(before));
  expect(redacted.summary).toEqual(before.summary);
});

test('hashes are stable across runs and formats, and a key (B12LINT_REDACT_KEY) changes them', () => {
  const first = lint(['--format', 'json', '--redact']);
  expect(lint(['--format', 'json', '--redact'])).toBe(first);
  const ids = (text: string): string[] =>
    [
      ...new Set((JSON.parse(text) as Report).results.flatMap((r) => r.findings.map((f) => f.chartId)).filter((x): x is string => !!x)),
    ].sort();
  expect(ids(first).every((id) => /^redacted:[0-9a-f]{12}$/.test(id))).toBe(true);
  const stylish = lint(['--redact']);
  for (const file of (JSON.parse(first) as Report).results.filter((r) => r.findings.length > 0).map((r) => r.file))
    expect(stylish).toContain(file);
  const keyed = lint(['--format', 'json', '--redact'], { B12LINT_REDACT_KEY: 'a secret of the team' });
  expect(ids(keyed)).toHaveLength(ids(first).length);
  expect(ids(keyed).some((id) => ids(first).includes(id))).toBe(false);
});

test('a long identifying value is redacted where a finding shows it shortened (its start and size)', () => {
  const name = `SMITH-JOHN-MRN-4471234-DOB-1961-05-20-${'X'.repeat(400)}`;
  const redactor = new Redactor({ sensitive: new Map([[sensitiveKey('c.json', 'C-1'), [name]]]), key: 'k' });
  const f = findingOfC1(`Patient ${shownValue(name)} has a finding.`);
  expect(f.message).toContain('SMITH-JOHN-MRN-4471234');
  const g = redactor.finding('c.json', f);
  expect(g.message).not.toMatch(/SMITH|4471234/);
  expect(g.message).toMatch(/^Patient redacted:[0-9a-f]{12} has a finding\.$/);
});

test('an encounter id longer than an id can be is not quoted: the redacted report of every format holds none of it', () => {
  const t = scratch();
  const id = `SMITH-JOHN-MRN-4471234-DOB-1961-05-20-${'X'.repeat(400)}`;
  t.write('long-id.yaml', readFileSync(join(ROOT, 'fixtures', 'charts', 'p-0001.yaml'), 'utf8').replace('  - id: E1', `  - id: ${id}`));
  const plainRun = cli(['--no-config-lookup', '-f', 'json', 'long-id.yaml'], { cwd: t.dir });
  expect(plainRun.stdout).toContain(
    'Encounter id is 438 characters long, longer than an id can be (at most 300): the encounter is left out.',
  );
  for (const format of [...FORMATTERS.keys()]) {
    const r = cli(['--no-config-lookup', '--redact', '-f', format, 'long-id.yaml'], { cwd: t.dir, env: { B12LINT_REDACT_KEY: 'k' } });
    expect([format, r.code]).toEqual([format, 1]);
    expect([format, r.stdout.includes('SMITH') || r.stdout.includes('4471234')]).toEqual([format, false]);
  }
});

test('a patient name that only a query draft quotes (a diagnosis described with it, cited as an indicator) is redacted in every format', () => {
  const t = scratch();
  try {
    const named = chart('MRN-5150', {
      patient: { id: 'PT-5150', birthDate: '1950-01-02', sex: 'female', name: 'Winifred Oyelaran-Quist' },
      encounters: [
        {
          id: 'E1',
          date: '2026-10-02',
          setting: 'outpatient',
          diagnoses: [{ code: 'D51.9', description: 'B12 anemia per Winifred Oyelaran-Quist' }],
          services: [{ code: 'J3420', units: 1, diagnoses: [1] }],
          notes: [{ section: 'assessment', text: 'Fatigue. Plan B12 injection today.' }],
        },
      ],
    });
    t.write('named.json', JSON.stringify(named, null, 2));
    const plainRun = cli(['--no-config-lookup', '-f', 'json', 'named.json'], { cwd: t.dir });
    const report = JSON.parse(plainRun.stdout) as Report;
    const findings = report.results.flatMap((r) => r.findings);
    // The name reaches the report only as a query draft's indicator, not in a message or evidence.
    expect(findings.some((f) => f.query?.indicators.some((i) => i.text.includes('Oyelaran')))).toBe(true);
    expect(findings.some((f) => f.message.includes('Oyelaran') || JSON.stringify(f.evidence).includes('Oyelaran'))).toBe(false);
    for (const format of [...FORMATTERS.keys()]) {
      const r = cli(['--no-config-lookup', '--redact', '-f', format, 'named.json'], { cwd: t.dir, env: { B12LINT_REDACT_KEY: 'k' } });
      expect([format, r.code, r.stdout.length > 0]).toEqual([format, plainRun.code, true]);
      expect([format, r.stdout.includes('Oyelaran')]).toEqual([format, false]);
    }
  } finally {
    t.remove();
  }
});

test("free text beside the codes (a diagnosis's description, a lab's test name) is redacted in every format, unless it is only the ruleset's words; a medication's name stays", () => {
  const t = scratch();
  try {
    const leaky = [
      'chartId: C1',
      'patient: { id: P1 }',
      'encounters:',
      '  - id: E1',
      '    date: 2026-10-02',
      '    diagnoses:',
      '      - { code: D64.9, description: Anemia per Dr Zebulon 555-867-5309 }',
      '    services:',
      '      - { code: J3420, diagnoses: [D64.9] }',
      '      - { code: "96372", diagnoses: [1] }',
      '    notes:',
      '      - { section: assessment, text: "Anemia. Quixote family at bedside." }',
      'labs:',
      '  - { test: b12 drawn by Quixote, loinc: 2132-9, value: 120, unit: pg/mL, date: 2026-09-30 }',
      'medications:',
      '  - { name: cyanocobalamin from Smyth pharmacy }',
      '',
    ].join('\n');
    t.write('leaky.yaml', leaky);
    // The same chart in the ruleset's own words: nothing of it is about the patient, and it stays.
    t.write(
      'plain.yaml',
      leaky.replace('C1', 'C2').replace('Anemia per Dr Zebulon 555-867-5309', 'Anemia').replace('b12 drawn by Quixote', 'B12'),
    );
    const plainRun = cli(['--no-config-lookup', '-f', 'json', 'leaky.yaml'], { cwd: t.dir });
    for (const word of ['Zebulon', 'Quixote', 'Smyth']) expect([word, plainRun.stdout.includes(word)]).toEqual([word, true]);
    // The drug a finding is about is named as the chart names it.
    expect(plainRun.stdout.includes('cyanocobalamin from Smyth pharmacy')).toBe(true);
    for (const format of [...FORMATTERS.keys()]) {
      const r = cli(['--no-config-lookup', '--redact', '-f', format, 'leaky.yaml'], { cwd: t.dir, env: { B12LINT_REDACT_KEY: 'k' } });
      expect([format, r.code]).toEqual([format, plainRun.code]);
      for (const word of ['Zebulon', '867-5309', 'Quixote']) expect([format, word, r.stdout.includes(word)]).toEqual([format, word, false]);
    }
    const redacted = JSON.parse(
      cli(['--no-config-lookup', '--redact', '-f', 'json', 'plain.yaml'], { cwd: t.dir, env: { B12LINT_REDACT_KEY: 'k' } }).stdout,
    ) as Report;
    const query = redacted.results[0]!.findings.find((f) => f.query)!.query!;
    expect(query.indicators.filter((i) => i.source !== 'note').map((i) => i.text)).toEqual([
      'Anemia',
      'B12 120 pg/mL',
      'cyanocobalamin from Smyth pharmacy',
    ]);
    // A note excerpt that is only the matched word does not turn the ruleset's options into hashes.
    expect(query.options).toContain('Anemia, type not further specified');
  } finally {
    t.remove();
  }
});

test('a key the export made up is chart text: hashed where a pointer holds it, in every format; the keys of the format are kept', () => {
  const t = scratch();
  const key = 'Patient John Smith 1950-01-01';
  t.write('dup.json', `{"chartId":"C1","encounters":[{"id":"E1","date":"2026-10-02"}],"${key}":1,"${key}":2}`);
  for (const format of [...FORMATTERS.keys()]) {
    const r = cli(['--no-config-lookup', '--redact', '-f', format, 'dup.json'], { cwd: t.dir, env: { B12LINT_REDACT_KEY: 'k' } });
    expect([format, r.stdout.includes('Smith'), r.stdout.includes('1950')]).toEqual([format, false, false]);
  }
  const redactor = new Redactor({ sensitive: new Map(), key: 'k' });
  expect(redactor.pointer('/encounters/0/diagnoses/1')).toBe('/encounters/0/diagnoses/1');
  expect(redactor.pointer('/entry/3/resource/_birthDate')).toBe('/entry/3/resource/_birthDate');
  expect(redactor.pointer(`/encounters/0/${key}`)).toMatch(/^\/encounters\/0\/redacted:[0-9a-f]{12}$/);
});
