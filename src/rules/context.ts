/**
 * Assertions: how a note states each mention, read the way ConText does (Chapman, Chu and
 * Dowling 2007; Harkema et al. 2009): cues with a direction (before the term or after it) whose
 * scope runs to the end of the clause, a termination cue ("but", "however") or a word limit;
 * pseudo-cues that look like cues and assert nothing ("no change", "gram negative"); and section
 * headings ("Family history:") that qualify everything under them. Every word list is ruleset data
 * (`context:`); this module knows only the algorithm.
 *
 * The work is linear in the length of a note: one scan for sentences, one for cues, and each
 * cue's scope is bounded by a number of words, so a mention looks at a bounded number of cues.
 */
import { pushAll } from '../core/arrays.js';
import { DATE_OR_YEAR, foldCase, isWordChar, phraseKey, WordList } from './words.js';
import { clauseEnd, clauseStart, CUE_CLAUSE, PLAN_CLAUSE } from './clauses.js';

export const ASSERTIONS = ['affirmed', 'negated', 'possible', 'hypothetical', 'historical', 'family'] as const;
export type Assertion = (typeof ASSERTIONS)[number];
export const AFFIRMED: ReadonlySet<Assertion> = new Set(['affirmed']);

/**
 * The cue categories of a `context:` section, and the assertion each gives. Two say what a
 * mention is not: `current` cancels `historical` ("diagnosed in 2015, on maintenance B12"), and
 * `patient` names the patient as the one who has the condition, which cancels the `family` a
 * section heading gave ("FH: none. Pt has celiac disease."; a family cue itself still wins).
 */
export const CUE_CATEGORIES = ['negation', 'uncertainty', 'hypothetical', 'historical', 'family', 'current', 'patient'] as const;
export type CueCategory = (typeof CUE_CATEGORIES)[number];
const ASSERTION_OF: Record<Exclude<CueCategory, 'current' | 'patient'>, Assertion> = {
  negation: 'negated',
  uncertainty: 'possible',
  hypothetical: 'hypothetical',
  historical: 'historical',
  family: 'family',
};

/** A cue a mention's quote shows (CompiledContext.quotedCue): where it stands, and whether on the line above. */
export interface QuotedCue {
  start: number;
  end: number;
  above: boolean;
  /** A cue after the mention that reaches back to it ("Metformin 1000 mg BID - DISCONTINUED"). */
  after?: boolean;
}

/** When several cues reach one mention, the first of these wins. */
const PRECEDENCE: readonly Assertion[] = ['family', 'negated', 'hypothetical', 'historical', 'possible'];

export interface CueLists {
  /** Cues that stand before the mention they qualify ("denies melena"). */
  before: readonly string[];
  /** Cues that stand after it ("occult blood was negative"). */
  after: readonly string[];
  /**
   * Cues that qualify only the mention written right after them, nothing but spaces between:
   * "came off" before "metformin" ("came off metformin in May"; "came off aspirin because of
   * melena" leaves the melena as it was).
   */
  rightBefore?: readonly string[];
  /**
   * Cues that qualify only the mention written right before them, nothing but spaces between:
   * "prophylaxis" after "B12 deficiency" ("B12 deficiency prophylaxis"; "hematochezia on
   * enoxaparin DVT prophylaxis" leaves the hematochezia as it was).
   */
  rightAfter?: readonly string[];
  /**
   * Cues that begin inside a mention and reread its end: "low normal" after the term "B12 low"
   * ("B12 low normal at 310"; not "B12 deficiency low-normal B12 262").
   */
  overlapping?: readonly string[];
  /** Section headings (in the text, "Family history:", or a note's own section) that give the assertion to all under them. */
  sections: readonly string[];
  /** Words that end the scope of this category's cues only (besides the common `termination`). */
  termination: readonly string[];
  /**
   * Of the `after:` cues, those that say what became of a condition ("resolved"): written as a
   * clause of their own they speak of the condition that heads the clause before, whatever
   * follows it there ("Acute blood loss anemia following surgery, resolved."). Another after-cue
   * alone in its clause speaks only of a clause before that names a condition and nothing else:
   * "Rectal bleeding on Xarelto, discontinued" stops the drug. A word here that is no `after:`
   * cue is no cue.
   */
  statuses?: readonly string[];
  /**
   * Words that open a clause an `after:` cue closes ("awaiting", "pending"): such a clause, of at
   * most OPENED_WORDS words, speaks of the clause before as the cue alone would ("Pernicious
   * anemia, awaiting intrinsic factor antibody to confirm." as "Pernicious anemia, to confirm.").
   */
  openers?: readonly string[];
  /**
   * Of the `after:` cues, those that qualify only as a clause of their own, or closing a clause
   * one of `openers` begins: "Pernicious anemia, to confirm.", "Pernicious anemia, awaiting
   * intrinsic factor antibody to confirm.", never "Colonoscopy for hematochezia to confirm the
   * source". A word here that is no `after:` cue is no cue.
   */
  alone?: readonly string[];
  /**
   * Of the `patient` category's `before:` and `after:` cues, those that name the patient together
   * with another person ("both she and her mother have celiac disease", "celiac disease in her
   * son, then in pt"): the mention is the patient's even where a family cue reaches it too. A
   * word here that is no `before:` or `after:` cue of its category is no cue.
   */
  together?: readonly string[];
  /**
   * Words that name the patient right before a relative's `family` cue ("she and her", "pt and";
   * one word may stand between: "she and her older sister"), which, with one of `pair-ends` right
   * after that cue ("both have", "were both"), name the patient and the relative as one subject: a
   * together cue over the three ("Pt and her mother both have celiac disease" is the patient's).
   * The category's terminations end its reach; the relative's cue stays, with its own.
   */
  pairStarts?: readonly string[];
  /** The words that close such a pair, right after the relative's cue, with a verb of having ("both have", "were both"; `pairStarts`). */
  pairEnds?: readonly string[];
  /**
   * Cues written before what they plan ("will start"): a plan's reach ends where it gives its
   * reason (`reasons`), so "will start IM B12 for B12 deficiency" plans the injections, and the
   * deficiency they treat is current.
   */
  plans?: readonly string[];
  /** Words that give a plan's reason ("for", "to treat"): they end the scope of `plans` only. */
  reasons?: readonly string[];
  /**
   * Of the `before:` cues, those that govern a list whole ("denies", "negative for"): their reach
   * runs to the end of a list of short items whether or not "or" or "and" joins its last one
   * ("Denies fever, chills, night sweats, weight loss, nausea, melena, hematochezia"). Another
   * cue reaches past its word window only over a list that ends as a list does ("..., melena, or
   * hematochezia"). A word here that is no `before:` cue is no cue.
   */
  lists?: readonly string[];
  /**
   * Words that make a plan conditional ("if", "pending"): where one follows in a plan's sentence,
   * its reason does not end its reach ("will start IM B12 for pernicious anemia if IF antibody is
   * positive" plans on a condition).
   */
  conditions?: readonly string[];
  /**
   * Marks: punctuation written against a word rather than as a word of its own ("?pernicious
   * anemia", "B12 deficiency?"). Before a word it qualifies forward, after one backward, within
   * the clause, as a cue would; a mark after a word that is answered ("Melena? No.") takes the
   * answer's reading instead (`ContextConfig.answers`).
   */
  marks?: readonly string[];
}

/** Words that answer a question a mark asked ("Melena? Yes.", "Melena? Denies."). */
export interface Answers {
  /** The mark's doubt is lifted: the mention is affirmed. */
  readonly affirmed: readonly string[];
  /** The mention is negated. */
  readonly negated: readonly string[];
  /** The question stays open: the mention is possible ("Melena: not sure", "Melena? Unknown."). */
  readonly possible?: readonly string[];
}

export interface ContextConfig {
  readonly categories: Readonly<Record<CueCategory, CueLists>>;
  /** Look like cues, assert nothing ("no change", "not only"). */
  readonly pseudo: readonly string[];
  /**
   * Abbreviations written in capitals that look like a cue ("IF", intrinsic factor): as written,
   * next to a word in lower case, they are no cue; in a note written in capitals they are.
   */
  readonly abbreviations?: readonly string[];
  /** End a cue's scope ("but", "however"). */
  readonly termination: readonly string[];
  /** Other section headings: they end the section a qualifying heading began. */
  readonly headings: readonly string[];
  /** How many words a cue reaches: forward from a cue before the mention, backward from one after it. */
  readonly window: { readonly forward: number; readonly backward: number };
  /** Words that answer a mark's question: the word right after it ("Melena? No."). */
  readonly answers?: Answers;
  /**
   * Headings that begin a note section inside a note exported whole (section `other`), by the
   * section they begin: "Impression:" begins an assessment.
   */
  readonly noteSections?: Readonly<Record<string, readonly string[]>>;
}

/** The note sections a note exported whole holds: where each begins, and its name (sorted). */
export interface NoteParts {
  readonly starts: readonly number[];
  readonly sections: readonly string[];
}

const NO_PARTS: NoteParts = { starts: [], sections: [] };

export const EMPTY_CUES: CueLists = { before: [], after: [], sections: [], termination: [] };

/** A context without cues: every mention is affirmed (for word lists that only find words). */
export function emptyContext(): CompiledContext {
  const categories = Object.fromEntries(CUE_CATEGORIES.map((c) => [c, EMPTY_CUES])) as unknown as ContextConfig['categories'];
  return new CompiledContext({ categories, pseudo: [], termination: [], headings: [], window: { forward: 8, backward: 5 } });
}

const enum Dir {
  Forward,
  Backward,
  /** Ends the scope of its category's cues (or, with category -1, of every cue). */
  Termination,
  /** Ends the scope of its category's plans (`CueLists.reasons`): "will start IM B12 for ...". */
  Reason,
  /** Keeps a plan of its category open when it stands in the plan's clause (`CueLists.conditions`). */
  Condition,
  /** Begins or ends a pair of the patient and a relative (`CueLists.pairStarts`, `pairEnds`): no cue of its own. */
  PairStart,
  PairEnd,
}

const FAMILY = CUE_CATEGORIES.indexOf('family');
const PATIENT = CUE_CATEGORIES.indexOf('patient');
const CURRENT = CUE_CATEGORIES.indexOf('current');
const NEGATION = CUE_CATEGORIES.indexOf('negation');
const HISTORICAL = CUE_CATEGORIES.indexOf('historical');
/** In a mention's found categories: a patient cue that names the patient with another person reached it (`Cue.together`). */
const TOGETHER = -2;

interface Role {
  /** Index into CUE_CATEGORIES; for a termination, the category it ends (-1: every category). */
  cat: number;
  dir: Dir;
  /** A forward cue that plans something: its scope also ends at its category's reasons. */
  plan?: boolean;
  /** A forward cue that governs a list whole, joined or not (`CueLists.lists`). */
  list?: boolean;
  /** A cue that qualifies only the mention it joins (`CueLists.rightBefore`, `CueLists.overlapping`). */
  joined?: boolean;
  /** An after-cue that qualifies only the mention right before it, nothing but spaces between (`CueLists.rightAfter`). */
  tight?: boolean;
  /** An after-cue that says what became of a condition (`CueLists.statuses`). */
  status?: boolean;
  /** An after-cue that qualifies only as a clause of its own (`CueLists.alone`). */
  alone?: boolean;
  /** A patient cue that names the patient with another person: it cancels a family cue (`CueLists.together`). */
  together?: boolean;
  /** A together cue made of a pair around its relative's cue (`CueLists.pairStarts`): it names that relative only. */
  paired?: boolean;
}

/**
 * The roles of a category's `before:` and `after:` cues, with what the lists that name some of
 * them say of those (`lists:`, `statuses:`, `alone:`, `together:`).
 */
function beforeAndAfterRoles(lists: CueLists, cat: number): [string, Role][] {
  const marked = (l: readonly string[] | undefined): ReadonlySet<string> => new Set((l ?? []).map(phraseKey));
  const [whole, together, statuses, alone] = [marked(lists.lists), marked(lists.together), marked(lists.statuses), marked(lists.alone)];
  const out: [string, Role][] = [];
  for (const p of lists.before) {
    const key = phraseKey(p);
    out.push([p, { cat, dir: Dir.Forward, ...(whole.has(key) && { list: true }), ...(together.has(key) && { together: true }) }]);
  }
  for (const p of lists.after) {
    const key = phraseKey(p);
    const role: Role = { cat, dir: Dir.Backward, ...(statuses.has(key) && { status: true }), ...(alone.has(key) && { alone: true }) };
    out.push([p, together.has(key) ? { ...role, together: true } : role]);
  }
  return out;
}

/** Whether two roles of one phrase are the same role (a phrase listed twice keeps one). */
function sameRole(r: Role, role: Role): boolean {
  return (
    r.cat === role.cat &&
    r.dir === role.dir &&
    !r.plan === !role.plan &&
    !r.list === !role.list &&
    !r.joined === !role.joined &&
    !r.tight === !role.tight &&
    !r.status === !role.status &&
    !r.alone === !role.alone &&
    !r.together === !role.together
  );
}

