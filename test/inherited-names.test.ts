/**
 * Chart text that happens to name what every JavaScript object inherits ("constructor",
 * "__proto__", "toString") is read as text. Tables keyed by chart text are Maps or are asked
 * with Object.hasOwn, so such a word finds nothing it did not write: no regular expression made
 * of a function's source, no unit factor that is a function, no entity decoded to one.
 */
import { WordList } from '../src/rules/words.js';
import { stripXhtml } from '../src/chart/fhir/notes.js';
import { kindOf } from '../src/chart/fhir/left-out.js';
import { setupRuleset } from '../src/run/setup.js';
import { lint } from './helpers/engine.js';

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
