import { compareNumber, type Comparison } from '../compare.js';
import { shift } from '../duration.js';
import { serviceEvidence } from '../evidence.js';
import type { ConditionModule } from '../types.js';

interface Options extends Comparison {
  service: unknown;
  within?: string;
}

export const count: ConditionModule<Options> = {
  kind: 'count',
  description: 'How many matching services the chart holds in the window around the subject\'s date compares as given.',
  options: {
    service: { type: 'codes', required: true, description: 'The services to count: a codeset name, a code, a pattern, or a list.' },
    within: { type: 'duration', description: 'The window around the subject\'s date (default: the ruleset\'s lookback).' },
  },
  comparison: 'numeric',
  compile(o, cc) {
    const codes = cc.codes(o.service, [...cc.path, 'service']);
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : cc.lookback;
    const { service: _s, within: _w, ...cmp } = o;
    return (scope) => {
      if (!codes || !within) return null;
      const from = shift(scope.day, within, -1);
      const to = shift(scope.day, within, 1);
      const matched = scope.ctx.services().filter(({ service: s }) => s.date >= from && s.date <= to && codes.matchesProcedure(s.code));
      let units = 0;
      for (const m of matched) units += 1;
      if (!compareNumber({ value: units }, cmp)) return null;
      return {
        evidence: matched.map((m) => serviceEvidence(m.service)),
        bindings: { 'count.value': units, 'count.dates': matched.map((m) => m.service.dateText).join(', ') },
      };
    };
  },
};
