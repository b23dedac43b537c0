/**
 * The spacing of a rendered message or query (src/rules/template.ts `spacing`): every run of white
 * space is one space, none stands before `.,;:)`, none at the ends. Checked on hand-picked texts
 * and against the plain definition on generated ones (the function replaces only the runs that
 * are not one space already, for speed; it must mean the same).
 */
import fc from 'fast-check';
import { spacing } from '../src/rules/template.js';

/** The definition, written the obvious way. */
const plain = (t: string): string =>
  t
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:)])/g, '$1')
    .trim();

test('runs of white space, tabs, newlines and no-break spaces become one space; none before punctuation or at the ends', () => {
  expect(spacing('  D51.0 is\tcoded\n\non   E1 .  ')).toBe('D51.0 is coded on E1.');
  expect(spacing('B12 (low , 150 pg/mL )')).toBe('B12 (low, 150 pg/mL)');
  expect(spacing('a\u00a0b\u2028c')).toBe('a b c');
  expect(spacing('one space already.')).toBe('one space already.');
});

test('the same as the plain definition on generated texts', () => {
  const piece = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\ufeff', 'a', 'B12', '.', ',', ';', ':', ')', '(', '?');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 16 }), (parts) => {
      const t = parts.join('');
      expect(spacing(t)).toBe(plain(t));
    }),
    { numRuns: 5000, seed: 20261204 },
  );
});
