import type { DatedService } from '../chart-context.js';
import { shift } from '../duration.js';
import { compileBefore } from './before.js';
import { serviceEvidence } from '../evidence.js';
import { someService, withGate } from '../relevance.js';
import type { ConditionModule, Scope } from '../types.js';

interface Options {
  code?: unknown;
  within?: string;
  before?: boolean | string;
  after?: boolean;
  sameDay?: boolean;
  other?: boolean;
  linked?: boolean;
}

export const service: ConditionModule<Options> = {
  kind: 'service',
  description: 'The encounter (or, with `within`, any encounter of the chart in that window) has a matching service.',
  options: {
    code: { type: 'codes', description: 'A codeset name, a code, a pattern, or a list of them.' },
    within: {
      type: 'duration',
      description: "Look at every encounter of the chart in this window around the subject's date (180d, 6m, 1y).",
    },
    before: {
      type: 'anchor',
      description:
        "`true`: only services dated before the subject's date; a test name (b12): only services before the latest result of that test in the lookback window.",
    },
    after: { type: 'boolean', description: "Only services dated after the subject's date." },
    sameDay: { type: 'boolean', description: "Only services on the subject's date, in any encounter of the chart." },
    other: { type: 'boolean', description: 'Leave out the subject service itself.' },
    linked: {
      type: 'boolean',
      description: 'Only services whose diagnosis pointers point at the subject diagnosis (for rules `on: diagnosis`).',
    },
  },
  compile(o, cc) {
    const codes = o.code !== undefined ? cc.codes(o.code, [...cc.path, 'code']) : undefined;
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : undefined;
    const beforeLimit = compileBefore(o.before, cc);
    const wholeChart = within !== undefined || o.sameDay === true || (o.before !== undefined && o.before !== false) || o.after === true;
    // The pool is some of the chart's services: with a code, one of them must have it.
    return withGate(
      (scope: Scope) => {
        let pool: readonly DatedService[];
        if (!wholeChart && scope.encounter) pool = scope.encounter.services.map((s) => ({ service: s, encounter: scope.encounter! }));
        else pool = scope.ctx.services();
        let from = -Infinity;
        let to = Infinity;
        if (within) {
          from = shift(scope.day, within, -1);
          to = shift(scope.day, within, 1);
        }
        const limit = beforeLimit(scope);
        if (limit === null) return null;
        to = Math.min(to, limit);
        if (o.after === true) from = Math.max(from, scope.day + 1);
        if (o.sameDay === true) {
          from = Math.max(from, scope.day);
          to = Math.min(to, scope.day);
        }
        const d = scope.diagnosis;
        if (o.linked === true && !d) return null;
        const matched = pool.filter(
          ({ service: s }) =>
            (!codes || codes.matchesProcedure(s.code)) &&
            s.date >= from &&
            s.date <= to &&
            (o.other !== true || s !== scope.service) &&
            (o.linked !== true || (s.linked !== undefined && s.linked.includes(d!))),
        );
        if (matched.length === 0) return null;
        return {
          evidence: matched.map((m) => serviceEvidence(m.service)),
          bindings: { 'services.matched': matched.map((m) => `${m.service.code} on ${m.service.dateText}`).join(', ') },
        };
      },
      codes && ((facts) => someService(facts, (code) => codes.matchesProcedure(code))),
    );
  },
};
