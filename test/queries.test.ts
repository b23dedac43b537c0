/**
 * Provider query drafts (docs/queries.md): a template that names a code, speaks of money or leads
 * is refused as the ruleset loads; a clean one gives each finding a draft whose indicators are the
 * chart's own, whose options are those that apply, in JSON, `--format queries` and HTML, redacted
 * with `--redact`, and pinned by `b12lint test`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Query } from '../src/finding.js';
import type { HtmlData } from '../src/report/html/data.js';
import type { Report } from '../src/report/types.js';
import { SHOWS_QUERIES } from '../src/report/index.js';
import { QueryPolicy } from '../src/rules/query.js';
import { cli, cliJson, ROOT } from './helpers/cli.js';
import { compileText, rulesetProblems } from './helpers/engine.js';
import { Engine } from '../src/rules/engine.js';
import { lintText } from '../src/run/lint-file.js';
import { scratches } from './helpers/scratch.js';

const RULESET = 'fixtures/rulesets/queries-recommended.yaml';
const CHARTS = 'fixtures/queries/charts.yaml';
const scratch = scratches('b12lint-queries-');

function queriesOf(report: Report): Map<string, Query> {
  const out = new Map<string, Query>();
  for (const r of report.results) for (const f of r.findings) if (f.query) out.set(`${f.chartId} ${f.ruleId}`, f.query);
  return out;
}

function embedded(page: string): HtmlData {
  const m = /<script type="application\/json" id="b12-data">([^]*?)<\/script>/.exec(page);
  if (!m) throw new Error('no embedded data');
  return JSON.parse(m[1]!) as HtmlData;
}

describe('a query template is checked when the ruleset loads', () => {
  test('one that speaks of money and names a code is refused with the rule id and the place of each word (exit 2)', () => {
    const r = cli(['-r', 'fixtures/rulesets/queries-money.yaml', CHARTS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/ \(`queryWords`.*| providers document.*/, ''))).toEqual([
      'fixtures/rulesets/queries-money.yaml:13:20: rule "b12-injection-anemia-unspecified": the query\'s question uses "denial"',
      'fixtures/rulesets/queries-money.yaml:13:38: rule "b12-injection-anemia-unspecified": the query\'s question uses "reimbursement"',
      'fixtures/rulesets/queries-money.yaml:16:42: rule "b12-injection-anemia-unspecified": the query\'s option 1 names a code ("D51.9"):',
      'b12lint: the ruleset or config has 3 problems; nothing was linted',
    ]);
    expect(lines[1]).toContain('(`queryWords` payment)');
  });

  test('a leading yes/no query on a diagnosis the notes do not document is refused (exit 2)', () => {
    const r = cli(['-r', 'fixtures/rulesets/queries-leading.yaml', CHARTS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'fixtures/rulesets/queries-leading.yaml:21:13: rule "anemia-b12-leading": a yes/no query may only confirm a condition the record already documents',
    );
    expect(r.stderr).toContain(
      'fixtures/rulesets/queries-leading.yaml:24:35: rule "anemia-b12-leading": the query\'s question uses "please document" (`queryWords` leading)',
    );
  });

  const rule = (query: string, extra = '', when = '{ diagnosis: { code: D64.9 } }'): string => `ruleset: t
labs:
  b12: { loinc: [2132-9], unit: pg/mL }
terms:
  bleeding: [bleeding]
${extra}rules:
  - id: r1
    severity: warning
    title: t
    on: diagnosis
    when: ${when}
    cite:
      - lab: { test: b12 }
    message: m
    query:
${query}`;
  const mc = (question: string, options = '[Vitamin B12 deficiency anemia, Anemia of chronic disease]'): string =>
    `      question: "${question}"\n      options: ${options}\n`;

  test('a clean template loads: words such as B12 are not codes', () => {
    expect(
      rulesetProblems(rule(mc('Which of these best describes the anemia, with a vitamin B12 of {{lab.b12.value}} {{lab.b12.unit}}?'))),
    ).toEqual([]);
  });

  test('each code shape is refused: ICD-10-CM with and without a dot, HCPCS, CPT', () => {
    expect(rulesetProblems(rule(mc('Is it D62, D51.0, D51.-, J3420 or 96372?')))).toEqual(
      ['D62', 'D51.0', 'D51.-', 'J3420', '96372'].map(
        (c, i) =>
          `16:${[24, 29, 36, 43, 52][i]} rule "r1": the query's question names a code ("${c}"): providers document diagnoses in words; the codes are the coder's (a word shaped like a code goes in \`queryWords: { allowed }\`)`,
      ),
    );
  });

  test('a placeholder that writes a code is refused; a clinical one is not', () => {
    const problems = rulesetProblems(rule(mc('Is {{diagnosis.code}} supported on {{encounter.date}}?')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^16:17 rule "r1": the query's question uses \{\{diagnosis\.code\}\}, which writes a code or a billing detail into it/,
    );
  });

  test('a section may test a name that writes a code, since it writes nothing of it; the same name written inside is refused', () => {
    expect(rulesetProblems(rule(mc('Is the anemia current{{#diagnosis.matched}}, as the record marks it{{/diagnosis.matched}}?')))).toEqual(
      [],
    );
    const problems = rulesetProblems(
      rule(mc('Is the anemia current{{#diagnosis.matched}} ({{diagnosis.matched}}){{/diagnosis.matched}}?')),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/the query's question uses \{\{diagnosis\.matched\}\}, which writes a code or a billing detail into it/);
  });

  test('payment words in their other forms are refused too: reimbursable, payable, profitable', () => {
    for (const word of ['reimbursable', 'payable', 'profitable']) {
      const problems = rulesetProblems(rule(mc(`Is the anemia ${word}?`)));
      expect(problems.map((p) => p.split(' (`queryWords')[0])).toEqual([`16:32 rule "r1": the query's question uses "${word}"`]);
    }
  });

  test('a negated forbidden word still counts, and a word is placed on its own line of a folded question', () => {
    const q =
      '      question: >-\n        Based on your clinical judgment, with no impact\n        on payment, what is the cause of the anemia?\n      options: [B12 deficiency, Blood loss]\n';
    expect(rulesetProblems(rule(q)).map((p) => p.split(' (')[0])).toEqual(['18:12 rule "r1": the query\'s question uses "payment"']);
  });

  test('the form of the query is checked', () => {
    const problems = (q: string, when?: string): string[] =>
      rulesetProblems(rule(q, '', when)).map((p) => p.replace(/^\d+:\d+ rule "r1": /, ''));
    expect(problems(mc('What is the cause of the anemia'))).toEqual(['the query\'s question must be a question: end it with "?"']);
    expect(problems(mc('What is the cause of the anemia?', '[B12 deficiency]'))).toEqual([
      'a multiple-choice query offers at least two clinically credible options (one option beside "Other" leads like a yes/no question)',
    ]);
    expect(problems(mc('What is the cause of the anemia?', '[B12 deficiency, Other, Clinically undetermined]'))[0]).toMatch(
      /^the query's option 2 "Other" is added by b12lint to every query/,
    );
    expect(problems('      form: open\n      question: What is the cause?\n      options: [a, b]\n')).toEqual([
      'an open question has no options: leave `options` out, or write `form: multiple-choice`',
    ]);
    expect(problems('      form: yes-no\n      question: Is the anemia due to the documented blood loss?\n')[0]).toMatch(
      /^a yes\/no query may only confirm a condition the record already documents/,
    );
    // A yes/no query may confirm what the rule requires the notes to affirm; not what it requires them to deny.
    const yesNo = '      form: yes-no\n      question: Is the anemia due to the documented blood loss?\n';
    expect(problems(yesNo, '{ all: [{ diagnosis: { code: D64.9 } }, { text: { terms: bleeding } }] }')).toEqual([]);
    expect(problems(yesNo, '{ any: [{ text: { terms: bleeding } }, { diagnosis: { code: D62 } }] }')).toHaveLength(1);
    expect(problems(yesNo, '{ text: { terms: bleeding, negated: true } }')).toHaveLength(1);
    expect(problems(yesNo, '{ not: { not: { text: { terms: bleeding } } } }')).toHaveLength(1);
    // `open:` is a multiple-choice query's question where fewer than two options apply.
    expect(problems(`${mc('What is the cause of the anemia?')}      open: What is the cause of the anemia?\n`)).toEqual([]);
    expect(problems(`${mc('What is the cause of the anemia?')}      open: Is there a cause\n`)).toEqual([
      'the query\'s open question must be a question: end it with "?"',
    ]);
    expect(problems(`${mc('What is the cause of the anemia?')}      open: Is it {{diagnosis.code}}?\n`)[0]).toMatch(
      /^the query's open question uses \{\{diagnosis\.code\}\}/,
    );
    expect(problems('      form: open\n      question: What is the cause?\n      open: What is it?\n')[0]).toMatch(
      /^`open` is the question a multiple-choice query asks where fewer than two options apply/,
    );
  });

  test('where fewer than two options apply, a query with `open:` asks it with no options; without it, the options that apply', () => {
    const chart = (b12: number): string =>
      `chartId: C1\nencounters:\n  - id: E1\n    date: 2026-10-02\n    diagnoses: [{ code: D64.9 }]\nlabs:\n  - { loinc: 2132-9, value: ${b12}, unit: pg/mL, date: 2026-10-01 }\n`;
    const options =
      '\n        - { text: Vitamin B12 deficiency anemia, when: { lab: { test: b12, value: { lt: 200 } } } }\n        - Anemia, type not specified\n';
    const q = (open: string): string => `      question: Which of these best describes the anemia?\n${open}      options:${options}`;
    const draft = (query: string, b12: number): Query => {
      const dir = scratch().dir;
      writeFileSync(join(dir, 'r.yaml'), rule(query));
      writeFileSync(join(dir, 'c.yaml'), chart(b12));
      const r = cli(['-r', 'r.yaml', '--no-config-lookup', '-f', 'json', 'c.yaml'], { cwd: dir });
      return (JSON.parse(r.stdout) as Report).results[0]!.findings[0]!.query!;
    };
    const withOpen = q('      open: What is the type or cause of the anemia?\n');
    expect(draft(withOpen, 150)).toMatchObject({
      question: 'Which of these best describes the anemia?',
      options: ['Vitamin B12 deficiency anemia', 'Anemia, type not specified', 'Other (please specify)', 'Clinically undetermined'],
    });
    expect(draft(withOpen, 450)).toMatchObject({ question: 'What is the type or cause of the anemia?', options: [] });
    expect(draft(q(''), 450).options).toEqual(['Anemia, type not specified', 'Other (please specify)', 'Clinically undetermined']);
  });

  test("a query's own `when` is a condition like any other, and a yes/no query may rest on it", () => {
    const yesNo = '      form: yes-no\n      question: Is the anemia due to the documented blood loss?\n';
    expect(rulesetProblems(rule(`      when: { text: { terms: bleeding } }\n${yesNo}`))).toEqual([]);
    expect(rulesetProblems(rule(`      when: { not: { text: { terms: bleeding } } }\n${yesNo}`))[0]).toMatch(
      /a yes\/no query may only confirm a condition the record already documents .* neither the rule's `when` nor the query's requires/,
    );
    expect(rulesetProblems(rule(`      when: { lab: { test: folate } }\n${mc('What is the cause of the anemia?')}`))).toEqual([
      '16:28 unknown lab test "folate".',
    ]);
  });

  test('a query needs the cite list its indicators come from', () => {
    const rs = rule(mc('What is the cause of the anemia?')).replace('    cite:\n      - lab: { test: b12 }\n', '');
    expect(rulesetProblems(rs)).toEqual([
      '14:7 rule "r1": a query shows the provider the clinical indicators that prompted it: give the rule a `cite:` list (the labs, note text, medications or services to quote)',
    ]);
  });

  test('the word lists are data: queryWords adds a category, turns one off, and allows a code-shaped word', () => {
    const q = mc('Is the anemia, billed at vertebra T12 for acme health, due to B12 deficiency?');
    expect(rulesetProblems(rule(q)).map((p) => p.split(': the query')[1]!.split(' (')[0])).toEqual([
      '\'s question uses "billed"',
      "'s question names a code",
    ]);
    const extra = 'queryWords:\n  forbidden:\n    billing: []\n    payer-names: [acme health]\n  allowed: [T12]\n';
    expect(rulesetProblems(rule(q, extra))).toEqual([
      '21:60 rule "r1": the query\'s question uses "acme health" (`queryWords` payer-names): a provider query speaks only of the clinical picture, never of money, coverage, audits, billing, quality measures or codes, and never leads (docs/queries.md)',
    ]);
  });
});

/**
 * A scratch folder with a chart without a description (plain.yaml), the same chart with one
 * (described.yaml), and a ruleset giving the code words of its own (words.yaml); and the query a
 * rule's first finding in a file carries, linted with the given arguments.
 */
function describedCharts(chart: (description: string) => string, description: string, words: string) {
  const dir = scratch().dir;
  writeFileSync(join(dir, 'plain.yaml'), chart(''));
  writeFileSync(join(dir, 'described.yaml'), chart(`, description: "${description}"`));
  writeFileSync(join(dir, 'words.yaml'), `ruleset: words\nextends: [b12lint:recommended]\ndescriptions:\n  ${words}\n`);
  const query = (ruleId: string, args: string[], file: string) => {
    const r = cli(['--no-config-lookup', '-f', 'json', ...args, file], { cwd: dir });
    return (JSON.parse(r.stdout) as Report).results[0]!.findings.find((x) => x.ruleId === ruleId)!.query!;
  };
  return { dir, query };
}

describe("codes in words: the ruleset's descriptions", () => {
  test("an indicator names a code in the ruleset's words where the chart has none; a later layer's words replace; the chart's own win", () => {
    const { dir, query } = describedCharts(
      (description) =>
        `chartId: C1\nencounters:\n  - id: E1\n    date: 2026-10-07\n    diagnoses: [{ code: D62${description} }]\n    notes:\n      - { section: ros, text: Denies melena or hematochezia. }\n`,
      'Posthemorrhagic anemia, acute',
      'd62: Anemia after acute blood loss',
    );
    const first = (args: string[], file: string): string =>
      query('blood-loss-contradicted-by-notes', args, file).indicators.find((i) => i.source === 'diagnosis')!.text;
    expect(first([], 'plain.yaml')).toBe('Acute posthemorrhagic anemia');
    expect(first(['-r', 'words.yaml'], 'plain.yaml')).toBe('Anemia after acute blood loss');
    expect(first([], 'described.yaml')).toBe('Posthemorrhagic anemia, acute');
    const printed = cli(['print-config', '--no-config-lookup', '-r', 'words.yaml'], { cwd: dir }).stdout;
    expect(printed).toContain('D62: Anemia after acute blood loss');
  });
});

describe("the question names the diagnosis in the indicator's words", () => {
  test("{{diagnosis.description}} falls back to the ruleset's words where the chart has none; the chart's own win; no code in its place", () => {
    const { query } = describedCharts(
      (description) =>
        `chartId: C1\nencounters:\n  - id: E1\n    date: 2026-10-20\n    setting: outpatient\n    diagnoses: [{ code: D51.0, status: ruled-out${description} }]\n    notes:\n      - { section: assessment, text: Pernicious anemia ruled out. }\n`,
      'Pernicious anemia',
      'd51.0: Anemia from a lack of intrinsic factor',
    );
    const question = (args: string[], file: string): string => query('diagnosis-not-current', args, file).question;
    expect(question([], 'plain.yaml')).toContain(
      'the record lists "Vitamin B12 deficiency anemia due to intrinsic factor deficiency", with the status "ruled-out"',
    );
    expect(question(['-r', 'words.yaml'], 'plain.yaml')).toContain('the record lists "Anemia from a lack of intrinsic factor"');
    expect(question(['-r', 'words.yaml'], 'described.yaml')).toContain('the record lists "Pernicious anemia"');
    for (const q of [question([], 'plain.yaml'), question(['-r', 'words.yaml'], 'described.yaml')]) expect(q).not.toContain('D51');
  });
});

describe('drafts are built only for reports that show them', () => {
  test('without `queries` the engine builds no draft and every finding is otherwise the same', () => {
    const ruleset = compileText(readFileSync(join(ROOT, 'rulesets', 'recommended.yaml'), 'utf8'));
    const charts = readFileSync(join(ROOT, CHARTS), 'utf8');
    const lint = (queries: boolean) =>
      lintText(charts, 'yaml', 'charts.yaml', new Engine(ruleset), { maxFileSize: Infinity, debug: false, queries }).findings;
    const withDrafts = lint(true);
    const without = lint(false);
    expect(withDrafts.filter((f) => f.query).length).toBeGreaterThan(0);
    expect(without.filter((f) => f.query)).toEqual([]);
    expect(without).toEqual(withDrafts.map(({ query: _query, ...rest }) => rest));
  });

  test('the formats that show drafts are json, html and queries', () => {
    expect([...SHOWS_QUERIES].sort()).toEqual(['html', 'json', 'queries']);
    const stylish = cli(['-r', RULESET, CHARTS]);
    expect(stylish.stdout).not.toContain('Clinically undetermined');
    expect(cli(['-r', RULESET, CHARTS, '-f', 'queries']).stdout).toContain('Clinically undetermined');
  });
});

describe('drafts through the CLI (fixtures/rulesets/queries-recommended.yaml)', () => {
  const run = cliJson(['-r', RULESET, CHARTS]);
  const drafts = queriesOf(run.report);

  test('only the findings of rules with a query carry one, and a quiet chart has none', () => {
    expect(run.code).toBe(0);
    expect([...drafts.keys()]).toEqual([
      'Q-UNSPEC-1 b12-injection-anemia-unspecified',
      'Q-UNSPEC-2 b12-injection-anemia-unspecified',
      'Q-BLC-1 blood-loss-contradicted-by-notes',
      'Q-ETIO-1 etiology-documented-not-coded',
    ]);
    const all = run.report.results.flatMap((r) => r.findings);
    expect(all.filter((f) => f.ruleId === 'b12-drug-without-admin').every((f) => !('query' in f))).toBe(true);
    expect(all.some((f) => f.chartId === 'Q-QUIET-1')).toBe(false);
  });

  test("the indicators are the chart's own, each with its date and place; options that do not apply are left out", () => {
    expect(drafts.get('Q-UNSPEC-1 b12-injection-anemia-unspecified')).toEqual({
      question:
        'The record of the 2026-10-02 visit documents anemia treated with a vitamin B12 injection. Based on your clinical judgment, which of the following best describes the type or cause of the anemia?',
      encounterDate: '2026-10-02',
      indicators: [
        // The B12 of 2026-09-28 (the latest), not the 2024 one; written in pmol/L with the lab's own range.
        {
          text: 'Vitamin B12 110 pmol/L (reference range 150-600 pmol/L)',
          source: 'lab',
          date: '2026-09-28',
          line: 23,
          column: 5,
          pointer: '/labs/0',
        },
        {
          text: 'Hemoglobin 10.4 g/dL (reference range 12-15.5 g/dL)',
          source: 'lab',
          date: '2026-09-28',
          line: 24,
          column: 5,
          pointer: '/labs/1',
        },
        { text: 'MCV 112 fL', source: 'lab', date: '2026-09-28', line: 25, column: 5, pointer: '/labs/2' },
        { text: 'Ferritin 85 ng/mL', source: 'lab', date: '2026-09-28', line: 26, column: 5, pointer: '/labs/3' },
        {
          text: 'Fatigue for three months.',
          source: 'note',
          section: 'hpi',
          date: '2026-10-02',
          line: 19,
          column: 15,
          pointer: '/encounters/0/notes/0/text',
        },
        {
          text: 'Anemia, macrocytic.',
          source: 'note',
          section: 'assessment',
          date: '2026-10-02',
          line: 21,
          column: 15,
          pointer: '/encounters/0/notes/1/text',
        },
        { text: 'cyanocobalamin 1000 mcg IM', source: 'medication', date: '2026-10-02', line: 29, column: 5, pointer: '/medications/0' },
      ],
      // No folate result, a ferritin of 85 and an MCV of 112, notes that deny bleeding: no folate, iron or blood-loss option.
      options: [
        'Vitamin B12 deficiency anemia',
        'Pernicious anemia',
        'Anemia of chronic disease',
        'Anemia, type not further specified',
        'Other (please specify)',
        'Clinically undetermined',
      ],
    });
    expect(drafts.get('Q-UNSPEC-2 b12-injection-anemia-unspecified')!.options).toEqual([
      'Iron deficiency anemia',
      'Anemia due to acute or chronic blood loss',
      'Anemia of chronic disease',
      'Anemia, type not further specified',
      'Other (please specify)',
      'Clinically undetermined',
    ]);
    const etio = drafts.get('Q-ETIO-1 etiology-documented-not-coded')!;
    expect(etio.options).toEqual(['Yes', 'No', 'Other (please specify)', 'Clinically undetermined']);
    expect(etio.indicators.map((i) => [i.source, i.text, i.date, i.line])).toEqual([
      ['note', 'Roux-en-Y gastric bypass in 2019.', '2026-10-09', 78],
      ['lab', 'Vitamin B12 160 pg/mL', '2026-09-15', 80],
    ]);
  });

  test('every draft: a question, options ending with Other and Clinically undetermined, dated indicators, no code and no money', () => {
    for (const q of drafts.values()) {
      expect(q.question.endsWith('?')).toBe(true);
      expect(q.options.slice(-2)).toEqual(['Other (please specify)', 'Clinically undetermined']);
      expect(q.indicators.length).toBeGreaterThan(0);
      for (const i of q.indicators) expect(i.date).toMatch(/^\d{4}-\d\d-\d\d$/);
      for (const text of [q.question, ...q.options])
        expect(text).not.toMatch(/\b[A-Z]\d\d(\.\d+)?\b(?<!B12)|J3420|96372|payment|reimburse|coverage|audit|billing/i);
    }
  });

  test('--format queries: one Markdown document, grouped by chart and encounter, ready to paste', () => {
    const r = cli(['-r', RULESET, CHARTS, '--format', 'queries']);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith('# Provider query drafts\n\nb12lint 1.0.0, ruleset fixtures/queries-recommended: 4 drafts.\n')).toBe(true);
    expect([...md.matchAll(/^#{2,4} .*$/gm)].map((m) => m[0])).toEqual([
      '## Chart Q-UNSPEC-1',
      '### Encounter E1, date of service 2026-10-02',
      '#### Draft 1 of 4',
      '## Chart Q-UNSPEC-2',
      '### Encounter E1, date of service 2026-10-05',
      '#### Draft 2 of 4',
      '## Chart Q-BLC-1',
      '### Encounter E1, date of service 2026-10-07',
      '#### Draft 3 of 4',
      '## Chart Q-ETIO-1',
      '### Encounter E1, date of service 2026-10-09',
      '#### Draft 4 of 4',
    ]);
    const first = md.slice(md.indexOf('#### Draft 1 of 4'), md.indexOf('## Chart Q-UNSPEC-2'));
    expect(first).toBe(`#### Draft 1 of 4

*For the coder, not part of the query: rule b12-injection-anemia-unspecified (warning) at fixtures/queries/charts.yaml\\:15\\:9; indicators at lines 23, 24, 25, 26, 19, 21, 29.*

**Clinical indicators**

- Lab result, 2026-09-28: Vitamin B12 110 pmol/L (reference range 150-600 pmol/L)
- Lab result, 2026-09-28: Hemoglobin 10.4 g/dL (reference range 12-15.5 g/dL)
- Lab result, 2026-09-28: MCV 112 fL
- Lab result, 2026-09-28: Ferritin 85 ng/mL
- History of present illness note, 2026-10-02: “Fatigue for three months.”
- Assessment note, 2026-10-02: “Anemia, macrocytic.”
- Medication, 2026-10-02: cyanocobalamin 1000 mcg IM

**Question:** The record of the 2026-10-02 visit documents anemia treated with a vitamin B12 injection. Based on your clinical judgment, which of the following best describes the type or cause of the anemia?

- [ ] Vitamin B12 deficiency anemia
- [ ] Pernicious anemia
- [ ] Anemia of chronic disease
- [ ] Anemia, type not further specified
- [ ] Other (please specify): ____________
- [ ] Clinically undetermined

`);
  });

  test('--format queries without drafts says so', () => {
    const r = cli(['-r', RULESET, 'fixtures/charts/clean.yaml', '--format', 'queries']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No finding of this run asks for a provider query.');
  });

  test("the HTML report carries each finding's draft for its detail view", () => {
    const r = cli(['-r', RULESET, CHARTS, '--format', 'html']);
    expect(r.code).toBe(0);
    const data = embedded(r.stdout);
    const rows = data.findings.filter((f) => f[9] !== undefined);
    expect(rows.map((f) => `${f[5]} ${data.rules[f[1]]!.id}`)).toEqual([...drafts.keys()]);
    const etio = rows.find((f) => f[5] === 'Q-ETIO-1')!;
    expect(etio[9]).toEqual({
      question: 'The notes of the 2026-10-09 visit mention bariatric surgery status. Is it a current condition of this patient?',
      indicators: [
        'Assessment note, 2026-10-09: “Roux-en-Y gastric bypass in 2019.” (line 78)',
        'Lab result, 2026-09-15: Vitamin B12 160 pg/mL (line 80)',
      ],
      options: ['Yes', 'No', 'Other (please specify)', 'Clinically undetermined'],
    });
    expect(data.findings.filter((f) => f[9] === undefined).every((f) => f.length === 9)).toBe(true);
  });
});

describe('--redact applies to the indicators', () => {
  const notes = [
    'Fatigue for three months',
    'Anemia, macrocytic',
    'Heavy menses for six months',
    'Denies melena or hematochezia',
    'Roux-en-Y gastric bypass in 2019',
  ];

  test('note quotes are hashed in JSON; labs, medications and dates stay', () => {
    const { report } = cliJson(['-r', RULESET, CHARTS, '--redact']);
    const q = queriesOf(report);
    const first = [...q.values()][0]!;
    expect(first.indicators.map((i) => i.text)).toEqual([
      'Vitamin B12 110 pmol/L (reference range 150-600 pmol/L)',
      'Hemoglobin 10.4 g/dL (reference range 12-15.5 g/dL)',
      'MCV 112 fL',
      'Ferritin 85 ng/mL',
      expect.stringMatching(/^redacted:[0-9a-f]{12}$/),
      expect.stringMatching(/^redacted:[0-9a-f]{12}$/),
      'cyanocobalamin 1000 mcg IM',
    ]);
    // The question that quotes the notes ({{text.excerpt}}) is hashed there too.
    const blc = [...q.values()][2]!;
    expect(blc.question).toMatch(/^The notes of the 2026-10-07 visit state "redacted:[0-9a-f]{12}", and no source/);
    const text = JSON.stringify(report);
    for (const n of notes) expect(text).not.toContain(n);
  });

  test.each(['queries', 'html'])('no note quote in a redacted %s report', (format) => {
    const r = cli(['-r', RULESET, CHARTS, '--redact', '--format', format]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/redacted/);
    for (const n of notes) expect(r.stdout).not.toContain(n);
    expect(r.stdout).toContain('Vitamin B12 110 pmol/L');
  });
});

describe('chart text in a draft cannot become markup', () => {
  test('--format queries escapes quotes, ids and paths; control and bidi characters are shown as visible escapes', () => {
    const s = scratch();
    const hostile =
      'Anemia <img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) http://evil.example www.evil.example ' +
      '`tick` | a | b | R&D ~~x~~ @user #tag\u2028## not a heading\u202e reversed \u001b[31m red';
    const chart = {
      chartId: 'Q-<b>X</b> ##',
      encounters: [
        {
          id: 'E1 [x](y)',
          date: '2026-10-02',
          diagnoses: [{ code: 'D64.9' }],
          services: [{ code: 'J3420', diagnoses: [1] }],
          notes: [{ section: 'assessment', text: hostile }],
        },
      ],
    };
    const file = s.write('hostile *chart*.json', JSON.stringify(chart));
    const r = cli(['-r', join(ROOT, RULESET), file, '--format', 'queries'], { cwd: s.dir });
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toContain('## Chart Q-\\<b\\>X\\</b\\> \\#\\#\n');
    expect(md).toContain('### Encounter E1 \\[x\\](y), date of service 2026-10-02\n');
    expect(md).toContain('File: hostile \\*chart\\*.json\n');
    const line = md.split('\n').find((l) => l.startsWith('- Assessment note'))!;
    expect(line).toBe(
      '- Assessment note, 2026-10-02: “Anemia \\<img src=x onerror=alert(1)\\> \\*\\*bold\\*\\* \\[link\\](javascript\\:alert(1)) ' +
        'http\\://evil.example www\\.evil.example \\`tick\\` \\| a \\| b \\| R\\&D \\~\\~x\\~\\~ \\@user \\#tag \\#\\# not a heading\\\\u202e reversed \\\\x1b\\[31m red”',
    );
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2028\u2029]/);
  });
});