interface Cue {
  start: number;
  end: number;
  cat: number;
  dir: Dir;
  /** Forward cues: where the scope ends; backward cues: where it starts. */
  reach: number;
  /**
   * A status cue alone in its clause (`CueLists.statuses`): where a mention that heads the clause
   * before may start, besides its scope (-1 and -1: none).
   */
  headFrom: number;
  headTo: number;
  /**
   * A mark ("?"): it qualifies only the mention written against it, with nothing but spaces
   * between ("?pernicious anemia", "B12 deficiency?"), not every word of its scope: "?etiology of
   * her B12 deficiency" doubts the etiology, and "Does pernicious anemia explain her neuropathy?"
   * asks about the neuropathy.
   */
  tight: boolean;
  /**
   * A joined cue: right before its mention (forward), or begun inside it (backward). Joined cues
   * are written as one phrase, words one space or hyphen apart ("B12 low\n- Normal TSH" is none).
   */
  joined: boolean;
  /**
   * A cue written as a heading, ending with its colon ("Allergies:"): its scope is the sentence
   * after the colon, not the one it ends.
   */
  heading: boolean;
  /** A patient cue that names the patient with another person (`Role.together`). */
  together: boolean;
  /** A together cue made of a pair around its relative's cue (`Role.paired`). */
  paired: boolean;
  /**
   * A cue that ends its line with a colon and governs the list on the next line ("Negative
   * for:\nChest pain, melena or hematochezia."): its scope is past the sentence it stands in.
   */
  down: boolean;
}

/** A note read once: its sentences, cues and section headings. */
export interface NoteAnalysis {
  readonly text: string;
  /** Sorted indexes of the characters that end a sentence (or begin one, after a heading's colon). */
  readonly bounds: readonly number[];
  readonly cues: readonly Cue[];
  /**
   * The headings met, sorted: where each starts, and its category index (-1 for a heading that
   * qualifies nothing). Arrays of small integers, never empty arrays of another kind: the hot code
   * that reads them then sees one shape of array, and V8 does not drop its optimized code when a
   * note with a heading comes after many without.
   */
  readonly sectionStarts: readonly number[];
  readonly sectionCats: readonly number[];
  /** The category the note's own section gives, or -1. */
  readonly noteSection: number;
  /** Whether a cue's scope runs into the next line (`Cue.down`). */
  readonly down: boolean;
}

/** A cue as the scan finds it, before its scope is worked out. */
interface RawCue {
  start: number;
  end: number;
  role: Role;
  tight: boolean;
  joined?: boolean;
  /** A cue's scope, where it is known as the cue is found (a template's item, a box's). */
  reach?: number;
}

/** Whether text[from, to) holds nothing but spaces and tabs (true when empty). */
function spacesOnly(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text[i] !== ' ' && text[i] !== '\t') return false;
  return true;
}

const ANALYSIS_LIMIT = 256;

/**
 * The chart the engine is on, counted. The memos of note readings (here and in terms.ts) keep up
 * to a few hundred texts across charts (a note repeated word for word from chart to chart is read
 * once), but never forget a text of the chart being linted: rules read every note of a chart for
 * each of its lines and diagnoses, and a chart of more distinct notes than a memo held was read
 * again for every one of them (seconds for a chart of a thousand lines and notes). A memo full
 * with texts of earlier charts is emptied; one full with the current chart's grows with it (the
 * chart's notes are in memory anyway).
 */
let chartCount = 0;

/** Tells the memos of note readings that the engine has moved on to another chart (Engine.lint). */
export function nextChart(): void {
  chartCount++;
}

/**
 * A memo's bound for the current chart: true when it holds `size` texts, at least `limit`, and
 * was last emptied for an earlier chart (`emptiedAt`), so it is to be emptied now.
 */
export function memoSpent(size: number, limit: number, emptiedAt: number): boolean {
  return size >= limit && emptiedAt !== chartCount;
}

/**
 * What a text counts for in a memo's size: one, and one more for every 4 KB, so that a memo holds
 * a few hundred notes of a few kilobytes but only a few long ones (the reading of a long note full
 * of cues is held in memory at a hundred bytes or so for each of its bytes: 45 notes of 1 MB from
 * 45 charts ran a streamed file out of memory; a hostile-input review).
 */
export function memoWeight(text: string): number {
  return 1 + (text.length >> 12);
}

/** The chart being linted (what `memoSpent` compares with). */
export function currentChart(): number {
  return chartCount;
}

export class CompiledContext {
  private readonly cues: WordList;
  private readonly roles = new Map<string, Role[]>();
  private readonly pseudo = new Set<string>();
  private readonly abbreviations: ReadonlySet<string>;
  private readonly headingWords: WordList;
  private readonly headingCat = new Map<string, number>();
  private readonly memo = new Map<string, Map<string, NoteAnalysis>>();
  /** How many cues on either side of a mention are looked at: a bounded number can reach it (each is a word). */
  private readonly stepLimit: number;
  private memoSize = 0;
  private memoEmptiedAt = -1;
  /** The marks of every category, longest first, each with its category. */
  private readonly marks: { mark: string; cat: number }[] = [];
  /** An answer word (its key) and what it makes of the mention: -1 affirmed, else a category. */
  private readonly answers = new Map<string, number>();
  /** Answers that begin with a sign ("+", "(-)", "-ve"), lower case, longest first: found by their characters, not as a word. */
  private readonly signAnswers: { sign: string; answer: number }[] = [];
  /** The signs by their last character, longest first (`signBefore`'s quick look-up). */
  private readonly signsByEnd = new Map<string, { sign: string; answer: number }[]>();
  /** Each category's `openers`, as phrase keys split in words. */
  private readonly openers = new Map<number, readonly (readonly string[])[]>();
  /** The headings of `noteSections`, and the section each begins. */
  private readonly partWords: WordList | undefined;
  private readonly partOf = new Map<string, string>();
  private readonly partsMemo = new Map<string, NoteParts>();

  constructor(readonly config: ContextConfig) {
    this.stepLimit = 3 * (Math.max(config.window.forward, config.window.backward) + 2);
    this.abbreviations = new Set((config.abbreviations ?? []).map((w) => w.trim()).filter((w) => w !== ''));
    const all: string[] = [];
    const add = (phrase: string, role: Role | undefined): void => {
      const key = phraseKey(phrase);
      if (!key) return;
      all.push(phrase);
      if (!role) {
        this.pseudo.add(key);
        return;
      }
      const list = this.roles.get(key) ?? [];
      if (!list.some((r) => sameRole(r, role))) list.push(role);
      this.roles.set(key, list);
    };
    CUE_CATEGORIES.forEach((name, cat) => {
      const lists = config.categories[name];
      for (const [p, role] of beforeAndAfterRoles(lists, cat)) add(p, role);
      for (const p of lists.rightBefore ?? []) add(p, { cat, dir: Dir.Forward, joined: true });
      for (const p of lists.rightAfter ?? []) add(p, { cat, dir: Dir.Backward, tight: true });
      for (const p of lists.overlapping ?? []) add(p, { cat, dir: Dir.Backward, joined: true });
      for (const h of lists.sections) this.headingCat.set(sectionKey(h), cat);
      for (const p of lists.termination) add(p, { cat, dir: Dir.Termination });
      for (const p of lists.plans ?? []) add(p, { cat, dir: Dir.Forward, plan: true });
      for (const p of lists.reasons ?? []) add(p, { cat, dir: Dir.Reason });
      for (const p of lists.conditions ?? []) add(p, { cat, dir: Dir.Condition });
      for (const p of lists.pairStarts ?? []) add(p, { cat, dir: Dir.PairStart });
      for (const p of lists.pairEnds ?? []) add(p, { cat, dir: Dir.PairEnd });
      const openers = (lists.openers ?? []).map((p) => phraseKey(p).split(' ')).filter((w) => w[0] !== '');
      if (openers.length > 0) this.openers.set(cat, openers);
    });
    CUE_CATEGORIES.forEach((name, cat) => {
      for (const m of config.categories[name].marks ?? []) {
        // A mark may end with a space: "[ ] " is an unticked box written before its word.
        const mark = m.trim() === '' ? '' : m.trimStart();
        if (mark !== '' && !this.marks.some((x) => x.mark === mark)) this.marks.push({ mark, cat });
      }
    });
    this.marks.sort((x, y) => y.mark.length - x.mark.length);
    const answer = (w: string, value: number): void => {
      const sign = foldCase(w.trim());
      if (sign === '') return;
      // A sign is kept as written (a phrase's key would make "-" a space).
      if (!isWordChar(sign[0]!)) {
        if (!this.signAnswers.some((a) => a.sign === sign)) this.signAnswers.push({ sign, answer: value });
      } else {
        const key = phraseKey(w);
        if (key) this.answers.set(key, value);
      }
    };
    for (const w of config.answers?.negated ?? []) answer(w, CUE_CATEGORIES.indexOf('negation'));
    for (const w of config.answers?.affirmed ?? []) answer(w, -1);
    for (const w of config.answers?.possible ?? []) answer(w, UNCERTAIN);
    this.signAnswers.sort((x, y) => y.sign.length - x.sign.length);
    for (const a of this.signAnswers) {
      const last = a.sign[a.sign.length - 1]!;
      this.signsByEnd.set(last, [...(this.signsByEnd.get(last) ?? []), a]);
    }
    for (const p of config.termination) add(p, { cat: -1, dir: Dir.Termination });
    for (const p of config.pseudo) add(p, undefined);
    // A phrase that is both a pseudo-cue and a cue is a pseudo-cue.
    for (const k of this.pseudo) this.roles.delete(k);
    this.cues = new WordList(all);
    const headings = [...this.headingCat.keys(), ...config.headings.map(sectionKey)];
    for (const h of config.headings) if (!this.headingCat.has(sectionKey(h))) this.headingCat.set(sectionKey(h), -1);
    this.headingWords = new WordList(headings.map((h) => h.replace(/-/g, ' ')));
    for (const [section, names] of Object.entries(config.noteSections ?? {}))
      for (const h of names) if (!this.partOf.has(sectionKey(h))) this.partOf.set(sectionKey(h), section);
    if (this.partOf.size > 0) this.partWords = new WordList([...this.partOf.keys()].map((h) => h.replace(/-/g, ' ')));
  }

  /**
   * The sections a note exported whole holds, by its headings ("Impression:" at the start of a
   * line or sentence begins an assessment): read once per text.
   */
  noteParts(text: string): NoteParts {
    if (!this.partWords) return NO_PARTS;
    const known = this.partsMemo.get(text);
    if (known) return known;
    const starts: number[] = [];
    const sections: string[] = [];
    headingsIn(text, this.partWords, (index, match) => {
      starts.push(index);
      sections.push(this.partOf.get(sectionKey(match))!);
    });
    const parts = starts.length === 0 ? NO_PARTS : { starts, sections };
    if (this.partsMemo.size >= ANALYSIS_LIMIT) this.partsMemo.clear();
    this.partsMemo.set(text, parts);
    return parts;
  }

  /** The note read once per text and section (many rules read the same notes). */
  analyse(text: string, section = ''): NoteAnalysis {
    let bySection = this.memo.get(section);
    const known = bySection?.get(text);
    if (known) return known;
    if (memoSpent(this.memoSize, ANALYSIS_LIMIT, this.memoEmptiedAt)) {
      this.memo.clear();
      this.memoSize = 0;
      this.memoEmptiedAt = currentChart();
      bySection = undefined;
    }
    const a = this.read(text, section);
    if (!bySection) this.memo.set(section, (bySection = new Map()));
    bySection.set(text, a);
    this.memoSize += memoWeight(text);
    return a;
  }

  /** The assertion of the mention at [start, end) of an analysed note. */
  assertion(a: NoteAnalysis, start: number, end: number): Assertion {
    const [sStart, sEnd] = sentenceAt(a, start);
    const found = new Set<number>();
    const cues = a.cues;
    const limit = this.stepLimit;
    const text = a.text;
    this.cuesBefore(a, [start, end, sStart], found);
    // Cues after it that reach back to it (a denial there is the item's own: `deniedAfter`).
    let deniedAfter = false;
    // Where a status cue that speaks of the mention as its clause's head ends (`statusHead`), if one does.
    let statusAt = -1;
    const k = firstCueAtOrAfter(cues, start + 1);
    for (let j = k, steps = 0; j < cues.length && steps < limit; j++, steps++) {
      const c = cues[j]!;
      if (c.start < end) {
        // A joined cue begun inside the mention rereads its end, whatever the mention holds:
        // "low normal" after the term "B12 low" ("B12 low normal", "B12 was low normal").
        if (c.joined && c.dir === Dir.Backward && c.end > end) found.add(c.cat);
        continue;
      }
      // A mark that ends the sentence ("anemia?") stands at its end: only a mark can start there.
      if (c.start > sEnd) break;
      if (reachesBack(c, text, start, end)) {
        found.add(c.together ? TOGETHER : c.cat);
        if (c.cat === NEGATION) deniedAfter = true;
        if (c.headFrom >= 0 && c.headFrom <= start && start <= c.headTo) statusAt = c.end;
      } else if (c.cat === CURRENT && c.dir === Dir.Backward && statusAt >= 0 && c.start >= statusAt && laterStatus(text, c, sStart)) {
        // A later status of the condition a status spoke of: "Iron deficiency anemia, resolved by
        // IV iron 2025, now recurrent with ferritin 6" is current (rev40).
        found.add(CURRENT);
      }
    }
    return this.settle(found, a, [start, end, sEnd], deniedAfter);
  }

