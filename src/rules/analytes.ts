/**
 * Unit conversion per analyte, known by LOINC code and common name, so that a test written in a
 * ruleset as `{loinc: [2132-9], unit: pg/mL}` converts pmol/L without declaring any factor.
 * Factors turn a value in the given unit into the analyte's base unit (the first listed).
 * A ruleset test may add or replace factors of its own (`factors: {"pmol/L": 1.355}`).
 */
import { memoized } from '../chart/normalize.js';

export interface Analyte {
  key: string;
  loinc: string[];
  names: string[];
  /** Normalized unit -> factor to the base unit. */
  factors: Record<string, number>;
}

export const ANALYTES: readonly Analyte[] = [
  { key: 'b12', loinc: ['2132-9', '14685-2'], names: ['vitamin b12', 'vitamin b-12', 'b12', 'cobalamin', 'cyanocobalamin', 'vit b12'],
    factors: { 'pg/ml': 1, 'ng/l': 1, 'pmol/l': 1.355 } },
  { key: 'mma', loinc: ['13964-2'], names: ['methylmalonic acid', 'mma'],
    factors: { 'umol/l': 1, 'nmol/l': 0.001 } },
  { key: 'mcv', loinc: ['787-2', '30428-7'], names: ['mcv', 'mean corpuscular volume'],
    factors: { fl: 1, um3: 1 } },
  { key: 'hemoglobin', loinc: ['718-7'], names: ['hemoglobin', 'haemoglobin', 'hgb', 'hb'],
    factors: { 'g/dl': 1, 'g/l': 0.1, 'mmol/l': 1.611 } },
  { key: 'ferritin', loinc: ['2276-4'], names: ['ferritin'],
    factors: { 'ng/ml': 1, 'ug/l': 1 } },
  { key: 'folate', loinc: ['2284-8'], names: ['folate', 'folic acid'],
    factors: { 'ng/ml': 1, 'nmol/l': 1 / 2.266 } },
  { key: 'iron', loinc: ['2498-4'], names: ['iron', 'serum iron'],
    factors: { 'ug/dl': 1, 'umol/l': 5.585 } },
];

/**
 * A unit as b12lint compares it: lower case, no spaces, micro written `u` (µ, μ, mc), cubic
 * written 3 (`µm³`, `um^3`), `mL` and `ml` alike, UCUM braces dropped. Remembered: a run sees a
 * handful of units, compared many times per chart.
 */
export const normalizeUnit: (unit: string) => string = memoized(normalizeUnitOnce);

function normalizeUnitOnce(unit: string): string {
  return unit
    .trim()
    .replace(/\{[^}]*\}/g, '')
    .replace(/[µμ]/g, 'u')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/^mcg/, 'ug')
    .replace(/^mc(?=[gm])/, 'u')
    .replace(/\/mcl$/, '/ul')
    .replace(/(\^3|³|\*\*3)/g, '3')
    .replace(/^femtoliters?$|^femtolitres?$/, 'fl');
}

const byLoinc = new Map<string, Analyte>();
const byName = new Map<string, Analyte>();
for (const a of ANALYTES) {
  for (const l of a.loinc) byLoinc.set(l, a);
  for (const n of a.names) byName.set(n, a);
}

export function analyteFor(loinc: readonly string[], names: readonly string[]): Analyte | undefined {
  for (const l of loinc) {
    const a = byLoinc.get(l);
    if (a) return a;
  }
  for (const n of names) {
    const a = byName.get(n.toLowerCase());
    if (a) return a;
  }
  return undefined;
}

/** LOINC codes end in a mod-10 check digit (the Luhn algorithm over the digits before the hyphen). */
export function loincCheckDigitValid(code: string): boolean {
  const m = /^(\d{1,7})-(\d)$/.exec(code.trim());
  return m !== null && loincCheckDigit(m[1]!) === Number(m[2]);
}

/** The check digit a LOINC code's number part should end with. */
export function loincCheckDigit(digits: string): number {
  let sum = 0;
  let double = true;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}
