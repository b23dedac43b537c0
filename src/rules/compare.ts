/** Comparisons written in rulesets: `{lt: 200}`, `{between: [200, 300]}`, `{eq: male}`, `{in: [a, b]}`. */

export const OPERATORS = ['lt', 'lte', 'gt', 'gte', 'eq', 'ne', 'between', 'in'] as const;
export type Operator = (typeof OPERATORS)[number];
export type Comparison = Partial<Record<Operator, unknown>>;

export type Interval = { value: number; comparator?: '<' | '<=' | '>' | '>=' | undefined };

/** A `between` whose bounds are numbers but not low first (the ruleset schema checks the rest). */
export function betweenProblem(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number' || v[0] <= v[1]) return undefined;
  return '`between` takes two numbers, low first: [low, high]';
}

/**
 * Compares a numeric result with every operator given. A censored value ("<50") holds only when
 * the comparison is true for every value it may stand for: "<50" is `lt 200` but not `gt 30`.
 */
export function compareNumber(x: Interval, c: Comparison): boolean {
  const v = x.value;
  const cmp = x.comparator;
  const upper = cmp === '<' || cmp === '<=';
  const lower = cmp === '>' || cmp === '>=';
  const ok = (op: Operator, t: number): boolean => {
    switch (op) {
      case 'lt':
        return upper ? v <= t : lower ? false : v < t;
      case 'lte':
        return upper ? v <= t : lower ? false : v <= t;
      case 'gt':
        return lower ? v >= t : upper ? false : v > t;
      case 'gte':
        return lower ? v >= t : upper ? false : v >= t;
      case 'eq':
        return !cmp && v === t;
      case 'ne':
        return cmp ? (upper ? v <= t : v >= t) : v !== t;
      default:
        return false;
    }
  };
  for (const op of OPERATORS) {
    const t = c[op];
    if (t === undefined) continue;
    if (op === 'between') {
      const [lo, hi] = t as [number, number];
      if (!(ok('gte', lo) && ok('lte', hi))) return false;
    } else if (op === 'in') {
      if (cmp || !(t as unknown[]).includes(v)) return false;
    } else if (!ok(op, t as number)) {
      return false;
    }
  }
  return true;
}

/** Compares any value (a field of a subject): numbers numerically, text case-insensitively. */
export function compareValue(v: unknown, c: Comparison): boolean {
  if (typeof v === 'number') {
    for (const op of OPERATORS) {
      const t = c[op];
      if (t === undefined) continue;
      if ((op === 'eq' || op === 'ne') && typeof t !== 'number') return op === 'ne';
      if (op === 'in') {
        if (!(t as unknown[]).some((x) => x === v || String(x) === String(v))) return false;
        continue;
      }
    }
    const numeric: Comparison = { ...c };
    delete numeric.in;
    return compareNumber({ value: v }, numeric);
  }
  const s = v === undefined || v === null ? undefined : String(v).toLowerCase();
  for (const op of OPERATORS) {
    const t = c[op];
    if (t === undefined) continue;
    switch (op) {
      case 'eq':
        if (s !== String(t).toLowerCase()) return false;
        break;
      case 'ne':
        if (s === String(t).toLowerCase()) return false;
        break;
      case 'in':
        if (s === undefined || !(t as unknown[]).some((x) => String(x).toLowerCase() === s)) return false;
        break;
      default:
        return false; // lt/gt/between on text or a missing value never hold
    }
  }
  return true;
}

/**
 * compareValue with its comparison worked out once, for a condition that asks it of every subject
 * (`field: { path: code, eq: D51.0 }` of every diagnosis of a night's charts). No operator: any
 * value holds; else a missing one never does. `eq:` an ASCII text alone compares lengths before
 * case: lower-casing keeps a text's length but for U+0130, whose lower case is no ASCII.
 */
export function valueComparer(c: Comparison): (v: unknown) => boolean {
  const ops = Object.keys(c);
  if (ops.length === 0) return () => true;
  const eq = c.eq;
  if (ops.length === 1 && typeof eq === 'string' && ASCII_ONLY.test(eq)) {
    const want = eq.toLowerCase();
    return (v) => {
      if (v === undefined || v === null || typeof v === 'number') return false; // a number never equals a text
      const text = String(v);
      return text.length === want.length && text.toLowerCase() === want;
    };
  }
  return (v) => v !== undefined && compareValue(v, c);
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
