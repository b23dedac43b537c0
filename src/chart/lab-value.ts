/** Lab values as exports write them: numbers, or strings such as "<50", "142 pg/mL", "1,200". */

export interface ParsedLabValue {
  value?: number;
  comparator?: '<' | '<=' | '>' | '>=';
  /** A unit written inside the value string ("142 pg/mL"). */
  unit?: string;
  /** A laboratory's flag written inside the value string ("150 (L)", "150 L", "980 H"). */
  flag?: 'low' | 'high' | 'normal';
}

/** Flags a laboratory writes after a value, by what they say. */
const FLAGS: ReadonlyMap<string, 'low' | 'high' | 'normal'> = new Map([
  ['l', 'low'],
  ['ll', 'low'],
  ['lo', 'low'],
  ['low', 'low'],
  ['l*', 'low'],
  ['h', 'high'],
  ['hh', 'high'],
  ['hi', 'high'],
  ['high', 'high'],
  ['h*', 'high'],
  ['n', 'normal'],
  ['normal', 'normal'],
]);

/** What a unit is written with: letters, micro signs, digits, "/", ".", "%", "*", "^", with a letter or "%" (pg/mL, 10*3/uL, µmol/L, %). */
const UNIT = /^(?=.*[A-Za-z\u00b5\u03bc%])[A-Za-z0-9\u00b5\u03bc%][A-Za-z0-9\u00b5\u03bc/.%*^]*$/;
/**
 * Units written without a "/": masses, volumes, "%", "fL" and the like. A word after the number
 * that is none of these and has no "/" ("150 A", "150 Final", "150 hemolyzed") is no unit: a
 * laboratory's note, which must not stand for the lab's `unit` (a review).
 */
const BARE_UNITS: ReadonlySet<string> = new Set([
  '%',
  'fl',
  'mg',
  'mcg',
  'ug',
  'µg',
  'μg',
  'g',
  'ng',
  'pg',
  'ml',
  'l',
  'dl',
  'iu',
  'u',
  'meq',
  'mmol',
  'umol',
  'nmol',
  'pmol',
  'mol',
  'kg',
  'um3',
  'µm3',
  'fmol',
]);

// Read from the trimmed text (`trim` drops what `\s` matches), so no run of spaces can be split
// between two parts of the pattern in more ways than one: the spaces after a comparator are its
// own, and the unit starts with what is not a space. (`(.*?)\s*$` on the untrimmed text tried
// every split of a run of spaces before a last letter: 160,000 of them took 8 s.)
// A number may carry an exponent ("2.5e2" is 250, as JSON reads it), glued to it.
const VALUE = /^(?:(<=|>=|≤|≥|<|>)\s*)?((?:[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*)?$/;

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
  if (m[3]) Object.assign(out, afterNumber(m[3]));
  return out;
}

/**
 * What follows a value's number: a flag ("(L)", "H"), a unit ("pg/mL"), a unit and a flag
 * ("pmol/L (L)"), or other words, which say neither.
 */
export function afterNumber(rest: string): Pick<ParsedLabValue, 'unit' | 'flag'> {
  const flag = flagOf(rest);
  if (flag) return { flag };
  if (isUnit(rest)) return { unit: rest };
  const space = rest.search(/\s/);
  if (space < 0) return {};
  const [unit, last] = [rest.slice(0, space), rest.slice(space).trim()];
  const after = flagOf(last);
  return isUnit(unit) && after ? { unit, flag: after } : {};
}

/** A unit as a value string writes one: with a "/" ("pg/mL", "10*3/uL"), or a bare unit ("fL", "%"). */
function isUnit(word: string): boolean {
  return UNIT.test(word) && (word.includes('/') || BARE_UNITS.has(word.toLowerCase()));
}

function flagOf(word: string): ParsedLabValue['flag'] {
  return FLAGS.get(word.replace(/^\((.*)\)$/, '$1').toLowerCase());
}
