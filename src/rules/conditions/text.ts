import { anyWithin, clauseBounds } from '../clauses.js';
import { firstWhere } from '../../core/arrays.js';
import { NOTE_SECTIONS, type Diagnosis, type Encounter } from '../../chart/model.js';
import { ASSERTIONS, type Assertion } from '../context.js';
import { windowAround, type Direction } from '../duration.js';
import { noteEvidence } from '../evidence.js';
import { keeps, sectionsOption } from '../sections.js';
import { excerpt, type TermFinder, type TermHit } from '../terms.js';
import type { ConditionModule, EvidenceRef, Outcome, Scope } from '../types.js';

interface Options {
  terms?: unknown;
  sections?: string | string[];
  assertion?: Assertion | Assertion[];
  negated?: boolean;
  scope?: 'encounter' | 'chart';
  within?: string;
  direction?: Direction;
  about?: string;
  near?: unknown;
  apart?: unknown;
  except?: unknown;
  alone?: boolean;
}

const NONE: readonly TermHit[] = [];

/** The assertions a condition keeps: `assertion`, one or a list, else the older `negated`. */
function wantedOf(o: Options): Set<Assertion> {
  if (o.assertion !== undefined) return new Set(Array.isArray(o.assertion) ? o.assertion : [o.assertion]);
  return new Set([o.negated === true ? 'negated' : 'affirmed']);
}

/**
 * Whether a mention shares a character with one of the others (`except:`). The others are one
 * list's mentions, left to right and apart, so their ends rise too: the first that ends after the
 * mention starts is found by halving, and is the only one that can overlap it.
 */
function overlapsAny(others: readonly TermHit[], h: TermHit): boolean {
  const x = others[firstWhere(others, (o) => o.index + o.length > h.index)];
  return x !== undefined && x.index < h.index + h.length;
}

/** A letter or a digit, in any script. */
const WORDY = /[\p{L}\p{N}]/u;

/**
 * Whether a mention is the whole of its sentence, but for punctuation and white space ("Pt
 * refused."), or opens it before a dash or a colon and its reason ("Held - pt febrile").
 */
function isWholeSentence(text: string, h: TermHit): boolean {
  if (WORDY.test(text.slice(h.sentence[0], h.index))) return false;
  const rest = text.slice(h.index + h.length, h.sentence[1]);
  return !WORDY.test(rest) || GIVES_REASON.test(rest);
}

/** A dash or a colon after an answer, then its reason: "Held - pt febrile, reschedule next week". */
const GIVES_REASON = /^[ \t]*[-\u2013\u2014:][ \t]/;

/**
 * The sentence a sentence starting at `start` answers, if one of `nearHits` stands in it: the last
 * sentence before it with a letter or a digit (blank lines and bare marks between them are passed).
 */
function answeredSentence(text: string, nearHits: readonly TermHit[], start: number): readonly [number, number] | undefined {
  let best: readonly [number, number] | undefined;
  for (const n of nearHits) {
    if (n.sentence[1] >= start) break;
    best = n.sentence;
  }
  return best && !WORDY.test(text.slice(best[1], start)) ? best : undefined;
}

/**
 * The first of `hits` that `own` keeps and that is the whole of its sentence, answering a sentence
 * with one of `nearHits` and none of `aside` (`alone: true`); quoted with the sentence it answers:
 * "...1000 mcg IM ordered. Pt refused", not "Pt refused".
 */
function answeringHit(
  text: string,
  hits: readonly TermHit[],
  own: (h: TermHit) => boolean,
  nearHits: readonly TermHit[],
  aside: readonly TermHit[],
): TermHit | undefined {
  for (const h of hits) {
    if (!own(h) || !isWholeSentence(text, h)) continue;
    const answered = answeredSentence(text, nearHits, h.sentence[0]);
    if (answered === undefined || anyWithin(aside, answered[0], answered[1])) continue;
    // Nor a reason that names one of `apart`'s words: "Declined - flu vaccine".
    if (anyWithin(aside, h.index + h.length, h.sentence[1])) continue;
    return withExcerpt(h, excerpt(text, h.index, h.length, answered[0], h.sentence[1]));
  }
  return undefined;
}

