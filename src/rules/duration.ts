/** Windows written as durations: `180d`, `2w`, `6m`, `1y` (days, weeks, calendar months, years). */
import type { Day } from '../chart/model.js';
import { addMonths } from '../chart/normalize.js';

export interface Duration {
  amount: number;
  unit: 'd' | 'w' | 'm' | 'y';
  text: string;
}

const DURATION = /^(\d+)\s*(d|w|m|y)$/;
/** The same, as a JSON Schema pattern for the text as written (spaces and case allowed). */
export const DURATION_PATTERN = '^\\s*\\d+\\s*[dwmyDWMY]\\s*$';

export function parseDuration(v: unknown): Duration | undefined {
  const text = typeof v === 'number' ? `${v}d` : typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (text === undefined) return undefined;
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return { amount: Number(m[1]), unit: m[2] as Duration['unit'], text };
}

/** The day `d` shifted by the duration, backwards (sign -1) or forwards (sign 1). */
export function shift(day: Day, d: Duration, sign: 1 | -1): Day {
  switch (d.unit) {
    case 'd':
      return day + sign * d.amount;
    case 'w':
      return day + sign * 7 * d.amount;
    case 'm':
      return addMonths(day, sign * d.amount);
    case 'y':
      return addMonths(day, sign * 12 * d.amount);
  }
}

/** A closed range of days around a reference day. */
export interface Window {
  from: Day;
  to: Day;
}

export type Direction = 'before' | 'after' | 'around';

export function windowAround(ref: Day, d: Duration, direction: Direction): Window {
  return {
    from: direction === 'after' ? ref : shift(ref, d, -1),
    to: direction === 'before' ? ref : shift(ref, d, 1),
  };
}

const UNIT_WORDS: Record<Duration['unit'], string> = { d: 'day', w: 'week', m: 'month', y: 'year' };

/** A duration in words, for messages: `25d` is "25 days", `1m` is "1 month". */
export function describeDuration(d: Duration): string {
  return `${d.amount} ${UNIT_WORDS[d.unit]}${d.amount === 1 ? '' : 's'}`;
}
