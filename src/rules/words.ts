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

function wordListPattern(terms: readonly string[]): string {
  // Longest first, so "blood loss anemia" wins over "blood loss" at the same place.
  const sorted = [...new Set(terms.map((t) => t.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  return sorted.map(phrasePattern).join('|');
}

// The end of a word, for letters beyond ASCII too; an apostrophe inside a word ("Crohn's") ends none.
const E = '(?![\\p{L}\\p{N}_])';
const WORD_CHAR = /[\p{L}\p{N}_]/iu; // `i` as in the pattern: case folding counts U+0345 as a letter

/**
 * Whole-word matches of a list of phrases, case-insensitive. The start of a word is checked
 * here rather than by a lookbehind in the pattern: a pattern that starts with its phrases lets
 * the regular expression engine skip ahead to the places where one could begin, which is about
 * twice as fast on note text (the same matches: a rejected start moves one character on, as the
 * engine itself would).
 */
export class WordList {
  private readonly re: RegExp | undefined;

  constructor(readonly terms: readonly string[]) {
    const pattern = wordListPattern(terms);
    this.re = pattern ? new RegExp(`(?:${pattern})${E}`, 'giu') : undefined;
  }

  /** Calls `each` with every whole-word match, left to right, until it returns true. */
  scan(text: string, each: (m: RegExpExecArray) => boolean | void): void {
    const re = this.re;
    if (!re) return;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m.index > 0 && WORD_CHAR.test(codePointBefore(text, m.index))) {
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
