/** Lab values as exports write them: numbers, or strings such as "<50", "142 pg/mL", "1,200". */

export interface ParsedLabValue {
  value?: number;
  comparator?: '<' | '<=' | '>' | '>=';
  /** A unit written inside the value string ("142 pg/mL"). */
  unit?: string;
}

// The spaces after a comparator are its own (`(?:<=\s*)?`), not a second run beside the first: two
// runs side by side could split a long run of spaces every way, and a lab value is chart text.
const VALUE = /^\s*(?:(<=|>=|≤|≥|<|>)\s*)?([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)\s*(.*?)\s*$/;

export function parseLabValue(raw: unknown): ParsedLabValue {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { value: raw } : {};
  if (typeof raw !== 'string') return {};
  const m = VALUE.exec(raw);
  if (!m) return {};
  const value = Number(m[2]!.replace(/,/g, ''));
  if (!Number.isFinite(value)) return {};
  const out: ParsedLabValue = { value };
  const cmp = m[1];
  if (cmp) out.comparator = cmp === '≤' ? '<=' : cmp === '≥' ? '>=' : (cmp as ParsedLabValue['comparator']);
  if (m[3]) out.unit = m[3];
  return out;
}
