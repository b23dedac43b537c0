/** A ruleset that breaks the language is refused, every problem with line, column and a hint. */
import { lint, rulesetProblems } from './helpers/engine.js';

const base = (rules: string, extra = '') => `ruleset: t
codesets:
  b12-injection: [J3420]
labs:
  b12: { loinc: [2132-9], unit: pg/mL }
terms:
  bleeding: [bleeding]
${extra}rules:
${rules}`;

const oneRule = (when: string, more = '') =>
  base(`  - id: r1
    severity: error
    title: t
    on: service
${more}    when: ${when}
    message: m
`);

test('an unknown condition kind, with a suggestion', () => {
  expect(rulesetProblems(oneRule('{ daignosis: { code: D62 } }'))).toEqual([
    '13:13 unknown condition `daignosis`. Did you mean `diagnosis`?',
  ]);
});

test('an unknown option, codeset, test and term list, each placed and suggested', () => {
  expect(rulesetProblems(oneRule('{ diagnosis: { linkd: true } }'))).toEqual([
    '13:26 unknown option `linkd` of `diagnosis`. Did you mean `linked`?',
  ]);
  expect(rulesetProblems(oneRule('{ service: { code: b12-injections } }'))).toEqual([
    '13:30 unknown codeset "b12-injections". Did you mean `b12-injection`?',
  ]);
  expect(rulesetProblems(oneRule('{ lab: { test: b21, value: { lt: 200 } } }'))).toEqual([
    '13:26 unknown lab test "b21". Did you mean `b12`?',
  ]);
  expect(rulesetProblems(oneRule('{ text: { terms: bleding } }'))).toEqual(['13:28 unknown term list "bleding". Did you mean `bleeding`?']);
});

test('a bad operator, a bad duration and a bad severity', () => {
  expect(rulesetProblems(oneRule('{ lab: { test: b12, value: { less: 200 } } }'))).toContain(
    '13:40 bad operator `less`: use lt, lte, gt, gte, eq, ne, between, in.',
  );
  expect(rulesetProblems(oneRule('{ lab: { test: b12, within: 6 months } }'))[0]).toMatch(/^13:39 bad duration "6 months"/);
  expect(rulesetProblems(base('  - { id: r1, severity: critical, title: t, on: chart, when: { encounter: {} }, message: m }\n'))).toEqual([
    '9:25 bad severity "critical": use error, warning, info or off.',
  ]);
});

test('a repeated rule id', () => {
  const rule = '  - { id: r1, severity: error, title: t, on: chart, when: { encounter: {} }, message: m }\n';
  expect(rulesetProblems(base(rule + rule))).toEqual(['10:11 rule id "r1" is repeated: rule ids must be unique']);
});

test('a message placeholder that names nothing', () => {
  const rs = base(
    '  - { id: r1, severity: error, title: t, on: chart, when: { encounter: {} }, message: "{{lab.b21.value}} {{sevice.code}}" }\n',
  );
  expect(rulesetProblems(rs)).toEqual([
    '9:87 placeholder {{lab.b21.value}} names no lab test of the ruleset. Did you mean `b12`?',
    '9:87 unknown placeholder {{sevice.code}}. Did you mean `service`?',
  ]);
});

test('a placeholder that only a condition binds, where no condition of the rule binds it, or only one under `not` (it would show "?")', () => {
  const rs = base(
    '  - { id: r1, severity: error, title: t, on: chart, when: { encounter: {} }, message: "{{text.excerpt}} {{lab.b12.value}} {{count.value}}" }\n' +
      '  - { id: r2, severity: error, title: t, on: chart, when: { not: { text: { terms: [melena] } } }, cite: [{ lab: { test: b12 } }], message: "{{text.excerpt}} {{lab.b12.value}}" }\n',
  );
  expect(rulesetProblems(rs)).toEqual([
    '9:87 placeholder {{text.excerpt}}: no `text` condition in the rule\'s `when` or `cite` binds it, so it would show "?".',
    '9:87 placeholder {{lab.b12.value}}: no `lab` condition of the rule\'s `when` or `cite` reads b12, so it would show "?".',
    '9:87 placeholder {{count.value}}: no `count` condition in the rule\'s `when` or `cite` binds it, so it would show "?".',
    // r2: a condition under `not` binds nothing; the cited lab does.
    '10:140 placeholder {{text.excerpt}}: no `text` condition in the rule\'s `when` or `cite` binds it, so it would show "?".',
  ]);
});

test('several problems are all listed, not just the first', () => {
  const rs = base(`  - id: Bad_Id
    severity: error
  - id: r2
    severity: error
    title: t
    on: servce
    when: { any: [] }
    message: m
`);
  expect(rulesetProblems(rs)).toEqual([
    '9:5 rule "Bad_Id" needs `title`',
    '9:5 rule "Bad_Id" needs `on`: chart, encounter, diagnosis, service, lab',
    '9:5 rule "Bad_Id" needs `message`',
    '9:9 rule id "Bad_Id" must be kebab-case (lower case words joined by -)',
    '14:9 bad subject "servce": `on` takes chart, encounter, diagnosis, service or lab. Did you mean `service`?',
    '15:18 `any` takes a non-empty list of conditions',
  ]);
});

