/** Normalization of codes and dates shared by every adapter. */
import type { Day } from './model.js';

const ICD10_NO_DOT = /^([A-TV-Z][0-9][0-9AB])([0-9A-TV-Z]{1,4})$/;
const ICD10_WITH_DOT = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/;

/**
 * Codes, dates and units repeat across charts (a day's batch has a handful of dates and a few
 * dozen codes), so their normalized forms are remembered, up to a bound: `memoized(f)` is f with a
 * memo of its results (undefined included), emptied when it reaches MEMO_LIMIT entries.
 */
const MEMO_LIMIT = 4096;

export function memoized<V>(once: (key: string) => V): (key: string) => V {
  const memo = new Map<string, V>();
  return (key) => {
    // One lookup for a remembered value (most calls); `has` only to tell a remembered undefined.
    const known = memo.get(key);
    if (known !== undefined || memo.has(key)) return known as V;
    const value = once(key);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, value);
    return value;
  };
}

/**
 * An ICD-10-CM code as b12lint compares it: trimmed, upper case, inner spaces removed, with the
 * dot after the third character (`d510` and `D51 0` become `D51.0`, `D62` stays `D62`, and `D51.`
 * is the category `D51`).
 */
export const normalizeIcd10: (raw: string) => string = memoized((raw) => {
  const s = raw.trim().toUpperCase().replace(/\s+/g, '');
  if (ICD10_WITH_DOT.test(s)) return s;
  // A category written with a dot and nothing after it ("D51.") is the category: no subcode.
  if (s.length === 4 && s.endsWith('.') && ICD10_WITH_DOT.test(s.slice(0, 3))) return s.slice(0, 3);
  const m = ICD10_NO_DOT.exec(s);
  if (m) return `${m[1]}.${m[2]}`;
  return s;
});

/** True when the text has the shape of an ICD-10-CM code (letter, digit, alphanumeric, optional extension). */
export function looksLikeIcd10(code: string): boolean {
  return ICD10_WITH_DOT.test(code);
}

/** A HCPCS or CPT code: trimmed, upper case. Numbers written without quotes become strings. */
export function normalizeProcedureCode(raw: string | number): string {
  return String(raw).trim().toUpperCase();
}

const HCPCS_SHAPE = /^[A-V][0-9]{4}$/;
const CPT_SHAPE = /^[0-9]{4}[0-9AFMTU]$/;
/** A code with its modifiers written after it: "J3420-JW", "J3420 JW", "J3420:JW-59". */
const WITH_MODIFIERS = /^([A-Z0-9]{5})((?:[\s:-]+[A-Z0-9]{2})+)$/;

/** True when a code has the shape of a HCPCS Level II or CPT code (J3420, 96372, 0001U). */
export function looksLikeProcedureCode(code: string): boolean {
  const c = normalizeProcedureCode(code);
  return HCPCS_SHAPE.test(c) || CPT_SHAPE.test(c);
}

/**
 * A billed line's code as the rules compare it, and what the export got wrong where its text is
 * no bare HCPCS or CPT code. Modifiers written into the code ("J3420-JW") are split off, with a
 * warning: the line is read as J3420. A code damaged by punctuation, spaces or invisible
 * characters ("J3420.", a zero-width space in it) is an error: no rule would read the line as the
 * code it stands for, and a gate must not pass on it (a security review). Other text is a warning.
 */
export function procedureCodeOf(raw: string | number): {
  code: string;
  problem?: { severity: 'warning' | 'error'; message: (quoted: string) => string };
} {
  const code = normalizeProcedureCode(raw);
  if (code === '' || HCPCS_SHAPE.test(code) || CPT_SHAPE.test(code)) return { code };
  const m = WITH_MODIFIERS.exec(code);
  if (m && (HCPCS_SHAPE.test(m[1]!) || CPT_SHAPE.test(m[1]!))) {
    const base = m[1]!;
    const modifiers = m[2]!.split(/[\s:-]+/).filter((x) => x !== '');
    return {
      code: base,
      problem: {
        severity: 'warning',
        message: (q) =>
          `Service code ${q} carries ${modifiers.length === 1 ? 'a modifier' : 'modifiers'} (${modifiers.join(', ')}): read as ${base}; b12lint does not read modifiers.`,
      },
    };
  }
  // A code with invisible characters, spaces or punctuation in it ("J3420.", "J3420" and a
  // zero-width space) is that code damaged: an error, so that a gate does not pass on it. So is
  // one shaped like a code to the eye with a letter or digit of another script ("\u0408" Cyrillic
  // Je for J), and one that begins with a code's shape and goes on with other characters. Other
  // text ("345", an NDC) is named with a warning, as a FHIR line coded in no system b12lint knows.
  const visible = code.normalize('NFKC').replace(INVISIBLE, '');
  const bare = visible.replace(/\p{P}/gu, '');
  const damaged = shaped(bare);
  const foreign = !damaged && shaped(asciiStandIns(bare));
  const begins = !damaged && !foreign ? CODE_FIRST.exec(asciiStandIns(visible)) : null;
  const severity = damaged || foreign || (begins !== null && shaped(begins[1]!)) ? 'error' : 'warning';
  return {
    code,
    problem: {
      severity,
      message: (q) =>
        damaged
          ? `Service code ${q} is ${bare} with other characters in it (punctuation, spaces or invisible characters): no rule reads this line as ${bare}. Export the code alone.`
          : foreign
            ? `Service code ${q} is shaped like a HCPCS Level II or CPT code, but with a letter or digit that is not a Latin letter or an ASCII digit (${foreignChars(bare)}): no rule reads this line. Export the code in ASCII.`
            : severity === 'error'
              ? `Service code ${q} begins like a HCPCS Level II or CPT code and goes on with other characters: no rule reads this line. Export the code alone.`
              : `Service code ${q} is not shaped like a HCPCS Level II or CPT code (a letter and four digits, or five characters of which the first four are digits): no rule reads this line.`,
    },
  };
}