  /**
   * The categories of the cues before the mention at [start, end) that reach forward to it, into
   * `found`; a bounded number can (each is a word). A cue that begins before the mention and ends
   * inside it qualifies it too: "not due to" before the term "due to blood loss" denies the blood loss.
   */
  private cuesBefore(a: NoteAnalysis, [start, end, sStart]: readonly [number, number, number], found: Set<number>): void {
    const cues = a.cues;
    const text = a.text;
    // The last denial that reaches the mention, and the last doubt that begins a list's item.
    let deniedAt = -1;
    let doubtedItemAt = -1;
    for (let j = firstCueAtOrAfter(cues, start) - 1, steps = 0; j >= 0 && steps < this.stepLimit; j--, steps++) {
      const c = cues[j]!;
      // A heading cue ends where the sentence begins (its colon ends the one before); a cue that
      // ends the line above with its colon may stand past other cues of its line (its own other
      // roles: "denies" is an after-cue too).
      const before = c.start < sStart;
      if (before && !(c.heading && c.end === sStart) && !(c.down && start < c.reach)) {
        if (a.down) continue;
        break;
      }
      if (reachesForward(c, text, start, end)) {
        found.add(c.together ? TOGETHER : c.cat);
        if (c.cat === NEGATION) deniedAt = Math.max(deniedAt, c.start);
        else if (c.cat === UNCERTAIN && beginsOwnItem(text, c.start, c.end, start)) doubtedItemAt = Math.max(doubtedItemAt, c.start);
      }
      if (before) break;
    }
    // A doubt that begins an item of a denial's list is that item's own: "Denies nausea, vomiting,
    // possible melena" doubts the melena (not "denies possible melena"), and only it: "Denies
    // abdominal pain, possible dark stools, melena or hematochezia" denies the melena.
    if (doubtedItemAt > deniedAt && deniedAt >= 0) found.delete(NEGATION);
  }

  /**
   * The cue a quote of the mention at `start` shows with it, so that it does not state the
   * opposite of the note, if one gives the mention its `assertion`: the denial on the line above
   * that reaches it ("Negative for:" over "\nChest pain, melena or hematochezia."), else the
   * nearest cue before it in its own sentence ("Denies fever, chills, ..., melena").
   */
  quotedCue(a: NoteAnalysis, start: number, assertion: Assertion, end = start): QuotedCue | undefined {
    if (assertion === 'affirmed') return undefined;
    const sStart = sentenceAt(a, start)[0];
    const cues = a.cues;
    const above = a.down && assertion === 'negated';
    let own: QuotedCue | undefined;
    for (let j = firstCueAtOrAfter(cues, start) - 1, steps = 0; j >= 0 && steps < this.stepLimit; j--, steps++) {
      const c = cues[j]!;
      if (c.start < sStart) {
        if (!above) break;
        if (c.down && start < c.reach) return { start: c.start, end: c.end, above: true };
        continue;
      }
      if (own || c.dir !== Dir.Forward || c.end > start || start >= c.reach) continue;
      const name = CUE_CATEGORIES[c.cat]!;
      if (name !== 'current' && name !== 'patient' && ASSERTION_OF[name] === assertion) own = { start: c.start, end: c.end, above: false };
    }
    return own ?? this.cueAfter(a, start, end, assertion);
  }

  /** The first cue of the mention's sentence after it that reaches back to it with its assertion. */
  private cueAfter(a: NoteAnalysis, start: number, end: number, assertion: Assertion): QuotedCue | undefined {
    const sEnd = sentenceAt(a, start)[1];
    const cues = a.cues;
    for (let j = firstCueAtOrAfter(cues, end), steps = 0; j < cues.length && steps < this.stepLimit; j++, steps++) {
      const c = cues[j]!;
      if (c.start >= sEnd) break;
      const name = CUE_CATEGORIES[c.cat]!;
      if (name === 'current' || name === 'patient' || ASSERTION_OF[name] !== assertion) continue;
      if (reachesBack(c, a.text, start, end)) return { start: c.start, end: c.end, above: false, after: true };
    }
    return undefined;
  }

  /** The assertion the categories found for a mention at `start` give, with its section's. */
  private settle(
    found: Set<number>,
    a: NoteAnalysis,
    [start, end, sEnd]: readonly [number, number, number],
    deniedAfter: boolean,
  ): Assertion {
    const text = a.text;
    const section = sectionAt(a, start);
    // The patient named with a relative ("Both she and her mother have celiac disease"): the
    // patient's, where each family cue that reaches the mention names that relative; not another
    // family cue ("Both she and her mother have a family history of celiac disease").
    if (found.delete(TOGETHER)) {
      if (found.has(FAMILY) && familyNamedWithPatient(a, start, end, sEnd)) found.delete(FAMILY);
      found.add(PATIENT);
    }
    // A section gives its assertion, but "Pt has ..." under a family heading is the patient's.
    if (section >= 0 && !(section === FAMILY && found.has(PATIENT))) found.add(section);
    if (found.has(CURRENT)) found.delete(HISTORICAL);
    // An answer that begins the mention's item answers that item, inside a denial's list or not:
    // "Denies nausea, vomiting, (+) melena", "..., pos melena" (affirmed), "+/- melena" (open).
    // Only the item's own denial: the items after it stay denied, and a family, history or doubt
    // stays ("FHx: anemia, + GI bleed"), as does a denial written after the mention ("positive
    // occult blood not confirmed on repeat FIT", "+ melena ruled out": a review's probes).
    const answer = deniedAfter ? undefined : this.itemAnswer(text, start, end, sEnd, found.has(NEGATION));
    if (answer === AFFIRMING) found.delete(NEGATION);
    else if (answer === NEGATION || answer === HISTORICAL) found.add(answer);
    else if (answer === UNCERTAIN) {
      found.delete(NEGATION);
      found.add(UNCERTAIN);
    }
    if (found.size === 0) return 'affirmed';
    const asserted = new Set<Assertion>();
    for (const cat of found) {
      const name = CUE_CATEGORIES[cat]!;
      if (name !== 'current' && name !== 'patient') asserted.add(ASSERTION_OF[name]);
    }
    for (const p of PRECEDENCE) if (asserted.has(p)) return p;
    return 'affirmed';
  }

  /**
   * The answer a list's item gives the mention at [start, end) that it holds, if one does
   * (AFFIRMING, a category, or undefined), as a review of systems writes it: a sign of the
   * context's answers ("+", "(+)", "[+]", "++", "+/-") or one affirming answer word ("pos melena")
   * right before the mention, a space at most between; an affirming word as the mention's own first
   * word, in an item that says more than the term or is its sentence's last ("Denies melena or
   * hematochezia, positive FOBT x2 at PCP", "Denies hematochezia, positive guaiac on DRE today,
   * brown stool"; not "denies melena, positive FOBT or prior abnormal colonoscopy"); or an answer word
   * after it that ends the item ("Nausea no, vomiting no, melena yes"). The item begins after a
   * comma, a semicolon or a line's start ("..., (+) melena"; not "3+ melena", nor "Allergies:
   * +cyanocobalamin").
   */
  private itemAnswer(text: string, start: number, end: number, sentenceEnd: number, denied: boolean): number | undefined {
    const sign = this.signBefore(text, start);
    // A sign that denies is most often a bullet ("- B12 low"): it denies nothing here, and the
    // bulleted item may be answered after its words ("- Melena no").
    if (sign && !(sign.answer === NEGATION && bulletBegins(text, start)))
      return itemBegins(text, sign.from) && sign.answer !== NEGATION ? sign.answer : undefined;
    // An item of its own, answered before its words ("GI: neg melena") or after them ("Melena no,",
    // "Melena - no.", "Melena unsure."): a denial or a doubt.
    if (!denied) {
      if (this.wordBefore(text, start, NEGATION, ROW_ITEM_ENDS)) return NEGATION;
      if (itemBegins(text, start, ROW_ITEM_ENDS)) return this.itemClosedBy(text, end, DOUBTS, start);
      // A bulleted item denied after its words ("ROS:\n- Melena no"): a denial only, and not under
      // a question, which the answer answers ("Problem resolved?\n- GI bleed no"; "Medications:\n-
      // Metformin unknown" doubts the dose, not the drug: a review's probes).
      return bulletBegins(text, start) && !questionHeadsList(text, start) ? this.itemClosedBy(text, end, DENIALS, start) : undefined;
    }
    // A word answers a denied item only (it affirms, or leaves open an item a denial's list holds).
    const word = this.wordBefore(text, start);
    if (word) return word.answer;
    if (!itemBegins(text, start)) return undefined;
    const own = this.affirmsItself(text, start, end);
    if (own) {
      const rest = text.slice(end, sentenceEnd);
      const more = LIST_GOES_ON.exec(rest);
      const item = more ? rest.slice(0, more.index) : rest;
      // A statement (words after the term in its item) or the list's last item; after a last word,
      // only a count or a day ("FOBT positive x2 at PCP"): "guaiac positive stools" is one thing
      // the list denies.
      if (own === 'last') return RESULT_TAIL.test(item) && (!more || /\w/.test(item)) ? AFFIRMING : undefined;
      return !more || /\w/.test(item) ? AFFIRMING : undefined;
    }
    // A word after the mention that ends its item, in a row of items each answered so: "Nausea
    // no, vomiting no, melena yes", "Nausea - no, melena - yes" (not "No nausea, vomiting, melena
    // present").
    if (!this.afterAnswered(text, start)) return undefined;
    return this.itemClosedBy(text, end, ANSWERED, start);
  }

  /**
   * Which of the mention's own words, its first or its last, is an affirming answer: "positive
   * FOBT", "FOBT positive" (a term that states a result).
   */
  private affirmsItself(text: string, start: number, end: number): 'first' | 'last' | undefined {
    const own = wordEnd(text, start);
    if (own !== undefined && own < end && this.answers.get(phraseKey(text.slice(start, own))) === AFFIRMING) return 'first';
    let last = end;
    while (last > start && end - last < 16 && isWordChar(text[last - 1]!)) last--;
    const affirms =
      last > start && last < end && !isWordChar(text[last - 1]!) && this.answers.get(phraseKey(text.slice(last, end))) === AFFIRMING;
    return affirms ? 'last' : undefined;
  }

  /**
   * An answer of `wants` (AFFIRMING or categories), a word or a sign ("+/-", "(-)"), written right
   * after a mention that ends at `end`, a space or a spaced dash between, if it ends the mention's
   * item: "melena yes,", "melena - yes.", "melena no" at a line's end; a denial before "since" is a
   * past (HISTORICAL: "Metformin - none since 2024"); not "melena no longer", "melena no change".
   */
  private itemClosedBy(text: string, end: number, wants: readonly number[], start: number): number | undefined {
    // One space, or a dash between two: a wider gap is a table's next column ("Metformin
    // unknown" under "Last dose", "Pernicious anemia       no" under "New problem?").
    if (text[end] !== ' ') return undefined;
    let k = end + 1;
    if ((text[k] === '-' || text[k] === '\u2013') && text[k + 1] === ' ') k += 2;
    if (text[k] === ' ' || text[k] === '\t') return undefined;
    const after = this.wordAnswerSpan(text, k) ?? this.signSpan(text, k);
    if (!after || !wants.includes(after.answer)) return undefined;
    const e = skipped(text, after.end, ' \t');
    // Not a number's "No.": "Metformin no. 180", "melena no. 4 episodes since Sunday"; but a
    // time begins the next sentence in a row of answered items: "Fever no. Melena no. 3 weeks of
    // fatigue." (not "Refills: metformin no. 3 months supply").
    if (
      text[e] === '.' &&
      NUMBER_NEXT.test(text.slice(e + 1, e + 4)) &&
      !(DURATION_NEXT.test(text.slice(e + 1, e + 24)) && this.afterAnswered(text, start, false))
    )
      return undefined;
    if (e >= text.length || ',;.\n\r'.includes(text[e]!)) return after.answer;
    // A denial with the time it has held is a past: "Metformin - none since 2024" (no longer taken),
    // "Melena - none since transfusion on Monday" (there was melena before).
    return after.answer === NEGATION && SINCE.test(text.slice(e, e + 6)) ? HISTORICAL : undefined;
  }

  /** Whether the item before the one beginning at `start` ends in an answer ("vomiting no,"); at a line's start, `lineStart`. */
  private afterAnswered(text: string, start: number, lineStart = true): boolean {
    const k = beforeSpaces(text, start);
    if (k < 0 || text[k] === '\n' || text[k] === '\r') return lineStart;
    let w = k;
    while (w > 0 && k - w < 16 && isWordChar(text[w - 1]!)) w--;
    return w < k && this.answers.has(phraseKey(text.slice(w, k)));
  }

  /**
   * A sign of the answers that ends right before `start` (a space at most between), and where it
   * begins. A sign that is also a mark ("?") is the marks' to read: "? melena" is most often an
   * export's bullet turned into "?". Not over a word: "+ non tarry stools", "+ hx hematochezia"
   * (a review's probes).
   */
  private signBefore(text: string, start: number): { answer: number; from: number } | undefined {
    let i = start;
    if (text[i - 1] === ' ' || text[i - 1] === '\t') i--;
    // Only the signs that end in the character before (most mentions: none).
    const signs = i > 0 ? this.signsByEnd.get(text[i - 1]!.toLowerCase()) : undefined;
    if (!signs) return undefined;
    for (const a of signs) {
      if (i < a.sign.length || text.slice(i - a.sign.length, i).toLowerCase() !== a.sign) continue;
      if (this.marks.some((m) => m.mark.trim() === a.sign)) return undefined;
      return { answer: a.answer, from: i - a.sign.length };
    }
    return undefined;
  }

  /**
   * An answer word `want` (AFFIRMING, or NEGATION) right before `start` that begins its item ("pos
   * melena", "GI: neg melena"), and where it begins. An affirming word answers a denial's item; a
   * denying one an item of a row ("Hemoccult neg melena x3 days" is the test's result). No word
   * doubts: "unknown metformin dose" doubts no metformin.
   */
  private wordBefore(text: string, start: number, want = AFFIRMING, ends = ITEM_ENDS): { answer: number; from: number } | undefined {
    let i = start;
    if (text[i - 1] === ' ' || text[i - 1] === '\t') i--;
    if (i === 0 || !isWordChar(text[i - 1]!)) return undefined;
    let w = i;
    while (w > 0 && i - w <= 16 && isWordChar(text[w - 1]!)) w--;
    if ((w > 0 && isWordChar(text[w - 1]!)) || !itemBegins(text, w, ends)) return undefined;
    return this.answers.get(phraseKey(text.slice(w, i))) === want ? { answer: want, from: w } : undefined;
  }

