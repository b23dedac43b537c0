/**
 * Each condition kind on real charts through the real pipeline (loader, compiler, adapter,
 * engine). Every test writes a one-rule ruleset and charts where it holds and where it does not.
 */
import { CodeTable, parseOrderFile } from '../src/rules/code-table.js';
import { parseDay } from '../src/chart/normalize.js';
import { compileText, lint, rulesetProblems } from './helpers/engine.js';

const HEAD = `
ruleset: t
lookback: 180d
values: { low-b12: 200, short: 20d }
codesets:
  b12-injection: [J3420]
  b12-supporting: [D51.*, E53.8]
  blood-loss: [D50.0, D62]
labs:
  b12: { loinc: [2132-9], unit: pg/mL, names: [vitamin b12] }
  hgb: { loinc: [718-7], unit: g/dL }
terms:
  bleeding: [bleeding, melena]
  b12-meds: [cyanocobalamin]
mentions:
  causes: [{ name: gastric bypass, code: Z98.84, terms: [gastric bypass] }]
  dx: [{ code: D51.*, terms: [pernicious anemia] }]
pairs:
  x1: [{ code: D50.0, with: D62, until: 2026-06-30 }]
rules:
`;

/** A ruleset with one rule `r` on the given subject. */
function rule(on: string, when: string, extra = ''): string {
  return `${HEAD}  - id: r
    severity: error
    title: t
    on: ${on}
${extra}    when: ${when}
    message: "fired {{encounter.id}}"
`;
}

const fires = (ruleset: string, chart: string): boolean => lint(ruleset, chart).some((f) => f.ruleId === 'r');

function chart(body: string): string {
  return `chartId: C1\npatient: { sex: female, birthDate: 1950-06-15 }\n${body}`;
}

describe('diagnosis', () => {
  const linked = rule('service', '{ diagnosis: { linked: true, code: blood-loss } }', '    match: { code: b12-injection }\n');
  test('linked: only the diagnoses the line points to', () => {
    const c = (ptr: string) =>
      chart(
        `encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D62 }, { code: D51.0 }]\n    services: [{ code: J3420${ptr} }]\n`,
      );
    expect(fires(linked, c(', diagnoses: [D62]'))).toBe(true);
    expect(fires(linked, c(', diagnoses: [2]'))).toBe(false);
    expect(fires(linked, c(''))).toBe(true); // no pointers: all of the encounter's
  });
  test('code patterns, codes without the dot, status and rank', () => {
    const r = rule('encounter', '{ diagnosis: { code: D51.*, status: suspected, rank: { lte: 2 } } }');
    const c = (dx: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: ${dx}\n`);
    expect(fires(r, c('[{ code: I10 }, { code: d519, status: suspected }]'))).toBe(true);
    expect(fires(r, c('[{ code: I10 }, { code: D51.9 }]'))).toBe(false);
    expect(fires(r, c('[{ code: I10 }, { code: I11.9 }, { code: D51.9, status: suspected }]'))).toBe(false);
  });
  test("a history diagnosis is current where its code states a history itself (the ruleset's `history-codes`), and only there", () => {
    const supported = rule('service', '{ diagnosis: { linked: true, code: [Z98.84, D51.*] } }', '    match: { code: b12-injection }\n');
    const withCodes = supported.replace('codesets:\n', 'codesets:\n  history-codes: [Z98.*, Z87.*]\n');
    const named = rule(
      'service',
      '{ diagnosis: { linked: true, code: Z98.84, status: confirmed } }',
      '    match: { code: b12-injection }\n',
    );
    const c = (dx: string) =>
      chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [${dx}]\n    services: [{ code: J3420, diagnoses: [1] }]\n`);
    // Without the codeset, as the spec has it: a history diagnosis matches only a condition that names that status.
    expect(fires(supported, c('{ code: Z98.84, status: history }'))).toBe(false);
    expect(fires(withCodes, c('{ code: Z98.84, status: history }'))).toBe(true);
    expect(fires(withCodes, c('{ code: Z98.84 }'))).toBe(true);
    // A condition's own code in the past stays past; a named status is taken as written.
    expect(fires(withCodes, c('{ code: D51.0, status: history }'))).toBe(false);
    expect(fires(withCodes, c('{ code: Z98.84, status: ruled-out }'))).toBe(false);
    expect(fires(named.replace('codesets:\n', 'codesets:\n  history-codes: [Z98.*]\n'), c('{ code: Z98.84, status: history }'))).toBe(
      false,
    );
    // A rule on diagnoses whose match names no status looks at it too.
    const onDx = rule('diagnosis', '{ diagnosis: { self: true } }').replace('codesets:\n', 'codesets:\n  history-codes: [Z98.*]\n');
    const d = chart(
      'encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: Z98.84, status: history }, { code: D62, status: history }]\n',
    );
    expect(lint(onDx, d).map((f) => f.pointer)).toEqual(['/encounters/0/diagnoses/0']);
  });
  test('self and other, for rules on one diagnosis', () => {
    const self = rule('diagnosis', '{ diagnosis: { self: true, code: D62 } }');
    const other = rule('diagnosis', '{ diagnosis: { other: true, code: D62 } }');
    const c = chart('encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D62 }, { code: I10 }]\n');
    expect(lint(self, c).map((f) => f.pointer)).toEqual(['/encounters/0/diagnoses/0']);
    expect(lint(other, c).map((f) => f.pointer)).toEqual(['/encounters/0/diagnoses/1']);
  });
});

