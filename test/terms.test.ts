/** Terms in notes: whole words, case-insensitive, negation inside the sentence only. */
import fc from 'fast-check';
import { TermMatcher } from '../src/rules/terms.js';
import { builtinContext } from './helpers/engine.js';

const bleeding = new TermMatcher(['bleeding', 'melena', 'blood loss', 'heavy menses', 'hematochezia'], builtinContext());
const verdicts = (text: string): [string, boolean][] => bleeding.find(text).map((h) => [h.term.toLowerCase(), h.negated]);

describe('negation detection', () => {
  test.each([
    ['Denies melena.', [['melena', true]]],
    ['No evidence of bleeding on exam.', [['bleeding', true]]],
    [
      'Negative for melena or hematochezia.',
      [
        ['melena', true],
        ['hematochezia', true],
      ],
    ],
    ['Patient reports melena.', [['melena', false]]],
    [
      'Denies melena. Heavy menses for months.',
      [
        ['melena', true],
        ['heavy menses', false],
      ],
    ],
    [
      'Denies melena; reports heavy menses.',
      [
        ['melena', true],
        ['heavy menses', false],
      ],
    ],
    ['No hematemesis but has had melena.', [['melena', false]]],
    // A cue far into a long sentence: the "but" after it still ends the negation.
    ['Patient was seen in the clinic today and denies nausea but has had melena.', [['melena', false]]],
    ['Without blood loss.', [['blood loss', true]]],
    // "ruled out" after the term negates it; the "No." of the next sentence reaches nothing.
    [
      'Bleeding ruled out? No. Melena yesterday.',
      [
        ['bleeding', true],
        ['melena', false],
      ],
    ],
  ])('%s', (text, expected) => {
    expect(verdicts(text)).toEqual(expected);
  });

  test('a negation in one sentence never reaches the next', () => {
    expect(verdicts('No anemia.\nMelena for 3 days.')).toEqual([['melena', false]]);
  });

  test('a period inside a code or number does not end the sentence', () => {
    expect(verdicts('No D51.0 or bleeding noted.')).toEqual([['bleeding', true]]);
  });
});

describe('whole words only', () => {
  test('a term inside a longer word does not match', () => {
    expect(verdicts('Nonbleeding ulcer. Bleedings none.')).toEqual([]);
  });

  test('phrases match across spaces, hyphens and line breaks', () => {
    expect(verdicts('blood-loss anemia; blood\n loss')).toEqual([
      ['blood-loss', false],
      ['blood\n loss', false],
    ]);
  });

  test('case does not matter', () => {
    expect(verdicts('MELENA')).toEqual([['melena', false]]);
  });

  test('a letter beyond the Basic Multilingual Plane before a term joins it to that word', () => {
    expect(verdicts('\u{1D400}melena, then melena')).toEqual([['melena', false]]);
  });

  // The matcher checks the start of a word in code, not with a lookbehind in its pattern (for
  // speed): on any text it must find what the plain pattern with a lookbehind finds.
  test('finds exactly what a pattern with a word-start lookbehind finds, on any text', () => {
    const reference = /(?<![\p{L}\p{N}_])(?:blood[\s-]+loss|hematochezia|heavy[\s-]+menses|bleeding|melena)(?![\p{L}\p{N}_])/giu;
    const piece = fc.constantFrom(
      'bleeding',
      'Melena',
      'blood',
      'loss',
      'heavy',
      ' menses',
      'x',
      'é',
      '\u{1D400}',
      '_',
      '1',
      ' ',
      '-',
      '.',
      'no ',
      "'",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const expected = [...text.matchAll(reference)].map((m) => [m.index, m[0]]);
        expect(bleeding.find(text).map((h) => [h.index, h.term])).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('excerpts', () => {
  test('show a few words around the term, within its sentence', () => {
    const text =
      'Long history of things that are not relevant at all here. Patient firmly denies any melena or other bleeding since last visit in June. Plan iron.';
    const hit = bleeding.find(text)[0]!;
    expect(hit.excerpt).toBe('Patient firmly denies any melena or other bleeding since...');
  });

  test("of a mention a cue on the line above governs, show the cue's line, and no more", () => {
    const [melena] = bleeding.find('ROS:\nPatient denies:\nnausea, vomiting or melena.\nReports fatigue.');
    expect(melena).toMatchObject({ term: 'melena', negated: true, excerpt: 'Patient denies: nausea, vomiting or melena' });
    const long = `Review of systems, as the patient and her daughter gave it today. Negative for:\nnausea or melena.`;
    expect(bleeding.find(long)[0]).toMatchObject({
      negated: true,
      excerpt: '...the patient and her daughter gave it today. Negative for: nausea or melena',
    });
    // A mention with no cue above it keeps its own excerpt.
    expect(bleeding.find('Denies melena.\nBleeding gums.')[1]).toMatchObject({ negated: false, excerpt: 'Bleeding gums' });
  });

  test('of a mention a cue after it governs beyond its words, show the cue too', () => {
    const drug = new TermMatcher(['metformin'], builtinContext());
    expect(drug.find('Med rec: Metformin 1000 mg BID - DISCONTINUED 3/2026 (GI upset). Lisinopril - continue.')[0]).toMatchObject({
      assertion: 'historical',
      excerpt: 'Med rec: Metformin 1000 mg BID - ... DISCONTINUED...',
    });
    // Within the excerpt's own words, the cue is not repeated.
    expect(drug.find('Metformin discontinued in 2025 for GI upset, diet only now.')[0]).toMatchObject({
      assertion: 'historical',
      excerpt: 'Metformin discontinued in 2025 for...',
    });
  });
});

test('the built-in term lists and cues are written in ASCII: one letter beyond it makes a whole list match by the slower Unicode pattern', async () => {
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('yaml');
  const { join } = await import('node:path');
  const root = join(import.meta.dirname, '..', 'rulesets');
  const words = (v: unknown): string[] =>
    typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(words) : v && typeof v === 'object' ? Object.values(v).flatMap(words) : [];
  const ruleset = parse(readFileSync(join(root, 'recommended.yaml'), 'utf8')) as { terms: unknown };
  const context = parse(readFileSync(join(root, 'context.yaml'), 'utf8')) as { context: unknown };
  // Marks ("☐ ") are matched by their characters, not as words.
  const marks = new Set(['☐ ']);
  const beyond = [...words(ruleset.terms), ...words(context.context)].filter((w) => !marks.has(w) && /[^\x00-\x7f]/.test(w));
  expect(beyond).toEqual([]);
});
