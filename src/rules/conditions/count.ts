import { compareNumber, type Comparison } from '../compare.js';
import { describeDuration, windowAround, type Direction } from '../duration.js';
import { serviceEvidence } from '../evidence.js';
import type { ConditionModule } from '../types.js';

interface Options extends Comparison {
  service: unknown;
  within?: string;
  direction?: Direction;
}

export const count: ConditionModule<Options> = {
  kind: 'count',
  description:
    'How many matching services the chart holds in the window around the subject\'s date compares as given. Binds `{{count.value}}`, `{{count.dates}}` and `{{count.within}}` (the window in words: "25 days").',
  options: {
    service: { type: 'codes', required: true, description: 'The services to count: a codeset name, a code, a pattern, or a list.' },
    within: { type: 'duration', description: "The window around the subject's date (default: the ruleset's lookback)." },
    direction: {
      type: 'enum',
      values: ['before', 'after', 'around'],
      description: "Where the window lies: around the subject's date (default), before it or after it (the subject's date included).",
    },
  },
  comparison: 'numeric',
  compile(o, cc) {
    const codes = cc.codes(o.service, [...cc.path, 'service']);
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : cc.lookback;
    const { service: _s, within: _w, direction: _d, ...cmp } = o;
    const direction = o.direction ?? 'around';
    return (scope) => {
      if (!codes || !within) return null;
      const { from, to } = windowAround(scope.day, within, direction);
      const matched = scope.ctx.services().filter(({ service: s }) => s.date >= from && s.date <= to && codes.matchesProcedure(s.code));
      const n = matched.length;
      if (!compareNumber({ value: n }, cmp)) return null;
      return {
        evidence: matched.map((m) => serviceEvidence(m.service)),
        bindings: {
          'count.value': n,
          'count.dates': matched.map((m) => m.service.dateText).join(', '),
          'count.within': describeDuration(within),
        },
      };
    };
  },
};
