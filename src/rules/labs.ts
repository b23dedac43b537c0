/** Named lab tests (a ruleset's `labs:`), compiled: which results they take, and how each unit converts to theirs. */
import type { Lab } from '../chart/model.js';
import { normalizeUnit } from '../chart/units.js';

export interface LabDefinition {
  loinc?: string[];
  names?: string[];
  unit?: string;
  factors?: Record<string, number>;
}

/** An analyte of the ruleset's `analytes:` catalogue: how its units convert, known by LOINC code and name. */
export interface AnalyteDefinition {
  loinc?: string[];
  names?: string[];
  unit: string;
  /** Unit -> factor to `unit`. */
  factors?: Record<string, number>;
}

/** The analytes a ruleset knows (the built-in catalogue, rulesets/analytes.yaml, and its own). */
export class AnalyteCatalog {
  private readonly byLoinc = new Map<string, ReadonlyMap<string, number>>();
  private readonly byName = new Map<string, ReadonlyMap<string, number>>();

  constructor(analytes: Iterable<AnalyteDefinition>) {
    for (const a of analytes) {
      const factors = new Map<string, number>();
      for (const [u, f] of Object.entries(a.factors ?? {})) factors.set(normalizeUnit(u), f);
      factors.set(normalizeUnit(a.unit), 1);
      for (const l of a.loinc ?? []) this.byLoinc.set(l.trim(), factors);
      for (const n of a.names ?? []) this.byName.set(n.trim().toLowerCase(), factors);
    }
  }

  /** Normalized unit -> factor to the analyte's base unit, for the first LOINC code (else name) known. */
  factorsFor(loinc: Iterable<string>, names: Iterable<string>): ReadonlyMap<string, number> | undefined {
    for (const l of loinc) {
      const f = this.byLoinc.get(l);
      if (f) return f;
    }
    for (const n of names) {
      const f = this.byName.get(n);
      if (f) return f;
    }
    return undefined;
  }
}

const NO_ANALYTES = new AnalyteCatalog([]);

export type Conversion = { ok: true; value: number } | { ok: false; reason: 'no-unit' | 'unknown-unit' };

export class CompiledLab {
  readonly loinc: Set<string>;
  readonly names: Set<string>;
  readonly unit: string | undefined;
  private readonly unitKey: string | undefined;
  private readonly factors = new Map<string, number>();

  constructor(
    readonly name: string,
    def: LabDefinition,
    analytes: AnalyteCatalog = NO_ANALYTES,
  ) {
    this.loinc = new Set((def.loinc ?? []).map((l) => l.trim()));
    this.names = new Set([name, ...(def.names ?? [])].map((n) => n.trim().toLowerCase()));
    this.unit = def.unit;
    this.unitKey = def.unit !== undefined ? normalizeUnit(def.unit) : undefined;
    const known = this.unitKey !== undefined ? analytes.factorsFor(this.loinc, this.names) : undefined;
    const toBase = this.unitKey !== undefined ? known?.get(this.unitKey) : undefined;
    if (known && toBase !== undefined) {
      for (const [u, f] of known) this.factors.set(u, f / toBase);
    }
    for (const [u, f] of Object.entries(def.factors ?? {})) this.factors.set(normalizeUnit(u), f);
    if (this.unitKey !== undefined) this.factors.set(this.unitKey, 1);
  }

  /**
   * True when the lab result is a result of this test: by LOINC code, else by name, as written or
   * as a laboratory dresses it ("Vitamin B-12 Level, Serum", "VITAMIN B12 (COBALAMIN)", "B12 &
   * Folate Panel - Vitamin B12": labNames).
   */
  takes(lab: Lab): boolean {
    if (lab.loinc !== undefined && this.loinc.has(lab.loinc)) return true;
    if (lab.test === undefined) return false;
    for (const n of labNames(lab.test)) if (this.names.has(n)) return true;
    return false;
  }

  /** The lab value in this test's canonical unit. */
  convert(value: number, unit: string | undefined): Conversion {
    if (this.unitKey === undefined) return { ok: true, value };
    if (unit === undefined || unit.trim() === '') return { ok: false, reason: 'no-unit' };
    const f = this.factors.get(normalizeUnit(unit));
    if (f === undefined) return { ok: false, reason: 'unknown-unit' };
    return { ok: true, value: value * f };
  }

  knowsUnit(unit: string): boolean {
    return this.factors.has(normalizeUnit(unit));
  }
}

/**
 * Words a laboratory adds to a test's name that say where or how it was measured, not what:
 * "Vitamin B-12 Level, Serum" is vitamin B-12. Only whole words at the end of the name, or its
 * last comma part, are dropped: "Iron binding capacity, total" is iron binding capacity, no iron.
 */
const QUALIFIERS: ReadonlySet<string> = new Set([
  'level',
  'levels',
  'serum',
  'plasma',
  'blood',
  'whole blood',
  'ser',
  'plas',
  'ser/plas',
  'serum/plasma',
  's',
  'p',
  'bld',
  'quant',
  'quantitative',
  'total',
  'result',
  'value',
  'concentration',
]);

/** The names a lab's test is known by, lower case, made once per distinct name. */
const NAMES_OF = new Map<string, readonly string[]>();

/**
 * The names a laboratory's test name stands for: as written; without its qualifiers
 * ("vitamin b-12 level, serum" is "vitamin b-12"); each of a name and its bracketed other name
 * ("vitamin b12 (cobalamin)"); and the part after a panel's name ("b12 & folate panel - vitamin
 * b12").
 */
export function labNames(test: string): readonly string[] {
  const known = NAMES_OF.get(test);
  if (known) return known;
  const out = new Set<string>();
  const whole = test.trim().toLowerCase();
  const add = (n: string): void => {
    const t = n.trim();
    if (t === '') return;
    out.add(t);
    out.add(unqualified(t));
  };
  add(whole);
  // A panel's member: "b12 & folate panel - vitamin b12", "anemia panel: ferritin".
  const dash = Math.max(whole.lastIndexOf(' - '), whole.lastIndexOf(': '));
  if (dash > 0) add(whole.slice(dash + 2));
  // A name and its other name in brackets: "vitamin b12 (cobalamin)", "mma (methylmalonic acid)".
  const open = whole.indexOf('(');
  if (open > 0 && whole.endsWith(')')) {
    add(whole.slice(0, open));
    add(whole.slice(open + 1, -1));
  }
  const names = [...out];
  if (NAMES_OF.size >= 4096) NAMES_OF.clear();
  NAMES_OF.set(test, names);
  return names;
}

/** A name without the qualifiers after it: "vitamin b-12 level, serum" is "vitamin b-12". */
function unqualified(name: string): string {
  let n = name;
  for (;;) {
    const comma = n.lastIndexOf(',');
    const tail = (comma >= 0 ? n.slice(comma + 1) : '').trim();
    if (comma >= 0 && QUALIFIERS.has(tail)) {
      n = n.slice(0, comma).trim();
      continue;
    }
    const space = n.lastIndexOf(' ');
    const last = space >= 0 ? n.slice(space + 1) : '';
    if (space > 0 && QUALIFIERS.has(last)) {
      n = n.slice(0, space).trim();
      continue;
    }
    return n;
  }
}

/** Values rounded sensibly for messages: three significant digits, no trailing zeros. */
export function roundForDisplay(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  // A whole number is its own rounding (toFixed of one writes it whole): most lab values are.
  if (Number.isInteger(v)) return v;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v))));
  return Number(v.toFixed(Math.min(digits, 3)));
}
