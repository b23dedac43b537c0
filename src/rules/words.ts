/**
 * Whole-word phrase lists matched in note text: the building block of term lists and of the
 * context cues. Case-insensitive; any run of spaces or hyphens stands between a phrase's words
 * (a hyphen inside or ending a word is itself: "x-ray" is not "x ray"); a phrase may hold the token
 * `<year>` (a year from 1900 to 2099), `<date>` (a year with its month before it: "2/2019",
 * "Feb 2019") and `<day>` (a day with its month, no year: "2/14", "Feb 14"). One regular
 * expression per list, made when the list is first searched (a short list may compile a second
 * one, see WordList).
 */

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// `<year>`: a year from 1900 to 2099. `<date>`: a year with its month written before it ("2/2019",
// "02/15/2019", "Feb. 2019", "March, 2019"). Two tokens, not one: a month-precise date is often this
// visit's ("anemia in 10/2026"), and a cue such as "in <year>" (historical) must not read it as
// past; a term list says where a dated month means a history ("injections since <date>"). The
// month's forms are lower case: the ASCII way matches the text lower-cased, the folded way with `i`.
/** A month written by name or its usual abbreviation, in English (lower case). */
export const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const YEAR = '(?:19|20)\\d\\d';
const DATE = `(?:${MONTH}\\.?,?[\\s-]+|(?:0?[1-9]|1[0-2])/(?:(?:0?[1-9]|[12]\\d|3[01])/)?)${YEAR}`;
// `<day>`: a day with its month and no year ("2/14", "02/14/27", "Feb 14", "March 3rd"): a visit
// booked for a day to come ("RYGB booked for 2/14"; rev38). Where a year follows ("2/14/2027",
// "Feb 14, 2027"), the day still matches, up to the year.
const DAY_OF_MONTH = '(?:0?[1-9]|[12]\\d|3[01])';
const DAY = `(?:(?:0?[1-9]|1[0-2])/${DAY_OF_MONTH}(?:/\\d\\d)?|${MONTH}\\.?[\\s-]+${DAY_OF_MONTH}(?:st|nd|rd|th)?)`;
// A Map, not an object: a phrase's words are chart text (a diagnosis description), and a word such
// as "constructor" or "__proto__" must not find what an object inherits.
const TOKENS: ReadonlyMap<string, string> = new Map([
  ['<year>', YEAR],
  ['<date>', DATE],
  ['<day>', DAY],
]);
/** A date and a year as `<date>` and `<year>` stand for them, in a text lower-cased (phraseKey). */
/** A date as `<date>` or `<year>` matches it, as a pattern source (a level's date in `measure`). */
export const DATE_OR_YEAR = `(?:${DATE}|${YEAR})`;
const DATE_IN_KEY = new RegExp(`\\b${DATE}\\b`, 'g');
const YEAR_IN_KEY = new RegExp(`\\b${YEAR}\\b`, 'g');
const DAY_IN_KEY = new RegExp(`\\b${DAY}\\b`, 'g');

/**
 * A phrase as a pattern: whole words, any run of spaces or hyphens between its words. Hyphens
 * that begin a word after the first belong to the run before it ("x -ve" is "x" and "ve"; a
 * word of hyphens alone is no word), so that a run is never followed by a hyphen it could end
 * on, nor a phrase begun by a hyphen before such a run: where it could, a note of hyphens made
 * a scan take time growing with a power of the note's length, and a diagnosis description is
 * chart text.
 */
function phrasePattern(term: string): string {
  const words = term
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((w, i) => (i === 0 ? w : w.replace(/^-+/, '')))
    .filter((w) => w !== '');
  // A first word of hyphens alone is no word either, unless it is the whole phrase: every hyphen
  // of a note could begin it.
  if (words.length > 1 && /^-+$/.test(words[0]!)) words.shift();
  return words.map((w) => TOKENS.get(w) ?? escapeRe(w)).join('[\\s-]+');
}

/** The key a matched text stands for: lower case, single spaces, dates as `<date>`, years as `<year>` and days as `<day>`. */
export function phraseKey(text: string): string {
  const key = foldCase(text).replace(/[\s-]+/g, ' ');
  // Every cue a note holds is keyed here: most hold no digit, so no year or date to look for.
  return (
    HAS_DIGIT.test(key) ? key.replace(DATE_IN_KEY, '<date>').replace(YEAR_IN_KEY, '<year>').replace(DAY_IN_KEY, '<day>') : key
  ).trim();
}

const HAS_DIGIT = /\d/;

