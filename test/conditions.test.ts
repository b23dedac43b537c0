/**
 * Each condition kind on real charts through the real pipeline (loader, compiler, adapter,
 * engine). Every test writes a one-rule ruleset and charts where it holds and where it does not.
 */
import { CodeTable, parseOrderFile } from '../src/rules/code-table.js';
import { parseDay } from '../src/chart/normalize.js';
import { compileText, lint } from './helpers/engine.js';

const HEAD = `
ruleset: t
lookback: 180d
values: { low-b12: 200, short: 20d }
codesets:
  b12-injection: [J3420]
  b12-supporting: [D51.*, E53.8]
  blood-loss: [D50.0, D62]
tests:
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
    const c = (ptr: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D62 }, { code: D51.0 }]\n    services: [{ code: J3420${ptr} }]\n`);
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
  test('the encounter\'s services by default', () => {
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
});

describe('lab', () => {
  const c = (labs: string, sex = 'female') => `chartId: C1\npatient: { sex: ${sex} }\nencounters:\n  - id: E1\n    date: 2026-10-01\nlabs:\n${labs}`;
  const low = rule('encounter', '{ lab: { test: b12, value: { lt: low-b12 } } }');
  test('the most recent result in the window compares, after conversion', () => {
    expect(fires(low, c('  - { loinc: 2132-9, value: 120, unit: pmol/L, date: 2026-09-01 }\n'))).toBe(true); // 163 pg/mL
    expect(fires(low, c('  - { loinc: 2132-9, value: 160, unit: pmol/L, date: 2026-09-01 }\n'))).toBe(false); // 217 pg/mL
    expect(fires(low, c('  - { loinc: 2132-9, value: 100, date: 2026-08-01, unit: pg/mL }\n  - { loinc: 2132-9, value: 500, unit: pg/mL, date: 2026-09-01 }\n'))).toBe(false);
  });
  test('results outside the window, or after the encounter, do not count', () => {
    expect(fires(low, c('  - { loinc: 2132-9, value: 100, unit: pg/mL, date: 2026-01-01 }\n'))).toBe(false);
    expect(fires(low, c('  - { loinc: 2132-9, value: 100, unit: pg/mL, date: 2026-10-20 }\n'))).toBe(false);
    expect(fires(rule('encounter', '{ lab: { test: b12, direction: around, value: { lt: 200 } } }'), c('  - { loinc: 2132-9, value: 100, unit: pg/mL, date: 2026-10-20 }\n'))).toBe(true);
  });
  test('censored values hold only when every value they stand for does', () => {
    expect(fires(low, c('  - { loinc: 2132-9, value: "<50", unit: pg/mL, date: 2026-09-01 }\n'))).toBe(true);
    expect(fires(rule('encounter', '{ lab: { test: b12, value: { gt: 30 } } }'), c('  - { loinc: 2132-9, value: "<50", unit: pg/mL, date: 2026-09-01 }\n'))).toBe(false);
  });
  test('present: false holds when there is no result in the window', () => {
    const none = rule('encounter', '{ lab: { test: b12, present: false } }');
    expect(fires(none, c('  - { loinc: 718-7, value: 12, unit: g/dL, date: 2026-09-01 }\n'))).toBe(true);
    expect(fires(none, c('  - { test: Vitamin B12, value: 300, unit: pg/mL, date: 2026-09-01 }\n'))).toBe(false);
  });
  test('flag compares with the result\'s own reference range', () => {
    const lowFlag = rule('encounter', '{ lab: { test: hgb, flag: low } }');
    expect(fires(lowFlag, c('  - { loinc: 718-7, value: 11.5, unit: g/dL, date: 2026-09-01, referenceRange: { low: 12, high: 16 } }\n'))).toBe(true);
    expect(fires(lowFlag, c('  - { loinc: 718-7, value: 12.5, unit: g/dL, date: 2026-09-01, referenceRange: { low: 12, high: 16 } }\n'))).toBe(false);
    expect(fires(lowFlag, c('  - { loinc: 718-7, value: 11.5, unit: g/dL, date: 2026-09-01, flag: L }\n'))).toBe(true);
  });
  test('placeholders render the converted value, sensibly rounded, and the value as written', () => {
    const r = rule('encounter', '{ lab: { test: b12, value: { lt: 200 } } }').replace('"fired {{encounter.id}}"', '"{{lab.b12.value}} {{lab.b12.unit}} on {{lab.b12.date}} (written {{lab.b12.written}} {{lab.b12.writtenUnit}})"');
    expect(lint(r, c('  - { loinc: 2132-9, value: 101, unit: pmol/L, date: 2026-09-01 }\n'))[0]!.message).toBe('137 pg/mL on 2026-09-01 (written 101 pmol/L)');
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
    expect(fires(rule('encounter', '{ text: { terms: [heavy menses] } }'), c('      - { section: hpi, text: Heavy menses. }\n'))).toBe(true);
  });
  test('about: the term must qualify the subject diagnosis in its sentence', () => {
    const r = rule('diagnosis', '{ text: { terms: [probable], about: dx } }');
    const c2 = (text: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D51.0 }]\n    notes: [{ section: assessment, text: "${text}" }]\n`);
    expect(fires(r, c2('Probable pernicious anemia.'))).toBe(true);
    expect(fires(r, c2('Pernicious anemia. Probable hypothyroidism.'))).toBe(false);
    expect(fires(r, c2('D51.0, probable.'))).toBe(true);
  });
});

describe('patient and encounter', () => {
  const c = (setting: string) => `chartId: C1\npatient: { sex: male, birthDate: 1950-10-02 }\nencounters:\n  - id: E1\n    date: 2026-10-01\n    setting: ${setting}\n`;
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
    const c = chart('encounters:\n  - id: E1\n    date: 2026-10-01\n    services: [{ code: J3420, units: 3, dose: { value: 3000, unit: mcg } }, { code: J3420 }]\n');
    expect(lint(rule('service', '{ field: { path: units, gt: 1 } }'), c).map((f) => f.pointer)).toEqual(['/encounters/0/services/0']);
    expect(lint(rule('service', '{ field: { path: dose.value, gte: 3000 } }'), c)).toHaveLength(1);
    expect(lint(rule('service', '{ field: { path: dose, exists: false } }'), c).map((f) => f.pointer)).toEqual(['/encounters/0/services/1']);
    expect(lint(rule('service', '{ field: { path: code, eq: j3420 } }'), c)).toHaveLength(2);
  });
});

describe('code', () => {
  const table = new CodeTable([{
    fiscalYear: 2026, from: parseDay('2025-10-01')!, to: parseDay('2026-09-30')!, file: 'x', digest: 'x',
    codes: parseOrderFile('00001 D51     0 Vitamin B12 deficiency anemia  Vitamin B12 deficiency anemia\n00002 D510    1 Pernicious  Pernicious\n', 'x'),
  }]);
  const c = (date: string) => chart(`encounters:\n  - id: E1\n    date: ${date}\n    diagnoses: [{ code: D51 }, { code: D51.0 }, { code: Q99.9 }]\n`);
  test('valid and billable against the table in force on the date', () => {
    expect(lint(compileText(rule('diagnosis', '{ code: { valid: false } }'), table), c('2026-01-01')).map((f) => f.pointer)).toEqual(['/encounters/0/diagnoses/2']);
    expect(lint(compileText(rule('diagnosis', '{ code: { billable: false } }'), table), c('2026-01-01')).map((f) => f.pointer)).toEqual(['/encounters/0/diagnoses/0']);
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
    const c = (dx: string, text: string) => chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [${dx}]\n    notes: [{ section: hpi, text: "${text}" }]\n`);
    expect(fires(r, c('{ code: D51.8 }', 'Gastric bypass 2019.'))).toBe(true);
    expect(fires(r, c('{ code: Z98.84 }', 'Gastric bypass 2019.'))).toBe(false);
    expect(fires(r, c('{ code: D51.8 }', 'No gastric bypass.'))).toBe(false);
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
  const c = chart(`encounters:\n  - id: E1\n    date: 2026-10-01\n    diagnoses: [{ code: D62 }]\n    services: [{ code: J3420 }, { code: "96372" }]\nlabs: [{ loinc: 2132-9, value: 150, unit: pg/mL, date: 2026-09-01 }]\n`);
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