test('invalid YAML is refused with its position', () => {
  expect(rulesetProblems('rules:\n  - id: [unclosed\n')[0]).toMatch(/^3:1 invalid YAML/);
});

test('an override of an unknown rule', () => {
  expect(rulesetProblems(base('', 'overrides:\n  - { rule: b12-nope, severity: off }\n'))).toEqual([
    '9:13 override of unknown rule "b12-nope".',
  ]);
});

test('extends: a missing file is named (as written and as found); an unknown built-in ruleset is quoted only when a plain name', () => {
  expect(rulesetProblems('ruleset: t\nextends: [./nope.yaml]\nrules: []\n')).toEqual([
    expect.stringMatching(/^2:11 extends "\.\/nope\.yaml": file not found \(.*nope\.yaml\)$/),
  ]);
  expect(rulesetProblems('ruleset: t\nextends: ["b12lint:ZEBULON QUIXOTE"]\nrules: []\n')).toEqual([
    '2:11 unknown built-in ruleset (a name of 23 characters that is no plain name).',
  ]);
});

test('an override of an unknown rule whose id is no plain name (a secret pasted there) is told by its size, not quoted', () => {
  const id = `password=hunter2 sk_live_${'A'.repeat(120)}`;
  expect(rulesetProblems(base('', `overrides:\n  - { rule: "${id}", severity: off }\n`))).toEqual([
    `9:13 override of unknown rule (a name of ${id.length} characters that is no plain name).`,
  ]);
});

test('a name cut short is completed', () => {
  expect(rulesetProblems(base('  - { id: r1, severity: warn, title: t, on: chart, when: { encounter: {} }, message: m }\n'))).toEqual([
    '9:25 bad severity "warn": use error, warning, info or off. Did you mean `warning`?',
  ]);
});

test('a bad assertion name and a broken context cue list, each placed and suggested', () => {
  expect(rulesetProblems(oneRule('{ text: { terms: bleeding, assertion: famly } }'))).toEqual([
    '13:49 bad assertion "famly": use affirmed, negated, possible, hypothetical, historical or family. Did you mean `family`?',
  ]);
  expect(rulesetProblems(oneRule('{ text: { terms: bleeding, assertion: [negated, historic] } }'))[0]).toMatch(
    /^13:59 bad assertion "historic".*Did you mean `historical`\?$/,
  );
  expect(rulesetProblems(oneRule('{ text: { terms: bleeding, negated: true, assertion: negated } }'))).toEqual([
    '13:47 `negated` and `assertion` say the same thing: keep `assertion`',
  ]);
  const context = 'context:\n  negaton: { before: [nope] }\n  family: { befor: [aunt] }\n  pseudo: { add: 3 }\n';
  expect(
    rulesetProblems(base('  - { id: r1, severity: error, title: t, on: chart, when: { encounter: {} }, message: m }\n', context)),
  ).toEqual([
    '9:3 unknown key `negaton` in a context. Did you mean `negation`?',
    '10:13 unknown key `befor` in a cue set. Did you mean `before`?',
    '11:18 `add` takes a list; found the number 3',
  ]);
});

test('`text` needs terms or about', () => {
  expect(rulesetProblems(oneRule('{ text: { assertion: negated } }'))).toEqual([
    '13:19 `text` needs `terms`, or `about` to look for the subject diagnosis',
  ]);
});

test('a term beyond the limits of a phrase searched for in notes (300 characters, 40 words) is placed, never quietly not searched for', () => {
  const forty = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
  const rule = '  - { id: r1, severity: error, title: t, on: chart, when: { encounter: {} }, message: m }\n';
  const within = `  long: ["${forty}", "  b${'x'.repeat(299)}  "]\n`;
  expect(rulesetProblems(base(rule, within))).toEqual([]);
  const beyond = `  long:\n    - "${forty} w40"\n    - "b${'x'.repeat(300)}"\ncontext:\n  uncertainty: { before: { add: ["${forty} w40"] } }\n`;
  expect(rulesetProblems(base(rule, beyond))).toEqual([
    '9:7 entry 1 of `long` is over 40 words, the most a phrase searched for in notes can have',
    '10:7 entry 2 of `long` is over 300 characters, the most a phrase searched for in notes can have',
    '12:34 entry 1 of `add` is over 40 words, the most a phrase searched for in notes can have',
  ]);
  // The older `negation` form too, and a term whose white space around it is a million characters
  // (the patterns give such a run back once: they take time linear in the text).
  const legacy = `negation:\n  cues: [no, "${forty} w40"]\n  terminators: ["${' '.repeat(1_000_000)}b${'x'.repeat(300)}"]\n`;
  expect(rulesetProblems(base(rule, legacy))).toEqual([
    '9:14 entry 2 of `cues` is over 40 words, the most a phrase searched for in notes can have',
    '10:17 entry 1 of `terminators` is over 300 characters, the most a phrase searched for in notes can have',
  ]);
  expect(rulesetProblems(oneRule(`{ text: { terms: ["b12", "${forty} w40"] } }`))).toEqual([
    '13:36 entry 2 of `terms` is over 40 words, the most a phrase searched for in notes can have',
  ]);
});

