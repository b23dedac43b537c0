/**
 * A diagnosis's words (src/rules/mentions.ts, matcherForDiagnosis): its own words (code and
 * description) and the mention map's terms for its code are searched as two lists, and as the one
 * list of both only in a note that holds mentions of both. Held here to the one list, over
 * generated descriptions, map terms and notes: the same mentions, at the same places, with the
 * same assertions.
 */
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { CodeMatcher } from '../src/rules/codes.js';
import { MentionMap } from '../src/rules/mentions.js';
import { TermMatcher, type TermHit } from '../src/rules/terms.js';
import { builtinContext } from './helpers/engine.js';

const context = builtinContext();
const pieces = [
  'anemia',
  'pernicious',
  'pernicious anemia',
  'b12',
  'deficiency',
  'D51.0',
  'D510',
  'café',
  'ſugar',
  'sugar',
  'gastric',
  'bypass',
  'x-ray',
  'no',
  'possible',
];
const phrase = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
const separators = [' ', '-', ', ', '. ', 'é ', '\n', ''];
const note = fc
  .array(fc.tuple(fc.constantFrom(...pieces, 'denies', 'history of', 'probable'), fc.constantFrom(...separators), fc.boolean()), {
    maxLength: 14,
  })
  .map((parts) => parts.map(([w, sep, up]) => (up ? w.toUpperCase() : w) + sep).join(''));

/** What a search found, as a report would show it. */
const shown = (hits: readonly TermHit[]) => hits.map((h) => [h.index, h.length, h.term, h.assertion, h.excerpt]);

test('over generated diagnoses, maps and notes, the two lists find what the one list of both finds', () => {
  fc.assert(
    fc.property(
      fc.option(phrase, { nil: undefined }),
      fc.array(fc.tuple(fc.constantFrom('D51.*', 'D51.0', 'E53.8', 'K90.*'), fc.array(phrase, { minLength: 1, maxLength: 4 })), {
        maxLength: 4,
      }),
      fc.array(note, { minLength: 1, maxLength: 4 }),
      (description, entries, notes) => {
        const map = new MentionMap(
          entries.map(([code, terms]) => ({ codes: new CodeMatcher([code]), codeText: code, terms })),
          context,
        );
        const d = { code: 'D51.0', codeText: 'D510', ...(description === undefined ? {} : { description }) };
        const mapped = entries.filter(([code]) => new CodeMatcher([code]).matchesDiagnosis('D51.0')).flatMap(([, terms]) => terms);
        const own = ['D51.0', 'D510', ...(description === undefined ? [] : [description.trim()])];
        const one = new TermMatcher([...new Set([...own, ...mapped])].filter(Boolean), context);
        const two = map.matcherForDiagnosis(d);
        for (const text of notes) expect(shown(two.find(text, 'assessment'))).toEqual(shown(one.find(text, 'assessment')));
      },
    ),
    { numRuns: 600 },
  );
});

test('a map of 1,000 terms for a code: one pattern of them for the code, not one for each of 200 distinct descriptions', () => {
  const terms = Array.from({ length: 1000 }, (_, i) => `zq${i} anemia`);
  const map = new MentionMap([{ codes: new CodeMatcher(['D*']), codeText: 'D-', terms }], context);
  const Original = RegExp;
  let large = 0;
  const spy = jest.spyOn(globalThis, 'RegExp').mockImplementation(function (this: unknown, source: string | RegExp, flags?: string) {
    if (String(source instanceof Original ? source.source : source).length > 5000) large++;
    return new Original(source, flags);
  } as never);
  try {
    for (let i = 0; i < 200; i++) {
      const words = map.matcherForDiagnosis({ code: 'D51.0', codeText: 'D51.0', description: `pernicious anemia variant ${i}` });
      // A note that mentions the description and one of the map's terms: both lists search it.
      expect(words.find(`Pernicious anemia variant ${i}, stable.`, 'assessment')).toHaveLength(1);
    }
  } finally {
    spy.mockRestore();
  }
  // The code's pattern, made once (with its forms for ASCII and other text); each description made one.
  expect(large).toBeLessThanOrEqual(3);
});