describe('service', () => {
  const c = chart(`encounters:
  - id: E1
    date: 2026-09-01
    services: [{ code: J3420 }]
  - id: E2
    date: 2026-10-01
    services: [{ code: "96372" }]
`);
  test("the encounter's services by default", () => {
    expect(lint(rule('encounter', '{ service: { code: b12-injection } }'), c).map((f) => f.encounterId)).toEqual(['E1']);
  });
  test('within: any encounter of the chart in the window', () => {
    expect(lint(rule('encounter', '{ service: { code: J3420, within: short } }'), c).map((f) => f.encounterId)).toEqual(['E1']);
    expect(lint(rule('encounter', '{ service: { code: J3420, within: 60d } }'), c).map((f) => f.encounterId)).toEqual(['E1', 'E2']);
  });
  test('before, after and sameDay', () => {
    expect(lint(rule('encounter', '{ service: { code: J3420, before: true } }'), c).map((f) => f.encounterId)).toEqual(['E2']);
    expect(lint(rule('encounter', '{ service: { code: "96372", after: true } }'), c).map((f) => f.encounterId)).toEqual(['E1']);
    expect(lint(rule('encounter', '{ service: { code: J*, sameDay: true } }'), c).map((f) => f.encounterId)).toEqual(['E1']);
  });
  test('before a test: services before the latest result of that test', () => {
    const r = rule('encounter', '{ service: { code: J3420, before: b12 } }');
    const withLab = (date: string) => `${c}labs: [{ loinc: 2132-9, value: 400, unit: pg/mL, date: ${date} }]\n`;
    expect(lint(r, withLab('2026-09-15')).map((f) => f.encounterId)).toEqual(['E2']);
    expect(lint(r, withLab('2026-08-15')).map((f) => f.encounterId)).toEqual([]);
  });
  test('except: the codes `code` leaves out, in the encounter and across the chart', () => {
    const drugs = chart(`encounters:
  - id: E1
    date: 2026-09-01
    services: [{ code: J3420 }, { code: "96372" }]
  - id: E2
    date: 2026-09-01
    services: [{ code: J1885 }, { code: J3420 }]
`);
    const other = rule('encounter', '{ service: { code: J*, except: b12-injection } }');
    expect(lint(other, drugs).map((f) => f.encounterId)).toEqual(['E2']);
    const sameDay = rule('encounter', '{ service: { code: J*, except: [J3420, J1885], sameDay: true } }');
    expect(lint(sameDay, drugs).map((f) => f.encounterId)).toEqual([]);
    const any = rule('encounter', '{ service: { except: J* } }');
    expect(lint(any, drugs).map((f) => f.encounterId)).toEqual(['E1']);
  });
});

describe('lab', () => {
  const c = (labs: string, sex = 'female') =>
    `chartId: C1\npatient: { sex: ${sex} }\nencounters:\n  - id: E1\n    date: 2026-10-01\nlabs:\n${labs}`;
  const low = rule('encounter', '{ lab: { test: b12, value: { lt: low-b12 } } }');
  test('the most recent result in the window compares, after conversion', () => {
    expect(fires(low, c('  - { loinc: 2132-9, value: 120, unit: pmol/L, date: 2026-09-01 }\n'))).toBe(true); // 163 pg/mL
    expect(fires(low, c('  - { loinc: 2132-9, value: 160, unit: pmol/L, date: 2026-09-01 }\n'))).toBe(false); // 217 pg/mL
    expect(
      fires(
        low,
        c(
          '  - { loinc: 2132-9, value: 100, date: 2026-08-01, unit: pg/mL }\n  - { loinc: 2132-9, value: 500, unit: pg/mL, date: 2026-09-01 }\n',
        ),
      ),
    ).toBe(false);
  });
  test('results outside the window, or after the encounter, do not count', () => {
    expect(fires(low, c('  - { loinc: 2132-9, value: 100, unit: pg/mL, date: 2026-01-01 }\n'))).toBe(false);
    expect(fires(low, c('  - { loinc: 2132-9, value: 100, unit: pg/mL, date: 2026-10-20 }\n'))).toBe(false);
    expect(
      fires(
        rule('encounter', '{ lab: { test: b12, direction: around, value: { lt: 200 } } }'),
        c('  - { loinc: 2132-9, value: 100, unit: pg/mL, date: 2026-10-20 }\n'),
      ),
    ).toBe(true);
  });
  test('censored values hold only when every value they stand for does', () => {
    expect(fires(low, c('  - { loinc: 2132-9, value: "<50", unit: pg/mL, date: 2026-09-01 }\n'))).toBe(true);
    expect(
      fires(
        rule('encounter', '{ lab: { test: b12, value: { gt: 30 } } }'),
        c('  - { loinc: 2132-9, value: "<50", unit: pg/mL, date: 2026-09-01 }\n'),
      ),
    ).toBe(false);
  });
  test('present: false holds when there is no result in the window', () => {
    const none = rule('encounter', '{ lab: { test: b12, present: false } }');
    expect(fires(none, c('  - { loinc: 718-7, value: 12, unit: g/dL, date: 2026-09-01 }\n'))).toBe(true);
    expect(fires(none, c('  - { test: Vitamin B12, value: 300, unit: pg/mL, date: 2026-09-01 }\n'))).toBe(false);
  });
  test("flag compares with the result's own reference range", () => {
    const lowFlag = rule('encounter', '{ lab: { test: hgb, flag: low } }');
    expect(
      fires(lowFlag, c('  - { loinc: 718-7, value: 11.5, unit: g/dL, date: 2026-09-01, referenceRange: { low: 12, high: 16 } }\n')),
    ).toBe(true);
    expect(
      fires(lowFlag, c('  - { loinc: 718-7, value: 12.5, unit: g/dL, date: 2026-09-01, referenceRange: { low: 12, high: 16 } }\n')),
    ).toBe(false);
    expect(fires(lowFlag, c('  - { loinc: 718-7, value: 11.5, unit: g/dL, date: 2026-09-01, flag: L }\n'))).toBe(true);
  });
  test('placeholders render the converted value, sensibly rounded, and the value as written', () => {
    const r = rule('encounter', '{ lab: { test: b12, value: { lt: 200 } } }').replace(
      '"fired {{encounter.id}}"',
      '"{{lab.b12.value}} {{lab.b12.unit}} on {{lab.b12.date}} (written {{lab.b12.written}} {{lab.b12.writtenUnit}})"',
    );
    expect(lint(r, c('  - { loinc: 2132-9, value: 101, unit: pmol/L, date: 2026-09-01 }\n'))[0]!.message).toBe(
      '137 pg/mL on 2026-09-01 (written 101 pmol/L)',
    );
  });
  test("{{lab.<test>.result}} is the value in the test's unit, after the value as written where it was converted", () => {
    const r = rule('encounter', '{ lab: { test: b12, value: { lt: 200 } } }').replace('"fired {{encounter.id}}"', '"{{lab.b12.result}}"');
    expect(lint(r, c('  - { loinc: 2132-9, value: 101, unit: pmol/L, date: 2026-09-01 }\n'))[0]!.message).toBe('101 pmol/L = 137 pg/mL');
    expect(lint(r, c('  - { loinc: 2132-9, value: 150, unit: pg/mL, date: 2026-09-01 }\n'))[0]!.message).toBe('150 pg/mL');
    expect(lint(r, c('  - { loinc: 2132-9, value: 150, unit: PG/ML, date: 2026-09-01 }\n'))[0]!.message).toBe('150 pg/mL');
  });
});

