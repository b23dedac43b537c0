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
