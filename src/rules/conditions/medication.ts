import { shownValue } from '../../core/shown.js';
import type { Medication } from '../../chart/model.js';
import { shift } from '../duration.js';
import { compileBefore } from './before.js';
import { AFFIRMED } from '../context.js';
import { MAX_EVIDENCE } from '../../finding.js';
import type { ConditionModule, EvidenceRef } from '../types.js';

interface Options {
  name?: unknown;
  code?: unknown;
  before?: boolean | string;
  within?: string;
  after?: boolean;
  sameDay?: boolean;
}

export const medication: ConditionModule<Options> = {
  kind: 'medication',
  description:
    'The chart lists a matching medication (by name, as whole words, or by code). A medication without a date counts as current, so it is taken as given before any date. Binds `{{medication.name}}` (as the chart writes it) and `{{medication.term}}` (the word of `name` it matched).',
  options: {
    name: { type: 'terms', description: 'A term list name, or a list of names or words (cyanocobalamin, hydroxocobalamin).' },
    code: { type: 'codes', description: 'Medication codes (RxNorm or other), a codeset name, or a list.' },
    before: {
      type: 'anchor',
      description:
        "`true`: only medications dated before the subject's date; a test name (b12): only before the latest result of that test in the lookback window.",
    },
    within: {
      type: 'duration',
      description: "Only medications dated in this window around the subject's date (an undated medication counts as current).",
    },
    after: {
      type: 'boolean',
      description:
        "`false`: only medications dated on or before the subject's date (an undated one counts as current), so that a `within` window looks back only, as a lab's does; `true`: only those dated after it.",
    },
    sameDay: {
      type: 'boolean',
      description: "Only medications dated on the subject's date (an administration that day); undated ones do not count.",
    },
  },
  compile(o, cc) {
    const names = o.name !== undefined ? cc.terms(o.name, [...cc.path, 'name']) : undefined;
    const codes = o.code !== undefined ? cc.codes(o.code, [...cc.path, 'code']) : undefined;
    const beforeLimit = compileBefore(o.before, cc);
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : undefined;
    if (o.name === undefined && o.code === undefined) cc.error(cc.path, '`medication` needs `name` or `code`');
    const matches = (m: Medication): boolean =>
      (names !== undefined && m.name !== undefined && names.first(m.name, AFFIRMED) !== undefined) ||
      (codes !== undefined && m.code !== undefined && codes.matchesProcedure(m.code.toUpperCase()));
    // Which of a chart's medications the names or codes match does not depend on the subject:
    // worked out once per chart (every line of a chart of thousands asked it of every medication).
    // Kept for the chart being linted only (charts are linted one at a time): no table of charts.
    let lastChart: object | undefined;
    let lastNamed: Medication[] = [];
    return (scope) => {
      const limit = beforeLimit(scope);
      if (limit === null) return null;
      let since = within ? shift(scope.day, within, -1) : -Infinity;
      let to = within ? shift(scope.day, within, 1) : Infinity;
      if (o.after === false) to = Math.min(to, scope.day);
      else if (o.after === true) since = Math.max(since, scope.day + 1);
      if (scope.chart !== lastChart) {
        lastNamed = scope.chart.medications.filter(matches);
        lastChart = scope.chart;
      }
      const named = lastNamed;
      const found = named.filter((m) =>
        o.sameDay === true
          ? m.date === scope.day
          : m.date === undefined
            ? o.after !== true
            : m.date <= limit && m.date >= since && m.date <= to,
      );
      if (found.length === 0) return null;
      // The first MAX_EVIDENCE, all a finding shows; the rest counted.
      const more = Math.max(0, found.length - MAX_EVIDENCE);
      const evidence: EvidenceRef[] = found.slice(0, MAX_EVIDENCE).map(medicationEvidence);
      const first = found[0]!;
      const term = names !== undefined && first.name !== undefined ? names.first(first.name, AFFIRMED)?.term : undefined;
      return {
        evidence,
        ...(more > 0 ? { moreEvidence: more, allEvidence: () => found.map(medicationEvidence) } : {}),
        bindings: { 'medication.name': first.name ?? first.code ?? '', 'medication.term': term ?? first.code ?? '' },
      };
    };
  },
};

function medicationEvidence(m: Medication): EvidenceRef {
  const e: EvidenceRef = { kind: 'medication', pointer: m.ptr };
  if (m.name !== undefined) e.name = shownValue(m.name);
  if (m.code !== undefined) e.code = shownValue(m.code);
  if (m.dateText !== undefined) e.date = shownValue(m.dateText);
  return e;
}
