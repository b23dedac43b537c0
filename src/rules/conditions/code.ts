import { diagnosisEvidence } from '../evidence.js';
import { tableLabel } from '../code-table.js';
import type { ConditionModule } from '../types.js';

interface Options {
  valid?: boolean;
  billable?: boolean;
}

export const code: ConditionModule<Options> = {
  kind: 'code',
  description:
    "The subject diagnosis's ICD-10-CM code is (or is not) in the code table in force on its date, or valid for billing. Holds for no code when no table covers the date (`--icd10`).",
  options: {
    valid: { type: 'boolean', description: '`true`: the code is in the table; `false`: it is not.' },
    billable: {
      type: 'boolean',
      description: '`true`: a billable code; `false`: a category header (a code in the table that is not billable).',
    },
  },
  compile(o, cc) {
    const table = cc.codeTable;
    return (scope) => {
      const d = scope.diagnosis;
      // Only ICD-10-CM codes are looked up: a code kept in another system (an unmapped SNOMED CT
      // concept from FHIR) is neither valid nor invalid ICD-10-CM.
      if (!d || !scope.encounter || d.system !== undefined) return null;
      const entry = table.lookup(d.code, scope.encounter.date);
      if (entry === undefined) return null; // no table for this date
      if (o.valid !== undefined && (entry !== null) !== o.valid) return null;
      if (o.billable !== undefined && (entry === null || entry.billable !== o.billable)) return null;
      const year = table.forDay(scope.encounter.date)!;
      return {
        evidence: [diagnosisEvidence(d)],
        bindings: { 'code.table': tableLabel(year), 'code.description': entry?.description ?? '' },
      };
    };
  },
};