  /**
   * The marks of a note and its colons' answers, each a cue, and the sentences' ends: a heading's
   * colon and a colon's answer end one; a mark before a word ("?pernicious") asks about what follows
   * it and ends none.
   */
  private marksAndBounds(
    text: string,
    headingColons: readonly number[],
  ): { marks: RawCue[] | undefined; bounds: number[]; rows: readonly number[] | undefined } {
    const colons = this.findColonAnswers(text);
    // A row of boxed choices holds answers, not cues or marks: "Melena: [x] Positive [ ] Negative".
    const rows = colons?.rows;
    let marks = this.marks.length > 0 ? this.findMarks(text) : undefined;
    if (marks && rows) marks = marks.filter((m) => !inRows(rows, m.start));
    if (colons) marks = marks ? [...marks, ...colons.cues].sort((x, y) => x.start - y.start) : colons.cues;
    let bounds = sentenceBoundaries(text, colons && colons.ends.length > 0 ? [...headingColons, ...colons.ends] : headingColons);
    if (marks && marks.some((m) => m.role.dir === Dir.Forward)) {
      const asking = new Set(marks.filter((m) => m.role.dir === Dir.Forward).map((m) => m.start));
      bounds = bounds.filter((b) => !asking.has(b));
    }
    return { marks, bounds, rows };
  }

  /** The cues of a text as its phrases match, each with its role (a phrase with several roles: one cue each). */
  private rawCues(text: string, rows: readonly number[] | undefined): RawCue[] {
    const raw: RawCue[] = [];
    this.cues.scan(text, (index, match) => {
      const roles = this.roles.get(phraseKey(match));
      if (!roles) return;
      if (rows && inRows(rows, index)) return;
      if (this.abbreviations.has(match) && besideLowerCase(text, index, index + match.length)) return;
      for (const role of roles) {
        // A joined cue is written as one phrase, its words one space or hyphen apart: not across a
        // line's end, a column gap or a spaced dash ("B12 low\n- Normal TSH", "B12 low    Normal: TSH").
        if ((role.joined || role.tight) && !ONE_PHRASE.test(match)) continue;
        // "Celiac disease in her mother and in pt's sister": the patient's relative, not the patient.
        if (role.together && POSSESSIVE.test(text.slice(index + match.length, index + match.length + 2))) continue;
        raw.push({
          start: index,
          end: index + match.length,
          role,
          tight: role.joined === true || role.tight === true,
          joined: role.joined,
        });
      }
    });
    // Most notes hold no pair's start or end: the list as found.
    if (!raw.some((c) => c.role.dir === Dir.PairStart || c.role.dir === Dir.PairEnd)) return raw;
    return pairedUp(text, raw);
  }

  private read(text: string, section: string): NoteAnalysis {
    const headings = this.findHeadings(text);
    const { marks, bounds, rows } = this.marksAndBounds(text, headings.colons);
    const raw = this.rawCues(text, rows);
    if (marks && marks.length > 0) {
      pushAll(raw, marks);
      raw.sort((x, y) => x.start - y.start);
    }
    const ends: Ends = { terminations: new Map(), reasons: new Map(), conditions: new Map(), openers: this.openers };
    for (const c of raw) {
      const byCat =
        c.role.dir === Dir.Termination
          ? ends.terminations
          : c.role.dir === Dir.Reason
            ? ends.reasons
            : c.role.dir === Dir.Condition
              ? ends.conditions
              : undefined;
      if (!byCat) continue;
      const t = byCat.get(c.role.cat) ?? { starts: [], ends: [] };
      t.starts.push(c.start);
      t.ends.push(c.end);
      byCat.set(c.role.cat, t);
    }
    const a = {
      text,
      bounds,
      cues: [] as Cue[],
      sectionStarts: headings.starts,
      sectionCats: headings.cats,
      noteSection: this.headingCat.get(sectionKey(section)) ?? -1,
      down: false,
    };
    const { forward, backward } = this.config.window;
    for (const c of raw) {
      const [sStart, sEnd] = sentenceAt(a, c.start);
      // "Allergies:" as a heading (its colon ends a sentence): it reaches over the sentence after it.
      const heading = c.role.dir === Dir.Forward && text[c.end - 1] === ':' && bounds.includes(c.end - 1);
      // "Negative for:" ending its line: over the sentence that begins the next line, where that is
      // a list ("Negative for:\nChest pain, melena or hematochezia."), to its terminations.
      const nl = c.role.list && c.reach === undefined ? colonEndsLine(text, c.start, c.end) : undefined;
      let reach = 0;
      if (nl !== undefined) reach = forwardReach(text, c, sStart, nextLineList(a, nl), ends, Number.MAX_SAFE_INTEGER);
      else if (c.role.dir === Dir.Forward)
        reach = c.reach ?? forwardReach(text, c, sStart, heading ? sentenceAt(a, c.end)[1] : sEnd, ends, forward);
      else if (c.role.dir === Dir.Backward) reach = c.reach ?? backwardReach(text, c, sStart, ends, backward);
      if (nl !== undefined) a.down = true;
      const head = c.role.status === true && c.reach === undefined ? statusHead(text, c.start, c.end, sStart) : undefined;
      a.cues.push({
        start: c.start,
        end: c.end,
        cat: c.role.cat,
        dir: c.role.dir,
        reach,
        headFrom: head?.[0] ?? -1,
        headTo: head?.[1] ?? -1,
        tight: c.tight,
        joined: c.joined === true,
        heading,
        together: c.role.together === true,
        paired: c.role.paired === true,
        down: nl !== undefined,
      });
    }
    return a;
  }

  /**
   * The marks of a note, each a cue: right before a word ("?pernicious anemia") forward; right
   * after a word ("anemia?") backward,
   * unless the next word answers it ("Melena? No.": negated; "Melena? Yes.": no cue at all).
   */
  private findMarks(text: string): RawCue[] {
    const out: RawCue[] = [];
    const taken = new Set<number>();
    for (const { mark, cat } of this.marks) {
      if (mark === '-') {
        minusSigns(text, (i) => {
          if (taken.has(i)) return;
          taken.add(i);
          out.push({ start: i, end: i + 1, role: { cat, dir: Dir.Forward }, tight: true });
        });
        continue;
      }
      // A mark that ends with a space ("[ ] ") is a box before its word, on a line that does not
      // end in a box: "Fatigue [ ] Melena [x]" writes its boxes after the items.
      const boxed = mark.endsWith(' ');
      // A sign ("(-)", "(+)") after its item, a space between, is the item's answer: "Fever (-)
      // Melena (+)", "Coombs (-) pernicious anemia" (a review).
      const sign = mark.startsWith('(') && (mark.includes('-') || mark.includes('+'));
      let lineEnd = -1;
      let boxesAfter = false;
      for (let i = text.indexOf(mark); i !== -1; i = text.indexOf(mark, i + mark.length)) {
        if (taken.has(i)) continue;
        const end = i + mark.length;
        if (boxed && end > lineEnd) {
          lineEnd = text.indexOf('\n', end);
          if (lineEnd < 0) lineEnd = text.length;
          boxesAfter = endsInBox(text, lineEnd);
        }
        const role = this.markRole(text, i, end, cat, boxed && boxesAfter, boxed, sign);
        // A mark between spaces ("HTN ? pernicious anemia", "Hgb 11.2 ? 8.9") is no mark: most are
        // an export's bullet or arrow turned into "?".
        if (!role) continue;
        for (let k = i; k < end; k++) taken.add(k);
        // A box or sign before its item speaks of the whole item: "[ ] Abnormal vaginal bleeding".
        if (boxed) out.push({ start: i, end, role, tight: false, reach: boxedItemEnd(text, end, lineEnd) });
        else out.push({ start: i, end, role, tight: true });
      }
    }
    return out.sort((x, y) => x.start - y.start);
  }

  /**
   * What the mark at [i, end) does, if anything: before a word it reaches forward; after a word
   * back, unless the next word answers it; a sign after its item, a space between, answers that
   * item. A box (`boxed`) stands before its word only, and not on a line of boxes written after
   * the items (`boxesAfter`), nor before a template's next question, whose answer it is: "Melena:
   * (-) Hematochezia: (+)", "Melena? (-) Hematochezia? +".
   */
  private markRole(
    text: string,
    i: number,
    end: number,
    cat: number,
    boxesAfter: boolean,
    boxed: boolean,
    sign: boolean,
  ): Role | undefined {
    const before = i > 0 ? text[i - 1]! : '';
    const after = end < text.length ? text[end]! : '';
    const wordBefore = before !== '' && isWordChar(before);
    const itemBefore = sign && !wordBefore && wordBeforeOnLine(text, i);
    const forward = after !== '' && isWordChar(after) && !wordBefore && !itemBefore;
    if (boxed) {
      const asks = after !== '' && (itemMarkAt(text, end, '?') >= 0 || itemMarkAt(text, end, ':') >= 0);
      return forward && !boxesAfter && !asks ? { cat, dir: Dir.Forward } : undefined;
    }
    if (forward) return { cat, dir: Dir.Forward };
    if (itemBefore) return { cat, dir: Dir.Backward };
    if (!wordBefore) return undefined;
    const answer = this.answerAfter(text, end);
    if (answer === undefined) return { cat, dir: Dir.Backward };
    return answer >= 0 ? { cat: answer, dir: Dir.Backward } : undefined;
  }

