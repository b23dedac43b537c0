/**
 * Terms in note text: whole words, case-insensitive, with negation detected inside the sentence
 * (a cue such as "denies" or "no evidence of" before the term, not cut off by "but" or
 * "however"). A negation never reaches into the next sentence. Term lists are compiled into one
 * regular expression each, once per run.
 */

export interface NegationConfig {
  cues: readonly string[];
  terminators: readonly string[];
}

/** The default cues of the domain reference; a ruleset may replace them (`negation:`). */
export const DEFAULT_NEGATION: NegationConfig = {
  cues: ['no', 'not', 'denies', 'denied', 'deny', 'without', 'negative for', 'no evidence of', 'no signs of',
    'no sign of', 'ruled out', 'free of', 'absence of', 'absent', 'never'],
  terminators: ['but', 'however', 'although', 'though', 'except', 'aside from', 'apart from', 'yet'],
};

export interface TermHit {
  readonly term: string;
  readonly negated: boolean;
  readonly index: number;
  readonly length: number;
  readonly excerpt: string;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A phrase as a pattern: whole words, any run of spaces or hyphens between its words. */
function phrasePattern(term: string): string {
  const words = term.trim().toLowerCase().split(/\s+/).map(escapeRe);
  return words.join('[\\s-]+');
}

function wordListPattern(terms: readonly string[]): string {
  // Longest first, so "blood loss anemia" wins over "blood loss".
  const sorted = [...new Set(terms.map((t) => t.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  return sorted.map(phrasePattern).join('|');
}

// The end of a word, for letters beyond ASCII too; an apostrophe inside a word ("Crohn's") ends none.
const E = "(?![\\p{L}\\p{N}_])";
const WORD_CHAR = /[\p{L}\p{N}_]/iu; // `i` as in the pattern: case folding counts U+0345 as a letter

/**
 * Whole-word matches of a list of phrases, case-insensitive. The start of a word is checked
 * here rather than by a lookbehind in the pattern: a pattern that starts with its phrases lets
 * the regular expression engine skip ahead to the places where one could begin, which is about
 * twice as fast on note text (the same matches: a rejected start moves one character on, as the
 * engine itself would).
 */
class WordList {
  private readonly re: RegExp;

  constructor(terms: readonly string[]) {
    this.re = new RegExp(`(?:${wordListPattern(terms)})${E}`, 'giu');
  }

  /** Calls `each` with every whole-word match, left to right, until it returns true. */
  scan(text: string, each: (m: RegExpExecArray) => boolean | void): void {
    const re = this.re;
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

/** A hit whose excerpt is cut only when something reads it (evidence of a finding, mostly). */
class Hit implements TermHit {
  private cut: string | undefined;

  constructor(
    private readonly text: string,
    readonly term: string,
    readonly negated: boolean,
    readonly index: number,
    readonly length: number,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get excerpt(): string {
    return (this.cut ??= excerpt(this.text, this.index, this.length, this.start, this.end));
  }
}

/** Texts remembered per matcher: many rules read the same notes of one chart. */
const MEMO_LIMIT = 256;

export class TermMatcher {
  private readonly words: WordList;
  private readonly memo = new Map<string, readonly TermHit[]>();

  constructor(readonly terms: readonly string[], readonly negation: CompiledNegation) {
    this.words = new WordList(terms);
  }

  /** Every mention in the text, each marked negated or affirmed. */
  find(text: string): readonly TermHit[] {
    const known = this.memo.get(text);
    if (known) return known;
    const hits: TermHit[] = [];
    this.words.scan(text, (m) => {
      const index = m.index;
      const [start, end] = sentenceBounds(text, index);
      hits.push(new Hit(text, m[0], this.negation.negates(text.slice(start, index)), index, m[0].length, start, end));
    });
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(text, hits);
    return hits;
  }

  /** The first mention with the wanted polarity, if any. */
  first(text: string, negated: boolean): TermHit | undefined {
    for (const h of this.find(text)) if (h.negated === negated) return h;
    return undefined;
  }
}

export class CompiledNegation {
  private readonly cue: WordList;
  private readonly terminator: WordList;

  constructor(config: NegationConfig) {
    this.cue = new WordList(config.cues);
    this.terminator = new WordList(config.terminators);
  }

  /** True when the text before a term (within its sentence) negates it. */
  negates(before: string): boolean {
    let lastCue = -1;
    this.cue.scan(before, (m) => { lastCue = m.index; });
    if (lastCue < 0) return false;
    // From the last cue on, so that a word ending just before it does not hide its start.
    return !this.terminator.test(before.slice(lastCue));
  }
}

function isBoundary(text: string, i: number): boolean {
  const c = text[i]!;
  if (c === '\n' || c === '!' || c === '?' || c === ';') return true;
  if (c !== '.') return false;
  const next = text[i + 1];
  const prev = text[i - 1];
  // A period inside a number or a code (D51.0, 1.5) does not end a sentence.
  return !(next !== undefined && /[0-9A-Za-z]/.test(next) && prev !== undefined && /[0-9A-Za-z]/.test(prev));
}

/** The sentence around an index: [start, end). */
export function sentenceBounds(text: string, index: number): [number, number] {
  const start = sentenceStart(text, index);
  let end = index;
  while (end < text.length && !isBoundary(text, end)) end++;
  return [start, end];
}

/** Sentences end at . ! ? ; or a line break (a period inside a number or code such as D51.0 does not). */
function sentenceStart(text: string, index: number): number {
  for (let i = index - 1; i >= 0; i--) if (isBoundary(text, i)) return i + 1;
  return 0;
}

const WORDS_BEFORE = 6;
const WORDS_AFTER = 4;

/**
 * A few words on either side of a match, within its sentence: never the whole note. Enough to
 * show the negation cue ("Denies melena, hematochezia or other bleeding"), no more.
 */
export function excerpt(text: string, index: number, length: number, start = 0, end = text.length): string {
  const left = text.slice(start, index).split(/\s+/).filter(Boolean);
  const right = text.slice(index + length, end).split(/\s+/).filter(Boolean);
  const l = left.slice(-WORDS_BEFORE);
  const r = right.slice(0, WORDS_AFTER);
  const leftText = text.slice(start, index);
  const sep = (s: string, atEnd: boolean): string => (atEnd ? (/\s$/.test(s) ? ' ' : '') : /^\s/.test(s) ? ' ' : '');
  const pre = left.length > l.length ? '...' : '';
  const post = right.length > r.length ? '...' : '';
  const rightText = text.slice(index + length, end);
  return `${pre}${l.join(' ')}${l.length ? sep(leftText, true) : ''}${text.slice(index, index + length)}${r.length ? sep(rightText, false) : ''}${r.join(' ')}${post}`.trim();
}
