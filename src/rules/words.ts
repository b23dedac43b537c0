/**
 * Whole-word phrase lists matched in note text: the building block of term lists and of the
 * context cues. Case-insensitive; any run of spaces or hyphens stands between a phrase's words;
 * a phrase may hold the token `<year>` (a year from 1900 to 2099). Two regular expressions per
 * list, compiled once per run; a scan is linear in the text.
 */

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Tokens a phrase may hold as a word: their pattern, and the characters that pattern can begin with. */
const TOKENS: Record<string, { pattern: string; first: string }> = { '<year>': { pattern: '(?:19|20)\\d\\d', first: '12' } };

/** A phrase's words, lower case, as the pattern reads them. */
function phraseWords(term: string): string[] {
  return term.trim().toLowerCase().split(/\s+/);
}

/** A phrase as a pattern: whole words, any run of spaces or hyphens between its words. */
function phrasePattern(term: string): string {
  return phraseWords(term)
    .map((w) => TOKENS[w]?.pattern ?? escapeRe(w))
    .join('[\\s-]+');
}

/** The characters a phrase's pattern begins with: its first character, or what its first token can begin with. */
function firstCharacters(term: string): string[] {
  const w = phraseWords(term)[0]!;
  const token = TOKENS[w];
  return token ? [...token.first] : [String.fromCodePoint(w.codePointAt(0)!)];
}

/** The key a matched text stands for: lower case, single spaces, years as `<year>`. */
export function phraseKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s-]+/g, ' ')
    .replace(/\b(?:19|20)\d\d\b/g, '<year>')
    .trim();
}

/** The phrases of a list, each once, longest first (so "blood loss anemia" wins over "blood loss" at the same place). */
function phrasesOf(terms: readonly string[]): string[] {
  return [...new Set(terms.map((t) => t.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
}

// A letter, digit or underscore, beyond ASCII too; an apostrophe inside a word ("Crohn's") ends none.
const WORD_CLASS = '[\\p{L}\\p{N}_]';
// The end of a word.
const E = `(?!${WORD_CLASS})`;
const WORD_CHAR = new RegExp(WORD_CLASS, 'iu'); // `i` as in the patterns: case folding counts U+0345 as a letter

/** Lists of at least this many phrases are scanned from word starts (WordList). */
export const WORD_START_SCAN = 64;

/**
 * Whole-word matches of a list of phrases, case-insensitive, left to right, none overlapping.
 *
 * A short list is one search: the phrases, longest first, then the end of a word. The start of
 * a word is checked here rather than by a lookbehind in the pattern, so that the engine can skip
 * ahead to the places where a phrase could begin; a match inside a word is passed over one
 * character on, as the engine itself would move.
 *
 * A long list (the few hundred cues of `context:`) tried at every character of a note made the
 * cue scan the largest single cost of a run over real notes. It is scanned from word starts:
 * `starts` finds the next start of a word (no letter, digit or underscore before it) whose
 * character is the first of some phrase, and only there do the phrases, anchored (sticky), try
 * to match; that costs about a third. The matches are the same as the search's
 * (test/words.test.ts holds the two to each other): no phrase can match where `starts` does not
 * (its class holds the first character of every phrase, and `i` folds case in a class as in a
 * literal), and where one can, both try the same alternatives in the same order. Two expressions
 * cost two compilations, which a short list made for one diagnosis does not earn back.
 */
export class WordList {
  /** For a long list, where a phrase could begin; undefined for a short one. */
  private readonly starts: RegExp | undefined;
  /** The phrases: anchored (sticky) for a long list, a global search for a short one. */
  private readonly phrases: RegExp | undefined;

  /** `wordStartsFrom`: the list length from which to scan from word starts (the tests set it). */
  constructor(
    readonly terms: readonly string[],
    wordStartsFrom = WORD_START_SCAN,
  ) {
    const list = phrasesOf(terms);
    if (list.length === 0) return;
    const pattern = `(?:${list.map(phrasePattern).join('|')})${E}`;
    if (list.length < wordStartsFrom) {
      this.phrases = new RegExp(pattern, 'giu');
      return;
    }
    const firsts = [...new Set(list.flatMap(firstCharacters))].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('');
    this.starts = new RegExp(`(?<!${WORD_CLASS})[${firsts}]`, 'giu');
    this.phrases = new RegExp(pattern, 'iuy');
  }

  /** Calls `each` with every whole-word match, left to right, until it returns true. */
  scan(text: string, each: (m: RegExpExecArray) => boolean | void): void {
    const { starts, phrases } = this;
    if (!phrases) return;
    if (starts) {
      for (let from = 0; ;) {
        starts.lastIndex = from;
        const s = starts.exec(text);
        if (s === null) return;
        phrases.lastIndex = s.index;
        const m = phrases.exec(text);
        if (m === null) {
          from = s.index + s[0].length; // one code point on
          continue;
        }
        if (each(m) === true) return;
        from = s.index + Math.max(1, m[0].length);
      }
    }
    phrases.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = phrases.exec(text)) !== null) {
      if (m.index > 0 && WORD_CHAR.test(codePointBefore(text, m.index))) {
        phrases.lastIndex = m.index + (text.codePointAt(m.index)! > 0xffff ? 2 : 1);
        continue;
      }
      if (each(m) === true) return;
    }
  }

  /** True when the text holds a whole-word match. */
  test(text: string): boolean {
    let found = false;
    this.scan(text, () => (found = true));
    return found;
  }
}

/** The character (a whole code point) before index i. */
function codePointBefore(text: string, i: number): string {
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(i - 2, i);
  }
  return text[i - 1]!;
}

export function isWordChar(c: string): boolean {
  return WORD_CHAR.test(c);
}
