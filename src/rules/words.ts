/**
 * Whole-word phrase lists matched in note text: the building block of term lists and of the
 * context cues. Case-insensitive; any run of spaces or hyphens stands between a phrase's words;
 * a phrase may hold the token `<year>` (a year from 1900 to 2099). One regular expression per
 * list, compiled once per run; a scan is linear in the text.
 */

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const TOKENS: Record<string, string> = { '<year>': '(?:19|20)\\d\\d' };

/** A phrase as a pattern: whole words, any run of spaces or hyphens between its words. */
function phrasePattern(term: string): string {
  const words = term
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((w) => TOKENS[w] ?? escapeRe(w));
  return words.join('[\\s-]+');
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

/** Lists of at least this many phrases find the start of a word in the pattern (WordList). */
export const LOOKBEHIND_FROM = 32;

/**
 * Whole-word matches of a list of phrases, case-insensitive, left to right, none overlapping.
 * The end of a word is a lookahead in the pattern; the start of a word is checked one of two
 * ways, with the same matches (test/words.test.ts holds the two to each other).
 *
 * A short list (a diagnosis's own words, made for each code met) starts its pattern with the
 * phrases and checks the start of a word here: the engine skips ahead to the places where a
 * phrase could begin, and a match inside a word is passed over one character on, as the engine
 * itself would move. A lookbehind would double the cost of compiling the pattern (its class of
 * letters beyond ASCII, folded for case), paid for every such list.
 *
 * A long list (the few hundred cues of `context:`, the headings, the longer term lists; each
 * compiled once a run) starts its pattern with the lookbehind. Tried at every character of a
 * note, the cues were the largest single cost of a run over notes like real ones; the
 * lookbehind fails inside words before any phrase is tried, which costs a third or less.
 */
export class WordList {
  private readonly re: RegExp | undefined;
  /** Whether the pattern checks the start of a word itself. */
  private readonly starts: boolean = false;

  /** `lookbehindFrom`: the list length from which the pattern checks the start of a word (the tests set it). */
  constructor(
    readonly terms: readonly string[],
    lookbehindFrom = LOOKBEHIND_FROM,
  ) {
    const list = phrasesOf(terms);
    if (list.length === 0) return;
    this.starts = list.length >= lookbehindFrom;
    this.re = new RegExp(`${this.starts ? `(?<!${WORD_CLASS})` : ''}(?:${list.map(phrasePattern).join('|')})${E}`, 'giu');
  }

  /** Calls `each` with every whole-word match, left to right, until it returns true. */
  scan(text: string, each: (m: RegExpExecArray) => boolean | void): void {
    const re = this.re;
    if (!re) return;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (!this.starts && m.index > 0 && WORD_CHAR.test(codePointBefore(text, m.index))) {
        re.lastIndex = m.index + (text.codePointAt(m.index)! > 0xffff ? 2 : 1);
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
