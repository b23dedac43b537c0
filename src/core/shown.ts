/**
 * A value of a chart as a finding shows it: in a message, an evidence entry or a provider query
 * draft. A code, date or description is a few words; a chart may still hold one of 600,000
 * characters (an export that put a document where a code goes), and quoted in each of a thousand
 * findings it makes a report no one can read, or no report at all (a string longer than the engine
 * allows). So a value longer than MAX_SHOWN code points is shown as its start and its size. The
 * value itself is not changed: rules match and fingerprint it as it is, and the chart-format
 * warning of a long description or code (src/rules/data-quality.ts) says what it is.
 */
import { grouped } from './numbers.js';

/** The most code points of one chart value a finding shows. */
export const MAX_SHOWN = 300;
/** How much of a longer value is shown before its size. */
const SHOWN_START = 60;

/** The last long value and how it was shown: one value is often shown in many findings. */
let last: { text: string; shown: string } | undefined;

export function shownValue(text: string): string {
  // MAX_SHOWN code points take at most twice as many UTF-16 units: most values need no count.
  if (text.length <= MAX_SHOWN) return text;
  if (last?.text === text) return last.shown;
  let points = 0;
  let cut = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0 && isHigh(text.charCodeAt(i - 1))) continue; // the second half of a pair
    points++;
    if (points === SHOWN_START + 1) cut = i;
  }
  const shown = points <= MAX_SHOWN ? text : `${text.slice(0, cut).trimEnd()}… (${grouped(points)} characters in all)`;
  last = { text, shown };
  return shown;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * A name a config or ruleset gives (a rule id, a ruleset to extend), as a message quotes it: in
 * double quotes when it is a short plain name, else by its size only. A config from outside the
 * repository may put anything there (a password, a key), and a message goes to a CI log.
 */
export function shownName(name: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N}._:/@-]{0,79}$/u.test(name)
    ? `"${name}"`
    : `(a name of ${grouped(name.length)} characters that is no plain name)`;
}
