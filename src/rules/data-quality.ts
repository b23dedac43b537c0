/**
 * Data quality that hides a lab result from every rule is itself a finding (`chart-format`,
 * warning): a LOINC code with a wrong check digit, a value with no unit where the test needs
 * one, a unit that cannot be converted to the test's unit. Without these a rule would stay
 * quiet for the wrong reason.
 */
import type { Chart } from '../chart/model.js';
import { ENGINE_RULES, type UnlocatedFinding } from '../finding.js';
import { loincCheckDigit } from './loinc.js';
import type { CompiledLab } from './labs.js';

export function labDataQuality(chart: Chart, labs: Iterable<CompiledLab>): UnlocatedFinding[] {
  const out: UnlocatedFinding[] = [];
  const testList = [...labs];
  const add = (pointer: string, message: string): void => {
    const f: UnlocatedFinding = { ruleId: ENGINE_RULES.chartFormat, severity: 'warning', message, pointer, evidence: [] };
    if (chart.chartId) f.chartId = chart.chartId;
    out.push(f);
  };
  for (const lab of chart.labs) {
    if (lab.loinc !== undefined) {
      const m = /^(\d{1,7})-(\d)$/.exec(lab.loinc);
      if (!m) add(`${lab.ptr}/loinc`, `LOINC code "${lab.loinc}" is not written as digits, a hyphen and a check digit (e.g. 2132-9).`);
      else if (loincCheckDigit(m[1]!) !== Number(m[2])) {
        add(
          `${lab.ptr}/loinc`,
          `LOINC code ${lab.loinc} has a wrong check digit (${m[1]}-${loincCheckDigit(m[1]!)} would be valid): the result cannot be trusted to be the test it claims.`,
        );
      }
    }
    if (lab.value === undefined) continue;
    // As CompiledTest.takes, with the name lowered once for all the tests.
    const lower = lab.test?.toLowerCase();
    const test = testList.find((t) => (lab.loinc !== undefined && t.loinc.has(lab.loinc)) || (lower !== undefined && t.names.has(lower)));
    if (!test || test.unit === undefined) continue;
    const name = lab.test ?? lab.loinc ?? test.name;
    if (lab.unit === undefined)
      add(
        `${lab.ptr}/value`,
        `${name} result ${lab.valueText} has no unit, so no rule can compare it with ${test.unit} thresholds. Export the unit.`,
      );
    else if (!test.knowsUnit(lab.unit))
      add(
        `${lab.ptr}/unit`,
        `${name} unit "${lab.unit}" cannot be converted to ${test.unit}, so no rule can use this result. Add a factor to the test in the ruleset, or fix the unit.`,
      );
  }
  return out;
}