/**
 * Lower case as the patterns' case folding has it, for the letters an ASCII phrase can match: a
 * match may hold a long s (U+017F) where the phrase has an s, and lower-casing keeps it (the
 * Kelvin sign it turns into a k). A key made of the match then names the phrase it matched.
 */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  return lower.includes('\u017f') ? lower.replace(/\u017f/g, 's') : lower;
}

/**
 * The longest phrase searched for in notes, in characters (code points) and in words. A
 * diagnosis's description and code are chart text, and each becomes a phrase of its diagnosis's
 * list (mentions.ts): one of some 33,000 characters made a pattern too large to compile, and a
 * phrase of hundreds of words is tried word by word from every place of a note that begins like it
 * (time that grows with the words times the note, for every such diagnosis). ICD-10-CM's longest
 * descriptions (about 230 characters) are within both; a longer one is left out of its list, with a
 * `chart-format` warning (data-quality.ts). A ruleset's phrases are held to the same limits by its
 * JSON Schema (a problem with its line and column); a word list itself leaves none out.
 */
export const MAX_PHRASE_LENGTH = 300;
export const MAX_PHRASE_WORDS = 40;

/** Whether a UTF-16 unit is white space as `\s` says (every such character is one unit). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** A trimmed phrase's size: characters (code points) and words (runs of non-space, as phrasePattern splits them). */
export function phraseSize(phrase: string): { characters: number; words: number } {
  let characters = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < phrase.length; i++) {
    const c = phrase.charCodeAt(i);
    // A low surrogate after a high one is the second half of one character.
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && phrase.charCodeAt(i - 1) >= 0xd800 && phrase.charCodeAt(i - 1) <= 0xdbff)) characters++;
    const space = isSpace(c);
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return { characters, words };
}

/** Whether a trimmed phrase is within both limits. */
export function withinLimits(phrase: string): boolean {
  // n words take at least 2n - 1 characters, and a character one unit or two: most need no count.
  if (phrase.length < 2 * MAX_PHRASE_WORDS) return true;
  if (phrase.length > 2 * MAX_PHRASE_LENGTH) return false;
  const size = phraseSize(phrase);
  return size.characters <= MAX_PHRASE_LENGTH && size.words <= MAX_PHRASE_WORDS;
}

/**
 * The two limits as patterns of the text as written (white space around it aside), for the JSON
 * Schema of rulesets (whose patterns count code points, as `phraseSize` does): a ruleset's term
 * beyond them is a problem of the ruleset, never a word quietly not searched for. Each runs in
 * time linear in the text: white space after the text belongs to the optional group, so a long run
 * of it is given back once, not tried again from each of its places.
 */
export const PHRASE_LENGTH_PATTERN = `^\\s*(?:\\S(?:[\\s\\S]{0,${MAX_PHRASE_LENGTH - 2}}\\S)?\\s*)?$`;
export const PHRASE_WORDS_PATTERN = `^\\s*(?:\\S+(?:\\s+\\S+){0,${MAX_PHRASE_WORDS - 1}}\\s*)?$`;

/** The phrases of a list, each once, longest first (so "blood loss anemia" wins over "blood loss" at the same place). */
function phrasesOf(terms: readonly string[]): string[] {
  const kept = terms.map((t) => t.trim()).filter((t) => t !== '');
  return [...new Set(kept)].sort((a, b) => b.length - a.length);
}

// A letter, digit or underscore, beyond ASCII too; an apostrophe inside a word ("Crohn's") ends none.
const WORD_CLASS = '[\\p{L}\\p{N}_]';
// The end of a word.
const E = `(?!${WORD_CLASS})`;
// The end of a word as far as ASCII tells: weaker than E (with `i`, U+212A KELVIN SIGN and U+017F
// LONG S fold into it, and both are letters).
const E_ASCII = '(?![a-z0-9_])';
const WORD_CHAR = new RegExp(WORD_CLASS, 'iu'); // `i` as in the patterns: case folding counts U+0345 as a letter

/** Lists of at least this many phrases find the start of a word in the pattern (WordList). */
export const LOOKBEHIND_FROM = 32;

/** A WordList's patterns (see there), and what they are made of. */
interface Patterns {
  re: RegExp | undefined;
  /** Whether the pattern checks the start of a word itself (a long list). */
  starts: boolean;
  /** A short list's phrases, for its full pattern (`exact`). */
  phrases: string | undefined;
  full: RegExp | undefined;
  /** The phrases, when all are ASCII: the pattern for ASCII text, lower-cased (`asciiPattern`). */
  asciiPhrases: string | undefined;
  ascii: RegExp | undefined;
  /** For ASCII phrases: a letter no phrase holds, which stands for a letter or digit beyond ASCII in a text's shadow (`asciiShadow`). */
  stand: string | undefined;
}

