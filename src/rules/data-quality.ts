/**
 * Data quality that hides a lab result from every rule is itself a finding (`chart-format`,
 * warning): a LOINC code with a wrong check digit, a value with no unit where the test needs
 * one, a unit that cannot be converted to the test's unit; a diagnosis description too long to
 * be searched for in the notes. Without these a rule would stay quiet for the wrong reason.
 */
import { shownValue } from '../core/shown.js';
import type { Chart } from '../chart/model.js';
import { ENGINE_RULES, type UnlocatedFinding } from '../finding.js';
import { loincCheckDigit } from './loinc.js';
import { MAX_PHRASE_LENGTH, MAX_PHRASE_WORDS, phraseSize, withinLimits } from './words.js';
import type { CompiledLab } from './labs.js';
import { grouped } from '../core/numbers.js';

/** A `chart-format` warning of this chart, added to `out`. */
function adder(chart: Chart, out: UnlocatedFinding[]): (pointer: string, message: string) => void {
  return (pointer, message) => {
    const f: UnlocatedFinding = { ruleId: ENGINE_RULES.chartFormat, severity: 'warning', message, pointer, evidence: [] };
    if (chart.chartId) f.chartId = chart.chartId;
    out.push(f);
  };
}

export function labDataQuality(chart: Chart, labs: Iterable<CompiledLab>): UnlocatedFinding[] {
  const out: UnlocatedFinding[] = [];
  const testList = [...labs];
  const add = adder(chart, out);
  for (const lab of chart.labs) {
    if (lab.loinc !== undefined) {
      const m = /^(\d{1,7})-(\d)$/.exec(lab.loinc);
      if (!m)
        add(
          `${lab.ptr}/loinc`,
          `LOINC code "${shownValue(lab.loinc)}" is not written as digits, a hyphen and a check digit (e.g. 2132-9).`,
        );
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
    const name = shownValue(lab.test ?? lab.loinc ?? test.name);
    if (lab.unit === undefined)
      add(
        `${lab.ptr}/value`,
        `${name} result ${shownValue(lab.valueText)} has no unit, so no rule can compare it with ${test.unit} thresholds. Export the unit.`,
      );
    else if (!test.knowsUnit(lab.unit))
      add(
        `${lab.ptr}/unit`,
        `${name} unit "${shownValue(lab.unit)}" cannot be converted to ${test.unit}, so no rule can use this result. Add a factor to the test in the ruleset, or fix the unit.`,
      );
  }
  return out;
}

/**
 * A diagnosis whose code or description is beyond the limits of a phrase searched for in notes
 * (rules/words.ts; mentions.ts chartWords leaves it out): the notes are not searched for it, so a
 * rule that reads how they state the diagnosis ("probable ...") could stay quiet. Added to `out`,
 * with the sizes and never the text. A code is searched for as written and as normalized: one of
 * the two within the limits is enough.
 */
export function diagnosisDataQuality(chart: Chart, out: UnlocatedFinding[]): void {
  const add = adder(chart, out);
  for (const encounter of chart.encounters) {
    for (const d of encounter.diagnoses) {
      const description = d.description?.trim() ?? '';
      const codeText = d.codeText.trim();
      // The code is searched for as written and as normalized (chartWords): either within the limits is enough.
      const searchedCode = withinLimits(d.code) ? d.code : withinLimits(codeText) ? codeText : undefined;
      const codeOut = searchedCode === undefined;
      const descriptionOut = description !== '' && !withinLimits(description);
      if (!codeOut && !descriptionOut) continue;
      const sized = (what: string, text: string): string => {
        const { characters, words } = phraseSize(text);
        return `${what} has ${grouped(characters)} characters and ${grouped(words)} word${words === 1 ? '' : 's'}`;
      };
      const what = [
        ...(codeOut ? [sized('A diagnosis code as written', codeText)] : []),
        ...(descriptionOut
          ? [
              sized(
                codeOut
                  ? 'its description'
                  : searchedCode === d.code
                    ? `The description of diagnosis ${d.code}`
                    : 'The description of a diagnosis',
                description,
              ),
            ]
          : []),
      ].join(', and ');
      const searched = codeOut
        ? `the notes are searched only for ${description === '' || descriptionOut ? '' : 'its description and '}the ruleset's words for it`
        : `the notes are searched only for its code and the ruleset's words for it`;
      add(
        d.ptr,
        `${what}: more than a phrase b12lint searches the notes for (${MAX_PHRASE_LENGTH} characters or ${MAX_PHRASE_WORDS} words); ${searched}, so how they state this diagnosis may go unread. Check the export.`,
      );
    }
  }
}