test('print-config shows a rule with the query and cite its override gives it', () => {
  const r = cli(['print-config', '--no-config-lookup', '-r', RULESET]);
  expect(r.code).toBe(0);
  const printed = parse(r.stdout) as { ruleset: { rules: { id: string; cite?: unknown[]; query?: { form?: string } }[] } };
  const etio = printed.ruleset.rules.find((x) => x.id === 'etiology-documented-not-coded')!;
  expect(etio.query?.form).toBe('yes-no');
  expect(etio.cite).toHaveLength(3);
});

describe('b12lint test asserts on drafts', () => {
  test("the fixture ruleset's tests pin question, options and indicators", () => {
    const r = cli(['test', RULESET]);
    expect(r.stdout).toContain('Tests: 5 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  test('an option that does not apply, or an indicator that is not there, fails the case', () => {
    const s = scratch();
    const rs = s.write('rs.yaml', `extends: [${join(ROOT, RULESET)}]\n`);
    s.write(
      'rs.tests.yaml',
      `tests:
  b12-injection-anemia-unspecified:
    invalid:
      - chart: ${join(ROOT, CHARTS)}#Q-UNSPEC-1
        findings:
          - query:
              options: [Vitamin B12 deficiency anemia, Iron deficiency anemia]
      - chart: ${join(ROOT, CHARTS)}#Q-UNSPEC-1
        findings:
          - query:
              indicators: [{ source: lab, text: Folate }]
  b12-drug-without-admin:
    invalid:
      - chart: ${join(ROOT, CHARTS)}#Q-UNSPEC-2
        findings:
          - query: { question: anything }
`,
    );
    const r = cli(['test', rs]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'finding 1: the query\'s options are ["Vitamin B12 deficiency anemia","Pernicious anemia","Anemia of chronic disease","Anemia, type not further specified"], expected ["Vitamin B12 deficiency anemia","Iron deficiency anemia"]',
    );
    expect(r.stdout).toContain('finding 1: the query has no indicator { source: lab, text: Folate }');
    expect(r.stdout).toContain('finding 1: the finding has no query');
    expect(r.stdout).toContain('Tests: 0 passed, 3 failed');
  });
});

describe("the built-in ruleset's drafts (rulesets/recommended.yaml) on every trigger chart and the sample charts", () => {
  const fires = readdirSync(join(ROOT, 'fixtures/catalog'))
    .filter((f) => f.endsWith('.fires.yaml'))
    .map((f) => `fixtures/catalog/${f}`);
  const run = cliJson(['--no-config-lookup', ...fires, 'fixtures/charts']);
  const findings = run.report.results.flatMap((r) => r.findings);
  const drafted = findings.filter((f) => f.query);
  const builtin = parse(readFileSync(join(ROOT, 'rulesets/recommended.yaml'), 'utf8')) as {
    rules: { id: string; message: string; query?: unknown }[];
  };
  const words = (
    parse(readFileSync(join(ROOT, 'rulesets/query-words.yaml'), 'utf8')) as {
      queryWords: { forbidden: Record<string, string[]>; allowed: string[] };
    }
  ).queryWords;
  const policy = new QueryPolicy(new Map(Object.entries(words.forbidden)), words.allowed);

  test('every finding whose message asks to query the provider carries a draft, and no other finding does', () => {
    expect(run.stderr).toBe('');
    expect(drafted.length).toBeGreaterThan(60);
    // A J3420 line whose supporting diagnosis is already coded is re-pointed, not queried: the query's own `when`.
    for (const [rule, chart] of [
      ['b12-injection-unsupported-dx', 'UNSUP-F3'],
      ['b12-injection-blood-loss-dx', 'BLDX-F2'],
      ['b12-injection-anemia-unspecified', 'UNSPEC-F3'],
    ]) {
      const f = findings.find((x) => x.ruleId === rule && x.chartId === chart)!;
      expect(f.message).toMatch(/re-point the line to it\.$/);
      expect(f.query).toBeUndefined();
    }
    for (const f of findings) {
      expect({ rule: f.ruleId, chart: f.chartId, message: f.message, draft: f.query !== undefined }).toEqual({
        rule: f.ruleId,
        chart: f.chartId,
        message: f.message,
        draft: /\bquery\b/i.test(f.message),
      });
    }
  });

  test('every built-in rule whose message asks to query has a template, and each gives drafts on its trigger charts', () => {
    const asking = builtin.rules
      .filter((r) => /\bquery\b/i.test(r.message))
      .map((r) => r.id)
      .sort();
    expect(
      builtin.rules
        .filter((r) => r.query)
        .map((r) => r.id)
        .sort(),
    ).toEqual(asking);
    expect(asking).toHaveLength(21);
    for (const id of asking) {
      expect({ id, drafts: drafted.some((f) => f.ruleId === id) }).toEqual({ id, drafts: true });
    }
    // A rule whose message never asks to query gives no draft (b12-units-dose-mismatch asks to correct the units).
    expect(builtin.rules.find((r) => r.id === 'b12-units-dose-mismatch')!.query).toBeUndefined();
  });

  test('each draft: a question, at least one indicator with its date, options ending with Other and Clinically undetermined, no code and no money', () => {
    for (const f of drafted) {
      const q = f.query!;
      const where = { rule: f.ruleId, chart: f.chartId };
      expect({ ...where, question: q.question.endsWith('?') }).toEqual({ ...where, question: true });
      expect({ ...where, dated: q.indicators.filter((i) => i.date !== undefined).length > 0 }).toEqual({ ...where, dated: true });
      for (const i of q.indicators) if (i.date !== undefined) expect(i.date).toMatch(/^\d{4}-\d\d-\d\d$/);
      // Multiple choice with two options at least beside those two; else an open question (`open:`).
      if (q.options.length > 0) {
        expect(q.options.slice(-2)).toEqual(['Other (please specify)', 'Clinically undetermined']);
        expect({ ...where, options: q.options.length >= 4 }).toEqual({ ...where, options: true });
      }
      for (const text of [q.question, ...q.options]) {
        expect({ ...where, text, problems: policy.problems(text) }).toEqual({ ...where, text, problems: [] });
        expect(text.replace(/\bB12\b/g, '')).not.toMatch(
          /\b[A-Z]\d\d(?:\.[0-9A-Z-]{1,4})?\b|\bJ\d{4}\b|\b\d{5}\b|\$|payment|reimburs|denial|coverage|covered|audit|billing|billed|claim|quality measure|\bcode[sd]?\b/i,
        );
      }
    }
  });
});
