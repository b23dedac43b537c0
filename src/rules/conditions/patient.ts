import { yearsBetween } from '../../chart/normalize.js';
import { SEXES } from '../../chart/model.js';
import { compareNumber, type Comparison } from '../compare.js';
import type { ConditionModule } from '../types.js';

interface Options {
  age?: number | Comparison;
  sex?: string | string[];
}

export const patient: ConditionModule<Options> = {
  kind: 'patient',
  description: 'The patient\'s age at the subject\'s date and sex compare as given.',
  options: {
    age: { type: 'comparison', description: 'Age in whole years at the encounter date: a number or a comparison ({gte: 65}).' },
    sex: { type: 'enum-list', values: SEXES, description: 'One sex or a list.' },
  },
  compile(o) {
    const age: Comparison | undefined = typeof o.age === 'number' ? { eq: o.age } : o.age;
    const sexes = o.sex === undefined ? undefined : new Set(Array.isArray(o.sex) ? o.sex : [o.sex]);
    return (scope) => {
      const p = scope.chart.patient;
      if (sexes && (p.sex === undefined || !sexes.has(p.sex))) return null;
      if (age) {
        if (p.birthDate === undefined) return null;
        if (!compareNumber({ value: yearsBetween(p.birthDate, scope.day) }, age)) return null;
      }
      return { evidence: [{ kind: 'patient', pointer: p.ptr }], bindings: {} };
    };
  },
};