  /**
   * A template's item answered after a colon ("Melena: no", "Hematochezia : (-)", "Melena: no
   * Hematochezia: yes"): a cue of the answer's category written back over the item, and the answer's
   * end a sentence's end, so that the next item is read on its own. Only an item that is a few words
   * with no link between them is asked ("Etiology of B12 deficiency: unknown" asks about the
   * etiology, "Transfusion for blood loss: no" about a transfusion), and only a whole answer counts:
   * it ends the line or clause, or the template's next item follows ("Pernicious anemia: no change"
   * is no answer). An affirming answer is no cue. Undefined when the context has no answers.
   */
  private findColonAnswers(text: string): { cues: RawCue[]; ends: number[]; rows?: number[] } | undefined {
    if (this.answers.size === 0 && this.signAnswers.length === 0) return undefined;
    const cues: RawCue[] = [];
    const ends: number[] = [];
    let rows: number[] | undefined;
    let floor = 0;
    for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
      // "Melena : no": one space may stand before the colon.
      const w = text[i - 1] === ' ' ? i - 1 : i;
      if (w === 0 || !isWordChar(text[w - 1]!)) continue;
      const a = this.wholeAnswerAt(text, skipped(text, i + 1, ' \t'));
      const item = a ? itemStart(text, w, floor) : -1;
      if (!a || item < 0) continue;
      floor = a.end;
      // A row of boxes: its words are answers (starts and ends, in pairs), and it ends its item.
      if (a.boxed) {
        (rows ??= []).push(i + 1, a.end);
        if (a.answer < 0 && a.end < text.length) ends.push(a.end);
      }
      // A denying or doubting answer ends its sentence, so that its word ("no") reaches no further
      // item; an affirming one does not, so that what follows still speaks of the item
      // ("Pernicious anemia: yes, diagnosed in 2015, on monthly B12").
      if (a.answer >= 0) {
        if (a.end < text.length) ends.push(a.end);
        // The answer speaks of the whole item: "Blood in stool or black stools: no".
        cues.push({ start: i, end: i + 1, role: { cat: a.answer, dir: Dir.Backward }, tight: false, reach: item });
      }
    }
    const gapRows = this.gapBoxRows(text, rows);
    if (gapRows) {
      pushAll(cues, gapRows.cues);
      pushAll(ends, gapRows.ends);
      rows = pairsInOrder([...(rows ?? []), ...gapRows.rows]);
      cues.sort((x, y) => x.start - y.start);
    }
    if (rows) return { cues, ends, rows };
    return cues.length > 0 || ends.length > 0 ? { cues, ends } : undefined;
  }

  /**
   * Rows of boxed choices after a template's column gap, with no colon: "Melena   [ ] Yes   [x] No"
   * (a coder's review), read as "Melena: [ ] Yes [x] No" is. `colonRows`: the rows a colon began,
   * in order, passed over. One pass over the text's brackets.
   */
  private gapBoxRows(
    text: string,
    colonRows: readonly number[] | undefined,
  ): { cues: RawCue[]; ends: number[]; rows: number[] } | undefined {
    let out: { cues: RawCue[]; ends: number[]; rows: number[] } | undefined;
    let r = 0;
    let floor = 0;
    for (let b = text.indexOf('['); b !== -1; b = text.indexOf('[', b + 1)) {
      while (colonRows && r < colonRows.length && colonRows[r + 1]! <= b) r += 2;
      if (b < floor || (colonRows && r < colonRows.length && colonRows[r]! <= b)) continue;
      const gap = text[b - 1] === '\t' || (text[b - 1] === ' ' && text[b - 2] === ' ');
      if (!gap) continue;
      let w = b;
      while (w > 0 && (text[w - 1] === ' ' || text[w - 1] === '\t')) w--;
      if (w === 0 || !isWordChar(text[w - 1]!)) continue;
      const a = this.boxedAnswerSpan(text, b);
      if (!a) continue;
      const k = skipped(text, a.end, ' \t');
      if (!(k >= text.length || '\n\r,;.('.includes(text[k]!) || itemAt(text, k))) continue;
      const item = itemStart(text, w, floor);
      if (item < 0) continue;
      floor = a.end;
      out ??= { cues: [], ends: [], rows: [] };
      out.rows.push(b, a.end);
      if (a.end < text.length) out.ends.push(a.end);
      if (a.answer >= 0) out.cues.push({ start: w, end: w + 1, role: { cat: a.answer, dir: Dir.Backward }, tight: false, reach: item });
    }
    return out;
  }

  /**
   * The answer at `i` (a sign or answer words) and its end, if nothing follows it but the line's or
   * clause's end, a bracket ("Melena: no (last episode 2019)"), or the template's next item.
   */
  private wholeAnswerAt(text: string, i: number): { answer: number; end: number; boxed: boolean } | undefined {
    const boxed = this.boxedAnswerSpan(text, i);
    const s = boxed ? undefined : this.signAt(text, i);
    if (s === EQUIVOCAL) return undefined;
    const a = boxed ?? s ?? this.wordAnswerSpan(text, i);
    if (!a) return undefined;
    const k = skipped(text, a.end, ' \t');
    if (k >= text.length || '\n\r,;.('.includes(text[k]!) || itemAt(text, k))
      return { answer: a.answer, end: a.end, boxed: boxed !== undefined };
    return undefined;
  }

  /**
   * The answer a mark's next word gives (-1 affirmed, else a category), on the same line; undefined
   * for none. A sign answers ("Melena? +", "Melena? (-)"); "+/-" leaves the question open. A dash is
   * also a separator: before an answer, that answer holds ("Melena? - yes", "Melena? - +"); before
   * nothing more on its line, or before the template's next question answered in turn ("Melena? -
   * Hematochezia? -"), the dash denies; before anything else ("- black stools x3 days", "- maybe?",
   * "- 2 episodes") the question stays open. Each look is bounded: no reading reaches past the next
   * question, so a line of a thousand questions is read in one pass.
   */
  private answerAfter(text: string, from: number): number | undefined {
    if (this.answers.size === 0 && this.signAnswers.length === 0) return undefined;
    const i = skipped(text, from, ' \t:');
    const s = this.signAt(text, i);
    if (s === EQUIVOCAL) return undefined;
    if (s && !s.dash) return s.answer;
    if (s) {
      const k = skipped(text, s.end, ' \t-');
      if (k >= text.length || '\n\r,;.'.includes(text[k]!)) return s.answer;
      const word = this.wordAnswer(text, k);
      if (word !== undefined) return word;
      const t = this.signAt(text, k);
      if (t === EQUIVOCAL) return undefined;
      if (t) return t.dash ? s.answer : t.answer;
      return this.answeredQuestionAt(text, k) ? s.answer : undefined;
    }
    return this.wordAnswer(text, skipped(text, i, ' \t:-'));
  }

  /**
   * The answer a row of boxed choices gives ("Melena: [ ] Yes [x] No", "Melena: Yes [ ] No [x]"):
   * the one ticked choice's; none ticked, or more than one, leaves the question open (as "yes/no"
   * does). At most BOX_CHOICES choices, their boxes all before or all after their words; a single
   * choice answers only when it is ticked ("Melena: [x] No"). Undefined where no box leads.
   */
  private boxedAnswerSpan(text: string, i: number): { answer: number; end: number } | undefined {
    const boxesFirst = boxAt(text, i) !== undefined;
    if (!boxesFirst) {
      // Cheap for the common answer with no box: "Melena: no".
      const w = this.wordAnswerSpan(text, i);
      if (!w || !boxAt(text, skipped(text, w.end, ' \t'))) return undefined;
    }
    let choices = 0;
    let ticked = 0;
    let chosen = UNCERTAIN;
    let end = i;
    for (let k = i; choices < BOX_CHOICES; k = skipped(text, end, ' \t')) {
      const box = boxesFirst ? boxAt(text, k) : undefined;
      const word = this.wordAnswerSpan(text, box ? skipped(text, box.end, ' \t') : k);
      const after = !boxesFirst && word ? boxAt(text, skipped(text, word.end, ' \t')) : undefined;
      const mark = box ?? after;
      if (!word || !mark) break;
      choices++;
      if (mark.ticked) {
        ticked++;
        chosen = word.answer;
      }
      end = after ? after.end : word.end;
    }
    if (choices === 0 || (choices === 1 && ticked === 0)) return undefined;
    return { answer: ticked === 1 ? chosen : UNCERTAIN, end };
  }

  /** The sign answer at `i` and where it ends, "+/-" leaving the question open; not a dash alone (a list's bullet, or its next item's). */
  private signSpan(text: string, i: number): { answer: number; end: number } | undefined {
    const s = this.signAt(text, i);
    if (s === EQUIVOCAL) return { answer: UNCERTAIN, end: skipped(text, i, '+/-') };
    return s && !s.dash ? s : undefined;
  }

  /** The sign answer at `i` ("+", "(-)", "-ve"; not glued to a word), EQUIVOCAL for "+/-", else undefined. */
  private signAt(text: string, i: number): { answer: number; end: number; dash: boolean } | typeof EQUIVOCAL | undefined {
    // Every sign begins with a character no word does (they are kept apart from word answers so).
    if (i >= text.length || isWordChar(text[i]!)) return undefined;
    for (const { sign, answer } of this.signAnswers) {
      if (text.slice(i, i + sign.length).toLowerCase() !== sign) continue;
      const k = i + sign.length;
      if (k < text.length && isWordChar(text[k]!)) continue; // glued to a word: "+ve" is its own answer, "+vely" none
      if (text[k] === '/') return EQUIVOCAL;
      return { answer, end: k, dash: /^-+$/.test(sign) };
    }
    return undefined;
  }

  /**
   * Whether the few words from `at` end in a question mark that is answered in its turn (a sign or
   * an answer word after it): a template's next question ("Hematochezia? (-)"), not free text.
   */
  private answeredQuestionAt(text: string, at: number): boolean {
    // A template's question is capitalized ("Hematochezia?"); "- dark stools? +" clarifies.
    if (at >= text.length || text[at]!.toLowerCase() === text[at]) return false;
    const k = itemMarkAt(text, at, '?');
    if (k < 0) return false;
    const m = skipped(text, k + 1, ' \t');
    const t = this.signAt(text, m);
    return (t !== undefined && t !== EQUIVOCAL) || this.wordAnswer(text, m) !== undefined;
  }

  /**
   * The answer the word at `i` gives, or the two words there ("not present"; the pair is tried
   * first, so "not sure" is no answer where "not" alone would be one), if it is one.
   */
  private wordAnswer(text: string, i: number): number | undefined {
    return this.wordAnswerSpan(text, i)?.answer;
  }

  /** The same, with where the answer ends. */
  private wordAnswerSpan(text: string, i: number): { answer: number; end: number } | undefined {
    const j = wordEnd(text, i);
    if (j === undefined) return undefined;
    if (j + 1 < text.length && (text[j] === ' ' || text[j] === '\t')) {
      const k = wordEnd(text, j + 1);
      const pair = k !== undefined ? this.answers.get(phraseKey(text.slice(i, k))) : undefined;
      if (pair !== undefined) return { answer: pair, end: k! };
    }
    const one = this.answers.get(phraseKey(text.slice(i, j)));
    if (one === undefined) return undefined;
    // A choice left unmade ("Melena: yes/no", "Y/N"): the question stays open.
    if (text[j] === '/') {
      const k = wordEnd(text, j + 1);
      if (k !== undefined && this.answers.has(phraseKey(text.slice(j + 1, k)))) return { answer: UNCERTAIN, end: k };
    }
    return { answer: one, end: j };
  }

  /** Headings: a known section name at the start of a line or sentence, followed by a colon (each at the same index of the three lists). */
  private findHeadings(text: string): { starts: number[]; colons: number[]; cats: number[] } {
    const out = { starts: [] as number[], colons: [] as number[], cats: [] as number[] };
    headingsIn(text, this.headingWords, (index, match, colon) => {
      out.starts.push(index);
      out.colons.push(colon);
      out.cats.push(this.headingCat.get(sectionKey(match)) ?? -1);
    });
    return out;
  }
}

/**
 * Each heading of a list in a text: at the start of a line or sentence, followed by a colon; or
 * alone on its line, as a template prints it ("Family History\nProblem  Relation  Age of Onset";
 * a coder's review). `colon`: where the heading's text ends (its colon, or its line's end).
 */
function headingsIn(text: string, words: WordList, each: (index: number, match: string, colon: number) => void): void {
  words.scan(text, (index, match) => {
    let i = index + match.length;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    const b = beforeSpaces(text, index);
    if (text[i] !== ':') {
      // Alone on its line only a name of three letters or more: "A" on its own line is a blood
      // group ("ABO group\nA\nRh\nPositive"), "PE" or "CC" a value (a security review).
      const lineEnds = i >= text.length || text[i] === '\n' || text[i] === '\r';
      if (lineEnds && match.length >= 3 && (b < 0 || text[b] === '\n' || text[b] === '\r')) each(index, match, i);
      return;
    }
    if (b >= 0 && !'\n\r.;!?'.includes(text[b]!)) return;
    each(index, match, i);
  });
}

/** The section of a note exported whole at an index: the last heading's before it, if any. */
export function partAt(parts: NoteParts, index: number): string | undefined {
  const i = lowerBound(parts.starts, index + 1) - 1;
  return i >= 0 ? parts.sections[i] : undefined;
}

function sectionKey(name: string): string {
  return foldCase(name)
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

/** The first index of a sorted list whose value is at least `x` (its length when none is). */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstCueAtOrAfter(cues: readonly { start: number }[], index: number): number {
  let lo = 0;
  let hi = cues.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cues[mid]!.start < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether a cue written before the mention at [start, end) reaches it ("denies melena"; a tight one only right before it). */
function reachesForward(c: Cue, text: string, start: number, end: number): boolean {
  return c.dir === Dir.Forward && c.end <= end && start < c.reach && (!c.tight || spacesOnly(text, c.end, start));
}

/**
 * Whether a cue written after the mention at [start, end) reaches back to it ("occult blood was
 * negative"; a tight one only right after it), or speaks of it as the head of the clause before (a status).
 */
function reachesBack(c: Cue, text: string, start: number, end: number): boolean {
  return (
    c.dir === Dir.Backward &&
    !c.joined &&
    ((c.reach <= start && (!c.tight || spacesOnly(text, end, c.start))) || (c.headFrom <= start && start <= c.headTo))
  );
}

/** An apostrophe and "s" right after a phrase: a possessive ("pt's sister"). */
const POSSESSIVE = /^['\u2019]s$/i;

/** The most words between a together cue and the relative's cue it names the patient with ("both she and [her] mother"). */
const TOGETHER_GAP_WORDS = 2;

/**
 * Whether every family cue of its sentence that reaches the mention at [start, end) stands beside
 * a together cue that reaches it too, at most TOGETHER_GAP_WORDS words between: "Both she and her
 * mother have celiac disease", "Celiac disease diagnosed in son first, then in pt". A family cue
 * from beyond the sentence (a heading) is no relative named beside the patient.
 */
function familyNamedWithPatient(a: NoteAnalysis, start: number, end: number, sEnd: number): boolean {
  const [sStart] = sentenceAt(a, start);
  const text = a.text;
  const reaching: Cue[] = [];
  for (let j = firstCueAtOrAfter(a.cues, sStart); j < a.cues.length && a.cues[j]!.start <= sEnd; j++) {
    const c = a.cues[j]!;
    if (c.cat !== FAMILY && !c.together) continue;
    if (reachesForward(c, text, start, end) || (c.start >= end && reachesBack(c, text, start, end))) reaching.push(c);
  }
  const together = reaching.filter((c) => c.together);
  return reaching.every(
    (f) =>
      f.together ||
      together.some(
        (t) =>
          // The relative named inside the together cue ("Pt and her mother both"), before it ("Both
          // she and her mother") or after it (a backward cue: "in her mother and in pt"; a forward
          // one: "Her mother and she both have").
          (t.start <= f.start && f.end <= t.end) ||
          // A pair names its own relative only: "She and her sister both have a family history of ...".
          (!t.paired &&
            ((t.end <= f.start && t.dir === Dir.Forward && wordsIn(text, t.end, f.start) <= TOGETHER_GAP_WORDS) ||
              (f.end <= t.start && wordsIn(text, f.end, t.start) <= TOGETHER_GAP_WORDS))),
      ),
  );
}

/** The most words between a pair's start and the relative's cue ("she and her [older] sister both"). */
const PAIR_GAP_WORDS = 1;

/**
 * The cues with a together cue for each relative's cue that a pair's start and end stand around
 * ("Pt and her mother both", `CueLists.pairStarts`): from the start to the end, of the start's
 * category; the starts and ends themselves are no cues.
 */
function pairedUp(text: string, raw: readonly RawCue[]): RawCue[] {
  const out = raw.filter((c) => c.role.dir !== Dir.PairStart && c.role.dir !== Dir.PairEnd);
  const starts = raw.filter((c) => c.role.dir === Dir.PairStart);
  const ends = raw.filter((c) => c.role.dir === Dir.PairEnd);
  let added = false;
  for (const f of raw) {
    if (f.role.cat !== FAMILY || f.role.dir !== Dir.Forward) continue;
    const s = starts.find(
      (x) => x.end <= f.start && WORDS_ONLY.test(text.slice(x.end, f.start)) && wordsIn(text, x.end, f.start) <= PAIR_GAP_WORDS,
    );
    const e = s && ends.find((x) => x.start >= f.end && spacesOnly(text, f.end, x.start) && x.role.cat === s.role.cat);
    if (!s || !e) continue;
    out.push({ start: s.start, end: e.end, role: { cat: s.role.cat, dir: Dir.Forward, together: true, paired: true }, tight: false });
    added = true;
  }
  return added ? out.sort((x, y) => x.start - y.start) : out;
}

/** Letters, digits and spaces only: no stop or comma between a pair's start and its relative. */
const WORDS_ONLY = /^[\p{L}\p{N} \t]*$/u;

/** How many words text[from, to) holds. */
function wordsIn(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (isWordChar(text[i]!) && (i === from || !isWordChar(text[i - 1]!))) n++;
  return n;
}

/** The sentence around an index: [start, end). */
export function sentenceAt(a: Pick<NoteAnalysis, 'bounds' | 'text'>, index: number): [number, number] {
  const i = lowerBound(a.bounds, index);
  const start = i > 0 ? a.bounds[i - 1]! + 1 : 0;
  const end = i < a.bounds.length ? a.bounds[i]! : a.text.length;
  return [start, end];
}

function sectionAt(a: NoteAnalysis, index: number): number {
  let lo = 0;
  let hi = a.sectionStarts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a.sectionStarts[mid]! <= index) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? a.sectionCats[lo - 1]! : a.noteSection;
}

function isBoundary(text: string, i: number): boolean {
  const c = text[i]!;
  if (c === '\n' || c === '!' || c === '?' || c === ';') return true;
  if (c !== '.') return false;
  const next = text[i + 1];
  const prev = text[i - 1];
  // A period inside a number or a code (D51.0, 1.5) does not end a sentence.
  if (next !== undefined && /[0-9A-Za-z]/.test(next) && prev !== undefined && /[0-9A-Za-z]/.test(prev)) return false;
  return !initialBefore(text, i);
}

/**
 * Whether the period at `i` ends a capital's initial that a word in lower case follows, one space
 * apart: a genus written by its initial ("H. pylori gastritis", "E. coli", "C. diff"; a coder's
 * review, rev35, where "H." ended the sentence and cut the cause from a query's quote). Not a
 * word of two letters after it ("Vitamin D. pt to recheck"), nor a capital that ends a word ("IgA. pt").
 */
function initialBefore(text: string, i: number): boolean {
  if (i < 1 || !/[A-Z]/.test(text[i - 1]!) || (i >= 2 && /[0-9A-Za-z]/.test(text[i - 2]!))) return false;
  return text[i + 1] === ' ' && /^[a-z]{3}/.test(text.slice(i + 2, i + 5));
}

/** Sentences end at . ! ? ; or a line break (not a period inside D51.0 or 1.5), and after a heading's colon. */
export function sentenceBoundaries(text: string, extra: readonly number[] = []): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) if (isBoundary(text, i)) out.push(i);
  if (extra.length === 0) return out;
  return [...new Set([...out, ...extra])].sort((x, y) => x - y);
}

