/**
 * Chart text used as a key is read as the text it is. A word that names what every JavaScript
 * object inherits ("constructor", "__proto__", "toString") finds nothing in a table it did not
 * write: tables keyed by chart text are Maps or are asked with Object.hasOwn (no regular
 * expression made of a function's source, no unit factor or status that is a function, no entity
 * decoded to one). And a word matched through Unicode case folding (a long s, U+017F, for an s)
 * is keyed as the phrase, unit or heading it matched.
 */
import { WordList } from '../src/rules/words.js';
import { stripXhtml } from '../src/chart/fhir/notes.js';
import { kindOf } from '../src/chart/fhir/left-out.js';
import { readFileSync } from 'node:fs';
import { setupRuleset } from '../src/run/setup.js';
import { parseConcentration, parseDose } from '../src/chart/dose.js';
import { indicatorLabel } from '../src/report/queries.js';
import { builtinContext, lint, rulesetProblems } from './helpers/engine.js';
import { lookup } from '../src/rules/template.js';
import { TermMatcher } from '../src/rules/terms.js';
import { MentionMap } from '../src/rules/mentions.js';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

function matches(list: WordList, text: string): string[] {
  const out: string[] = [];
  list.scan(text, (index, match) => void out.push(`${index}:${match}`));
  return out;
}

test('a phrase word that an object inherits is a word like any other, in every way a list is searched', () => {
  for (const word of INHERITED) {
    const text = `b c O ${word} and ${word.toUpperCase()}.`;
    const at = text.indexOf(word);
    const expected = [`${at}:${word}`, `${at + word.length + 5}:${word.toUpperCase()}`];
    for (const list of [
      new WordList([word]),
      new WordList([word], 0),
      new WordList([word], 0, false),
      new WordList([word], Infinity, false),
    ])
      expect({ word, found: matches(list, text) }).toEqual({ word, found: expected });
  }
});

test('a diagnosis described with such words is linted: no internal error, no finding it does not earn', () => {
  const ruleset = setupRuleset({ version: 'test' });
  for (const word of INHERITED) {
    const chart = `chartId: INH-${word}
encounters:
  - id: E1
    date: 2026-10-19
    setting: outpatient
    diagnoses: [{ code: I10, description: "Essential ${word} hypertension" }]
    notes:
      - { section: assessment, text: "Hypertension, stable. ${word} noted." }
`;
    const findings = lint(ruleset, chart);
    expect({ word, rules: findings.map((f) => f.ruleId) }).toEqual({ word, rules: [] });
  }
});

test('a dose written in a unit an object inherits is no dose that can be read, and no units are said to differ', () => {
  const ruleset = setupRuleset({ version: 'test' });
  for (const unit of [...INHERITED, '1000 mcg/constructor']) {
    const chart = `chartId: DOSE-${unit.replace(/\W/g, '')}
encounters:
  - id: E1
    date: 2026-10-19
    diagnoses: [{ code: D51.0 }]
    services:
      - { code: J3420, units: 2, dose: { value: 1, unit: "${unit}" } }
      - { code: "96372" }
    notes:
      - { section: assessment, text: Pernicious anemia. }
labs:
  - { loinc: 2132-9, value: 150, unit: pg/mL, date: 2026-10-01 }
`;
    const findings = lint(ruleset, chart);
    expect({ unit, units: findings.filter((f) => f.ruleId === 'b12-units-dose-mismatch').map((f) => f.message) }).toEqual({
      unit,
      units: [],
    });
    expect(findings.map((f) => f.message).join('\n')).not.toMatch(/NaN|function|native code/);
  }
});

test('an entity that names an inherited property stays as written in a FHIR narrative', () => {
  expect(stripXhtml('<p>a &constructor; b &amp; &tostring; &valueof;</p>')).toBe('a &constructor; b & &tostring; &valueof;');
});

test('a resource left out whose type names an inherited property is counted as an encounter would be', () => {
  for (const type of INHERITED) expect(kindOf({ type, resource: { resourceType: type }, ptr: '' })).toBe('encounter');
});

/** The findings of a FHIR fixture with one value set at a path (rule id and message). */
function fhirFindings(file: string, set: (doc: Record<string, any>) => void): string[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  set(doc);
  return lint(setupRuleset({ version: 'test' }), JSON.stringify(doc), 'json').map((f) => `${f.ruleId}: ${f.message}`);
}

test("a Condition's verification status that names an inherited property is no status: the diagnosis stays confirmed", () => {
  const withStatus = (code: string): string[] =>
    fhirFindings('fixtures/fhir/p-0002.json', (d) => {
      d.entry[2].resource.verificationStatus.coding[0].code = code;
    });
  const unknown = withStatus('bogus');
  expect(unknown).toEqual(withStatus('confirmed'));
  expect(withStatus('provisional')).not.toEqual(unknown); // the status is read: a suspected diagnosis changes the findings
  for (const code of INHERITED) expect({ code, findings: withStatus(code) }).toEqual({ code, findings: unknown });
});

