/**
 * Whole-word phrase lists (src/rules/words.ts) are matched two ways. A long list (the context
 * cues) is one search with the whole definition in its pattern: not after a letter or digit, a
 * phrase, not before one. A short list (made for each diagnosis, so cheap to compile) checks the
 * start of a word after each match, and the end first as far as ASCII tells, handing the text to
 * the full pattern where a letter beyond ASCII follows a match. The short way is an optimization,
 * never a change of meaning: over generated phrase lists and note texts (case, hyphens, `<year>`,
 * punctuation, letters beyond ASCII, characters outside the Basic Multilingual Plane, characters
 * that only case folding makes letters), both give the same matches, at the same places, in the
 * same order. ASCII text with ASCII phrases takes a third way (lower-cased, no case folding), held to the same search.
 */
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { setupRuleset } from '../src/run/setup.js';
import {
  LOOKBEHIND_FROM,
  PHRASE_LENGTH_PATTERN,
  PHRASE_WORDS_PATTERN,
  phraseKey,
  phraseSize,
  withinLimits,
  WordList,
} from '../src/rules/words.js';
import { chartWords } from '../src/rules/mentions.js';

/** Every match of a scan: where, and the text matched. */
function matches(list: WordList, text: string): string[] {
  const out: string[] = [];
  list.scan(text, (index, match) => {
    out.push(`${index}:${match}`);
  });
  return out;
}

const shortWay = (terms: readonly string[]): WordList => new WordList(terms, Infinity, false);
/** The reference: one search with the whole definition in its pattern, case folded. */
const longWay = (terms: readonly string[]): WordList => new WordList(terms, 0, false);
/** As lists are made in a run: ASCII text, when the phrases are ASCII too, takes the pattern without case folding. */
const asIn = (terms: readonly string[], from: number): WordList => new WordList(terms, from);

/** Word pieces: ASCII, accented, folding (Kelvin sign, long s, U+0345), astral letters and an emoji, digits, apostrophes. */
const pieces = [
  'no',
  'denies',
  'history',
  'of',
  'ruled',
  'out',
  'possible',
  'b12',
  'B12',
  'x',
  '2019',
  '1987',
  "crohn's",
  'a/p',
  '(no)',
  'café',
  'CAFÉ',
  'straße',
  'ſ',
  '\u212a',
  'k',
  '\u0345',
  'ι',
  '\u{1d400}',
  '\u{1d400}bc',
  '💉',
  'İ',
  'i̇',
  'é',
  '_',
  '-ve',
  // Dates a `<year>` token takes with their month, and near misses.
  'Feb',
  'sept.',
  '2/2019',
  '02/15/2019',
  '13/2019',
  'February, 2019',
  'junk',
];
const separators = [' ', '  ', '-', ' - ', '\n', ', ', '. ', '; ', '(', ')', '', '\t', '/', "'"];

const phrase = fc
  .array(fc.oneof(fc.constantFrom(...pieces), fc.constant('<year>')), { minLength: 1, maxLength: 3 })
  .map((words) => words.join(' '));

/** A note made of the list's own phrases (in any case, hyphenated or not) and other words, glued or apart. */
const noteOf = (terms: readonly string[]): fc.Arbitrary<string> =>
  fc
    .array(
      fc.tuple(
        fc.oneof(
          terms.length ? fc.constantFrom(...terms) : fc.constant('x'),
          fc.constantFrom(...pieces),
          fc.constantFrom('1999', '2020', '2101'),
        ),
        fc.constantFrom('lower', 'upper', 'same', 'hyphens'),
        fc.constantFrom(...separators),
      ),
      { maxLength: 12 },
    )
    .map((parts) =>
      parts
        .map(([w, form, sep]) => {
          const word = w.replace(/<year>/g, '2019');
          const shaped =
            form === 'lower'
              ? word.toLowerCase()
              : form === 'upper'
                ? word.toUpperCase()
                : form === 'hyphens'
                  ? word.replace(/ /g, '-')
                  : word;
          return shaped + sep;
        })
        .join(''),
    );

const asciiPieces = pieces.filter((p) => /^[\x00-\x7f]*$/.test(p));
const asciiPhrase = fc
  .array(fc.oneof(fc.constantFrom(...asciiPieces), fc.constant('<year>')), { minLength: 1, maxLength: 3 })
  .map((words) => words.join(' '));