describe('text', () => {
  const c = (notes: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    notes:\n${notes}`);
  test('affirmed by default, negated on request, sections', () => {
    const note = '      - { section: ros, text: Denies melena. }\n';
    expect(fires(rule('encounter', '{ text: { terms: bleeding } }'), c(note))).toBe(false);
    expect(fires(rule('encounter', '{ text: { terms: bleeding, negated: true } }'), c(note))).toBe(true);
    expect(fires(rule('encounter', '{ text: { terms: bleeding, negated: true, sections: [assessment] } }'), c(note))).toBe(false);
  });
  test('inline word lists', () => {
    expect(fires(rule('encounter', '{ text: { terms: [heavy menses] } }'), c('      - { section: hpi, text: Heavy menses. }\n'))).toBe(
      true,
    );
  });
  test('about: the term must qualify the subject diagnosis in its sentence', () => {
    const r = rule('diagnosis', '{ text: { terms: [probable], about: dx } }');
    const c2 = (text: string) =>
      chart(
        `encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D51.0 }]\n    notes: [{ section: assessment, text: "${text}" }]\n`,
      );
    expect(fires(r, c2('Probable pernicious anemia.'))).toBe(true);
    expect(fires(r, c2('Pernicious anemia. Probable hypothyroidism.'))).toBe(false);
    expect(fires(r, c2('D51.0, probable.'))).toBe(true);
  });
  test('except: a mention that shares a word with one of the phrases does not count; one apart from them does', () => {
    const r = rule('encounter', '{ text: { terms: [low b12], except: [b12 intake, counseled on] } }');
    const note = (text: string): string => `      - { section: assessment, text: "${text}" }\n`;
    expect(fires(r, c(note('Low B12 intake on a vegan diet.')))).toBe(false);
    expect(fires(r, c(note('Low B12 from poor dietary B12 intake.')))).toBe(true);
    expect(fires(r, c(note('Low B12, 170.')))).toBe(true);
    const therapy = rule('encounter', '{ text: { terms: [on b12], except: [educated on] } }');
    expect(fires(therapy, c(note('Educated on B12 injections and side effects.')))).toBe(false);
    expect(fires(therapy, c(note('Stable on B12 monthly. Educated on diet.')))).toBe(true);
  });
  test('alone: a sentence that is only its mention answers the sentence before it, which near and apart read', () => {
    const r = rule('encounter', '{ text: { terms: [pt refused, "given: no"], alone: true, near: [b12], apart: [level] } }').replace(
      '"fired {{encounter.id}}"',
      '"{{text.excerpt}}"',
    );
    const note = (text: string): string => `      - { section: plan, text: "${text}" }\n`;
    expect(lint(r, c(note('B12 1000 mcg IM ordered. Pt refused.'))).map((f) => f.message)).toEqual(['B12 1000 mcg IM ordered. Pt refused']);
    expect(lint(r, c(note('B12 1000 mcg IM. Given: No.'))).map((f) => f.message)).toEqual(['B12 1000 mcg IM. Given: No']);
    // The sentence before, past a blank line.
    expect(fires(r, c(note('B12 1000 mcg IM ordered.\\n\\nPt refused.')))).toBe(true);
    // Not a mention with words of its own around it: that sentence says what was refused.
    expect(fires(r, c(note('B12 1000 mcg IM ordered. Pt refused labs.')))).toBe(false);
    // Not an answer to a sentence that names none of the near words, or one of the apart words.
    expect(fires(r, c(note('Flu vaccine offered. Pt refused. B12 1000 mcg IM given.')))).toBe(false);
    expect(fires(r, c(note('B12 level ordered. Pt refused.')))).toBe(false);
    // An answer that opens its sentence before a dash or a colon and its reason; not a reason that names an apart word.
    expect(fires(r, c(note('B12 1000 mcg IM ordered. Pt refused - states she feels fine.')))).toBe(true);
    expect(fires(r, c(note('B12 1000 mcg IM ordered. Pt refused - level too high.')))).toBe(false);
    // Not a first sentence, which answers nothing.
    expect(fires(r, c(note('Pt refused. B12 1000 mcg IM given.')))).toBe(false);
    expect(rulesetProblems(rule('encounter', '{ text: { terms: [pt refused], alone: true } }'))).toEqual([
      expect.stringContaining('`alone` needs `near`'),
    ]);
  });
  test("within reads the notes of the window around the subject's date; direction: before or after only on that side", () => {
    const c3 = chart(`encounters:
  - { id: E1, date: 2026-09-01, notes: [{ section: plan, text: Fatigue. }] }
  - { id: E2, date: 2026-09-15 }
  - { id: E3, date: 2026-09-29, notes: [{ section: plan, text: Melena. }] }
`);
    const on = (opts: string): (string | undefined)[] =>
      lint(rule('encounter', `{ text: { terms: bleeding, within: 20d${opts} } }`), c3).map((f) => f.encounterId);
    expect([on(''), on(', direction: around'), on(', direction: before'), on(', direction: after')]).toEqual([
      ['E2', 'E3'],
      ['E2', 'E3'],
      ['E3'],
      ['E2', 'E3'],
    ]);
    expect(rulesetProblems(rule('encounter', '{ text: { terms: bleeding, direction: before } }'))).toEqual([
      expect.stringContaining('`direction` needs `within`'),
    ]);
  });
});

describe('patient and encounter', () => {
  const c = (setting: string) =>
    `chartId: C1\npatient: { sex: male, birthDate: 1950-10-02 }\nencounters:\n  - id: E1\n    date: 2026-10-01\n    setting: ${setting}\n`;
  test('age at the encounter date and sex', () => {
    expect(fires(rule('encounter', '{ patient: { age: { gte: 75 } } }'), c('outpatient'))).toBe(true);
    expect(fires(rule('encounter', '{ patient: { age: { gte: 76 } } }'), c('outpatient'))).toBe(false); // 75: the birthday is the next day
    expect(fires(rule('encounter', '{ patient: { sex: female } }'), c('outpatient'))).toBe(false);
  });
  test('setting and notes', () => {
    expect(fires(rule('encounter', '{ encounter: { setting: [inpatient, emergency] } }'), c('emergency'))).toBe(true);
    expect(fires(rule('encounter', '{ encounter: { setting: inpatient } }'), c('outpatient'))).toBe(false);
    expect(fires(rule('encounter', '{ encounter: { notes: false } }'), c('outpatient'))).toBe(true);
  });
});

describe('field', () => {
  test('compares a field of the subject, dotted paths included', () => {
    const c = chart(
      'encounters:\n  - id: E1\n    date: 2026-10-01\n    services: [{ code: J3420, units: 3, dose: { value: 3000, unit: mcg } }, { code: J3420 }]\n',
    );
    expect(lint(rule('service', '{ field: { path: units, gt: 1 } }'), c).map((f) => f.pointer)).toEqual(['/encounters/0/services/0']);
    expect(lint(rule('service', '{ field: { path: dose.value, gte: 3000 } }'), c)).toHaveLength(1);
    expect(lint(rule('service', '{ field: { path: dose, exists: false } }'), c).map((f) => f.pointer)).toEqual([
      '/encounters/0/services/1',
    ]);
    expect(lint(rule('service', '{ field: { path: code, eq: j3420 } }'), c)).toHaveLength(2);
  });

  test('eq: a text is equal whatever the case, never to a number, nor to a text of another length', () => {
    const c = chart(
      'encounters:\n  - id: E1\n    date: 2026-10-01\n    services: [{ code: J3420, units: 1 }, { code: "96372", units: 1 }]\n',
    );
    expect(lint(rule('service', '{ field: { path: code, eq: J3420 } }'), c).map((f) => f.pointer)).toEqual(['/encounters/0/services/0']);
    expect(lint(rule('service', '{ field: { path: code, eq: "96372" } }'), c).map((f) => f.pointer)).toEqual(['/encounters/0/services/1']);
    expect(lint(rule('service', '{ field: { path: code, eq: J342 } }'), c)).toHaveLength(0);
    expect(lint(rule('service', '{ field: { path: units, eq: "1" } }'), c)).toHaveLength(0);
    // A text beyond ASCII is compared as before, case aside.
    expect(lint(rule('service', '{ field: { path: code, eq: "J3420\u00e9" } }'), c)).toHaveLength(0);
  });
});

describe('code', () => {
  const table = new CodeTable([
    {
      fiscalYear: 2026,
      april: false,
      from: parseDay('2025-10-01')!,
      to: parseDay('2026-09-30')!,
      file: 'x',
      digest: 'x',
      codes: parseOrderFile(
        '00001 D51     0 Vitamin B12 deficiency anemia  Vitamin B12 deficiency anemia\n00002 D510    1 Pernicious  Pernicious\n',
        'x',
      ),
    },
  ]);
  const c = (date: string) =>
    chart(`encounters:\n  - id: E1\n    date: ${date}\n    diagnoses: [{ code: D51 }, { code: D51.0 }, { code: Q99.9 }]\n`);
  test('valid and billable against the table in force on the date', () => {
    expect(lint(compileText(rule('diagnosis', '{ code: { valid: false } }'), table), c('2026-01-01')).map((f) => f.pointer)).toEqual([
      '/encounters/0/diagnoses/2',
    ]);
    expect(lint(compileText(rule('diagnosis', '{ code: { billable: false } }'), table), c('2026-01-01')).map((f) => f.pointer)).toEqual([
      '/encounters/0/diagnoses/0',
    ]);
  });
  test('holds for no code when no table covers the date', () => {
    expect(lint(compileText(rule('diagnosis', '{ code: { valid: false } }'), table), c('2026-11-01'))).toEqual([]);
    expect(lint(rule('diagnosis', '{ code: { valid: false } }'), c('2026-01-01'))).toEqual([]);
  });
});

describe('count', () => {
  const c = chart(`encounters:
  - { id: E1, date: 2026-09-01, services: [{ code: J3420 }] }
  - { id: E2, date: 2026-09-15, services: [{ code: J3420 }] }
  - { id: E3, date: 2026-11-30, services: [{ code: J3420 }] }
`);
  test('matching services in the window, compared', () => {
    const r = rule('service', '{ count: { service: b12-injection, within: 25d, gt: 1 } }');
    expect(lint(r, c).map((f) => f.encounterId)).toEqual(['E1', 'E2']);
    const before = rule('service', '{ count: { service: b12-injection, within: 25d, direction: before, gt: 1 } }');
    expect(lint(before, c).map((f) => f.encounterId)).toEqual(['E2']);
  });
});

describe('medication', () => {
  test('by name as whole words; undated counts as current', () => {
    const r = rule('encounter', '{ medication: { name: b12-meds, before: true } }');
    const c = (med: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\nmedications: [${med}]\n`);
    expect(fires(r, c('{ name: Cyanocobalamin 1000 mcg }'))).toBe(true);
    expect(fires(r, c('{ name: cyanocobalamin, date: 2026-11-01 }'))).toBe(false);
    expect(fires(r, c('{ name: hydroxocobalamin }'))).toBe(false);
  });
  test("`after: false` keeps a window to the subject's date and before (a lab's); `after: true` to after it", () => {
    const c = (date: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\nmedications: [{ name: cyanocobalamin${date} }]\n`);
    const before = rule('encounter', '{ medication: { name: b12-meds, within: 6m, after: false } }');
    const later = rule('encounter', '{ medication: { name: b12-meds, within: 6m, after: true } }');
    const around = rule('encounter', '{ medication: { name: b12-meds, within: 6m } }');
    for (const [date, want] of [
      [', date: 2026-09-01', [true, false, true]],
      [', date: 2026-10-01', [true, false, true]],
      [', date: 2026-12-01', [false, true, true]],
      [', date: 2027-06-01', [false, false, false]],
      ['', [true, false, true]], // undated: current
    ] as const)
      expect([date, fires(before, c(date)), fires(later, c(date)), fires(around, c(date))]).toEqual([date, ...want]);
  });
});

describe('pair', () => {
  test('both codes on the encounter, while the pair is in force', () => {
    const r = rule('diagnosis', '{ pair: { list: x1 } }');
    const c = (date: string) => chart(`encounters:\n  - id: E1\n    date: ${date}\n    diagnoses: [{ code: D62 }, { code: D500 }]\n`);
    expect(lint(r, c('2026-06-30')).map((f) => f.pointer)).toEqual(['/encounters/0/diagnoses/1']);
    expect(lint(r, c('2026-07-01'))).toEqual([]);
  });
});

describe('mention', () => {
  test('an affirmed mention whose code is not coded', () => {
    const r = rule('encounter', '{ mention: { map: causes, coded: false } }');
    const c = (dx: string, text: string) =>
      chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [${dx}]\n    notes: [{ section: hpi, text: "${text}" }]\n`);
    expect(fires(r, c('{ code: D51.8 }', 'Gastric bypass 2019.'))).toBe(true);
    expect(fires(r, c('{ code: Z98.84 }', 'Gastric bypass 2019.'))).toBe(false);
    expect(fires(r, c('{ code: D51.8 }', 'No gastric bypass.'))).toBe(false);
  });
  test('headers: a category header above the code counts as coding it; a neighbouring category does not', () => {
    const r = rule('encounter', '{ mention: { map: causes, coded: false, headers: true } }');
    const c = (dx: string) =>
      chart(
        `encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [${dx}]\n    notes: [{ section: hpi, text: "Gastric bypass 2019." }]\n`,
      );
    expect(fires(r, c('{ code: Z98.8 }'))).toBe(false);
    expect(fires(r, c('{ code: Z98 }'))).toBe(false);
    expect(fires(r, c('{ code: Z988 }'))).toBe(false); // written without its dot
    expect(fires(r, c('{ code: Z98.1 }'))).toBe(true);
    expect(fires(r, c('{ code: Z9 }'))).toBe(true);
    expect(fires(r, c('{ code: Z98.8, status: ruled-out }'))).toBe(true);
    // Without the option a header codes nothing, and the option needs `coded`.
    expect(fires(rule('encounter', '{ mention: { map: causes, coded: false } }'), c('{ code: Z98.8 }'))).toBe(true);
    expect(rulesetProblems(rule('encounter', '{ mention: { map: causes, headers: true } }'))).toEqual([
      expect.stringContaining('`headers` needs `coded`'),
    ]);
  });
  test("an entry's apart: words in the mention's clause set it aside", () => {
    const planned = rule('encounter', '{ mention: { map: planned, coded: false } }').replace(
      'mentions:\n',
      'mentions:\n  planned: [{ name: gastric bypass, code: Z98.84, terms: [gastric bypass], apart: [scheduled, plans] }]\n',
    );
    const c = (text: string) =>
      chart(
        `encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D51.8 }]\n    notes: [{ section: hpi, text: "${text}" }]\n`,
      );
    expect(fires(planned, c('Gastric bypass scheduled for August.'))).toBe(false);
    expect(fires(planned, c('Gastric bypass 2019, colonoscopy scheduled.'))).toBe(true);
    expect(fires(planned, c('Gastric bypass 2019.'))).toBe(true);
  });
  test("an entry's near: words must stand in the mention's sentence", () => {
    const r = rule('diagnosis', '{ text: { about: dx, assertion: possible } }').replace(
      '  dx: [{ code: D51.*, terms: [pernicious anemia] }]\n',
      '  dx: [{ code: D51.*, terms: [pernicious anemia] }, { code: D51.0, terms: [pa], near: [b12], apart: [will call] }]\n',
    );
    const c = (text: string) =>
      chart(
        `encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D51.0 }]\n    notes: [{ section: assessment, text: "${text}" }]\n`,
      );
    expect(fires(r, c('B12 142, ?PA.'))).toBe(true);
    expect(fires(r, c('Possible PA visit next week. B12 142.'))).toBe(false);
    expect(fires(r, c('B12 142, possible PA will call with results.'))).toBe(false);
    expect(fires(r, c('B12 142, possible PA, will call with results.'))).toBe(true);
    // An empty list is a mistake the loader names, not a filter that vanishes (a security review).
    const empty = rule('encounter', '{ mention: { map: causes } }').replace(
      'terms: [gastric bypass] }',
      'terms: [gastric bypass], near: [] }',
    );
    expect(rulesetProblems(empty)).toEqual([expect.stringContaining('`near` takes a non-empty list')]);
  });
});