/** Whether the word before [start, end), or else the word after it, holds a letter in lower case. */
function besideLowerCase(text: string, start: number, end: number): boolean {
  let i = start - 1;
  while (i >= 0 && !isWordChar(text[i]!)) i--;
  let j = i;
  while (j >= 0 && isWordChar(text[j]!)) j--;
  if (i >= 0) return hasLowerCase(text.slice(j + 1, i + 1));
  let k = end;
  while (k < text.length && !isWordChar(text[k]!)) k++;
  let m = k;
  while (m < text.length && isWordChar(text[m]!)) m++;
  return hasLowerCase(text.slice(k, m));
}

function hasLowerCase(word: string): boolean {
  return word !== word.toUpperCase();
}

/** Where words of one kind stand in a note: sorted starts and ends. */
interface Spans {
  starts: number[];
  ends: number[];
}

/** A note's terminations (by the category they end, -1 for all), and its plans' reasons and conditions (by category). */
interface Ends {
  terminations: Map<number, Spans>;
  reasons: Map<number, Spans>;
  conditions: Map<number, Spans>;
  /** Each category's `openers` (CompiledContext's, shared). */
  openers: ReadonlyMap<number, readonly (readonly string[])[]>;
}

/** Whether a condition of the plan `c`'s category stands in its clause or begins its sentence (from `from`). */
function conditional(text: string, c: RawCue, from: number, limit: number, ends: Ends): boolean {
  const t = ends.conditions.get(c.role.cat);
  if (!t) return false;
  // The plan's clause (PLAN_CLAUSE), looked for within LIST_REACH characters (a condition further
  // on is no longer the plan's), so a note of one long sentence is read once per plan, not to its
  // end each time.
  const planEnd = clauseEnd(text, c.end, Math.min(limit, c.end + LIST_REACH), PLAN_CLAUSE);
  const next = t.starts[lowerBound(t.starts, c.end)];
  if (next !== undefined && next < planEnd) return true;
  const first = t.starts[lowerBound(t.starts, from)];
  return first !== undefined && first < c.start && spacesOnly(text, from, first);
}

/** Where the scope of a forward cue ends: its sentence's (from `from`) end (`limit`), a termination, its word window or its list's end. */
function forwardReach(text: string, c: RawCue, from: number, limit: number, ends: Ends, window: number): number {
  // A plan's reason ends its reach, unless a condition stands in the plan's own clause ("will start
  // IM B12 for pernicious anemia if IF antibody is positive") or begins its sentence ("If MMA is
  // elevated, will start IM B12 for B12 deficiency"); not one in a later clause ("..., recheck
  // level once loading complete").
  const reasons = c.role.plan && !conditional(text, c, from, limit, ends) ? ends.reasons.get(c.role.cat) : undefined;
  for (const t of [ends.terminations.get(-1), ends.terminations.get(c.role.cat), reasons]) {
    const next = t?.starts[lowerBound(t.starts, c.end)];
    if (next !== undefined && next < limit) limit = next;
  }
  const reach = Math.min(limit, wordsForward(text, c.end, limit, window));
  // A list of short items reaches to its end: "Denies fever, chills, night sweats, weight loss,
  // nausea, vomiting, diarrhea, melena, or hematochezia."
  return reach < limit && limit - c.end <= LIST_REACH && shortList(text, c.end, limit, c.role.list === true) ? limit : reach;
}

/** Where the scope of a backward cue starts: its sentence's start (`limit`), a termination, its word window or its clause's start. */
function backwardReach(text: string, c: RawCue, limit: number, ends: Ends, window: number): number {
  for (const t of [ends.terminations.get(-1), ends.terminations.get(c.role.cat)]) {
    if (!t) continue;
    const i = lowerBound(t.ends, c.start + 1) - 1;
    const prev = i >= 0 ? t.ends[i]! : -1;
    if (prev > limit && prev <= c.start) limit = prev;
  }
  const reach = wordsBackward(text, c.start, limit, window);
  // A backward scope also ends at a comma or bracket: "Anemia, B12 deficiency ruled out". A cue
  // that says the condition is current reaches over them ("diagnosed in 2015, on maintenance"). A
  // cue that is a clause of its own speaks of the clause before only as a denial, a past or a
  // doubt: "Acute blood loss anemia, resolved.", "B12 deficiency, likely." ("Vitamin B12
  // deficiency, discussed." is current).
  const name = CUE_CATEGORIES[c.role.cat];
  // An `alone:` cue of it speaks only as a later status (`laterStatus`): "now recurrent UTIs" is no
  // status of the anemia before it.
  if (name === 'current') return c.role.alone === true ? c.start : reach;
  const alone = name === 'negation' || name === 'historical' || name === 'uncertainty';
  // A clause an opener begins and the cue ends stands for the cue alone: read from the opener.
  const opened = alone ? openerAt(text, c.start, limit, ends.openers.get(c.role.cat)) : -1;
  // An alone-only cue may say how it will be settled: "pending confirmation with IF antibody".
  const end = c.role.alone === true ? tailEnd(text, c.end) : c.end;
  if (opened >= 0) return cueClauseStart(text, opened, end, wordsBackward(text, opened, limit, window), true);
  const start = cueClauseStart(text, c.start, end, reach, alone, name !== 'uncertainty', name === 'historical');
  // A cue that qualifies only alone, and is not: no scope ("Colonoscopy for hematochezia to confirm").
  return c.role.alone === true && start >= clauseStart(text, c.start, reach, CUE_CLAUSE) ? c.start : start;
}

/** Words after an alone-only cue that say how it will be settled ("pending confirmation with IF antibody", "by hematology"). */
const TAIL_LINKS = new Set(['with', 'by', 'via', 'through', 'using', 'per', 'at', 'on', 'after', 'once', 'when', 'from', 'in']);
/** How far such a tail may run, in characters. */
const TAIL_REACH = 160;

/**
 * Where the clause of an alone-only cue ending at `end` ends, when a tail link follows the cue
 * ("to be confirmed with repeat B12 and MMA"): at the first of CLAUSE_ENDS, a bracket, a spaced
 * dash or a column gap within TAIL_REACH characters; otherwise `end` itself.
 */
function tailEnd(text: string, end: number): number {
  const w = skipped(text, end, ' \t');
  const e = wordEnd(text, w);
  if (w === end || e === undefined || !TAIL_LINKS.has(text.slice(w, e).toLowerCase())) return end;
  const limit = Math.min(text.length, end + TAIL_REACH);
  for (let k = e; k < limit; k++) {
    const ch = text[k]!;
    if (CLAUSE_ENDS.includes(ch) || ch === '(' || ch === '\t' || (ch === ' ' && text[k + 1] === ' ')) return k;
    if ('-\u2013\u2014'.includes(ch) && text[k - 1] === ' ' && text[k + 1] === ' ') return k - 1;
  }
  return limit === text.length ? limit : end;
}

/** The most words a clause an opener begins may hold before its cue ("awaiting intrinsic factor antibody"). */
const OPENED_WORDS = 6;

/**
 * Where the opener begins that opens the clause of a backward cue at `from` ("awaiting" in
 * "Pernicious anemia, awaiting IF antibody to confirm"), or -1: the clause's first words are one
 * of `openers`, and at most OPENED_WORDS words stand before the cue. `limit`: the sentence's
 * start or a termination.
 */
function openerAt(text: string, from: number, limit: number, openers: readonly (readonly string[])[] | undefined): number {
  if (!openers) return -1;
  // Looked for within a word past the most the clause may hold: a long sentence is not scanned to
  // its start for each cue in it.
  const near = wordsBackward(text, from, limit, OPENED_WORDS + 1);
  const start = clauseStart(text, from, near, CUE_CLAUSE);
  if (start <= near) return -1;
  const words: string[] = [];
  let first = -1;
  for (let i = start; i < from;) {
    while (i < from && !isWordChar(text[i]!)) i++;
    if (i >= from) break;
    const w = i;
    while (i < from && isWordChar(text[i]!)) i++;
    if (first < 0) first = w;
    if (words.push(text.slice(w, i).toLowerCase()) > OPENED_WORDS) return -1;
  }
  return openers.some((o) => o.length <= words.length && o.every((w, k) => words[k] === w)) ? first : -1;
}

/** Where the word limit ends a forward scope: the start of the (n+1)th word after `from`. */
function wordsForward(text: string, from: number, limit: number, n: number): number {
  let words = 0;
  let inWord = false;
  for (let i = from; i < limit; i++) {
    const w = isWordChar(text[i]!);
    if (w && !inWord) {
      if (words === n) return i;
      words++;
    }
    inWord = w;
  }
  return limit;
}

/** How far (in characters) a cue's list may run past its word window. */
const LIST_REACH = 400;
/** The most words an item of a list has ("night sweats", "bright red blood"). */
const LIST_ITEM_WORDS = 3;

/**
 * Whether text[from, to) is a list of short items and nothing else: items of one to
 * LIST_ITEM_WORDS words with no digit, between commas, the last one joined by "or", "and" or
 * "nor" ("Denies fever, chills, ..., melena, or hematochezia"; "..., syncope or bleeding"), or
 * not (`unjoined`: after a cue that governs a list whole, "Denies fever, chills, melena, hematochezia").
 */