describe('ASCII text, with ASCII phrases, lower-cased and searched without case folding, gives what the folded search does', () => {
  test('over generated ASCII phrase lists and notes, short and long lists', () => {
    let ascii = 0;
    fc.assert(
      fc.property(
        fc.array(asciiPhrase, { minLength: 1, maxLength: 12 }).chain((terms) => fc.tuple(fc.constant(terms), noteOf(terms))),
        ([terms, text]) => {
          if (/^[\x00-\x7f]*$/.test(text)) ascii++;
          const expected = matches(longWay(terms), text);
          expect(matches(asIn(terms, 0), text)).toEqual(expected);
          expect(matches(asIn(terms, Infinity), text)).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
    );
    expect(ascii).toBeGreaterThan(1000); // most notes are ASCII (the other words of a note may not be)
  });

  test('over generated lists and notes of any letters: a list or a text beyond ASCII takes the folded search', () => {
    fc.assert(
      fc.property(
        fc.array(phrase, { minLength: 1, maxLength: 12 }).chain((terms) => fc.tuple(fc.constant(terms), noteOf(terms))),
        ([terms, text]) => {
          const expected = matches(longWay(terms), text);
          expect(matches(asIn(terms, 0), text)).toEqual(expected);
          expect(matches(asIn(terms, Infinity), text)).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('a text beyond ASCII, for ASCII phrases, is searched through its ASCII shadow, not with case folding (a thousand phrases over a long such note took seconds)', () => {
    const folded = jest.spyOn(WordList.prototype as unknown as { scanFolded: () => void }, 'scanFolded');
    try {
      const list = asIn(
        Array.from({ length: 1000 }, (_, i) => `zqxw ${i}`),
        32,
      );
      const note = `\u201cPatient\u201d: ${'zqxw 12 '.repeat(200)}caf\u00e9 zqxw 999\u00e9 zqxw 998`;
      expect(matches(list, note)).toHaveLength(201);
      expect(folded).not.toHaveBeenCalled();
    } finally {
      folded.mockRestore();
    }
  });

  test('in a shadow, a letter or digit beyond ASCII stays a letter, never an ASCII digit a year could take; long s and Kelvin sign fold', () => {
    expect(matches(asIn(['<year>', 'b12'], Infinity), '19\u0663\u0663 and 1999 \u00e9b12 b12\u00e9 B12')).toEqual(['9:1999', '24:B12']);
    const text = '\u017fX and \u212aY, \u201cky\u201d';
    expect(matches(asIn(['sx', 'ky'], 0), text)).toEqual(matches(longWay(['sx', 'ky']), text));
    expect(matches(asIn(['sx', 'ky'], 0), text)).toHaveLength(3);
  });

  test('a phrase that folds to ASCII (long s, Kelvin sign) still finds its ASCII letters; the text keeps its own case', () => {
    expect(matches(asIn(['\u017fx', '\u212ay'], 0), 'SX, ky and KY')).toEqual(['0:SX', '4:ky', '11:KY']);
    expect(matches(asIn(['b12 Deficiency'], Infinity), 'Low B12-DEFICIENCY noted')).toEqual(['4:B12-DEFICIENCY']);
    // One list over two texts in turn, the second one beyond ASCII, then the first again.
    const list = asIn(['no', 'b12'], Infinity);
    expect(matches(list, 'No b12')).toEqual(['0:No', '3:b12']);
    expect(matches(list, 'No b12é b12')).toEqual(['0:No', '8:b12']);
    expect(matches(list, 'No b12')).toEqual(['0:No', '3:b12']);
  });
});

describe('`<date>`: a year with its month written before it; `<year>`: a year alone', () => {
  const ways = [shortWay, longWay, (t: readonly string[]) => asIn(t, 0), (t: readonly string[]) => asIn(t, Infinity)];

  test('"since <date>" takes a month written as a number or a name, every way, and the match keys to its phrase', () => {
    const text = 'since 2/2019; since 02/15/2019; Since Feb. 2019; since February, 2019; since SEPT 2019; since 2019';
    const expected = ['0:since 2/2019', '14:since 02/15/2019', '32:Since Feb. 2019', '49:since February, 2019', '71:since SEPT 2019'];
    for (const way of ways) expect(matches(way(['since <date>']), text)).toEqual(expected);
    for (const m of expected) expect(phraseKey(m.slice(m.indexOf(':') + 1))).toBe('since <date>');
  });

  test('"<year>" is a year alone: a month before it makes no match ("in 10/2026" is no historical "in <year>")', () => {
    for (const way of ways) {
      expect(matches(way(['in <year>']), 'in 10/2026; in October 2026; in 2019')).toEqual(['29:in 2019']);
      expect(matches(way(['since <date>']), 'since 13/2019; since junk 2019; since f\u00e9v 2019; since 2019')).toEqual([]);
      expect(matches(way(['<year>']), 'seen 13/2019')).toEqual(['8:2019']);
    }
    expect(phraseKey('In 3/2019')).toBe('in <date>');
    expect(phraseKey('b12 98 in 2019')).toBe('b12 98 in <year>');
  });
  test('"<day>" is a day with its month and no year, as a number or a name; a year after it is left to the text', () => {
    const text = 'booked for 2/14; booked for 02/14/27; Booked for Feb 14th; booked for March 3, 2027; booked for 2/14/2027';
    const expected = [
      '0:booked for 2/14',
      '17:booked for 02/14/27',
      '38:Booked for Feb 14th',
      '59:booked for March 3',
      '85:booked for 2/14',
    ];
    for (const way of ways) expect(matches(way(['booked for <day>']), text)).toEqual(expected);
    for (const m of expected) expect(phraseKey(m.slice(m.indexOf(':') + 1))).toBe('booked for <day>');
    for (const way of ways)
      expect(matches(way(['booked for <day>']), 'booked for 13/14; booked for 2/145; booked for 2/2019; booked for may')).toEqual([]);
  });
});

describe('a short list matches what the one search of a long list does', () => {
  test('over generated phrase lists and notes', () => {
    fc.assert(
      fc.property(
        fc.array(phrase, { minLength: 1, maxLength: 12 }).chain((terms) => fc.tuple(fc.constant(terms), noteOf(terms))),
        ([terms, text]) => {
          expect(matches(longWay(terms), text)).toEqual(matches(shortWay(terms), text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("over the built-in ruleset's context cues and headings, in notes made of them", () => {
    const ruleset = setupRuleset({ version: 'test' });
    const cues = ruleset.context.config;
    const terms = [
      ...Object.values(cues.categories).flatMap((c) => [...c.before, ...c.after, ...c.termination]),
      ...cues.pseudo,
      ...cues.termination,
      ...cues.headings,
    ];
    expect(terms.length).toBeGreaterThanOrEqual(LOOKBEHIND_FROM); // the built-in cues are a long list
    const short = shortWay(terms);
    const long = longWay(terms);
    let found = 0;
    fc.assert(
      fc.property(noteOf(terms), (text) => {
        const expected = matches(long, text);
        found += expected.length;
        expect(matches(short, text)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
    expect(found).toBeGreaterThan(1000); // the notes do hold cues
  });

  test('a scan that stops at the first match stops at the same one', () => {
    const terms = ['ruled out', 'no', 'history of', '<year>'];
    const text = 'Pt says NO-history of anemia since 2019, rUled-Out';
    const first = (list: WordList): string | undefined => {
      let hit: string | undefined;
      list.scan(text, (index, match) => {
        hit = `${index}:${match}`;
        return true;
      });
      return hit;
    };
    expect(first(longWay(terms))).toBe('8:NO');
    expect(first(shortWay(terms))).toBe('8:NO');
    expect(matches(longWay(terms), text)).toEqual(['8:NO', '11:history of', '35:2019', '41:rUled-Out']);
  });

  test('a letter beyond ASCII after a phrase: the longest phrase gives way to a shorter one, as in the one search', () => {
    const terms = ['b12 deficiency', 'b12', 'anemia'];
    const text = 'B12 deficiencyé, then b12-DEFICIENCY; anemia\u0345 anemia';
    const expected = ['0:B12', '22:b12-DEFICIENCY', '46:anemia'];
    expect(matches(longWay(terms), text)).toEqual(expected);
    expect(matches(shortWay(terms), text)).toEqual(expected);
    const list = shortWay(terms);
    expect(matches(list, 'b12 deficiency')).toEqual(['0:b12 deficiency']); // the same list, the next text, from the start
  });

  test('hyphens that begin a word after the first belong to the run of separators before it', () => {
    for (const way of [shortWay, longWay, (t: readonly string[]) => asIn(t, 0), (t: readonly string[]) => asIn(t, Infinity)]) {
      expect(matches(way(['x - y']), 'x-y; X - Y; x --- y; x y; xy')).toEqual(['0:x-y', '5:X - Y', '12:x --- y', '21:x y']);
      expect(matches(way(['x -ve']), 'x ve, x -ve, x--ve')).toEqual(['0:x ve', '6:x -ve', '13:x--ve']);
      expect(matches(way(['-ve', 'x-ray']), '-ve; x-ray; x ray')).toEqual(['0:-ve', '5:x-ray']); // a first word keeps its hyphen, an inner one is itself
    }
  });

  test('inside a word is no match, before letters beyond ASCII too', () => {
    const terms = ['no', 'k', 'b12'];
    for (const list of [longWay(terms), shortWay(terms), asIn(terms, 0), asIn(terms, Infinity)]) {
      expect(matches(list, 'casino 2no _no xno')).toEqual([]);
      expect(matches(list, 'casino éno \u{1d400}no _no 2no')).toEqual([]);
      expect(matches(list, 'no; \u212a (b12) 💉no')).toEqual(['0:no', '4:\u212a', '7:b12', '14:no']);
    }
  });
});

describe('the limits of a phrase searched for in notes (300 characters, 40 words)', () => {
  const forty = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
  const astral = (n: number): string => '\u{1d401}'.repeat(n); // one character, two UTF-16 units

  test("a diagnosis's own words beyond them are left out of its list (chart text); within them they are kept", () => {
    const d = { code: 'D51.0', codeText: ' d510 ', description: `${forty} w40` };
    expect(chartWords(d)).toEqual(['D51.0', 'd510']);
    expect(chartWords({ ...d, description: forty })).toEqual(['D51.0', 'd510', forty]);
    expect(chartWords({ code: 'Z'.repeat(301), codeText: 'Z'.repeat(301), description: `b${'x'.repeat(299)}` })).toEqual([
      `b${'x'.repeat(299)}`,
    ]);
  });

  test('a word list searches every phrase it is given, however long: a ruleset is held to the limits by its schema, never by a phrase quietly dropped', () => {
    const list = new WordList([`${forty} w40`, `b${'x'.repeat(300)}`, 'b12']);
    expect(matches(list, `${forty} w40 and b12 and b${'x'.repeat(300)}`)).toEqual([
      `0:${forty} w40`,
      `${forty.length + 9}:b12`,
      `${forty.length + 17}:b${'x'.repeat(300)}`,
    ]);
  });

  test('characters are code points, words runs of anything but white space (Unicode white space too)', () => {
    expect(phraseSize(`a\u00a0b\u3000c  d`)).toEqual({ characters: 8, words: 4 });
    expect(phraseSize(astral(3))).toEqual({ characters: 3, words: 1 });
    expect(withinLimits(astral(300))).toBe(true); // 600 units
    expect(withinLimits(astral(301))).toBe(false);
    expect(withinLimits(forty)).toBe(true);
    expect(withinLimits(`${forty}\u2003w40`)).toBe(false);
  });

  test("the ruleset schema's patterns say what withinLimits says of the trimmed text, for any text", () => {
    const length = new RegExp(PHRASE_LENGTH_PATTERN, 'u'); // as Ajv compiles them
    const words = new RegExp(PHRASE_WORDS_PATTERN, 'u');
    const piece = fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff', 'a', 'xyz', '\u{1d401}', 'é', '-');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 700 }), fc.nat(3), (pieces, pad) => {
        const text = `${' '.repeat(pad)}${pieces.join('')}${'\n'.repeat(pad)}`;
        expect(length.test(text) && words.test(text)).toBe(withinLimits(text.trim()));
      }),
      { numRuns: 3000 },
    );
    for (const text of [forty, `${forty} w40`, `  b${'x'.repeat(299)}  `, `b${'x'.repeat(300)}`, astral(300), astral(301), '   ', ''])
      expect(length.test(text) && words.test(text)).toBe(withinLimits(text.trim()));
  });
});
