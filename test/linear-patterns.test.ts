/**
 * The regular expressions that read chart text (and a ruleset's own) give a long run of what they
 * look for one reading, not one per place it could begin: each input below, a million characters
 * of one kind, once held a run for minutes (each pattern could end a run of spaces, hyphens,
 * slashes or braces in more ways than one, and tried each), and the process cannot take a signal
 * meanwhile. Each test asserts what the pattern gives for that input, the same as before; that it
 * finishes at all, within the test timeout, is the point.
 */
import { parseLabValue } from '../src/chart/lab-value.js';
import { stripXhtml } from '../src/chart/fhir/notes.js';
import { codings } from '../src/chart/fhir/systems.js';
import { normalizeUnit } from '../src/chart/units.js';
import { parseTemplate } from '../src/rules/template.js';
import { WordList } from '../src/rules/words.js';
import { redact } from '../src/report/redact.js';
import { assembleReport } from '../src/run/run.js';

const MILLION = 1_000_000;

/** A million-character result equals what was expected (a failure shows lengths and the first difference, not the texts). */
function same(actual: string, expected: string): void {
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  expect({ length: actual.length, firstDifference: i === actual.length && i === expected.length ? -1 : i }).toEqual({
    length: expected.length,
    firstDifference: -1,
  });
}

test('a lab value of a million spaces and a letter has no number; with a comparator first, the number after them is read', () => {
  expect(parseLabValue(`${' '.repeat(MILLION)}x`)).toEqual({});
  expect(parseLabValue(`<${' '.repeat(MILLION)}5 mg`)).toMatchObject({ value: 5, comparator: '<', unit: 'mg' });
});

test('an XHTML narrative of a million unclosed "<" (or "<br ") is kept as written', () => {
  same(stripXhtml('<'.repeat(MILLION)), '<'.repeat(MILLION));
  same(stripXhtml('<br '.repeat(MILLION / 4)), '<br '.repeat(MILLION / 4).trimEnd()); // lines are trimmed
  expect(stripXhtml('a<br/>b<p>c</p><d')).toBe('a\nb c\n<d');
});

test('an HTML note of a quarter million unclosed <script> (or <head>, or <td) is read in one pass', () => {
  same(stripXhtml(`${'<script>x'.repeat(MILLION / 8)}`), 'x '.repeat(MILLION / 8).trimEnd());
  same(stripXhtml(`${'<head>'.repeat(MILLION / 8)}y`), 'y');
  same(stripXhtml(`${'<td '.repeat(MILLION / 4)}`), '<td '.repeat(MILLION / 4).trimEnd());
  same(stripXhtml(`${'<style>a</style>'.repeat(MILLION / 16)}z`), 'z');
});

test('a coding system of a million slashes and a letter is a system b12lint does not know', () => {
  const [c] = codings({ coding: [{ system: `${'/'.repeat(MILLION)}x`, code: 'D51.0' }] });
  expect(c).toMatchObject({ code: 'D51.0' });
  expect(c!.name).toBeUndefined();
  expect(codings({ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm///', code: 'D51.0' }] })[0]!.name).toBe('icd-10-cm');
});

test('a lab unit of a million unclosed "{" keeps them; a closed annotation goes', () => {
  same(normalizeUnit('{'.repeat(MILLION)), '{'.repeat(MILLION));
  expect(normalizeUnit('mg{total}/dL')).toBe(normalizeUnit('mg/dL'));
});

test('a phrase begun by a word of hyphens over a note of a million hyphens: no match, and its other words still match', () => {
  const list = new WordList(['- x']);
  const found: string[] = [];
  list.scan('-'.repeat(MILLION), (_, match) => void found.push(match));
  list.scan('an x here', (index, match) => void found.push(`${index}:${match}`));
  expect(found).toEqual(['3:x']);
});

test('a message template of "{{", a million spaces and a word is text; a placeholder with a sigil and spaces is read', () => {
  const text = `{{${' '.repeat(MILLION)}x`;
  expect(parseTemplate(text)).toEqual([{ kind: 'text', text }]);
  expect(parseTemplate('{{ # a }}in{{ / a }}')).toEqual([{ kind: 'section', name: 'a', body: [{ kind: 'text', text: 'in' }] }]);
});

test('--redact over an error message of one token a million characters long hides the file name in it, and only that', () => {
  const message = `cannot read ${'a'.repeat(MILLION)} or /data/charts/p1.json`;
  const report = assembleReport(
    { tool: { name: 'b12lint', version: 'test' }, ruleset: { name: 'test', rules: 0 } },
    { files: 1, charts: 1, encounters: 0 },
    [
      {
        file: 'p1.json',
        charts: [],
        findings: [{ ruleId: 'read-error', severity: 'error', message, line: 1, column: 1, pointer: '', fingerprint: 'f', evidence: [] }],
      },
    ],
  );
  const out = redact(report, { sensitive: new Map() }).results[0]!.findings[0]!.message;
  expect(out.startsWith(`cannot read ${'a'.repeat(MILLION)} or `)).toBe(true);
  expect(out).not.toContain('p1.json');
});

test('a lab value of a number, a letter, a million spaces and a letter: read once, whole, and no unit; a unit of a million letters is read whole', () => {
  const got = parseLabValue(`1 a${' '.repeat(MILLION)}b`);
  expect({ value: got.value, unit: got.unit }).toEqual({ value: 1, unit: undefined });
  const unit = `a/${'b'.repeat(MILLION)}`;
  expect(parseLabValue(`1 ${unit}`).unit?.length).toBe(unit.length);
});