function shortList(text: string, from: number, to: number, unjoined: boolean): boolean {
  let items = 0;
  let words = 0;
  let joined = false;
  // Bare names only, as a list no "or" ends must hold to reach past its window (`unjoined`).
  let bare = true;
  for (let i = from; i < to;) {
    const c = text[i]!;
    if (c === ',') {
      if (words > 0) items++;
      words = 0;
      joined = false;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else {
      // A word, read to the next space or comma: no digit in it, and no more than an item holds.
      let j = i;
      for (; j < to && !LIST_BREAKS.includes(text[j]!); j++) if (text[j]! >= '0' && text[j]! <= '9') return false;
      const w = text.slice(i, j);
      // A sign marks an item found, not denied: "..., dysuria, + melena".
      if (!LIST_WORD.test(w)) return false;
      // So does a word that states it, or a third word, in a list no "or" ends: "..., positive
      // melena", "..., melena present", "..., occasional melena", "..., melena on Xarelto" (reviews).
      if (FOUND_WORDS.has(w.toLowerCase()) || words >= UNJOINED_ITEM_WORDS) bare = false;
      // "or", "and" and "nor" begin the last item: "..., intrinsic factor antibodies and parietal cell antibodies".
      if (w === 'or' || w === 'and' || w === 'nor') {
        joined = true;
        if (words > 0) items++;
        words = 0;
      } else if (++words > LIST_ITEM_WORDS) return false;
      i = j;
    }
  }
  if (words > 0) items++;
  // The list ends as a list does: "..., melena, or hematochezia" (not "..., endorses melena").
  return items >= 2 && (joined || (unjoined && bare));
}

function isUpper(c: string): boolean {
  return c !== c.toLowerCase();
}

/**
 * Where the line of a cue that ends it with a colon ends (its line break; "the following" may
 * come between), where the cue begins its line or sentence, or follows its subject ("Patient denies:") or a
 * heading's colon ("Constitutional: Denies:"): not "Prior authorization denied:".
 */
function colonEndsLine(text: string, cueStart: number, cueEnd: number): number | undefined {
  let i = cueEnd;
  while (text[i] === ' ' || text[i] === '\t') i++;
  // "Patient denies the following:", "Negative for the following:".
  if (FOLLOWING.test(text.slice(i, i + 14))) i = skipped(text, i + 13, ' \t');
  if (text[i] === ':') i++;
  else if (text[cueEnd - 1] !== ':') return undefined;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\r') i++;
  if (text[i] !== '\n') return undefined;
  const b = beforeSpaces(text, cueStart);
  // After a heading's colon, a cue written as the next heading: "Constitutional: Denies:", not "Insurance: denied:".
  if (b < 0 || text[b] === '\n' || text[b] === '.' || (text[b] === ':' && isUpper(text[cueStart]!))) return i;
  let w = b;
  while (w >= 0 && isWordChar(text[w]!)) w--;
  if (!SUBJECTS.has(text.slice(w + 1, b + 1).toLowerCase())) return undefined;
  w = beforeSpaces(text, w + 1);
  return w < 0 || text[w] === '\n' ? i : undefined;
}

/** The words that may stand before a cue that governs the next line ("Patient denies:"; not "Initially denied:", "Insurance denied:"). */
const SUBJECTS: ReadonlySet<string> = new Set(['patient', 'pt', 'she', 'he']);

const FOLLOWING = /^the following\b/i;

/**
 * Where the scope of a cue that ends its line with a colon (at `nl`) ends: the end of the next
 * line's sentence, where that sentence is a list of short items, within LIST_REACH characters
 * ("Negative for:\nChest pain, melena or hematochezia."); else the line break. Not the items on
 * the lines under it, bulleted or not ("Denies:\n- nausea\n- melena"): five reviews found too many
 * ways in which such lines go on with what is not denied, with no blank line between ("-
 * Pertinent positives", "- Encounter Diagnoses", "- metformin side effects", "- melena - see HPI").
 */
function nextLineList(a: Pick<NoteAnalysis, 'bounds' | 'text'>, nl: number): number {
  const end = sentenceAt(a, nl + 1)[1];
  return end - nl <= LIST_REACH && shortList(a.text, nl + 1, end, true) ? end : nl;
}

/** A word an item of a list may hold: letters, with an apostrophe, slash, dot or hyphen ("n/v", "pt."). */
const LIST_WORD = /^[\p{L}'\u2019/.-]+$/u;
/**
 * Words that state an item found, not denied, where a denial's list runs past its window with no
 * "or" to end it: "Denies fever, ..., positive melena", "..., melena present", "..., with melena"
 * (a review).
 */
/** The most words an item of a list no "or" ends holds ("night sweats", "abdominal pain"). */
const UNJOINED_ITEM_WORDS = 2;

const FOUND_WORDS: ReadonlySet<string> = new Set([
  'positive',
  'present',
  'yes',
  'with',
  'having',
  'has',
  'had',
  'states',
  'noted',
  'notes',
  'reports',
  'endorses',
  'admits',
  'ongoing',
  'stable',
  'since',
  'new',
  'worse',
  'worsening',
  'persistent',
  'continues',
  'continued',
  'recurrent',
  'occasional',
  'intermittent',
  'recent',
  'some',
  'mild',
  'moderate',
  'severe',
  'still',
  'describes',
  'reported',
  'yesterday',
  'today',
  'per',
  'episodes',
]);

/** What ends a word of a list. */
const LIST_BREAKS = ' \t\n\r,';

/** Where the word limit ends a backward scope: the start of the nth word before `from`. */
function wordsBackward(text: string, from: number, limit: number, n: number): number {
  let words = 0;
  let inWord = false;
  let start = from;
  for (let i = from - 1; i >= limit; i--) {
    const w = isWordChar(text[i]!);
    if (w) start = i;
    if (!w && inWord) {
      words++;
      if (words === n) return start;
    }
    inWord = w;
  }
  return limit;
}

/**
 * The start of the clause a backward cue at [from, end) stands in: after the last comma, bracket,
 * spaced dash or column gap ("Hematochezia: denies" keeps its colon). Where `alone` allows it, a
 * cue that is a clause of its own, with nothing else in it, speaks of the clause before when that
 * clause names a condition and nothing else (bareClause): "Acute blood loss anemia, resolved.",
 * "Hemoccult, negative"; "B12 deficiency anemia, likely dietary" is no such clause.
 */
function cueClauseStart(text: string, from: number, end: number, limit: number, alone: boolean, dated = false, reasons = false): number {
  const start = clauseStart(text, from, limit, CUE_CLAUSE);
  if (!alone || start <= limit || !spacesOnly(text, start, from)) return start;
  // Nothing but the clause's end, or a template's next column, follows the cue: "Melena  none
  // Hematochezia  none".
  // In a template's column, a word or two may follow the cue: "Bleeding    None reported".
  const column = text[start - 1] === '\t' || (text[start - 1] === ' ' && text[start - 2] === ' ');
  // A stop or a denial may give its date ("- DISCONTINUED 3/2026", "ruled out 2024"), not a doubt
  // ("Pernicious anemia - suspected 2019, IF ab positive 3/2020" is the work-up's history); a stop
  // its reason or agent too ("- discontinued 3/2026 due to diarrhea"), not a denial ("Iron
  // deficiency anemia, denied by BCBS for IV iron" is a payer's).
  const after = dated ? pastDate(text, end) : end;
  if (!columnEndsAfter(text, after, column ? 2 : 0) && !(reasons && reasonFollows(text, after))) return start;
  // The clause before, its stop and the white space after that stop aside ("blood #1   Negative").
  let stop = start - 1;
  while (stop > limit && (text[stop - 1] === ' ' || text[stop - 1] === '\t')) stop--;
  const before = clauseStart(text, stop, limit, CUE_CLAUSE);
  return bareClause(text, before, stop) ? before : start;
}

/** The most words of the clause a status cue speaks of ("Acute blood loss anemia following surgery on 3/14"). */
const STATUS_CLAUSE_WORDS = 12;
/** The most words that may stand before the condition heading that clause ("Postoperative acute ..."). */
const HEAD_WORDS = 2;

/**
 * Where a mention that heads the clause before a status cue at [from, end) may start, when the
 * cue is a clause of its own ("Acute blood loss anemia following surgery, resolved."): from the
 * clause's start, over at most HEAD_WORDS words that are no link ("Colonoscopy for hematochezia,
 * resolved" heads with the colonoscopy); undefined where the cue is no clause of its own or the
 * clause before runs over STATUS_CLAUSE_WORDS words. `limit`: the sentence's start.
 */
function statusHead(text: string, from: number, end: number, limit: number): [number, number] | undefined {
  const start = clauseStart(text, from, limit, CUE_CLAUSE);
  if (start <= limit || !spacesOnly(text, start, from) || !statusEndsClause(text, end)) return undefined;
  let stop = start - 1;
  while (stop > limit && (text[stop - 1] === ' ' || text[stop - 1] === '\t')) stop--;
  const before = clauseStart(text, stop, limit, CUE_CLAUSE);
  let headFrom = -1;
  let headTo = -1;
  let words = 0;
  let linked = false;
  for (let i = before; i < stop;) {
    while (i < stop && !isWordChar(text[i]!)) i++;
    if (i >= stop) break;
    const w = i;
    while (i < stop && isWordChar(text[i]!)) i++;
    if (++words > STATUS_CLAUSE_WORDS) return undefined;
    if (headFrom < 0) headFrom = w;
    if (!linked && words <= HEAD_WORDS + 1) {
      if (ITEM_LINKS.has(text.slice(w, i).toLowerCase())) linked = true;
      else headTo = w;
    }
  }
  return headFrom < 0 ? undefined : [headFrom, headTo];
}

/** A date or a year, "in" or "on" it, right after a cue: "Metformin 1000 mg BID - discontinued 3/2026". */
const DATE_AFTER = new RegExp(`^[ \\t]+(?:(?:in|on)[ \\t]+)?${DATE_OR_YEAR}(?![\\p{L}\\p{N}_/])`, 'iu');

/** Where a cue ending at `end` ends, with the date written right after it (DATE_AFTER), if any. */
function pastDate(text: string, end: number): number {
  const m = DATE_AFTER.exec(text.slice(end, end + 40));
  return m ? end + m[0].length : end;
}

/**
 * The words that give a stop's reason or agent, after the cue (and its date): what follows them,
 * a few words to the clause's end, belongs to the cue ("- discontinued 3/2026 due to diarrhea").
 */
const REASONS = /^[ \t]+(?:due to|secondary to|because of|by)[ \t]/i;

/** The most words of a reason or an agent after a cue ("due to diarrhea", "by nephrology"). */
const REASON_WORDS = 4;

/**
 * Whether a reason or an agent (REASONS) of at most REASON_WORDS words, and nothing else, follows
 * a cue that ends at `end`: not "resolved by transfusion but Hgb down again to 7.9 today".
 */
function reasonFollows(text: string, end: number): boolean {
  const m = REASONS.exec(text.slice(end, end + 20));
  return m !== null && columnEndsAfter(text, end + m[0].length - 1, REASON_WORDS);
}

/**
 * Whether a cue is a status of its own clause: it begins the clause, and the clause ends after it,
 * or goes on with a link or a date ("now recurrent with ferritin 6"; not "now recurrent UTIs").
 */
function laterStatus(text: string, c: Cue, limit: number): boolean {
  const start = clauseStart(text, c.start, limit, CUE_CLAUSE);
  if (start <= limit || !spacesOnly(text, start, c.start)) return false;
  const after = pastDate(text, c.end);
  if (after > c.end || columnEndsAfter(text, after, 0)) return true;
  const next = skipped(text, c.end, ' ');
  const word = next > c.end ? wordEnd(text, next) : undefined;
  return word !== undefined && ITEM_LINKS.has(text.slice(next, word).toLowerCase());
}

/** The most words a means may take after a status cue ("then in pt in 2021 by EGD with duodenal biopsies"). */
const MEANS_WORDS = 4;
/** The word that begins a means ("by EGD bx"), as REASONS reads one. Not "per" ("resolved per pt, though ferritin today 8" is a claim). */
const MEANS = /^ +by /i;

/**
 * Whether a status cue ending at `cueEnd` ends its clause: nothing after it but its date, or the
 * means it came about by, at most MEANS_WORDS words ("..., then in pt in 2021 by EGD bx",
 * "Anemia, resolved by transfusion 10/2026").
 */
function statusEndsClause(text: string, cueEnd: number): boolean {
  const end = pastDate(text, cueEnd);
  if (columnEndsAfter(text, end, 0)) return true;
  const means = MEANS.exec(text.slice(end, end + 20));
  if (!means) return false;
  // The means' words, a date after them too ("resolved by transfusion 10/2026").
  for (let i = end + means[0].length - 1, w = 0; w <= MEANS_WORDS; w++) {
    if (columnEndsAfter(text, pastDate(text, i), 0)) return true;
    const next = skipped(text, i, ' \t');
    const after = next > i ? wordEnd(text, next) : undefined;
    if (after === undefined) return false;
    i = after;
  }
  return false;
}

/**
 * Whether text[from, to) names a condition and nothing else: at most five words, no link
 * ("Rectal bleeding on Xarelto, discontinued" stops the drug; "Colonoscopy for hematochezia,
 * negative" is the test's result).
 */
function bareClause(text: string, from: number, to: number): boolean {
  const words = text.slice(from, to).trim().toLowerCase().split(/\s+/);
  return words.length <= 5 && !words.some((w) => ITEM_LINKS.has(w) || w === 'while');
}

/**
 * Whether nothing but up to `words` words stands between `i` and the clause's end (a spaced dash
 * among them), a template's next column (a tab or a run of spaces) or the text's end.
 */
function columnEndsAfter(text: string, i: number, words: number): boolean {
  for (let w = 0; ; w++) {
    const gap = text[i] === '\t' || (text[i] === ' ' && text[i + 1] === ' ');
    const next = skipped(text, i, ' \t');
    // A spaced dash ends a clause too: "Acute blood loss anemia, resolved - Hgb 12.9 today".
    const dash = next > i && '-\u2013\u2014'.includes(text[next]!) && text[next + 1] === ' ';
    // So does an aside in brackets: "Pernicious anemia - r/o (IF ab pending)", "resolved (Hgb 13.1)".
    if (gap || dash || next >= text.length || CLAUSE_ENDS.includes(text[next]!) || text[next] === '(') return true;
    if (w === words) return false;
    i = next;
    while (i < text.length && isWordChar(text[i]!)) i++;
    if (i === next) return false;
  }
}

/**
 * Each minus sign a review of systems writes against an item of a line whose items take signs:
 * "ROS: +fatigue, +DOE, -CP, -melena, -hematochezia" (a coder's review). A "-" right before a
 * letter, at the line's start or after a space, comma, colon or bracket, on a line where a "+"
 * right before a letter came first. Not a bullet ("-Melena x2 days" on a line of no signs), a word's
 * hyphen ("B-12", "non-tarry") or a number's sign. One pass over the text.
 */
function minusSigns(text: string, each: (index: number) => void): void {
  let signs = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n' || c === '\r') signs = false;
    else if (c === '+' && isLetter(text[i + 1])) signs = true;
    else if (c === '-' && signs && isLetter(text[i + 1]) && (i === 0 || ' \t,:(;'.includes(text[i - 1]!))) each(i);
  }
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && /\p{L}/u.test(c);
}

/** What ends a clause after a cue that is a clause of its own. */
const CLAUSE_ENDS = '.,;:)\n\r!?';

/** Words that link an item's head to what it is about: "Etiology of", "Transfusion for" (not "in": "Blood in stool" is one item). */
const ITEM_LINKS = new Set([
  'of',
  'for',
  'to',
  'from',
  'with',
  'on',
  'at',
  'after',
  'since',
  'due',
  'secondary',
  'because',
  'about',
  'regarding',
  'per',
  'by',
  'than',
]);
/** The most words a template's item has. */
const ITEM_WORDS = 7;
/** The most words an item that asks about one thing has ("Blood in stool"). */
const ITEM_SHORT = 4;

/**
 * Where the template's item before a colon at `end` starts (back to the line's, clause's or
 * previous item's end, and not before `floor`), or -1 where the words there are no item: at most
 * ITEM_WORDS words, none of them a link.
 */
function itemStart(text: string, end: number, floor: number): number {
  let words = 0;
  let wordEndAt = -1;
  let joined = false;
  // An item of more than ITEM_SHORT words asks about several things ("Any blood in stool or black
  // stools"): it holds "or" or "and".
  const found = (at: number): number => (words > 0 && (words <= ITEM_SHORT || joined) ? at : -1);
  for (let k = end - 1; k >= floor && end - k <= 80; k--) {
    const c = text[k]!;
    // A spaced dash, a run of spaces or a tab ends an item: "Upper GI bleed - PRBC transfusion: no",
    // "B12 deficiency   Numbness or tingling: no" (a template's columns).
    const spacedDash = c === '-' && text[k - 1] === ' ' && text[k + 1] === ' ';
    const gap = c === ' ' && text[k - 1] === ' ';
    const inWord = !spacedDash && (isWordChar(c) || c === "'" || c === '-' || c === '/');
    if (inWord && wordEndAt < 0) wordEndAt = k + 1;
    if (!inWord || k === floor) {
      if (wordEndAt >= 0) {
        const word = text.slice(inWord ? k : k + 1, wordEndAt).toLowerCase();
        if (ITEM_LINKS.has(word) || ++words > ITEM_WORDS) return -1;
        if (word === 'or' || word === 'and' || word === 'nor') joined = true;
        wordEndAt = -1;
      }
      if ('\n\r,;.:?!()[]\u2013\u2014'.includes(c) || c === '\t' || spacedDash || gap) return found(k + 1);
    }
  }
  return end <= 80 || floor > end - 80 ? found(floor) : -1;
}

/** Whether a template's next item starts at `at`: a few words (no more than ITEM_WORDS) and a colon ("Hematochezia: no"). */
function itemAt(text: string, at: number): boolean {
  return itemMarkAt(text, at, ':') >= 0;
}

/**
 * Where a template's item that starts at `at` ends in its mark ("Hematochezia?", "Blood in stool:"):
 * the mark's index after one to ITEM_WORDS words, within 60 characters; -1 for none.
 */
function itemMarkAt(text: string, at: number, mark: string): number {
  let words = 0;
  let inWord = false;
  for (let k = at; k < text.length && k - at < 60; k++) {
    const c = text[k]!;
    if (c === mark) return words > 0 ? k : -1;
    if (isWordChar(c) || c === "'" || c === '/' || c === '-') {
      if (!inWord && isWordChar(c) && ++words > ITEM_WORDS) return -1;
      inWord = true;
    } else if (c === ' ' || c === '\t') inWord = false;
    else return -1;
  }
  return -1;
}

/** Whether the word before `i` ends on its line, spaces and tabs between ("Fever (-)"). */
function wordBeforeOnLine(text: string, i: number): boolean {
  const k = beforeSpaces(text, i);
  return k >= 0 && k < i - 1 && isWordChar(text[k]!);
}

/** Whether the line that ends at `lineEnd` ends in a box or sign ("[x]", "[ ]", "☑", "( )", "(x)", "(+)", "(-)"), spaces aside. */
function endsInBox(text: string, lineEnd: number): boolean {
  let k = lineEnd - 1;
  while (k >= 0 && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k--;
  if (k >= 2 && text[k] === ')' && text[k - 2] === '(') return ' xX+-'.includes(text[k - 1]!);
  return k >= 0 && ']☐☑☒'.includes(text[k]!);
}

/** The most characters, and words, an item after a box holds ("[ ] Abnormal vaginal bleeding"). */
const BOXED_ITEM = 60;
const BOXED_WORDS = 3;

/**
 * Where the item after a box or sign (at `from`) ends: at a comma, semicolon, full stop or the
 * line's end (`lineEnd`), the next box or sign ("[ ] Melena [ ] Hematochezia", "(-) melena (+)
 * constipation"), or after BOXED_ITEM characters.
 */
function boxedItemEnd(text: string, from: number, lineEnd: number): number {
  const limit = Math.min(lineEnd, from + BOXED_ITEM);
  let words = 0;
  for (let k = from; k < limit; k++) {
    const c = text[k]!;
    // A column gap, a spaced dash or a bracket begins what the template's box does not hold: "[ ]
    // Normal   Melena x 1 week", "[ ] Deferred - melena per HPI" (a review).
    if (c === ',' || c === ';' || c === '.' || c === '\t' || c === '+' || c === '(') return k;
    if (c === ' ' && (text[k + 1] === ' ' || (text[k + 1] === '-' && text[k + 2] === ' '))) return k;
    // At most BOXED_WORDS words: "[ ] Fever/chills melena x3 days" is no one item.
    if (isWordChar(c) && (k === from || !isWordChar(text[k - 1]!)) && ++words > BOXED_WORDS) return k;
    if (
      (c === '[' || c === '(' || c === '\u2610' || c === '\u2611' || c === '\u2612') &&
      (boxAt(text, k) || SIGN_BOX.test(text.slice(k, k + 3)))
    )
      return k;
  }
  return limit;
}

/** A sign written as a box: "(-)", "(+)". */
const SIGN_BOX = /^\([-+]\)$/;

/** [start, end) pairs sorted by their start. */
function pairsInOrder(pairs: readonly number[]): number[] {
  const list: [number, number][] = [];
  for (let k = 0; k < pairs.length; k += 2) list.push([pairs[k]!, pairs[k + 1]!]);
  return list.sort((x, y) => x[0] - y[0]).flat();
}

/** Whether `at` falls in one of the rows ([start, end) pairs, in order, apart): the last that starts at or before it, found by halving. */
function inRows(rows: readonly number[], at: number): boolean {
  // The pairs' starts, by pair: the first pair that starts after `at`, then the one before it.
  const pairs = rows.length / 2;
  let lo = 0;
  let hi = pairs;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[2 * mid]! > at) hi = mid;
    else lo = mid + 1;
  }
  return lo > 0 && at < rows[2 * (lo - 1) + 1]!;
}