test('a ruleset nested too deeply is one problem at the level beyond the limit, not a stack overflow', () => {
  // Block lists, which overflowed the parser where a document followed, and flow lists.
  expect(rulesetProblems(`rules:\n  ${'- '.repeat(3000)}x\n---\na: 1\n`)[0]).toBe(
    '2:513 invalid YAML: nested more than 256 levels of lists and mappings',
  );
  expect(rulesetProblems(`rules: ${'['.repeat(300)}${']'.repeat(300)}\n`)).toEqual([
    '1:263 invalid YAML: nested more than 256 levels of lists and mappings',
  ]);
});

test('a ruleset whose aliases stand for more than 100,000 values is one problem of the file, at the alias that takes it past', () => {
  const bomb = [
    'ruleset: t',
    'rules: []',
    `a: &a [${Array(99).fill('x').join(', ')}]`, // 100 values
    `b: &b [${Array(100).fill('*a').join(', ')}]`, // 10,101 values
    `c: [*a, ${Array(11).fill('*b').join(', ')}]`, // the 9th *b takes the file past 100,000
    '',
  ].join('\n');
  expect(rulesetProblems(bomb)).toEqual([
    `5:${9 + 4 * 8} invalid YAML: with its aliases, the document stands for more than 100,000 values (an alias bomb)`,
  ]);
});

test('a ruleset with an alias inside the mapping it names is one problem of the file, at the alias', () => {
  expect(rulesetProblems('ruleset: t\nrules: []\ncodesets: &c\n  loop: *c\n')).toEqual([
    '4:9 invalid YAML: an alias stands for a list or mapping that holds it: its value would never end',
  ]);
});

test('a ruleset may use aliases (a list written once, named twice)', () => {
  expect(rulesetProblems('ruleset: t\nrules: []\ncodesets:\n  my-a: &codes [D51.0, D51.8]\n  my-b: *codes\n')).toEqual([]);
});

test("a context window is at most 50 words: a cue's reach is searched word by word around every mention", () => {
  expect(rulesetProblems('ruleset: t\nrules: []\ncontext:\n  window: { forward: 1000000000, backward: 50 }\n')).toEqual([
    '4:22 `forward` must be <= 50',
  ]);
});

describe('a named cite (`as:`): its condition binds under the name, so two of one kind keep their own', () => {
  const rule = (cite: string, message: string) =>
    base(`  - id: r1
    severity: error
    title: t
    on: service
    match: { code: b12-injection }
    when: { text: { terms: [b12] } }
    cite:
${cite}
    message: "${message}"
`);

  test('the message shows the first mention under `text` and the named one under its name', () => {
    const rs = rule(
      '      - { as: bleed, cite: { text: { terms: bleeding, assertion: negated } } }',
      '{{text.excerpt}} / {{#bleed.negated}}denied: {{bleed.negated}}{{/bleed.negated}}{{^bleed.negated}}nothing denied{{/bleed.negated}}',
    );
    expect(rulesetProblems(rs)).toEqual([]);
    const chart = (note: string) => `chartId: C1
encounters:
  - id: E1
    date: 2026-10-01
    services: [{ code: J3420 }]
    notes: [{ section: assessment, text: "${note}" }]
`;
    expect(lint(rs, chart('B12 low. Denies bleeding.')).map((f) => f.message)).toEqual(['B12 low / denied: Denies bleeding']);
    // The named cite finds nothing: its name stays unbound, whatever `text` the rule's `when` bound.
    expect(lint(rs, chart('B12 low.')).map((f) => f.message)).toEqual(['B12 low / nothing denied']);
  });

  test('a name that is a placeholder root, a member its condition does not bind, and the root it renames are refused', () => {
    expect(rulesetProblems(rule('      - { as: text, cite: { text: { terms: bleeding } } }', 'm'))[0]).toMatch(
      /`as` takes a lower-case name \(letters, digits, hyphens\) that is no placeholder root/,
    );
    expect(rulesetProblems(rule('      - { as: bleed, cite: { text: { terms: bleeding } } }', '{{bleed.value}}'))).toEqual([
      expect.stringMatching(/placeholder \{\{bleed\.value\}\}: the cite named `bleed` binds \{\{bleed\.term\}\}, \{\{bleed\.excerpt\}\}/),
    ]);
    // Renamed, the cite binds no `lab`: {{lab.b12.value}} would show "?".
    expect(rulesetProblems(rule('      - { as: drawn, cite: { lab: { test: b12 } } }', '{{lab.b12.value}} {{drawn.b12.value}}'))).toEqual([
      expect.stringMatching(/placeholder \{\{lab\.b12\.value\}\}: no `lab` condition of the rule's `when` or `cite` reads b12/),
    ]);
  });
});
