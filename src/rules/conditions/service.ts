import { MAX_EVIDENCE } from '../../finding.js';
import type { DatedService } from '../chart-context.js';
import type { CodeMatcher } from '../codes.js';
import { lowerBound } from '../context.js';
import { shift } from '../duration.js';
import { compileBefore } from './before.js';
import { serviceEvidence } from '../evidence.js';
import { someService, withGate } from '../relevance.js';
import type { ConditionModule, Scope } from '../types.js';

interface Options {
  code?: unknown;
  except?: unknown;
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
    except: {
      type: 'codes',
      description:
        'Codes `code` leaves out, written as `code` is (a codeset name, a code, a pattern or a list): a service of the codeset other than those, however the codeset is extended (`{ code: injectable-drug, except: b12-injection }`).',
    },
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
    const codes = matcherOf(
      o.code !== undefined ? cc.codes(o.code, [...cc.path, 'code']) : undefined,
      o.except !== undefined ? cc.codes(o.except, [...cc.path, 'except']) : undefined,
    );
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : undefined;
    const beforeLimit = compileBefore(o.before, cc);
    const wholeChart = within !== undefined || o.sameDay === true || (o.before !== undefined && o.before !== false) || o.after === true;
    const poolOf = pools(codes, wholeChart);
    /** The days the subject's services may fall on, or null when the anchoring result is absent. */
    const windowOf = (scope: Scope): { from: number; to: number } | null => {
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
      return { from, to };
    };
    // The pool is some of the chart's services: with a code, one of them must have it.
    return withGate(
      (scope: Scope) => {
        const window = windowOf(scope);
        if (window === null) return null;
        const { from, to } = window;
        const d = scope.diagnosis;
        if (o.linked === true && !d) return null;
        // The first MAX_EVIDENCE, all a finding shows; the rest counted (evidence and a binding
        // for each of a thousand lines, at each of them, took seconds an encounter).
        const { services, days } = poolOf(scope);
        const lo = days ? lowerBound(days, from) : 0;
        // A window that ends before it starts (`before` a result older than `within`) holds none.
        const hi = Math.max(lo, days ? lowerBound(days, to + 1) : services.length);
        const self = o.other === true ? scope.service : undefined;
        const counts = (m: DatedService): boolean => {
          const s = m.service;
          if (s.date < from || s.date > to || s === self) return false;
          return o.linked !== true || (s.linked !== undefined && s.linked.includes(d!));
        };
        const listed: DatedService[] = [];
        let n = 0;
        if (days && o.linked !== true) {
          // In date order, every service of the window counts but the subject itself.
          for (let i = lo; i < hi && listed.length < MAX_EVIDENCE; i++) if (services[i]!.service !== self) listed.push(services[i]!);
          const selfIn = self !== undefined && self.date >= from && self.date <= to && (!codes || codes.matchesProcedure(self.code));
          n = hi - lo - (selfIn ? 1 : 0);
        } else {
          for (let i = lo; i < hi; i++) if (counts(services[i]!) && n++ < MAX_EVIDENCE) listed.push(services[i]!);
        }
        if (n === 0) return null;
        const more = n - listed.length;
        return {
          evidence: listed.map((m) => serviceEvidence(m.service)),
          ...(more > 0
            ? {
                moreEvidence: more,
                allEvidence: () =>
                  services
                    .slice(lo, hi)
                    .filter(counts)
                    .map((m) => serviceEvidence(m.service)),
              }
            : {}),
          bindings: {
            'services.matched':
              listed.map((m) => `${m.service.code} on ${m.service.dateText}`).join(', ') + (more > 0 ? `, and ${more} more` : ''),
          },
        };
      },
      codes && ((facts) => someService(facts, (code) => codes.matchesProcedure(code))),
    );
  },
};

/** Which service codes count: those of `code` (any, without it) but those of `except`. */
function matcherOf(codes: CodeMatcher | undefined, except: CodeMatcher | undefined): Pick<CodeMatcher, 'matchesProcedure'> | undefined {
  if (!except) return codes;
  return { matchesProcedure: (code: string) => (!codes || codes.matchesProcedure(code)) && !except.matchesProcedure(code) };
}

interface Pool {
  services: readonly DatedService[];
  /** For the chart's services, in date order: their dates, for binary search. */
  days?: number[];
}

/**
 * The services with the code, kept for the encounter (or chart) last asked about: its claim lines
 * come one after another, and each would otherwise look through all of them again. The chart's
 * (ChartContext.services()) are in date order, with their dates: a subject's window is then two
 * binary searches, as in `count`.
 */
function pools(codes: Pick<CodeMatcher, 'matchesProcedure'> | undefined, wholeChart: boolean): (scope: Scope) => Pool {
  let lastSource: object | undefined;
  let lastPool: Pool = { services: [] };
  return (scope) => {
    const encounter = !wholeChart ? scope.encounter : undefined;
    const source = encounter ?? scope.ctx;
    if (source !== lastSource) {
      const all = encounter ? encounter.services.map((s) => ({ service: s, encounter })) : scope.ctx.services();
      const services = codes ? all.filter(({ service: s }) => codes.matchesProcedure(s.code)) : all;
      lastPool = encounter ? { services } : { services, days: services.map((m) => m.service.date) };
      lastSource = source;
    }
    return lastPool;
  };
}
