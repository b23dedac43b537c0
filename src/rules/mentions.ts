/**
 * Mention maps: which words in a note stand for which codes (`mentions:` in a ruleset). Used to
 * tie a note's wording to a coded diagnosis (an uncertainty cue qualifying it) and to find a
 * documented cause that has a code of its own. One pattern per map, longest terms first, so
 * "sleeve gastrectomy" is one mention and not also "gastrectomy".
 */
import type { CodeMatcher } from './codes.js';
import { TermMatcher, type CompiledNegation, type TermHit } from './terms.js';

export interface MentionEntry {
  codes: CodeMatcher;
  /** The codes as written in the ruleset, for messages. */
  codeText: string;
  name?: string;
  terms: readonly string[];
}

export interface MentionHit {
  entry: MentionEntry;
  hit: TermHit;
}

export class MentionMap {
  private readonly matcher: TermMatcher;
  private readonly byTerm = new Map<string, MentionEntry>();
  private readonly perEntry = new Map<MentionEntry, TermMatcher>();

  constructor(readonly entries: readonly MentionEntry[], negation: CompiledNegation) {
    for (const e of entries) {
      for (const t of e.terms) if (!this.byTerm.has(key(t))) this.byTerm.set(key(t), e);
      this.perEntry.set(e, new TermMatcher(e.terms, negation));
    }
    this.matcher = new TermMatcher(entries.flatMap((e) => e.terms), negation);
  }

  /** Every mention in the text, with the entry it stands for. */
  find(text: string): MentionHit[] {
    const out: MentionHit[] = [];
    for (const hit of this.matcher.find(text)) {
      const entry = this.byTerm.get(key(hit.term));
      if (entry) out.push({ entry, hit });
    }
    return out;
  }

  /** The words that mention a diagnosis code, as one matcher per entry whose codes take it. */
  matchersFor(code: string): TermMatcher[] {
    const out: TermMatcher[] = [];
    for (const e of this.entries) if (e.codes.matchesDiagnosis(code)) out.push(this.perEntry.get(e)!);
    return out;
  }
}

function key(term: string): string {
  return term.toLowerCase().replace(/[\s-]+/g, ' ').trim();
}