/**
 * Whole-word matches of a list of phrases, case-insensitive, left to right, none overlapping:
 * what one search with the pattern "not after a letter or digit, one of the phrases (longest
 * first), not before a letter or digit" finds, letters and digits beyond ASCII included. Two
 * kinds of list reach it two ways (test/words.test.ts holds both to that search).
 *
 * A long list (the few hundred cues of `context:`, the headings, the longer term lists; each
 * compiled once a run) is that pattern. Its lookbehind fails inside words before any phrase is
 * tried: the cues, tried at every character of a note, were the largest single cost of a run
 * over notes like real ones, and this costs a third of that or less.
 *
 * A short list is made for each diagnosis met (its code, its description, its mention terms),
 * so its cost is mostly compiling the pattern, and the classes of letters beyond ASCII, folded
 * for case, cost most of that (a lookbehind doubles it; the lookahead alone is four fifths of
 * it). Its pattern starts with the phrases, ends with an ASCII lookahead, and the rest is
 * checked here: a match inside a word is passed over one character on, as the engine itself
 * would move; a match followed by a letter or digit beyond ASCII ("anemiaé", or U+0345, a
 * letter through case folding), where the two lookaheads part, hands the text from where that
 * search began to the full pattern, compiled then, which finishes the scan of that text. Until
 * they part they find the same matches (the ASCII lookahead passes all the full one passes, and
 * both try the same phrases in the same order), so English notes never compile it.
 *
 * Most notes are ASCII, and most lists are: for those, a third way, the whole search with no case
 * folding and no Unicode classes (`[a-z0-9_]` for a letter or digit), over the text lower-cased.
 * For ASCII phrases in ASCII text it finds the same matches: an ASCII letter folds only to its
 * other case there, lower-casing ASCII keeps every character at its place, and what is handed on
 * is the text's own characters. A list with a phrase beyond ASCII never takes it (the long s and
 * the Kelvin sign fold to ASCII letters); a text with a character beyond ASCII takes it through
 * its ASCII shadow (`asciiShadow`). Without case folding the pattern compiles in about half the
 * time and scans about a third faster, and a long list's alternatives are not tried with case
 * folding at each word of a long note.
 */
export class WordList {
  /** The patterns and what they are made of, made when the list is first searched (`built`). */
  private made: Patterns | undefined;

  /**
   * `lookbehindFrom`: the list length from which the pattern checks the start of a word; `asciiWay`:
   * whether ASCII text may take the pattern without case folding (the tests set both).
   */
  constructor(
    readonly terms: readonly string[],
    private readonly lookbehindFrom = LOOKBEHIND_FROM,
    private readonly asciiWay = true,
  ) {}

  /**
   * The list's patterns, made when it is first searched, not when it is made: a ruleset's lists
   * are made when it is compiled, and a run over routine visits searches a few of them (making
   * them all was about a third of compiling the built-in ruleset, paid by every run, of one chart
   * too). A phrase's pattern cannot fail: its characters are escaped, and its length is bounded
   * (MAX_PHRASE_LENGTH).
   */
  private built(): Patterns {
    if (this.made) return this.made;
    const made: Patterns = {
      re: undefined,
      starts: false,
      phrases: undefined,
      full: undefined,
      asciiPhrases: undefined,
      ascii: undefined,
      stand: undefined,
    };
    this.made = made;
    const list = phrasesOf(this.terms);
    if (list.length === 0) return made;
    const phrases = `(?:${list.map(phrasePattern).join('|')})`;
    if (this.asciiWay && list.every(isAscii)) {
      made.asciiPhrases = phrases;
      // The letters a phrase can match: its own, and a `<date>` token's month names.
      let used = list.join('').toLowerCase();
      if (used.includes('<date>') || used.includes('<day>')) used += MONTH;
      if (!used.includes(OTHER)) made.stand = [...STAND_INS].find((c) => !used.includes(c));
    }
    made.starts = list.length >= this.lookbehindFrom;
    if (made.starts) {
      made.re = new RegExp(`(?<!${WORD_CLASS})${phrases}${E}`, 'giu');
      return made;
    }
    made.phrases = phrases;
    made.re = new RegExp(`${phrases}${E_ASCII}`, 'giu');
    return made;
  }

  /** A short list's pattern with the full end of a word. */
  private exact(made: Patterns): RegExp {
    return (made.full ??= new RegExp(`${made.phrases!}${E}`, 'giu'));
  }

  /** The whole search for ASCII phrases in ASCII text, lower-cased: no case folding, no Unicode classes. */
  private asciiPattern(made: Patterns): RegExp {
    return (made.ascii ??= new RegExp(`(?<![a-z0-9_])${made.asciiPhrases!}(?![a-z0-9_])`, 'g'));
  }