test("a claim line's place of service that names an inherited property is no place: the visit stays outpatient", () => {
  const withPlace = (code: string): string[] =>
    fhirFindings('fixtures/fhir/medicare/eob-bluebutton-j3420-d62.json', (d) => {
      // The drug line alone (its administration line dropped): a rule of outpatient visits speaks.
      d.item = d.item.filter((item: Record<string, any>) => item.productOrService.coding[0].code !== '96372');
      for (const item of d.item) item.locationCodeableConcept.coding[0].code = code;
    });
  const unknown = withPlace('99');
  expect(unknown.some((f) => f.startsWith('b12-drug-without-admin'))).toBe(true);
  expect(withPlace('02')).not.toEqual(unknown); // telehealth: the place is read
  for (const code of INHERITED) expect({ code, findings: withPlace(code) }).toEqual({ code, findings: unknown });
});

test('a dose unit matched through case folding (a long s) is read as its unit, never left undefined', () => {
  expect(parseDose('1000 microgramſ')).toEqual({ value: 1000, unit: 'mcg' });
  expect(parseDose('1 mlſ of 1000 MICROGRAMſ/mL')).toEqual({ value: 1, unit: 'mL', concentration: { value: 1000, unit: 'mcg/mL' } });
  expect(parseConcentration('1000 mcg per mlſ')).toEqual({ value: 1000, unit: 'mcg/mL' });
  const ruleset = setupRuleset({ version: 'test' });
  const chart = (dose: string): string => `chartId: LONG-S
encounters:
  - id: E1
    date: 2026-10-19
    diagnoses: [{ code: D51.0 }]
    services:
      - { code: J3420, units: 2, dose: "${dose}" }
      - { code: "96372" }
    notes:
      - { section: assessment, text: Pernicious anemia. }
labs:
  - { loinc: 2132-9, value: 150, unit: pg/mL, date: 2026-10-01 }
`;
  const plain = lint(ruleset, chart('1000 micrograms')).map((f) => f.ruleId);
  expect(plain).toContain('b12-units-dose-mismatch');
  expect(lint(ruleset, chart('1000 microgramſ')).map((f) => f.ruleId)).toEqual(plain);
});

test("a merged shard's note section that names an inherited property is named as a note", () => {
  for (const section of INHERITED)
    expect(indicatorLabel({ source: 'note', section, date: '2026-10-02', text: 'x', pointer: '' } as never)).toBe('Note note, 2026-10-02');
});

test("a placeholder's member that names an inherited property is refused with the ruleset, and never read from the subject", () => {
  const rs = `ruleset: inherited
rules:
  - id: r
    severity: error
    title: t
    on: service
    when: { field: { path: code, eq: J3420 } }
    message: "[{{service.constructor}}][{{#service.valueOf}}x{{/service.valueOf}}][{{service.__proto__}}][{{service.nothing}}][{{service.code}}]"
`;
  expect(rulesetProblems(rs).map((p) => p.match(/unknown placeholder (\{\{[^}]+\}\})/)?.[1] ?? p)).toEqual([
    '{{service.constructor}}',
    '{{service.valueOf}}',
    '{{service.__proto__}}',
    '{{service.nothing}}',
  ]);
  // The renderer reads a subject's own members only, whatever a binding or a later check lets through.
  const scope = { kind: 'service', service: { code: 'J3420' } } as never;
  expect(['constructor', 'valueOf', '__proto__', 'nothing', 'code'].map((k) => lookup(`service.${k}`, scope, {}))).toEqual([
    undefined,
    undefined,
    undefined,
    undefined,
    'J3420',
  ]);
});

test('a cue or heading matched through case folding (a long s for an s) reads as the cue or heading it matched', () => {
  const context = builtinContext();
  const assertionOf = (text: string): string | undefined => new TermMatcher(['anemia'], context).find(text, 'assessment')[0]?.assertion;
  for (const [plain, folded] of [
    ['No history of anemia.', 'No hiſtory of anemia.'],
    ['Patient denies anemia.', 'Patient denieſ anemia.'],
    ['Family history: anemia.', 'Family hiſtory: anemia.'],
    ['Possible anemia.', 'Poſſible anemia.'],
  ]) {
    expect(assertionOf(plain)).not.toBe('affirmed'); // the cue speaks
    expect({ folded, assertion: assertionOf(folded) }).toEqual({ folded, assertion: assertionOf(plain) });
  }
});

test('a mention matched through case folding names the entry of the term it matched', () => {
  const map = new MentionMap([{ codeText: 'D51.0', terms: ['pernicious anemia'] }] as never, builtinContext());
  const entries = (text: string): string[] => map.find(text, 'assessment').map((m) => `${m.entry.codeText} ${m.hit.term}`);
  expect(entries('Perniciouſ anemia.')).toEqual(['D51.0 Perniciouſ anemia']);
  expect(entries('Pernicious anemia.')).toEqual(['D51.0 Pernicious anemia']);
});
