import { firstWhere } from '../core/arrays.js';

/**
 * Clauses: where a part of a sentence ends and the next begins. One scanner, and the three
 * readings that ask it, each with the stops it needs and why:
 *
 * - CUE_CLAUSE, a backward cue's reach ("Anemia, B12 deficiency ruled out"): commas, brackets,
 *   a template's columns (a tab, a run of spaces) and a spaced dash. Not "and": a denial written
 *   after its items covers them all ("melena and hematochezia denied").
 * - PLAN_CLAUSE, a plan's own clause, where a condition keeps it open ("will start IM B12 for
 *   pernicious anemia if IF antibody is positive", src/rules/context.ts): commas, semicolons and
 *   "and" (a condition after "and" is another action's). Not brackets: an aside is the plan's own
 *   ("for pernicious anemia (IF Ab pending)").
 * - APART_CLAUSE, what a condition's `apart:` reads ("IM weekly x4, then transition to oral
 *   B12": "oral" is another clause's): commas, semicolons, brackets and "and". Not "since" or
 *   "but": they cannot tell whose reason follows ("cyanocobalamin held since it is unavailable").
 *
 * Scans stay within [limit, from) or [from, limit): a sentence (src/rules/context.ts,
 * sentenceAt), so a clause never crosses the end of one.
 */

export interface ClauseStops {
  /** Single characters that part clauses. */
  readonly chars: string;
  /** " and " parts clauses. */
  readonly and?: boolean;
  /** A tab or a run of two spaces (a template's columns) parts clauses. */
  readonly columns?: boolean;
  /** A hyphen or dash with a space on each side parts clauses ("Macrocytosis - B12 deficiency vs MDS"). */
  readonly dashes?: boolean;
}

export const CUE_CLAUSE: ClauseStops = { chars: ',()', columns: true, dashes: true };
export const PLAN_CLAUSE: ClauseStops = { chars: ',;', and: true };
export const APART_CLAUSE: ClauseStops = { chars: ',;()', and: true };

const AND = ' and ';
const DASHES = '-\u2013\u2014';

/** Where the clause that holds `from` starts, looking back no further than `limit`: right after the last stop before it. */
export function clauseStart(text: string, from: number, limit: number, stops: ClauseStops): number {
  for (let p = from; p > limit; p--) {
    const c = text[p - 1]!;
    if (stops.chars.includes(c)) return p;
    if (stops.columns && (c === '\t' || (c === ' ' && text[p - 2] === ' '))) return p;
    if (stops.dashes && DASHES.includes(c) && text[p - 2] === ' ' && text[p] === ' ') return p;
    if (stops.and && c === ' ' && p - AND.length >= limit && text.startsWith(AND, p - AND.length)) return p;
  }
  return limit;
}

/** Where the clause that holds `from` ends, looking no further than `limit`: at the first stop from it. */
export function clauseEnd(text: string, from: number, limit: number, stops: ClauseStops): number {
  for (let k = from; k < limit; k++) {
    const c = text[k]!;
    if (stops.chars.includes(c)) return k;
    if (stops.columns && (c === '\t' || (c === ' ' && text[k + 1] === ' '))) return k;
    if (stops.dashes && DASHES.includes(c) && text[k - 1] === ' ' && text[k + 1] === ' ') return k;
    if (stops.and && c === ' ' && text.startsWith(AND, k)) return k;
  }
  return limit;
}

/**
 * How far, in characters, a clause `apart:` reads stretches on each side of its mention: no clause
 * a person writes is longer, and a sentence of thousands of mentions with no stop is read in time
 * linear in its length (each mention's clause was the whole sentence: 30,000 mentions took minutes).
 */
export const APART_REACH = 400;

/** The text of the clause of `text` around [start, end), within `sentence` and APART_REACH, as `apart:` reads it. */
export function clauseAround(text: string, sentence: readonly [number, number], start: number, end: number): string {
  const from = clauseStart(text, start, Math.max(sentence[0], start - APART_REACH), APART_CLAUSE);
  return text.slice(from, clauseEnd(text, end, Math.min(sentence[1], end + APART_REACH), APART_CLAUSE));
}

/** The bounds [from, to) of the clause `clauseAround` reads. */
export function clauseBounds(text: string, sentence: readonly [number, number], start: number, end: number): [number, number] {
  const from = clauseStart(text, start, Math.max(sentence[0], start - APART_REACH), APART_CLAUSE);
  return [from, clauseEnd(text, end, Math.min(sentence[1], end + APART_REACH), APART_CLAUSE)];
}

/** Whether one of `hits` (left to right, apart) lies wholly within [from, to). */
export function anyWithin(hits: readonly { index: number; length: number }[], from: number, to: number): boolean {
  for (let k = firstWhere(hits, (h) => h.index >= from); k < hits.length && hits[k]!.index < to; k++)
    if (hits[k]!.index + hits[k]!.length <= to) return true;
  return false;
}
