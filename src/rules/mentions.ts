/**
 * Mention maps: which words in a note stand for which codes (`mentions:` in a ruleset). Used to
 * tie a note's wording to a coded diagnosis (an uncertainty cue qualifying it) and to find a
 * documented cause that has a code of its own. One pattern per map, longest terms first, so
 * "sleeve gastrectomy" is one mention and not also "gastrectomy".
 */
import { anyWithin, clauseBounds } from './clauses.js';
import type { CodeMatcher } from './codes.js';
import type { Assertion, CompiledContext } from './context.js';
import { TermMatcher, type TermFinder, type TermHit } from './terms.js';
import { foldCase, withinLimits } from './words.js';

export interface MentionEntry {
  codes: CodeMatcher;
  /** The codes as written for messages: a prefix pattern in the ICD-10-CM form (K50.* as K50.-). */
  codeText: string;
  /** A sentence the messages add about this entry. */
  note?: string;
  name?: string;
  terms: readonly string[];
  /** The assertions that count for this entry (a past surgery is a current status: historical counts). */
  assertions?: ReadonlySet<Assertion>;
  /** Words that, in a mention's clause, make it no mention of this entry ("scheduled": no status yet). */
  apart?: TermFinder;
  /** Words one of which a mention's sentence must name ("PA" is pernicious anemia only beside B12). */
  near?: TermFinder;
}

/** Whether a mention of an entry's term stands for the entry: its `apart` and `near` words allow it. */
function entryKeeps(entry: MentionEntry, text: string, section: string, hit: TermHit): boolean {
  if (entry.near && !sentenceStarts(entry.near.find(text, section)).has(hit.sentence[0])) return false;
  if (!entry.apart) return true;
  const [from, to] = clauseBounds(text, hit.sentence, hit.index, hit.index + hit.length);
  return !anyWithin(entry.apart.find(text, section), from, to);
}

/** The sentences (by start) a list's mentions stand in, made once per list of mentions (a memo's, kept while it is). */
const STARTS = new WeakMap<readonly TermHit[], ReadonlySet<number>>();

function sentenceStarts(hits: readonly TermHit[]): ReadonlySet<number> {
  let starts = STARTS.get(hits);
  if (!starts) STARTS.set(hits, (starts = new Set(hits.map((h) => h.sentence[0]))));
  return starts;
}

export interface MentionHit {
  entry: MentionEntry;
  hit: TermHit;
}

export class MentionMap {
  private readonly matcher: TermMatcher;
  private readonly byTerm = new Map<string, MentionEntry>();
  private readonly perDiagnosis = new Map<string, TermFinder>();
  private readonly perCode = new Map<string, TermMatcher | undefined>();
  private readonly byDiagnosis = new WeakMap<object, TermFinder>();

  /** Whether an entry has `apart` or `near` words: only then are a diagnosis's mentions looked over. */
  private readonly filtered: boolean;

  constructor(
    readonly entries: readonly MentionEntry[],
    private readonly context: CompiledContext,
  ) {
    this.filtered = entries.some((e) => e.apart !== undefined || e.near !== undefined);
    for (const e of entries) {
      for (const t of e.terms) if (!this.byTerm.has(key(t))) this.byTerm.set(key(t), e);
    }
    this.matcher = new TermMatcher(
      entries.flatMap((e) => e.terms),
      context,
    );
  }

  /** Every mention in the text, with the entry it stands for (not one its entry's `apart` or `near` words set aside). */
  find(text: string, section = ''): MentionHit[] {
    const out: MentionHit[] = [];
    for (const hit of this.matcher.find(text, section)) {
      const entry = this.byTerm.get(key(hit.term));
      if (entry && entryKeeps(entry, text, section, hit)) out.push({ entry, hit });
    }
    return out;
  }

  /** Whether a mention found with a diagnosis's words stands (a term of an entry whose words set it aside does not). */
  private readonly keeps = (text: string, section: string, hit: TermHit): boolean => {
    const entry = this.byTerm.get(key(hit.term));
    return !entry || entryKeeps(entry, text, section, hit);
  };

  /**
   * The words that mention one diagnosis: the map's terms for its code, its description and its
   * code as written (D51.0, D510), found as one list finds them, made once per code and
   * description (DiagnosisWords).
   */
  matcherForDiagnosis(d: { code: string; codeText: string; description?: string }): TermFinder {
    // The chart's diagnosis object first: several rules ask for the same diagnosis, and the key
    // below is a new string each time.
    const known = this.byDiagnosis.get(d);
    if (known) return known;
    const found = this.matcherForWords(d);
    this.byDiagnosis.set(d, found);
    return found;
  }

