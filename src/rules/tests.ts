/** Named lab tests, compiled: which results they take, and how each unit converts to theirs. */
import type { Lab } from '../chart/model.js';
import { analyteFor, normalizeUnit } from './analytes.js';

export interface TestDefinition {
  loinc?: string[];
  names?: string[];
  unit?: string;
  factors?: Record<string, number>;
}

export type Conversion =
  | { ok: true; value: number }
  | { ok: false; reason: 'no-unit' | 'unknown-unit' };

export class CompiledTest {
  readonly loinc: Set<string>;
  readonly names: Set<string>;
  readonly unit: string | undefined;
  private readonly unitKey: string | undefined;
  private readonly factors = new Map<string, number>();

  constructor(readonly name: string, def: TestDefinition) {
    this.loinc = new Set((def.loinc ?? []).map((l) => l.trim()));
    this.names = new Set([name, ...(def.names ?? [])].map((n) => n.trim().toLowerCase()));
    this.unit = def.unit;
    this.unitKey = def.unit !== undefined ? normalizeUnit(def.unit) : undefined;
    const analyte = analyteFor([...this.loinc], [...this.names]);
    if (analyte && this.unitKey !== undefined) {
      const toBase = analyte.factors[this.unitKey];
      if (toBase !== undefined) {
        for (const [u, f] of Object.entries(analyte.factors)) this.factors.set(u, f / toBase);
      }
    }
    for (const [u, f] of Object.entries(def.factors ?? {})) this.factors.set(normalizeUnit(u), f);
    if (this.unitKey !== undefined) this.factors.set(this.unitKey, 1);
  }

  /** True when the lab result is a result of this test (by LOINC code, else by name). */
  takes(lab: Lab): boolean {
    if (lab.loinc !== undefined && this.loinc.has(lab.loinc)) return true;
    return lab.test !== undefined && this.names.has(lab.test.toLowerCase());
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

/** Values rounded sensibly for messages: three significant digits, no trailing zeros. */
export function roundForDisplay(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v))));
  return Number(v.toFixed(Math.min(digits, 3)));
}
