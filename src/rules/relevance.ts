/**
 * Relevance: what a chart must hold for a rule to have anything to say about it, worked out from
 * the compiled ruleset. Most of a night's charts bill no B12 and code no anemia; for them the rules
 * that `match` B12 lines or anemia codes are skipped once per chart instead of being asked about
 * every diagnosis, line and lab.
 *
 * A gate is a *necessary* condition, never a guess: a rule is skipped only on a chart where it
 * could not fire. A gate is derived from
 *   - the rule's `match` (the subject must be one of the codes, statuses, tests or settings named),
 *   - the conditions of its `when` that declare one (a condition module's `gate`), combined as
 *     `all` (every gate that is known must pass) and `any` (one of them must, and only when every
 *     branch has one); `not` and a condition without a gate give none, and the rule is asked as before.
 * test/relevance.test.ts runs the engine with and without gates over generated charts and
 * compares the reports byte for byte, in every format.
 */
import type { Chart, DiagnosisStatus, Lab, Setting } from '../chart/model.js';
import type { Evaluator } from './types.js';

/**
 * What gates look at, gathered once per chart: its distinct diagnosis codes (with status),
 * service codes and settings, and its labs. A routine visit has a handful of each, so a gate is a
 * few set lookups however many rules ask.
 */
export interface ChartFacts {
  readonly diagnoses: readonly { readonly code: string; readonly status: DiagnosisStatus }[];
  readonly services: readonly string[];
  readonly settings: readonly Setting[];
  readonly labs: readonly Lab[];
}

/**
 * Everything a gate can look at, as one string: charts with the same key pass the same gates, so
 * the engine works the gates out once per key (most of a night's routine visits share a handful).
 * Chart text (a code, a test name) is written with its length before it, so no text can make two
 * charts with different facts share a key; the settings and statuses are the model's own words.
 * Built in one pass with no set or array: on a memo hit (most charts) nothing else is made. (The
 * same facts in another order, or repeated, give another key: a memo miss, never a wrong answer.)
 */
export function factsKey(chart: Chart): string {
  let key = '';
  for (const e of chart.encounters) {
    key += `E${e.setting};`;
    for (const d of e.diagnoses) key += `D${d.code.length}:${d.code}${d.status};`;
    for (const s of e.services) key += `S${s.code.length}:${s.code}`;
  }
  // A lab gate reads a result's LOINC code and test name (CompiledTest.takes), nothing else.
  for (const l of chart.labs) {
    key += 'L';
    key += l.loinc === undefined ? '-' : `${l.loinc.length}:${l.loinc}`;
    key += l.test === undefined ? '-' : `${l.test.length}:${l.test}`;
  }
  return key;
}

/** What the gates look at (their key is factsKey's). */
export function chartFacts(chart: Chart): ChartFacts {
  const dx = new Map<string, { code: string; status: DiagnosisStatus }>();
  const services = new Set<string>();
  const settings = new Set<Setting>();
  for (const e of chart.encounters) {
    settings.add(e.setting);
    for (const d of e.diagnoses) dx.set(`${d.status} ${d.code}`, { code: d.code, status: d.status });
    for (const s of e.services) services.add(s.code);
  }
  return { diagnoses: [...dx.values()], services: [...services], settings: [...settings], labs: chart.labs };
}

/** True when a chart (its facts) may hold something the rule (or condition) can fire on. */
export type ChartGate = (facts: ChartFacts) => boolean;

const GATES = new WeakMap<Evaluator, ChartGate>();

/** Declares the gate of a compiled condition (the evaluator stays as it is). */
export function withGate(ev: Evaluator, gate: ChartGate | undefined): Evaluator {
  if (gate) GATES.set(ev, gate);
  return ev;
}

export function gateOf(ev: Evaluator | null | undefined): ChartGate | undefined {
  return ev ? GATES.get(ev) : undefined;
}

/** Every known gate must pass; none known: no gate. */
export function allOf(gates: readonly (ChartGate | undefined)[]): ChartGate | undefined {
  const known = gates.filter((g): g is ChartGate => g !== undefined);
  if (known.length === 0) return undefined;
  if (known.length === 1) return known[0];
  return (chart) => known.every((g) => g(chart));
}

/** One branch's gate must pass; a branch without one may hold anywhere, and so may the whole. */
export function anyOf(gates: readonly (ChartGate | undefined)[]): ChartGate | undefined {
  if (gates.length === 0 || gates.some((g) => g === undefined)) return undefined;
  const known = gates as readonly ChartGate[];
  if (known.length === 1) return known[0];
  return (chart) => known.some((g) => g(chart));
}

export function someDiagnosis(facts: ChartFacts, test: (d: { code: string; status: DiagnosisStatus }) => boolean): boolean {
  return facts.diagnoses.some(test);
}

export function someService(facts: ChartFacts, test: (code: string) => boolean): boolean {
  return facts.services.some(test);
}

export function someLab(facts: ChartFacts, test: (l: Lab) => boolean): boolean {
  return facts.labs.some(test);
}

export function someSetting(facts: ChartFacts, settings: ReadonlySet<string>): boolean {
  return facts.settings.some((s) => settings.has(s));
}