  private matcherForWords(d: { code: string; codeText: string; description?: string }): TermFinder {
    const k = `${d.code}\u0000${d.codeText}\u0000${d.description ?? ''}`;
    let m = this.perDiagnosis.get(k);
    if (!m) {
      // The chart's own words within the limits of a phrase (beyond them: a chart-format warning, data-quality.ts).
      const own = chartWords(d);
      const mapped = this.termsForCode(d.code);
      if (this.perDiagnosis.size >= 1024) this.perDiagnosis.clear();
      m = new DiagnosisWords(
        new TermMatcher(own, this.context),
        mapped,
        () => {
          const words = new Set<string>(own);
          for (const t of mapped?.terms ?? []) words.add(t);
          return new TermMatcher([...words].filter(Boolean), this.context);
        },
        this.filtered ? this.keeps : undefined,
      );
      this.perDiagnosis.set(k, m);
    }
    return m;
  }

  /** The map's terms for a code, as one matcher (none when no entry has the code), made once per code. */
  private termsForCode(code: string): TermMatcher | undefined {
    if (this.perCode.has(code)) return this.perCode.get(code);
    const words = new Set<string>();
    for (const e of this.entries) if (e.codes.matchesDiagnosis(code)) for (const t of e.terms) words.add(t);
    const terms = [...words].filter(Boolean);
    const m = terms.length > 0 ? new TermMatcher(terms, this.context) : undefined;
    if (this.perCode.size >= 1024) this.perCode.clear();
    this.perCode.set(code, m);
    return m;
  }
}

/**
 * A diagnosis's words: its own (code, description) and its map's terms for its code, found as the
 * one list of both would find them. Most notes mention neither, or one only: where one of the two
 * lists has no mention in a note, the one list's mentions are the other's (a mention of the one
 * list is a whole-word match of one of its phrases, so of one of the two lists; a list with no
 * match has no phrase that matches anywhere, and the others keep their order). Only a note that
 * holds mentions of both is searched with the one list, made then. The map's terms are so made
 * once per code: each distinct description made a list of all of them (a user map of a thousand
 * terms over a thousand distinct descriptions took 15 s and 550 MB).
 */
class DiagnosisWords implements TermFinder {
  private both: TermMatcher | undefined;

  constructor(
    private readonly own: TermMatcher,
    private readonly mapped: TermMatcher | undefined,
    private readonly makeBoth: () => TermMatcher,
    /** Which mentions stand, where an entry of the map sets some aside (MentionMap.keeps). */
    private readonly keeps?: (text: string, section: string, hit: TermHit) => boolean,
  ) {}

  find(text: string, section = ''): readonly TermHit[] {
    const own = this.own.find(text, section);
    if (!this.mapped) return own;
    const mapped = this.mapped.find(text, section);
    if (mapped.length === 0) return own;
    const hits = own.length === 0 ? mapped : (this.both ??= this.makeBoth()).find(text, section);
    const keeps = this.keeps;
    if (!keeps) return hits;
    // Looked over once per list of mentions (the matchers' memo gives the same list for the same
    // note): many rules ask for one diagnosis's mentions in the same notes.
    let kept = KEPT.get(hits);
    if (!kept) {
      const all = hits.filter((h) => keeps(text, section, h));
      kept = all.length === hits.length ? hits : all;
      KEPT.set(hits, kept);
    }
    return kept;
  }
}

/** A list of mentions as the map's entries keep it: one per list (the matchers' memo's), whichever diagnosis asks. */
const KEPT = new WeakMap<readonly TermHit[], readonly TermHit[]>();

function key(term: string): string {
  return foldCase(term) // as the pattern matched it ("perniciouſ" is "pernicious")
    .replace(/[\s-]+/g, ' ')
    .trim();
}

/**
 * A diagnosis's own words that its notes are searched for: its code, its code as written and its
 * description, each trimmed, when within the limits of a phrase (words.ts withinLimits).
 */
export function chartWords(d: { code: string; codeText: string; description?: string }): string[] {
  const out: string[] = [];
  for (const w of [d.code, d.codeText.trim(), d.description?.trim() ?? '']) if (w !== '' && withinLimits(w)) out.push(w);
  return out;
}
