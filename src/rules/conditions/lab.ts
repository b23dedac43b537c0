import type { Lab } from '../../chart/model.js';
import type { ResolvedLab } from '../chart-context.js';
import { compareNumber, type Comparison } from '../compare.js';
import { windowAround, type Direction } from '../duration.js';
import { labBinding, labEvidence } from '../evidence.js';
import type { ConditionModule } from '../types.js';

interface Options {
  test: string;
  within?: string;
  direction?: Direction;
  value?: Comparison;
  present?: boolean;
  flag?: 'low' | 'high' | 'normal';
  result?: 'latest' | 'any';
}

/** The result's own verdict: its reference range (in the unit it was written in), else its flag. */
export function labFlag(lab: Lab): 'low' | 'high' | 'normal' | undefined {
  const rr = lab.referenceRange;
  if (rr && lab.value !== undefined && (rr.low !== undefined || rr.high !== undefined)) {
    const v = { value: lab.value, comparator: lab.comparator };
    if (rr.low !== undefined && compareNumber(v, { lt: rr.low })) return 'low';
    if (rr.high !== undefined && compareNumber(v, { gt: rr.high })) return 'high';
    if ((rr.low === undefined || compareNumber(v, { gte: rr.low })) && (rr.high === undefined || compareNumber(v, { lte: rr.high })))
      return 'normal';
    return undefined;
  }
  return lab.interpretation;
}

export const lab: ConditionModule<Options> = {
  kind: 'lab',
  description: "The most recent result of a test in the window compares as given, after conversion to the test's unit.",
  options: {
    test: { type: 'lab', required: true, description: "A lab test named in the ruleset's `labs`." },
    within: { type: 'duration', description: "The window (default: the ruleset's lookback)." },
    direction: {
      type: 'enum',
      values: ['before', 'after', 'around'],
      description: "Where the window lies: before the subject's date (default), after it, or on both sides.",
    },
    value: { type: 'comparison', description: "Compare the value in the test's unit: {lt: 200}, {between: [200, 300]}." },
    present: { type: 'boolean', description: '`false` holds when there is no result in the window; `true` when there is one.' },
    flag: {
      type: 'enum',
      values: ['low', 'high', 'normal'],
      description: "Compare with the result's own reference range (or the lab's flag).",
    },
    result: {
      type: 'enum',
      values: ['latest', 'any'],
      description:
        '`latest` (default): the most recent result in the window compares; `any`: any result in the window does (the most recent of those is cited), such as a low B12 at any earlier date.',
    },
  },
  compile(o, cc) {
    const test = cc.lab(o.test, [...cc.path, 'test']);
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : cc.lookback;
    const direction = o.direction ?? 'before';
    return (scope) => {
      if (!test || !within) return null;
      const w = windowAround(scope.day, within, direction);
      const latest = scope.ctx.latestResult(test, w.from, w.to);
      if (!latest) return o.present === false ? { evidence: [], bindings: {} } : null;
      if (o.present === false) return null;
      const compares = (r: ResolvedLab): boolean =>
        (!o.value || compareNumber({ value: r.value, comparator: r.comparator }, o.value)) && (!o.flag || labFlag(r.lab) === o.flag);
      const found =
        o.result === 'any'
          ? scope.ctx.resultsOf(test).find((r) => r.date >= w.from && r.date <= w.to && compares(r))
          : compares(latest)
            ? latest
            : undefined;
      if (!found) return null;
      return { evidence: [labEvidence(test, found)], bindings: { [`lab.${test.name}`]: labBinding(test, found) } };
    };
  },
};