/** The sentences (by start) of a note that mention one of the words. */
function sentencesWith(m: TermFinder, note: { text: string; section: string }): Set<number> {
  return new Set(m.find(note.text, note.section).map((h) => h.sentence[0]));
}

/** Options that need another, or say the same as another. */
function checkOptions(o: Options, cc: Parameters<ConditionModule<Options>['compile']>[1]): void {
  if (o.terms === undefined && o.about === undefined)
    cc.error(cc.path, '`text` needs `terms`, or `about` to look for the subject diagnosis');
  if (o.negated !== undefined && o.assertion !== undefined)
    cc.error([...cc.path, 'negated'], '`negated` and `assertion` say the same thing: keep `assertion`');
  if (o.direction !== undefined && o.within === undefined)
    cc.error([...cc.path, 'direction'], '`direction` needs `within`: the window it places');
  if (o.alone === true && o.near === undefined)
    cc.error([...cc.path, 'alone'], '`alone` needs `near`: the words the sentence it answers names');
}

/** A mention quoted otherwise. */
function withExcerpt(h: TermHit, shown: string): TermHit {
  return {
    term: h.term,
    assertion: h.assertion,
    negated: h.negated,
    index: h.index,
    length: h.length,
    sentence: h.sentence,
    excerpt: shown,
  };
}

