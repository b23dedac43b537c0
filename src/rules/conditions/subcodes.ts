import { normalizeIcd10 } from '../../chart/normalize.js';
import { diagnosisEvidence } from '../evidence.js';
import type { ConditionModule } from '../types.js';

interface Options {
  in: unknown;
}

export const subcodes: ConditionModule<Options> = {
  kind: 'subcodes',
  description:
    "The subject diagnosis's code has subcodes among the given codes (codes that extend it: D63.0, D63.1 and D63.8 extend D63); binds `{{subcodes.list}}`, in the order given. For a message that names the codes a header stands for, from ruleset data (patterns such as D63.* are not listed).",
  options: {
    in: { type: 'codes', required: true, description: 'The codes to look among: a codeset name, a list of codes.' },
  },
  compile(o, cc) {
    const codes = cc.codes(o.in, [...cc.path, 'in']);
    const entries = codes ? [...new Set(codes.entries.filter((e) => !e.trim().endsWith('*')).map((e) => normalizeIcd10(e)))] : [];
    return (scope) => {
      const d = scope.diagnosis;
      if (!d) return null;
      // "D63" is extended by "D63.0"; "D64.8" by "D64.81".
      const stem = d.code.includes('.') ? d.code : `${d.code}.`;
      const found = entries.filter((e) => e !== d.code && e.startsWith(stem));
      if (found.length === 0) return null;
      return { evidence: [diagnosisEvidence(d)], bindings: { 'subcodes.list': found.join(', ') } };
    };
  },
};
