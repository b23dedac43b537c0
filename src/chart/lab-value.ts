/** Lab values as exports write them: numbers, or strings such as "<50", "142 pg/mL", "1,200". */

export interface ParsedLabValue {
  value?: number;
  comparator?: '<' | '<=' | '>' | '>=';
  /** A unit written inside the value string ("142 pg/mL"). */
  unit?: string;
}

// Read from the trimmed text (`trim` drops what `\s` matches), so no run of spaces can be split
// between two parts of the pattern in more ways than one: the spaces after a comparator are its
// own, and the unit starts with what is not a space. (`(.*?)\s*$` on the untrimmed text tried
// every split of a run of spaces before a last letter: 160,000 of them took 8 s.)
const VALUE = /^(?:(<=|>=|≤|≥|<|>)\s*)?([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)\s*(\S.*)?$/;

export function parseLabValue(raw: unknown): ParsedLabValue {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { value: raw } : {};
  if (typeof raw !== 'string') return {};
  const m = VALUE.exec(raw.trim());
  if (!m) return {};
  const value = Number(m[2]!.replace(/,/g, ''));
  if (!Number.isFinite(value)) return {};
  const out: ParsedLabValue = { value };
  const cmp = m[1];
  if (cmp) out.comparator = cmp === '≤' ? '<=' : cmp === '≥' ? '>=' : (cmp as ParsedLabValue['comparator']);
  if (m[3]) out.unit = m[3];
  return out;
}