export const text: ConditionModule<Options> = {
  kind: 'text',
  description:
    "The encounter's notes mention one of the terms with the given assertion (affirmed by default: present, current, the patient's, certain).",
  options: {
    terms: {
      type: 'terms',
      description:
        'A term list named in `terms`, a list of names, or a list of words. Without it, `about` looks for the subject diagnosis itself.',
    },
    sections: { type: 'enum-list', values: NOTE_SECTIONS, description: 'Only these note sections.' },
    assertion: {
      type: 'enum-list',
      values: ASSERTIONS,
      description:
        'How the note states the mention, one or a list: affirmed (default), negated ("denies melena"), possible ("probable pernicious anemia"), hypothetical ("rule out GI bleed"), historical ("history of GI bleed, resolved"), family ("mother had pernicious anemia").',
    },
    negated: { type: 'boolean', description: 'Kept for older rulesets: `true` is `assertion: negated`, `false` is `assertion: affirmed`.' },
    scope: {
      type: 'enum',
      values: ['encounter', 'chart'],
      description: "The notes of the subject's encounter (default) or of every encounter of the chart.",
    },
    within: { type: 'duration', description: "The notes of every encounter of the chart in this window around the subject's date." },
    direction: {
      type: 'enum',
      values: ['before', 'after', 'around'],
      description:
        'With `within`: where the window lies, around the subject\'s date (default), before it or after it (the subject\'s date included). A note that ends something ("loading completed") speaks only of what comes after it: `before`.',
    },
    about: {
      type: 'mentions',
      description:
        'The subject diagnosis, through a mention map: without `terms`, the mentions of the diagnosis itself (its code, its description or a term the map gives for it), each with its own assertion; with `terms`, only terms in a sentence that mentions the diagnosis.',
    },
    near: {
      type: 'terms',
      description: 'Only mentions in a sentence that also mentions one of these terms ("PA" only where the sentence names B12).',
    },
    apart: {
      type: 'terms',
      description:
        'Only mentions whose clause (between commas, semicolons, brackets or "and") holds none of these terms ("daily" is a loading schedule only where its clause names no oral route: "vitamin B12 1000 mcg by mouth daily"; "IM weekly x4, then transition to oral B12" is one).',
    },
    alone: {
      type: 'boolean',
      description:
        'Only mentions that are the whole of their sentence ("Pt refused.", "Given: No."), or open it before a dash or a colon and a reason ("Held - pt febrile"): such a sentence answers the one before it, so `near` (which it needs) and `apart` read that sentence, the last one before it in the note with a letter or a digit ("Cyanocobalamin 1000 mcg IM ordered. Pt refused."); `apart` reads the reason too.',
    },
    except: {
      type: 'terms',
      description:
        'Not a mention that shares a word with a mention of one of these phrases: "low B12" is no deficiency in "counseled on low B12 intake" (`b12 intake`), "on B12" no therapy in "educated on B12 injections" (`educated on`).',
    },
  },
  compile(o, cc) {
    const matcher = o.terms !== undefined ? cc.terms(o.terms, [...cc.path, 'terms']) : undefined;
    const near = o.near !== undefined ? cc.terms(o.near, [...cc.path, 'near']) : undefined;
    const apart = o.apart !== undefined ? cc.terms(o.apart, [...cc.path, 'apart']) : undefined;
    const except = o.except !== undefined ? cc.terms(o.except, [...cc.path, 'except']) : undefined;
    const about = o.about !== undefined ? cc.mentions(o.about, [...cc.path, 'about']) : undefined;
    checkOptions(o, cc);
    const alone = o.alone === true;
    const partOf = sectionsOption(o.sections, cc.context);
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : undefined;
    const direction = o.direction ?? 'around';
    const wanted = wantedOf(o);
    const encountersOf = (scope: Scope): readonly Encounter[] => {
      if (within) {
        const { from, to } = windowAround(scope.day, within, direction);
        return scope.chart.encounters.filter((e) => e.date >= from && e.date <= to);
      }
      return o.scope === 'chart' || !scope.encounter ? scope.chart.encounters : [scope.encounter];
    };
    // The outcome depends only on the notes read and the words looked for: kept for the last of
    // them, since the claim lines of an encounter come one after another and each would read all
    // of its notes again (a thousand lines and a thousand notes took seconds).
    let last: { notesOf: object; day: number; words: TermFinder; self: TermFinder | undefined; outcome: Outcome | null } | undefined;
    return (scope) => {
      const d: Diagnosis | undefined = scope.diagnosis;
      if (about && !d) return null;
      const self = about && d ? about.matcherForDiagnosis(d) : undefined;
      const words = matcher ?? self;
      if (!words) return null;
      const notesOf = within || o.scope === 'chart' || !scope.encounter ? scope.chart : scope.encounter;
      const day = within ? scope.day : 0;
      if (last && last.notesOf === notesOf && last.day === day && last.words === words && last.self === self) return last.outcome;
      const outcome = read(scope, words, self);
      last = { notesOf, day, words, self, outcome };
      return outcome;
    };

    function read(scope: Scope, words: TermFinder, self: TermFinder | undefined): Outcome | null {
      const evidence: EvidenceRef[] = [];
      let first: TermHit | undefined;
      for (const e of encountersOf(scope)) {
        for (const note of e.notes) {
          const part = partOf ? partOf(note) : true;
          if (part === false) continue;
          const hits = words.find(note.text, note.section);
          if (hits.length === 0) continue;
          const aboutD = matcher && self ? sentencesWith(self, note) : undefined;
          const inside = except ? except.find(note.text, note.section) : NONE;
          const aside = apart ? apart.find(note.text, note.section) : NONE;
          const own = (h: TermHit): boolean =>
            wanted.has(h.assertion) && keeps(part, h.index) && (!aboutD || aboutD.has(h.sentence[0])) && !overlapsAny(inside, h);
          let hit: TermHit | undefined;
          if (alone) {
            hit = answeringHit(note.text, hits, own, near!.find(note.text, note.section), aside);
          } else {
            const nearBy = near ? sentencesWith(near, note) : undefined;
            hit = hits.find(
              (h) =>
                own(h) &&
                (!nearBy || nearBy.has(h.sentence[0])) &&
                (aside.length === 0 || !anyWithin(aside, ...clauseBounds(note.text, h.sentence, h.index, h.index + h.length))),
            );
          }
          if (!hit) continue;
          evidence.push(noteEvidence(note, hit));
          first ??= hit;
        }
      }
      if (!first) return null;
      // `{{text.family}}`, `{{text.negated}}`, ...: the excerpt under the name of its assertion, so
      // a message can say what the note does document ("a relative's: ...").
      return {
        evidence,
        bindings: {
          'text.term': first.term,
          'text.excerpt': first.excerpt,
          'text.assertion': first.assertion,
          [`text.${first.assertion}`]: first.excerpt,
        },
      };
    }
  },
};
