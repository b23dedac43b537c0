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

/** A chart's matching services in date order, their days, and their visit-days (see `visits`). */
interface Matching {
  services: DatedService[];
  days: number[];
  /** before[i]: how many visit-days (an encounter's services of one date) begin before services[i]. */
  before: number[];
  /** Where each visit-day begins in `services`. */
  starts: number[];
}

/**
 * The visit-days of services in date order: a stable sort keeps an encounter's services of a date
 * together, so a visit-day begins where the date or the encounter changes.
 */
function visitDays(services: readonly DatedService[]): Pick<Matching, 'before' | 'starts'> {
  const before = [0];
  const starts: number[] = [];
  services.forEach((m, i) => {
    const prev = services[i - 1];
    if (!prev || prev.service.date !== m.service.date || prev.encounter !== m.encounter) starts.push(i);
    before.push(starts.length);
  });
  return { before, starts };
}

/** The dates of the listed services, and how many more there are. */
function datesOf(listed: readonly DatedService[], more: number): string {
  return listed.map((m) => m.service.dateText).join(', ') + (more > 0 ? `, and ${more} more` : '');
}

/** The dates of `count` visit-days from the `first`th, the first MAX_EVIDENCE of them. */
function visitDates(services: readonly DatedService[], starts: readonly number[], first: number, count: number): string {
  const shown = starts.slice(first, first + Math.min(count, MAX_EVIDENCE)).map((i) => services[i]!.service.dateText);
  return shown.join(', ') + (count > shown.length ? `, and ${count - shown.length} more` : '');
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
        "Count an encounter's matching services of one date once: one dose billed on two lines of a visit is one injection; two visits of a day, or a stay's lines of three days, are two and three.",
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
    let last: Matching = { services: [], days: [], before: [0], starts: [] };
    const matching = (ctx: ChartContext): Matching => {
      if (ctx !== lastCtx) {
        const services = ctx.services().filter(({ service: s }) => codes!.matchesProcedure(s.code));
        last = { services, days: services.map((d) => d.service.date), ...visitDays(services) };
        lastCtx = ctx;
      }
      return last;
    };
    return (scope) => {
      if (!codes || !within) return null;
      const { from, to } = windowAround(scope.day, within, direction);
      const { services, days, before, starts } = matching(scope.ctx);
      const lo = lowerBound(days, from);
      const n = lowerBound(days, to + 1) - lo;
      // The window begins at a date's first service, so at a visit-day's first: before[] counts them.
      const value = o.visits === true ? before[lo + n]! - before[lo]! : n;
      if (!compareNumber({ value }, cmp)) return null;
      // The first MAX_EVIDENCE, all a finding shows; the rest counted.
      const listed = services.slice(lo, lo + Math.min(n, MAX_EVIDENCE));
      const more = n - listed.length;
      return {
        evidence: listed.map((m) => serviceEvidence(m.service)),
        ...(more > 0 ? { moreEvidence: more, allEvidence: () => services.slice(lo, lo + n).map((m) => serviceEvidence(m.service)) } : {}),
        bindings: {
          'count.value': value,
          'count.dates': o.visits === true ? visitDates(services, starts, before[lo]!, value) : datesOf(listed, more),
          'count.within': describeDuration(within),
        },
      };
    };
  },
};
