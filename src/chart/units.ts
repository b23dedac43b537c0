/**
 * Units as b12lint compares them. Which units an analyte is measured in, and the factors between
 * them, are ruleset data (`analytes:`, built in from rulesets/analytes.yaml); this is spelling only.
 */
import { memoized } from './normalize.js';

/**
 * A unit as b12lint compares it: lower case, no spaces, micro written `u` (µ, μ, mc), grams `g`
 * ("gm/dL"), cubic
 * written 3 (`µm³`, `um^3`), `mL` and `ml` alike, UCUM braces dropped. Remembered: a run sees a
 * handful of units, compared many times per chart.
 */
export const normalizeUnit: (unit: string) => string = memoized(normalizeUnitOnce);

function normalizeUnitOnce(unit: string): string {
  return unit
    .trim()
    .replace(/\{[^}]*(?:\}|$)/g, (m) => (m.endsWith('}') ? '' : m)) // a `{` with no `}` after it stays, read once
    .replace(/[µμ]/g, 'u')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/^mcg/, 'ug')
    .replace(/^gm(?=\/)/, 'g') // "gm/dL", as many US labs write grams
    .replace(/^mc(?=[gm])/, 'u')
    .replace(/\/mcl$/, '/ul')
    .replace(/(\^3|³|\*\*3)/g, '3')
    .replace(/^femtoliters?$|^femtolitres?$/, 'fl');
}

/**
 * A normalized concentration unit as SI prefixes write it: an amount (grams or moles, with a
 * prefix) per volume (litres, with a prefix), as a power of ten of the same amount per litre:
 * `ng/ml` is grams at 10^-9 per 10^-3 litres, 10^-6 g per litre. Undefined for any other unit.
 * What an analyte weighs (grams to moles) is ruleset data (`analytes:`); this is arithmetic only.
 */
export function siScale(unitKey: string): { amount: string; exponent: number } | undefined {
  const m = SI_CONCENTRATION.exec(unitKey);
  if (!m) return undefined;
  return { amount: m[2]!, exponent: SI_PREFIX[m[1]!]! - SI_PREFIX[m[3]!]! };
}

/** The prefixes a laboratory writes, as powers of ten. */
const SI_PREFIX: Readonly<Record<string, number>> = { '': 0, d: -1, c: -2, m: -3, u: -6, n: -9, p: -12, f: -15 };
/** Prefix, amount (grams or moles), prefix of the litre, in a normalized unit. */
const SI_CONCENTRATION = /^([dcmunpf]?)(g|mol)\/([dcmu]?)l$/;