  /**
   * Calls `each` with every whole-word match (where it starts, and the text's own characters
   * there), left to right, until it returns true.
   */
  scan(text: string, each: (index: number, match: string) => boolean | void): void {
    const made = this.built();
    if (!made.re) return;
    let lower = made.asciiPhrases !== undefined ? asciiLowerCase(text) : undefined;
    // A text beyond ASCII, for ASCII phrases: its shadow, searched the same way (asciiShadow).
    if (lower === undefined && made.stand !== undefined) lower = asciiShadow(text, made.stand);
    if (lower !== undefined) {
      const re = this.asciiPattern(made);
      re.lastIndex = 0;
      for (let m = re.exec(lower); m !== null; m = re.exec(lower)) {
        if (each(m.index, text.slice(m.index, m.index + m[0].length)) === true) return;
      }
      return;
    }
    this.scanFolded(made, text, each);
  }

  private scanFolded(made: Patterns, text: string, each: (index: number, match: string) => boolean | void): void {
    let re = made.re!;
    re.lastIndex = 0;
    for (;;) {
      const from = re.lastIndex;
      const m = re.exec(text);
      if (m === null) return;
      if (!made.starts) {
        const end = m.index + m[0].length;
        if (re === made.re && end < text.length && WORD_CHAR.test(String.fromCodePoint(text.codePointAt(end)!))) {
          re = this.exact(made);
          re.lastIndex = from;
          continue;
        }
        if (m.index > 0 && WORD_CHAR.test(codePointBefore(text, m.index))) {
          re.lastIndex = m.index + (text.codePointAt(m.index)! > 0xffff ? 2 : 1);
          continue;
        }
      }
      if (each(m.index, m[0]) === true) return;
    }
  }

  /** True when the text holds a whole-word match. */
  test(text: string): boolean {
    let found = false;
    this.scan(text, () => (found = true));
    return found;
  }
}

const NOT_ASCII = /[^\0-\x7f]/;

function isAscii(s: string): boolean {
  return !NOT_ASCII.test(s);
}

/**
 * The text lower-cased when it is all ASCII (the same length, each letter at its place), else
 * undefined. The lists of one note are scanned one after another: the last answer is kept.
 */
let lastText: string | undefined;
let lastLower: string | undefined;
function asciiLowerCase(text: string): string | undefined {
  if (text !== lastText) {
    lastText = text;
    lastLower = isAscii(text) ? text.toLowerCase() : undefined;
  }
  return lastLower;
}

/** What stands for a character beyond ASCII that is neither a letter, a digit nor white space, in a shadow (no phrase may hold it). */
const OTHER = '\u0001';
/**
 * Word characters that may stand for a letter or digit beyond ASCII, the first that no phrase of
 * a list holds: letters and the underscore, never a digit (a `<year>` token's `\d` takes ASCII
 * digits only, and would take one standing for a digit beyond ASCII).
 */
const STAND_INS = '_zqxjvkwyfgbpmhucdlrtsnoiae';

/**
 * A text beyond ASCII as ASCII phrases see it, the same length, for the search without case
 * folding: ASCII lower-cased; the long s and the Kelvin sign as the s and k they fold to (no
 * other character folds to an ASCII letter); any other letter or digit (as the patterns' word
 * class says, case folding included) as `stand`, a letter no phrase holds; white space as a
 * space; anything else as OTHER, which no phrase holds. Each unit of a surrogate pair likewise.
 * So at each place the shadow is a letter or digit where the text is, white space where it is,
 * and equals a phrase's character where the text folds to it: ASCII phrases match the shadow,
 * lower-cased, where they match the text with case folding, and the text's own characters are
 * reported. A note with one curly quote no longer sends every list to the folded search (a list
 * of a thousand phrases took seconds over a long such note).
 */
let lastShadowText: string | undefined;
let lastShadowStand: string | undefined;
let lastShadow = '';
function asciiShadow(text: string, stand: string): string {
  if (text === lastShadowText && stand === lastShadowStand) return lastShadow;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) continue;
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    let as: string;
    if (cp === 0x17f) as = 's';
    else if (cp === 0x212a) as = 'k';
    else if (WORD_CHAR.test(String.fromCodePoint(cp))) as = stand;
    else if (isSpace(c)) as = ' ';
    else as = OTHER;
    out += text.slice(from, i).toLowerCase() + as.repeat(units);
    i += units - 1;
    from = i + 1;
  }
  lastShadowText = text;
  lastShadowStand = stand;
  lastShadow = out + text.slice(from).toLowerCase();
  return lastShadow;
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