/** The most choices a row of boxes offers ("[ ] Yes [x] No [ ] Unknown"). */
const BOX_CHOICES = 4;

/**
 * The box of a checklist at `i`, ticked or not: "[x]", "[X]", "(x)", "[✓]", "☑", "☒"; "[ ]", "( )",
 * "[]", "☐". Undefined where none begins.
 */
function boxAt(text: string, i: number): { ticked: boolean; end: number } | undefined {
  const c = text[i];
  if (c === '☐') return { ticked: false, end: i + 1 };
  if (c === '☑' || c === '☒') return { ticked: true, end: i + 1 };
  if (c !== '[' && c !== '(') return undefined;
  const close = c === '[' ? ']' : ')';
  if (c === '[' && text[i + 1] === ']') return { ticked: false, end: i + 2 };
  if (text[i + 2] !== close) return undefined;
  const m = text[i + 1]!;
  if (m === ' ') return { ticked: false, end: i + 3 };
  return 'xX\u2713\u2714'.includes(m) ? { ticked: true, end: i + 3 } : undefined;
}

/**
 * Whether a list's item begins at `from`: after a comma, a semicolon or a line's start (spaces
 * between); or, as a row's item, after a sentence's period or a colon too: "Fever no. Melena no.",
 * "GI: melena no.".
 */
function itemBegins(text: string, from: number, ends = ITEM_ENDS): boolean {
  const k = beforeSpaces(text, from);
  return k < 0 || ends.includes(text[k]!);
}

/** Whether a bullet at a line's start ("- ", "* ", "• ") begins the item at `from`: "- Melena no". */
function bulletBegins(text: string, from: number): boolean {
  const k = beforeSpaces(text, from);
  if (k < 0 || !BULLETS.includes(text[k]!) || k === from - 1) return false;
  const b = beforeSpaces(text, k);
  return b < 0 || text[b] === '\n' || text[b] === '\r';
}

/** How far back a bulleted list's heading is looked for, in characters. */
const LIST_HEAD_REACH = 2000;

/**
 * Whether the line that heads the bulleted list holding `from` (the first line before it that is
 * no bullet, within LIST_HEAD_REACH characters) asks a question: it ends in "?".
 */
function questionHeadsList(text: string, from: number): boolean {
  const floor = Math.max(0, from - LIST_HEAD_REACH);
  // The line start before `i` (after a line feed or a carriage return), not looked for below the
  // floor: a long line before a list is never scanned whole for each of its items.
  const lineStartBefore = (i: number): number => {
    let k = i;
    while (k > floor && text[k - 1] !== '\n' && text[k - 1] !== '\r') k--;
    return k;
  };
  let lineStart = lineStartBefore(from);
  while (lineStart > floor) {
    const prevEnd = lineStart - 1;
    const prevStart = lineStartBefore(prevEnd);
    // A line cut at the floor is no heading read whole: not known to ask nothing.
    if (prevStart === floor && floor > 0) return true;
    const line = text.slice(prevStart, prevEnd).trim();
    if (line !== '' && !BULLETS.includes(line[0]!)) return line.endsWith('?');
    lineStart = prevStart;
  }
  // No heading within reach (a list longer than that, or the note's start): a heading is found
  // only at the note's start; otherwise the answer is not read, as under a question.
  return floor > 0;
}

/** Characters that bullet a list's item at a line's start. */
const BULLETS = '-*\u2022\u2013\u25aa\u25e6';

/** What ends a list's item before the next one, and a row's item ("Fever no. GI: melena no"). */
const ITEM_ENDS = ',;\n\r';
const ROW_ITEM_ENDS = ',;.:\n\r';

/** After an item's denial, what it may go on with ("none since 2024"), and a number after "No." ("no. 180"). */
const SINCE = /^since\b/i;
const NUMBER_NEXT = /^\s*\d/;
/** A number of hours, days, weeks, months or years: a sentence's beginning after "No." ("no. 3 weeks of fatigue"). */
const DURATION_NEXT = /^\s*\d+(?:\s*-\s*\d+)?\s*(?:h|hrs?|hours?|d|days?|wks?|weeks?|mos?|months?|yrs?|years?)\b(?!\s*suppl)/i;

/** Whether a cue at [from, to) begins a list's item that holds the mention at `start` ("..., possible melena"). */
function beginsOwnItem(text: string, from: number, to: number, start: number): boolean {
  return itemBegins(text, from) && !LIST_GOES_ON.test(text.slice(to, start));
}

/**
 * What may follow a result stated by a term's last word, in its item: a count or a day ("x2 at
 * PCP", "today"). Not a place or a source alone: "hemoccult positive at any prior visit",
 * "guaiac positive by history" are things a denial's list denies (a review's probes).
 */
const RESULT_TAIL = /^\s*(?:[.!]?\s*$|[x\u00d7]?\s*\d|(?:times|twice|today|yesterday)\b)/i;

/** More items after a list's item, to its sentence's end: a comma, a semicolon, "or", "and", "nor". */
const LIST_GOES_ON = /[,;]|\b(?:or|and|nor)\b/i;

/** Words one space or one hyphen apart: a joined cue as it must be written. */
const ONE_PHRASE = /^[^\s-]+(?:[ -][^\s-]+)*$/;

/** An answer that affirms ("yes", "+"): no category's. */
const AFFIRMING = -1;

/** The category of an answer that leaves the question open. */
const UNCERTAIN = CUE_CATEGORIES.indexOf('uncertainty');

/** The answers after an item's words that change a mention read as affirmed, and one read as denied. */
const DOUBTS: readonly number[] = [NEGATION, UNCERTAIN];
const DENIALS: readonly number[] = [NEGATION];
const ANSWERED: readonly number[] = [AFFIRMING, UNCERTAIN];

/** "+/-": an answer that leaves the question open. */
const EQUIVOCAL = Symbol('equivocal');

/** The first place from `i` that is none of `chars`. */
/** The index of the last character before `i` that is no space or tab (-1 where there is none). */
function beforeSpaces(text: string, i: number): number {
  let k = i - 1;
  while (k >= 0 && (text[k] === ' ' || text[k] === '\t')) k--;
  return k;
}

function skipped(text: string, i: number, chars: string): number {
  while (i < text.length && chars.includes(text[i]!)) i++;
  return i;
}

/** The end of the word (at most 16 characters) at `i`, or undefined where no such word begins. */
function wordEnd(text: string, i: number): number | undefined {
  let j = i;
  while (j < text.length && j - i < 16 && isWordChar(text[j]!)) j++;
  return j === i || (j < text.length && isWordChar(text[j]!)) ? undefined : j;
}
