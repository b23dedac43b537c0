import { DIAGNOSIS_STATUSES, type Diagnosis } from '../../chart/model.js';
import { compareNumber, type Comparison } from '../compare.js';
import { diagnosisEvidence } from '../evidence.js';
import { someDiagnosis, withGate, type ChartFacts } from '../relevance.js';
import type { ConditionModule, Outcome, Scope } from '../types.js';

interface Options {
  code?: unknown;
  except?: unknown;
  linked?: boolean;
  status?: string | string[];
  rank?: number | Comparison;
  other?: boolean;
  self?: boolean;
  unlinked?: boolean;
}

/** The candidate diagnoses of a scope: the encounter's, or the service's linked ones. */
export function diagnosesOf(scope: Scope, linked: boolean): readonly Diagnosis[] {
  if (!scope.encounter) return scope.chart.encounters.flatMap((e) => e.diagnoses);
  if (linked && scope.service?.linked !== undefined) return scope.service.linked;
  return scope.encounter.diagnoses;
}

export const diagnosis: ConditionModule<Options> = {
  kind: 'diagnosis',
  description: "The subject's encounter has a diagnosis matching every given field.",
  options: {
    code: { type: 'codes', description: 'A codeset name, a code, a pattern such as D51.*, or a list of them.' },
    except: {
      type: 'codes',
      description:
        'Codes `code` leaves out, written as `code` is (a codeset name, a code, a pattern or a list): a diagnosis of the codeset other than those, however the codeset is extended.',
    },
    linked: {
      type: 'boolean',
      description: "Only the diagnoses the current service points to (all of the encounter's when it has no pointers).",
    },
    status: {
      type: 'enum-list',
      values: DIAGNOSIS_STATUSES,
      description:
        "One status or a list. Without it, only current diagnoses match: confirmed or suspected, or history where the code states a history itself (the ruleset's `history-codes`: a status code exported as history); a ruled-out diagnosis, or a history one of another code, never supports a line.",
    },
    rank: { type: 'comparison', description: "1-based position in the encounter's list: a number or a comparison ({lte: 4})." },
    other: { type: 'boolean', description: 'Leave out the subject diagnosis itself (for pairs of diagnoses).' },
    self: { type: 'boolean', description: 'Look only at the subject diagnosis itself (for rules `on: diagnosis`).' },
    unlinked: {
      type: 'boolean',
      description:
        "Only the encounter's diagnoses the current service does not point to (none when it has no pointers); binds `{{diagnoses.unlinked}}` (and not `{{diagnoses.matched}}`), for a message that says to re-point the line.",
    },
  },
  compile(o, cc) {
    const codes = o.code !== undefined ? cc.codes(o.code, [...cc.path, 'code']) : undefined;
    const except = o.except !== undefined ? cc.codes(o.except, [...cc.path, 'except']) : undefined;
    const coded = (code: string): boolean => (!codes || codes.matchesDiagnosis(code)) && (!except || !except.matchesDiagnosis(code));
    const statuses: ReadonlySet<string> | undefined =
      o.status === undefined ? undefined : new Set(Array.isArray(o.status) ? o.status : [o.status]);
    const hasStatus = statuses ? (d: Pick<Diagnosis, 'status'>) => statuses.has(d.status) : cc.isCurrent;
    const rank: Comparison | undefined = typeof o.rank === 'number' ? { eq: o.rank } : o.rank;
    const linked = o.linked === true;
    const other = o.other === true;
    const self = o.self === true;
    const unlinked = o.unlinked === true;
    // Every pool is some of the chart's diagnoses: one of them must have the code and status.
    const gate = (facts: ChartFacts): boolean => someDiagnosis(facts, (d) => coded(d.code) && hasStatus(d));
    // The outcome depends only on the pool (and, with `other`, the subject): kept for the last
    // one, since an encounter's claim lines come one after another and share its diagnoses.
    let last: { pool: readonly Diagnosis[]; subject: Diagnosis | undefined; outcome: Outcome | null } | undefined;
    return withGate((scope) => {
      let pool = self ? (scope.diagnosis ? [scope.diagnosis] : []) : diagnosesOf(scope, linked);
      if (unlinked) {
        const pointers = scope.service?.linked;
        // A set for a long list: a thousand lines each pointing at a thousand diagnoses.
        const pointed: { has(d: Diagnosis): boolean } | undefined =
          pointers && pointers.length > 16 ? new Set(pointers) : pointers && { has: (d) => pointers.includes(d) };
        pool = pointed === undefined || !scope.encounter ? [] : scope.encounter.diagnoses.filter((d) => !pointed.has(d));
      }
      const subject = other ? scope.diagnosis : undefined;
      if (last && last.pool === pool && last.subject === subject) return last.outcome;
      const outcome = read(pool, subject);
      last = { pool, subject, outcome };
      return outcome;
    }, gate);

    function read(pool: readonly Diagnosis[], subject: Diagnosis | undefined): Outcome | null {
      const matched = pool.filter(
        (d) => coded(d.code) && hasStatus(d) && (!rank || compareNumber({ value: d.rank }, rank)) && (!other || d !== subject),
      );
      if (matched.length === 0) return null;
      const list = matched.map((d) => d.code).join(', ');
      // `unlinked` binds only its own name, so a cited re-point does not hide what the line is linked to.
      const bindings: Record<string, unknown> = unlinked
        ? { 'diagnoses.unlinked': list }
        : { 'diagnoses.matched': list, 'diagnosis.matched': matched[0]!.code };
      return { evidence: matched.map(diagnosisEvidence), bindings };
    }
  },
};
