/**
 * Terms in note text: whole words, case-insensitive, each mention with its assertion (affirmed,
 * negated, possible, hypothetical, historical, family) read by the ruleset's context cues
 * (src/rules/context.ts). Term lists are compiled into one regular expression each, once per run.
 */
import {
  currentChart,
  memoSpent,
  memoWeight,
  sentenceAt,
  type Assertion,
  type CompiledContext,
  type NoteAnalysis,
  type QuotedCue,
} from './context.js';
import { WordList } from './words.js';

export interface TermHit {
  readonly term: string;
  readonly assertion: Assertion;
  /** The same as `assertion === 'negated'`. */
  readonly negated: boolean;
  readonly index: number;
  readonly length: number;
  readonly excerpt: string;
  /** The sentence the mention stands in: [start, end). */
  readonly sentence: readonly [number, number];
}

/** A hit whose excerpt is cut only when something reads it (evidence of a finding, mostly). */
class Hit implements TermHit {
  private cut: string | undefined;

  constructor(
    private readonly text: string,
    readonly term: string,
    readonly assertion: Assertion,
    readonly index: number,
    readonly length: number,
    readonly sentence: readonly [number, number],
    /** The cue its quote shows, if one gives it its assertion (CompiledContext.quotedCue). */
    private readonly cue?: QuotedCue,
  ) {}

  get negated(): boolean {
    return this.assertion === 'negated';
  }

  get excerpt(): string {
    if (this.cut !== undefined) return this.cut;
    let own = withAnswer(this.text, this.sentence[1], excerpt(this.text, this.index, this.length, this.sentence[0], this.sentence[1]));
    const cue = this.cue;
    if (cue)
      own = cue.above
        ? withCue(this.text, cue.start, this.sentence[0], own)
        : cue.after
          ? withCueAfter(this.text, cue, this.index + this.length, this.sentence[1], own)
          : withSentenceCue(this.text, cue, this.sentence[0], this.index, own);
    return (this.cut = own);
  }
}

/**
 * Texts remembered per matcher and note section: many rules read the same notes of one chart. Up
 * to this many across charts; every text of the current chart (context.ts `memoSpent`).
 */
const MEMO_LIMIT = 256;

/** What finds a list's mentions in a note: a TermMatcher, or a diagnosis's words (mentions.ts). */
export interface TermFinder {
  find(text: string, section?: string): readonly TermHit[];
}

export class TermMatcher implements TermFinder {
  private readonly words: WordList;
  private readonly memo = new Map<string, Map<string, readonly TermHit[]>>();
  private memoSize = 0;
  private memoEmptiedAt = -1;

  constructor(
    readonly terms: readonly string[],
    readonly context: CompiledContext,
  ) {
    this.words = new WordList(terms);
  }

  /** Every mention in the text, each with its assertion; `section` is the note's own section. */
  find(text: string, section = ''): readonly TermHit[] {
    let bySection = this.memo.get(section);
    const known = bySection?.get(text);
    if (known) return known;
    const hits: TermHit[] = [];
    let analysis: NoteAnalysis | undefined;
    this.words.scan(text, (index, match) => {
      analysis ??= this.context.analyse(text, section);
      const end = index + match.length;
      const assertion = this.context.assertion(analysis, index, end);
      // The cue that gives a mention its assertion, for its quote (none for most: they are affirmed).
      const cue = this.context.quotedCue(analysis, index, assertion, end);
      hits.push(new Hit(text, match, assertion, index, match.length, sentenceAt(analysis, index), cue));
    });
    if (memoSpent(this.memoSize, MEMO_LIMIT, this.memoEmptiedAt)) {
      this.memo.clear();
      this.memoSize = 0;
      this.memoEmptiedAt = currentChart();
      bySection = undefined;
    }
    if (!bySection) this.memo.set(section, (bySection = new Map()));
    bySection.set(text, hits);
    this.memoSize += memoWeight(text);
    return hits;
  }

  /** The first mention with one of the wanted assertions, if any. */
  first(text: string, wanted: ReadonlySet<Assertion>, section = ''): TermHit | undefined {
    for (const h of this.find(text, section)) if (wanted.has(h.assertion)) return h;
    return undefined;
  }
}

/** The most characters of the cue's line quoted before a mention it governs from the line above. */
const CUE_LINE_CHARS = 60;

/**
 * A mention's excerpt with the line of the cue that governs it from the line above ("Negative
 * for:\nChest pain, melena or hematochezia."), so that a quote of a denial shows the denial, and
 * no more of the note: the cue's line, its last CUE_LINE_CHARS characters from a word's start.
 */
function withCue(text: string, cueAt: number, sentenceStart: number, own: string): string {
  const lineStart = text.lastIndexOf('\n', cueAt) + 1;
  let lineEnd = text.indexOf('\n', cueAt);
  if (lineEnd < 0 || lineEnd > sentenceStart) lineEnd = sentenceStart;
  let from = Math.max(lineStart, Math.min(cueAt, lineEnd - CUE_LINE_CHARS));
  if (from > lineStart) {
    const space = text.indexOf(' ', from);
    from = space >= 0 && space < cueAt ? space + 1 : cueAt;
  }
  const line = `${from > lineStart ? '...' : ''}${text.slice(from, lineEnd)}`.replace(/\s+/g, ' ').trim();
  return `${line} ${own}`;
}

/**
 * A mention's excerpt with the cue before it in its sentence that gives its assertion, where the
 * excerpt's words leave it out: "Denies ... abdominal pain, melena, hematochezia or hematemesis",
 * not "...abdominal pain, melena, hematochezia or hematemesis" (which reads as found).
 */