describe('dose', () => {
  test('units against the documented dose in billing units, rounded up', () => {
    const r = rule('service', '{ dose: { per: 1000, unit: mcg } }');
    const c = (svc: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    services: [${svc}]\n`);
    expect(fires(r, c('{ code: J3420, units: 1, dose: { value: 1000, unit: mcg } }'))).toBe(false);
    expect(fires(r, c('{ code: J3420, units: 1, dose: { value: 1001, unit: mcg } }'))).toBe(true);
    expect(fires(r, c('{ code: J3420, units: 3, dose: { value: 2.5, unit: mg } }'))).toBe(false);
    expect(fires(r, c('{ code: J3420, units: 2 }'))).toBe(false);
  });
});

describe('all, any, not, match and cite', () => {
  const c = chart(
    `encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D62 }]\n    services: [{ code: J3420 }, { code: "96372" }]\nlabs: [{ loinc: 2132-9, value: 150, unit: pg/mL, date: 2026-09-01 }]\n`,
  );
  test('combinators nest freely', () => {
    expect(fires(rule('encounter', '{ all: [{ diagnosis: { code: D62 } }, { not: { diagnosis: { code: D51.* } } }] }'), c)).toBe(true);
    expect(fires(rule('encounter', '{ any: [{ diagnosis: { code: D51.* } }, { not: { service: { code: J3420 } } }] }'), c)).toBe(false);
  });
  test('match filters subjects; cite adds evidence and bindings without deciding', () => {
    const r = `${HEAD}  - id: r
    severity: warning
    title: t
    on: service
    match: { code: b12-injection }
    when: { diagnosis: { linked: true, code: blood-loss } }
    cite: [{ lab: { test: b12, value: { lt: low-b12 } } }, { lab: { test: hgb, present: true } }]
    message: "{{service.code}}{{#lab.b12}} B12 {{lab.b12.value}}{{/lab.b12}}{{^lab.hgb}}, no hemoglobin{{/lab.hgb}}"
`;
    const f = lint(r, c);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toBe('J3420 B12 150, no hemoglobin');
    expect(f[0]!.evidence.map((e) => e.kind)).toEqual(['diagnosis', 'lab']);
  });
});

/** A ruleset with one rule `r` whose message is the given template. */
function withMessage(on: string, when: string, message: string, extra = ''): string {
  return rule(on, when, extra).replace('message: "fired {{encounter.id}}"', `message: "${message}"`);
}

describe('patient: age in months, and the age on the date of a result', () => {
  const c = (birth: string, labDate: string) =>
    `chartId: C1\npatient: { sex: female, birthDate: ${birth} }\nencounters:\n  - id: E1\n    date: 2026-10-01\nlabs: [{ loinc: 718-7, value: 11, unit: g/dL, date: ${labDate} }]\n`;
  test('ageMonths counts whole calendar months', () => {
    const r = rule('encounter', '{ patient: { ageMonths: { gte: 6, lt: 24 } } }');
    expect(fires(r, c('2026-04-01', '2026-09-01'))).toBe(true); // 6 months on 2026-10-01
    expect(fires(r, c('2026-04-02', '2026-09-01'))).toBe(false); // 5 months: the day has not come
    expect(fires(r, c('2024-10-01', '2026-09-01'))).toBe(false); // 24 months
  });
  test('at: the age is taken on the date of the latest result of the test', () => {
    // 15 on 2026-09-15: 14 on the day of the result (2026-09-01), 15 at the encounter.
    const r = rule('encounter', '{ patient: { age: { lt: 15 }, at: hgb } }');
    expect(fires(r, c('2011-09-15', '2026-09-01'))).toBe(true);
    expect(fires(rule('encounter', '{ patient: { age: { lt: 15 } } }'), c('2011-09-15', '2026-09-01'))).toBe(false);
    expect(fires(r, c('2011-09-15', '2026-10-05'))).toBe(false); // no result before the encounter
  });
});

describe('subcodes', () => {
  test('lists the codes that extend the subject code, from the codes given', () => {
    const r = withMessage(
      'diagnosis',
      '{ subcodes: { in: [D63.0, D63.1, D63.8, D64.81, D64.89, D64.9, D63.*] } }',
      '{{diagnosis.code}}: {{subcodes.list}}',
    );
    const c = chart(
      'encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D63 }, { code: D64.8 }, { code: D630 }, { code: D52 }]\n',
    );
    expect(lint(r, c).map((f) => f.message)).toEqual(['D63: D63.0, D63.1, D63.8', 'D64.8: D64.81, D64.89']);
  });
});

describe('measure', () => {
  const c = (text: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    notes: [{ section: other, text: "${text}" }]\n`);
  const r = withMessage(
    'encounter',
    '{ measure: { terms: [estimated blood loss, ebl], unit: mL, none: [minimal, none], value: { gte: 100 } } }',
    '{{measure.term}} {{measure.amount}}',
  );
  const none = rule(
    'encounter',
    '{ measure: { terms: [estimated blood loss, ebl], unit: mL, none: [minimal, none], value: { lt: 100 } } }',
  );
  test('an amount after a label, converted to the unit, compared', () => {
    expect(lint(r, c('EBL 1200 mL.')).map((f) => f.message)).toEqual(['EBL 1200 mL']);
    expect(lint(r, c('Estimated blood loss was approximately 1.2 L')).map((f) => f.message)).toEqual(['Estimated blood loss 1.2 L']);
    expect(fires(r, c('EBL: 1,500 cc'))).toBe(true);
    expect(fires(r, c('EBL 300'))).toBe(true); // no unit: in mL
    expect(fires(r, c('EBL 50 mL'))).toBe(false);
    expect(fires(r, c('EBL 300 units of something'))).toBe(false); // not a volume
    expect(fires(r, c('EBL 3 days ago'))).toBe(false);
  });
  test('a none word and a censored amount are small amounts', () => {
    expect(fires(none, c('Estimated blood loss: minimal.'))).toBe(true);
    expect(fires(none, c('EBL less than 5 mL'))).toBe(true);
    expect(fires(none, c('EBL <5 mL'))).toBe(true);
    expect(fires(r, c('EBL less than 500 mL'))).toBe(false); // may be anything below 500
    expect(fires(none, c('EBL 1200 mL'))).toBe(false);
    expect(fires(none, c('Blood loss: minimal'))).toBe(false); // not a label of the list
  });
  test('a bare number followed by a word that dates or joins is an amount; by another word, a date or a range, none', () => {
    expect(fires(r, c('EBL 300 in the OR'))).toBe(true);
    expect(fires(r, c('EBL 300 and stable'))).toBe(true);
    expect(fires(r, c('EBL 300/2019'))).toBe(false); // a date
    expect(fires(r, c('EBL 2/2 surgery'))).toBe(false); // "secondary to", not 2 mL
    // Punctuation after an amount is no matter (a coder's review of a stricter reading).
    for (const text of [
      'EBL 300-400 mL.',
      'EBL 600 (per anesthesia record).',
      'EBL 600 - no transfusion needed',
      'EBL 600 + 200 drain output',
      'EBL 600/UOP 400',
      'EBL 600 & UOP 400',
      'EBL 600 -> 1 unit PRBC',
    ])
      expect([text, fires(r, c(text))]).toEqual([text, true]);
    // A doubt near the amount doubts something else: the amount is measured (a third review).
    for (const text of ['Anemia likely due to EBL 1500 mL intraop.', 'Hgb 7.2, r/o ongoing bleed, EBL 1500 mL.'])
      expect([text, fires(r, c(text))]).toEqual([text, true]);
    expect(fires(r, c('EBL 1200 mL/hr'))).toBe(true); // a volume's word before the slash, as before
  });
  test('`unit` or `test`, one of them: a ruleset that gives both or neither is refused', () => {
    expect(() => compileText(rule('encounter', '{ measure: { terms: [b12] } }'))).toThrow(/give `unit`/);
    expect(() => compileText(rule('encounter', '{ measure: { terms: [b12], unit: mL, test: b12 } }'))).toThrow(/give `unit`/);
  });
  test('a level of a lab test written in a note, converted as its results are; a dose or an unknown unit is none', () => {
    const low = withMessage('encounter', '{ measure: { terms: [b12], test: b12, value: { lt: 200 } } }', '{{measure.amount}}');
    expect(lint(low, c('B12 was 98 in 2019.')).map((f) => f.message)).toEqual(['98 pg/mL']);
    expect(lint(low, c('B12 150 pg/mL')).map((f) => f.message)).toEqual(['150 pg/mL']);
    expect(lint(low, c('B12 95 pmol/L')).map((f) => f.message)).toEqual(['95 pmol/L']); // 129 pg/mL
    expect(fires(low, c('B12 140 pmol/L'))).toBe(true); // 190 pg/mL
    expect(fires(low, c('B12 150 pmol/L'))).toBe(false); // 203 pg/mL
    expect(fires(low, c('B12 <200 in 2019'))).toBe(true);
    expect(fires(low, c('B12 was 450 in 2019'))).toBe(false);
    expect(fires(low, c('B12 100 mcg daily'))).toBe(false); // a dose
    expect(fires(low, c('B12 12/2019 low'))).toBe(false); // a date, not a level
    // A level only where the note states it or dates it: else a dose, a relative's, a plan.
    expect(fires(low, c('B12 = 150.'))).toBe(true);
    expect(fires(low, c('Serum B12 was 150.'))).toBe(true);
    for (const text of [
      'B12 100 at bedtime',
      'Meds: B12: 100, metformin 500 BID.', // a colon lists a dose
      'B12 100 on 10/1/2026 and today.', // "on" a date: as often a dose given
      'Last B12 1 on 9/20/2026.',
      'B12 100 and folic acid 1 mg',
      'B12 100 prior to admission',
      'Received B12 6 while inpatient',
      'B12 1 in the office today',
      'B12 100.',
      'B12 150-180',
      "Mother's B12 was 90 in 2015",
      'Family history: mother had B12 150 in 2010.',
      'If B12 < 200, increase the dose',
    ])
      expect([text, fires(low, c(text))]).toEqual([text, false]);
  });
  test('a word after the number that names what every object inherits is no unit', () => {
    const any = rule('encounter', '{ measure: { terms: [ebl], unit: mL } }');
    expect(fires(any, c('EBL 1200 mL'))).toBe(true);
    for (const word of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) expect(fires(any, c(`EBL 1200 ${word}`))).toBe(false);
  });
});

