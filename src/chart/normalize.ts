/** Normalization of codes and dates shared by every adapter. */
import type { Day } from './model.js';

const ICD10_NO_DOT = /^([A-TV-Z][0-9][0-9AB])([0-9A-TV-Z]{1,4})$/;
const ICD10_WITH_DOT = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/;

/**
 * An ICD-10-CM code as b12lint compares it: trimmed, upper case, inner spaces removed, with the
 * dot after the third character (`d510` and `D51 0` become `D51.0`, `D62` stays `D62`).
 */
export function normalizeIcd10(raw: string): string {
  const s = raw.trim().toUpperCase().replace(/\s+/g, '');
  if (ICD10_WITH_DOT.test(s)) return s;
  const m = ICD10_NO_DOT.exec(s);
  if (m) return `${m[1]}.${m[2]}`;
  return s;
}

/** True when the text has the shape of an ICD-10-CM code (letter, digit, alphanumeric, optional extension). */
export function looksLikeIcd10(code: string): boolean {
  return ICD10_WITH_DOT.test(code);
}

/** A HCPCS or CPT code: trimmed, upper case. Numbers written without quotes become strings. */
export function normalizeProcedureCode(raw: string | number): string {
  return String(raw).trim().toUpperCase();
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Parses a strict YYYY-MM-DD calendar date (a FHIR dateTime's date part is accepted too). */
export function parseDay(text: string, allowTime = false): Day | undefined {
  const s = allowTime && text.length > 10 && text[10] === 'T' ? text.slice(0, 10) : text;
  const m = DATE.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return Math.round(ms / MS_PER_DAY);
}

export function formatDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Adds calendar months (negative to go back), clamping to the month's last day. */
export function addMonths(day: Day, months: number): Day {
  const d = new Date(day * MS_PER_DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return Math.round(target.getTime() / MS_PER_DAY);
}

/** Whole years between two days (age at a date). */
export function yearsBetween(from: Day, to: Day): number {
  const a = new Date(from * MS_PER_DAY);
  const b = new Date(to * MS_PER_DAY);
  let years = b.getUTCFullYear() - a.getUTCFullYear();
  if (b.getUTCMonth() < a.getUTCMonth() || (b.getUTCMonth() === a.getUTCMonth() && b.getUTCDate() < a.getUTCDate())) years--;
  return years;
}
