/**
 * Dates a note writes in its sentences ("iron infusion in 2023", "IV iron 9/14/2026", "Venofer in
 * March 2026"), as the days each covers: a year, a month or a day. A `text` condition with
 * `within` reads them, so that a mention its own sentence dates outside the window is not taken as
 * one within it (conditions/text.ts). Only dates written whole are read: a four-digit year, with
 * its month and day if written (m/d/yyyy, yyyy-mm-dd, m/yyyy, "March 14, 2026", "Mar 2026"); a
 * year alone only after a word that dates ("in 2023", "since 2019": from then on), so that a dose
 * ("2000 units") or a value in parentheses ("(1950)") is no year. Relative dates ("3 weeks ago")
 * are left to the cues.
 */
import type { Day } from '../chart/model.js';
import { calendarSpan } from '../chart/normalize.js';
import { MONTH } from './words.js';

export interface Span {
  from: Day;
  to: Day;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAME = `(${MONTH})`;
const YEAR = '((?:19|20)\\d\\d)';

/** One pattern, its alternatives tried at each place in order: the most precise first. */
const DATES = new RegExp(
  [
    `(?<![\\w/.-])${YEAR}-(\\d\\d?)-(\\d\\d?)(?![\\w/-])`, // 2026-09-14
    `(?<![\\w/.-])(\\d\\d?)/(\\d\\d?)/${YEAR}(?![\\w/-])`, // 9/14/2026
    `(?<![\\w/.-])(\\d\\d?)/${YEAR}(?![\\w/-])`, // 9/2026
    `(?<![\\w])${MONTH_NAME}\\.?(?:\\s+(\\d\\d?)(?:st|nd|rd|th)?)?,?\\s+${YEAR}(?![\\w/-])`, // March 14, 2026; Mar 2026
    `(?<![\\w])(in|since|during|from|on|until|till|by|circa|around)\\s+${YEAR}(?![\\w/-])`, // in 2023, since 2019
  ].join('|'),
  'gi',
);

/** The spans of the dates written in a text (a sentence), in order. */
export function writtenSpans(text: string): Span[] {
  const out: Span[] = [];
  // Most sentences hold no four-digit number: no pattern is run over them.
  if (!/(?:19|20)\d\d/.test(text)) return out;
  DATES.lastIndex = 0;
  for (let m = DATES.exec(text); m !== null; m = DATES.exec(text)) {
    let span: Span | undefined;
    if (m[1] !== undefined) span = calendarSpan(Number(m[1]), Number(m[2]), Number(m[3]));
    else if (m[4] !== undefined) span = calendarSpan(Number(m[6]), Number(m[4]), Number(m[5]));
    else if (m[7] !== undefined) span = calendarSpan(Number(m[8]), Number(m[7]));
    else if (m[9] !== undefined) {
      const month = MONTHS.indexOf(m[9].slice(0, 3).toLowerCase()) + 1;
      span = calendarSpan(Number(m[11]), month, m[10] !== undefined ? Number(m[10]) : undefined);
    } else if (m[13] !== undefined) {
      span = calendarSpan(Number(m[13]));
      // "Since 2019", "from 2024": from then on, not that year alone.
      const word = m[12]!.toLowerCase();
      if (span && (word === 'since' || word === 'from')) span.to = Infinity;
    }
    if (span) out.push(span);
  }
  return out;
}

/** True when the text writes dates and none of them falls within [from, to]. */
export function datedOutside(text: string, from: Day, to: Day): boolean {
  const spans = writtenSpans(text);
  return spans.length > 0 && spans.every((s) => s.to < from || s.from > to);
}