/**
 * Characters that show nothing, or nothing of their own: controls and format characters, marks
 * that combine with the letter before, spaces, and the letters that render blank (the Hangul
 * fillers, the Braille blank).
 */
const INVISIBLE = /[\p{C}\p{M}\p{Z}\s\u115F\u1160\u3164\uFFA0\u2800]/gu;
/** Five letters or digits at a code's start, then something else: "J3420[2K", "J3420 (cyanocobalamin)". */
const CODE_FIRST = /^([A-Z0-9]{5})[^A-Z0-9]/;

function shaped(code: string): boolean {
  return HCPCS_SHAPE.test(code) || CPT_SHAPE.test(code);
}

/** A code with every letter and digit beyond ASCII standing for an ASCII one ("A", "0"), upper case. */
function asciiStandIns(text: string): string {
  return text.replace(/[^\0-\x7f]/gu, (c) => (/\p{L}/u.test(c) ? 'A' : /\p{Nd}/u.test(c) ? '0' : c)).toUpperCase();
}

/** The characters beyond ASCII in a code, by code point ("U+0408"). */
function foreignChars(bare: string): string {
  const points = [...new Set([...bare].filter((c) => c > '\x7f'))];
  return points.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');
}

const MS_PER_DAY = 86_400_000;

/** The number written by the ASCII digits from `from` to `to`, or -1 where one is not a digit. */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The day of a strict YYYY-MM-DD text (ASCII digits, exactly ten characters). Read with plain
 * character codes: every chart has several dates and most are different, so neither a pattern nor
 * a memo pays.
 */
function dayOf(s: string): Day | undefined {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 7);
  const d = digitsAt(s, 8, 10);
  // Years before 100 are refused, as Date.UTC (which reads them as 19xx) always refused them.
  return y >= 100 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) ? daysFromCivil(y, mo, d) : undefined;
}

/** Parses a strict YYYY-MM-DD calendar date (a FHIR dateTime's date part is accepted too). */
export function parseDay(text: string, allowTime = false): Day | undefined {
  return dayOf(allowTime && text.length > 10 && text[10] === 'T' ? text.slice(0, 10) : text);
}

export function formatDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Year, month (1-12) and day of a day number (Howard Hinnant's civil_from_days: no Date object). */
function civil(day: Day): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** The day number of a year, month (1-12) and day (days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): Day {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[m - 1]!;
}

/**
 * Adds calendar months (negative to go back), clamping to the month's last day. Called for every
 * window of every condition, so it is plain arithmetic rather than Date objects.
 */
export function addMonths(day: Day, months: number): Day {
  const [y, m, d] = civil(day);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return daysFromCivil(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

/** Whole years between two days (age at a date). */
export function yearsBetween(from: Day, to: Day): number {
  const a = new Date(from * MS_PER_DAY);
  const b = new Date(to * MS_PER_DAY);
  let years = b.getUTCFullYear() - a.getUTCFullYear();
  if (b.getUTCMonth() < a.getUTCMonth() || (b.getUTCMonth() === a.getUTCMonth() && b.getUTCDate() < a.getUTCDate())) years--;
  return years;
}

/** Whole calendar months between two days (age in months at a date). */
export function monthsBetween(from: Day, to: Day): number {
  const [fy, fm, fd] = civil(from);
  const [ty, tm, td] = civil(to);
  let months = (ty - fy) * 12 + (tm - fm);
  if (td < fd) months--;
  return months;
}