describe('dose: a volume with its concentration, and doses in notes', () => {
  const r = withMessage(
    'service',
    '{ dose: { per: 1000, unit: mcg, notes: [cyanocobalamin, b12] } }',
    '{{dose.written}}|{{dose.amount}}|{{dose.expected}}',
  );
  const c = (svc: string, note = 'Seen.') =>
    chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    services: [${svc}]\n    notes: [{ section: plan, text: "${note}" }]\n`);
  test('a dose written as a volume of a concentration', () => {
    expect(lint(r, c('{ code: J3420, units: 2, dose: "1 mL of 1000 mcg/mL" }')).map((f) => f.message)).toEqual([
      '1 mL of 1000 mcg/mL|1000 mcg|1',
    ]);
    expect(fires(r, c('{ code: J3420, units: 1, dose: "1 mL (1000 mcg/mL)" }'))).toBe(false);
    expect(fires(r, c('{ code: J3420, units: 1, dose: "2 mL (1000 mcg/mL)" }'))).toBe(true);
    expect(fires(r, c('{ code: J3420, units: 2, dose: { value: 2, unit: mL, concentration: 1000 mcg/mL } }'))).toBe(false);
    expect(fires(r, c('{ code: J3420, units: 2, dose: { value: 1, unit: mL, concentration: { value: 1, unit: mg/mL } } }'))).toBe(true);
  });
  test('a line without a dose takes the first dose its notes write after the drug', () => {
    expect(
      lint(r, c('{ code: J3420, units: 2 }', 'Cyanocobalamin 1 mL (1000 mcg/mL) IM given. Metformin 1000 mg.')).map((f) => f.message),
    ).toEqual(['1 mL of 1000 mcg/mL|1000 mcg|1']);
    expect(fires(r, c('{ code: J3420, units: 1 }', 'B12 1000 mcg/mL, 2 mL IM today.'))).toBe(true);
    expect(fires(r, c('{ code: J3420, units: 2 }', 'Metformin 1000 mg. B12 level 150 pg/mL.'))).toBe(false); // no B12 dose written
    expect(fires(r, c('{ code: J3420, units: 2, dose: { value: 2000, unit: mcg } }', 'Cyanocobalamin 1000 mcg.'))).toBe(false); // the line's own dose wins
  });
});

describe('service linked, diagnosis unlinked', () => {
  const c = chart(
    'encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D51.0 }, { code: I10 }]\n    services: [{ code: J3420, diagnoses: [I10] }, { code: "96372" }]\n',
  );
  test('service linked: the lines that point at the subject diagnosis', () => {
    const r = rule('diagnosis', '{ service: { linked: true } }');
    expect(lint(r, c).map((f) => f.pointer)).toEqual(['/encounters/0/diagnoses/1']);
  });
  test("diagnosis unlinked: the encounter's diagnoses the line does not point to", () => {
    const r = withMessage('service', '{ diagnosis: { unlinked: true, code: D51.* } }', '{{diagnoses.unlinked}}');
    expect(lint(r, c).map((f) => [f.pointer, f.message])).toEqual([['/encounters/0/services/0', 'D51.0']]);
  });
});

describe('service: the services it lists', () => {
  const lines = (n: number, date: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => `{ code: J3420, date: ${date(i)} }`).join(', ');
  const c = (n: number, date: (i: number) => string) =>
    chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D51.0 }]\n    services: [${lines(n, date)}]\n`);
  const day = (i: number) => `2026-10-${String(1 + (i % 28)).padStart(2, '0')}`;
  test('past 20 services, the first 20 and how many more: in the evidence, and in the binding (shown by its start and size)', () => {
    const r = withMessage('encounter', '{ service: { code: b12-injection } }', '{{services.matched}}');
    const [f] = lint(r, c(23, day));
    const listed = `${Array.from({ length: 20 }, (_, i) => `J3420 on ${day(i)}`).join(', ')}, and 3 more`;
    expect(f!.message).toBe(`${listed.slice(0, 60).trimEnd()}… (${listed.length} characters in all)`);
    expect(f!.evidence.map((e) => e.pointer)).toEqual(Array.from({ length: 20 }, (_, i) => `/encounters/0/services/${i}`));
    expect(f!.moreEvidence).toBe(3);
  });
  test('a few: all of them, and no count', () => {
    const r = withMessage('encounter', '{ service: { code: b12-injection } }', '{{services.matched}}');
    const [f] = lint(r, c(3, day));
    expect(f!.message).toBe('J3420 on 2026-10-01, J3420 on 2026-10-02, J3420 on 2026-10-03');
    expect(f!.moreEvidence).toBeUndefined();
  });
  test('over the whole chart (sameDay, other): the services of the window in date order, the subject left out and not counted', () => {
    const r = withMessage('service', '{ service: { code: b12-injection, sameDay: true, other: true } }', '{{services.matched}}');
    const same = (n: number) => c(n, () => '2026-10-05');
    const found = lint(r, same(25));
    expect(found).toHaveLength(25);
    expect(found.every((f) => f.moreEvidence === 4 && f.evidence.length === 20)).toBe(true);
    expect(found[0]!.evidence.map((e) => e.pointer)).not.toContain('/encounters/0/services/0');
    expect(lint(r, same(1))).toEqual([]); // only itself
    expect(lint(r, same(2)).map((f) => f.message)).toEqual(['J3420 on 2026-10-05', 'J3420 on 2026-10-05']);
  });
});