function withSentenceCue(
  text: string,
  { start: cueStart, end: cueEnd }: QuotedCue,
  sentenceStart: number,
  index: number,
  own: string,
): string {
  const between = text.slice(cueEnd, index).split(/\s+/).filter(Boolean).length;
  if (between < WORDS_BEFORE && index - cueEnd <= EXCERPT_CHARS) return own; // the excerpt shows it
  const pre = text.slice(sentenceStart, cueStart).trim() ? '...' : '';
  const cue = text.slice(cueStart, cueEnd).replace(/\s+/g, ' ');
  return `${pre}${cue} ... ${own.replace(/^\.\.\./, '')}`;
}

/** The most words of an answer quoted after a mention's question mark ("Melena? Not present."). */
const ANSWER_WORDS = 3;

/**
 * An excerpt that ends with its sentence, which a question mark ends, with the mark and the answer
 * written after it on its line, if any: "Hematochezia?", "Melena? -", "Melena? No." (the mark or
 * the answer decides what the mention says). An answer ends at a template's next column (a tab or
 * two spaces) or its next question.
 */
function withAnswer(text: string, sentenceEnd: number, own: string): string {
  if (text[sentenceEnd] !== '?' || own.endsWith('...')) return own;
  let answer = '';
  const lineEnd = text.indexOf('\n', sentenceEnd);
  const rest = text.slice(sentenceEnd + 1, lineEnd < 0 ? Math.min(text.length, sentenceEnd + 200) : Math.min(lineEnd, sentenceEnd + 200));
  if (rest.startsWith(' ') && !rest.startsWith('  ') && rest[1] !== '\t') {
    const words = rest
      .slice(1)
      .split(/\t| {2}/)[0]!
      .split(' ')
      .filter(Boolean);
    const asked = words.findIndex((w) => w.includes('?'));
    const kept = words.slice(0, asked < 0 ? words.length : asked);
    if (kept.length) answer = ` ${kept.slice(0, ANSWER_WORDS).join(' ')}${kept.length > ANSWER_WORDS ? '...' : ''}`;
  }
  return `${own}?${answer}`;
}

/**
 * A mention's excerpt with the cue after it that gives its assertion, where the excerpt's words
 * after the mention stop short of it: "Med rec: Metformin 1000 mg BID - ... DISCONTINUED...", not
 * "Med rec: Metformin 1000 mg BID -..." (a quote of a stop that shows no stop).
 */
function withCueAfter(
  text: string,
  { start: cueStart, end: cueEnd }: QuotedCue,
  mentionEnd: number,
  sentenceEnd: number,
  own: string,
): string {
  const upTo = text.slice(mentionEnd, cueEnd).split(/\s+/).filter(Boolean);
  if (wordsUpTo(upTo, WORDS_AFTER) >= upTo.length) return own;
  const cue = text.slice(cueStart, cueEnd).replace(/\s+/g, ' ');
  const post = text.slice(cueEnd, sentenceEnd).trim() ? '...' : '';
  return `${own.replace(/\.\.\.$/, '')} ... ${cue}${post}`;
}

const WORDS_BEFORE = 6;
const WORDS_AFTER = 4;
const EXCERPT_CHARS = 240;

/** A checkbox and its halves ("[", "]", "[x]", "[ ]" split at the space): no word of their own. */
const BOX = /^(?:\[[ xX\u2713\u2714]?\]|\[|\])$/;

/**
 * How many of the words come before the `n`-th that is not a checkbox, so that an excerpt after a
 * mention shows the box that answers it: "Injection given: [ ] Yes [x] No", not "... [ ] Yes...".
 */
function wordsUpTo(words: readonly string[], n: number): number {
  let counted = 0;
  let i = 0;
  for (; i < words.length && counted < n; i++) if (!BOX.test(words[i]!)) counted++;
  return i;
}

/**
 * A few words on either side of a match, within its sentence: never the whole note. Enough to
 * show the negation cue ("Denies melena, hematochezia or other bleeding"), no more.
 */
export function excerpt(text: string, index: number, length: number, start = 0, end = text.length): string {
  // A bounded window on each side, so that a mention in a very long sentence costs no more.
  const from = Math.max(start, index - EXCERPT_CHARS);
  const to = Math.min(end, index + length + EXCERPT_CHARS);
  const leftText = text.slice(from, index);
  const rightText = text.slice(index + length, to);
  const left = leftText.split(/\s+/).filter(Boolean);
  const right = rightText.split(/\s+/).filter(Boolean);
  let l = left.slice(-WORDS_BEFORE);
  // Cut inside a list's item, the excerpt begins with the next item: "...no black stools or blood
  // in the stool", not "...vomiting blood, no black stools" (whose "no" was cut off).
  if (left.length > l.length && !/[,;]$/.test(left[left.length - l.length - 1]!)) {
    const k = l.findIndex((w) => /[,;]$/.test(w));
    if (k >= 0 && k < l.length - 1) l = l.slice(k + 1);
  }
  const r = right.slice(0, wordsUpTo(right, WORDS_AFTER));
  const sep = (s: string, atEnd: boolean): string => (atEnd ? (/\s$/.test(s) ? ' ' : '') : /^\s/.test(s) ? ' ' : '');
  const pre = left.length > l.length || (from > start && l.length === left.length && l.length > 0) ? '...' : '';
  const post = right.length > r.length || (to < end && r.length === right.length && r.length > 0) ? '...' : '';
  return `${pre}${l.join(' ')}${l.length ? sep(leftText, true) : ''}${text.slice(index, index + length)}${r.length ? sep(rightText, false) : ''}${r.join(' ')}${post}`.trim();
}
