import { compareNumber, type Comparison } from '../compare.js';
import { describeDuration, windowAround, type Direction } from '../duration.js';
import { serviceEvidence } from '../evidence.js';
import type { ChartContext, DatedService } from '../chart-context.js';
import { lowerBound } from '../context.js';
import { MAX_EVIDENCE } from '../../finding.js';
import type { ConditionModule } from '../types.js';

interface Options extends Comparison {
  service: unknown;
  within?: string;
  direction?: Direction;
  visits?: boolean;
}

/** How many encounters services[from, to) belong to. */
function visitsOf(services: readonly DatedService[], from: number, to: number): number {
  const seen = new Set<object>();
  for (let i = from; i < to; i++) seen.add(services[i]!.encounter);
  return seen.size;
}

export const count: ConditionModule<Options> = {
  kind: 'count',
  description:
    'How many matching services the chart holds in the window around the subject\'s date compares as given. Binds `{{count.value}}`, `{{count.dates}}` (the first 20 dates, and how many more) and `{{count.within}}` (the window in words: "25 days").',
  options: {
    service: { type: 'codes', required: true, description: 'The services to count: a codeset name, a code, a pattern, or a list.' },
    within: { type: 'duration', description: "The window around the subject's date (default: the ruleset's lookback)." },
    direction: {
      type: 'enum',
      values: ['before', 'after', 'around'],
      description: "Where the window lies: around the subject's date (default), before it or after it (the subject's date included).",
    },
    visits: {
      type: 'boolean',
      description:
        'Count the encounters that hold a matching service, not the services: one dose billed on two lines of a visit is one injection (two visits of one day are two).',
    },
  },
  comparison: 'numeric',
  compile(o, cc) {
    const codes = cc.codes(o.service, [...cc.path, 'service']);
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : cc.lookback;
    const { service: _s, within: _w, direction: _d, visits: _v, ...cmp } = o;
    const direction = o.direction ?? 'around';
    // The chart's services of these codes, in date order (ChartContext.services() is), and their
    // dates: found once per chart, then each subject's window is two binary searches. (Filtering
    // every service and making evidence for each, for every subject, took 23 s for a chart of
    // 10,000 lines.)
    // Kept for the chart being linted only (charts are linted one at a time): no table of charts.
    let lastCtx: ChartContext | undefined;
    let last: { services: DatedService[]; days: number[] } = { services: [], days: [] };
    const matching = (ctx: ChartContext): { services: DatedService[]; days: number[] } => {
      if (ctx !== lastCtx) {
        const services = ctx.services().filter(({ service: s }) => codes!.matchesProcedure(s.code));
        last = { services, days: services.map((d) => d.service.date) };
        lastCtx = ctx;
      }
      return last;
    };
    return (scope) => {
      if (!codes || !within) return null;
      const { from, to } = windowAround(scope.day, within, direction);
      const { services, days } = matching(scope.ctx);
      const lo = lowerBound(days, from);
      const n = lowerBound(days, to + 1) - lo;
      const value = o.visits === true ? visitsOf(services, lo, lo + n) : n;
      if (!compareNumber({ value }, cmp)) return null;
      // The first MAX_EVIDENCE, all a finding shows; the rest counted.
      const listed = services.slice(lo, lo + Math.min(n, MAX_EVIDENCE));
      const more = n - listed.length;
      return {
        evidence: listed.map((m) => serviceEvidence(m.service)),
        ...(more > 0 ? { moreEvidence: more, allEvidence: () => services.slice(lo, lo + n).map((m) => serviceEvidence(m.service)) } : {}),
        bindings: {
          'count.value': value,
          'count.dates':
            (o.visits === true
              ? [...new Set(listed.map((m) => m.encounter))].map((e) => e.dateText)
              : listed.map((m) => m.service.dateText)
            ).join(', ') + (more > 0 ? `, and ${more} more` : ''),
          'count.within': describeDuration(within),
        },
      };
    };
  },
};