describe('service windows that hold nothing, and evidence two conditions share', () => {
  // Lines on 2026-02-10 and 2026-03-01; the only B12 result on 2026-02-01, before both.
  const c = chart(
    'encounters:\n  - { id: E1, date: 2026-02-10, diagnoses: [{ code: D51.0 }], services: [{ code: J3420 }] }\n  - { id: E2, date: 2026-03-01, diagnoses: [{ code: D51.0 }], services: [{ code: J3420 }] }\nlabs: [{ loinc: 2132-9, value: 150, unit: pg/mL, date: 2026-02-01 }]\n',
  );
  const on = (when: string) => rule('service', when, '    match: { code: b12-injection }\n');
  test('`before` a result older than the window (within, sameDay, after) leaves no day: the condition does not hold, and its `not` does', () => {
    expect(lint(on('{ service: { code: b12-injection, within: 10d, before: b12 } }'), c)).toEqual([]);
    expect(lint(on('{ service: { code: b12-injection, sameDay: true, before: b12 } }'), c)).toEqual([]);
    expect(lint(on('{ service: { code: b12-injection, after: true, before: b12 } }'), c)).toEqual([]);
    expect(lint(on('{ not: { service: { code: b12-injection, within: 10d, before: b12 } } }'), c).map((f) => f.pointer)).toEqual([
      '/encounters/0/services/0',
      '/encounters/1/services/0',
    ]);
  });
  const weekly = chart(
    `encounters:\n${Array.from({ length: 25 }, (_, i) => `  - { id: E${i}, date: ${new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString().slice(0, 10)}, diagnoses: [{ code: D51.0 }], services: [{ code: J3420 }] }`).join('\n')}\n`,
  );
  test('two conditions finding the same 25 services: 20 listed and 5 more, not 10 (each counted the other’s)', () => {
    const r = rule('encounter', '{ all: [{ service: { code: b12-injection, within: 1y } }, { service: { code: J*, within: 1y } }] }');
    const found = lint(r, weekly);
    expect(found).toHaveLength(25);
    expect(found.every((f) => f.evidence.length === 20 && f.moreEvidence === 5)).toBe(true);
  });
  test('a query draft citing both: its indicators counted once too', () => {
    const cite =
      '    cite:\n      - service: { code: b12-injection, within: 1y }\n      - service: { code: J*, within: 1y }\n' +
      '    query:\n      question: "Which best describes these injections?"\n      options: [Maintenance therapy, Loading phase]\n';
    const [f] = lint(rule('encounter', '{ diagnosis: { code: D51.* } }', cite), weekly);
    expect([f!.query!.indicators.length, f!.query!.moreIndicators]).toEqual([20, 5]);
  });
  test('one condition finding them and another finding something else: both listed, the rest counted', () => {
    const r = rule('encounter', '{ all: [{ service: { code: b12-injection, within: 1y } }, { diagnosis: { code: D51.* } }] }');
    const [f] = lint(r, weekly);
    // 25 services and the encounter's diagnosis: 26 in all.
    expect([f!.evidence.length, f!.moreEvidence]).toEqual([20, 6]);
  });
});

