import { diagnosisEvidence } from '../evidence.js';
import { inForce } from '../pairs.js';
import { someDiagnosis, withGate, type ChartFacts } from '../relevance.js';
import type { ConditionModule } from '../types.js';
import { formatDay } from '../../chart/normalize.js';

interface Options {
  list: string;
}

export const pair: ConditionModule<Options> = {
  kind: 'pair',
  description:
    'The subject diagnosis is the `code` side of a pair in the named list, in force on the encounter date, whose `with` side is also coded on the encounter.',
  options: {
    list: { type: 'pairs', required: true, description: 'A pair list named in `pairs` (e.g. excludes1).' },
  },
  compile(o, cc) {
    const list = cc.pairs(o.list, [...cc.path, 'list']);
    // Both sides of one of the list's pairs must be among the chart's diagnoses.
    const gate =
      list &&
      ((facts: ChartFacts): boolean =>
        list.some(
          (p) =>
            someDiagnosis(facts, (d) => p.code.matchesDiagnosis(d.code)) && someDiagnosis(facts, (d) => p.with.matchesDiagnosis(d.code)),
        ));
    return withGate((scope) => {
      const d = scope.diagnosis;
      const e = scope.encounter;
      if (!list || !d || !e) return null;
      for (const p of list) {
        if (!p.code.matchesDiagnosis(d.code) || !inForce(p, e.date)) continue;
        const other = e.diagnoses.find((x) => x !== d && cc.isCurrent(x) && p.with.matchesDiagnosis(x.code));
        if (!other) continue;
        return {
          evidence: [diagnosisEvidence(d), diagnosisEvidence(other)],
          bindings: {
            'pair.other': other.code,
            'pair.note': p.note,
            'pair.until': p.until !== undefined ? formatDay(p.until) : '',
            'pair.from': p.from !== undefined ? formatDay(p.from) : '',
          },
        };
      }
      return null;
    }, gate);
  },
};
