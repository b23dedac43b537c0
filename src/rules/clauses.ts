/**
 * The clause of a note around a mention: the words a comma, semicolon, bracket or "and" does not
 * part from it, within its sentence. What a condition's `apart:` reads ("IM weekly x4, then
 * transition to oral B12": "oral" is another clause's).
 */
import { minOf, maxOf } from '../core/arrays.js';

const STOPS = [',', ';', '(', ')', ' and '];

/** The text of the clause of `text` around [start, end), within `sentence`. */
export function clauseAround(text: string, sentence: readonly [number, number], start: number, end: number): string {
  const before = text.slice(sentence[0], start);
  const after = text.slice(end, sentence[1]);
  const from = maxOf(
    STOPS.map((s) => {
      const k = before.lastIndexOf(s);
      return k < 0 ? 0 : k + s.length;
    }),
    0,
  );
  const to = minOf(
    STOPS.map((s) => after.indexOf(s)).filter((k) => k >= 0),
    after.length,
  );
  return before.slice(from) + text.slice(start, end) + after.slice(0, to);
}