describe('medication within and sameDay', () => {
  const c = (med: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\nmedications: [${med}]\n`);
  test('within a window around the subject date; undated counts as current', () => {
    const r = rule('encounter', '{ medication: { name: [pemetrexed], within: 10w } }');
    expect(fires(r, c('{ name: pemetrexed, date: 2026-11-15 }'))).toBe(true);
    expect(fires(r, c('{ name: pemetrexed, date: 2027-01-15 }'))).toBe(false);
    expect(fires(r, c('{ name: pemetrexed }'))).toBe(true);
  });
  test('sameDay: dated on the subject date only', () => {
    const r = rule('encounter', '{ medication: { name: [hydroxocobalamin], sameDay: true } }');
    expect(fires(r, c('{ name: hydroxocobalamin 1 mg IM, date: 2026-10-01 }'))).toBe(true);
    expect(fires(r, c('{ name: hydroxocobalamin }'))).toBe(false);
  });
});

describe('count binds its window in words', () => {
  test('{{count.within}}', () => {
    const r = withMessage(
      'service',
      '{ count: { service: b12-injection, within: short, direction: before, gt: 1 } }',
      '{{count.value}} in {{count.within}}',
    );
    const c = chart(
      'encounters:\n  - { id: E1, date: 2026-09-01, services: [{ code: J3420 }] }\n  - { id: E2, date: 2026-09-15, services: [{ code: J3420 }] }\n',
    );
    expect(lint(r, c).map((f) => f.message)).toEqual(['2 in 20 days']);
  });
});

describe('lab result: any', () => {
  test('any result in the window compares, not only the latest; the one cited is the most recent that does', () => {
    const r = withMessage(
      'encounter',
      '{ lab: { test: b12, within: 10y, result: any, value: { lt: low-b12 } } }',
      '{{lab.b12.value}} on {{lab.b12.date}}',
    );
    const c = (labs: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\nlabs: [${labs}]\n`);
    const labs =
      '{ loinc: 2132-9, value: 150, unit: pg/mL, date: 2019-01-01 }, { loinc: 2132-9, value: 180, unit: pg/mL, date: 2020-01-01 }, { loinc: 2132-9, value: 600, unit: pg/mL, date: 2026-09-01 }';
    expect(lint(r, c(labs)).map((f) => f.message)).toEqual(['180 on 2020-01-01']);
    expect(fires(rule('encounter', '{ lab: { test: b12, within: 10y, value: { lt: low-b12 } } }'), c(labs))).toBe(false); // the latest is normal
    expect(fires(r, c('{ loinc: 2132-9, value: 150, unit: pg/mL, date: 2026-10-02 }'))).toBe(false); // after the date
  });
});
