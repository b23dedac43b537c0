import { monthsBetween, yearsBetween } from '../../chart/normalize.js';
import { SEXES } from '../../chart/model.js';
import { compareNumber, type Comparison } from '../compare.js';
import { compileBefore } from './before.js';
import type { ConditionModule } from '../types.js';

interface Options {
  age?: number | Comparison;
  ageMonths?: number | Comparison;
  sex?: string | string[];
  at?: string;
}

export const patient: ConditionModule<Options> = {
  kind: 'patient',
  description:
    "The patient's age at the subject's date (or, with `at`, on the date of a lab result) and sex compare as given. An age comparison never holds for a patient without a birth date, a sex list never for one without a sex.",
  options: {
    age: { type: 'comparison', description: 'Age in whole years: a number or a comparison ({gte: 65}).' },
    ageMonths: { type: 'comparison', description: 'Age in whole months: a number or a comparison ({gte: 6, lt: 24}).' },
    sex: { type: 'enum-list', values: SEXES, description: 'One sex or a list.' },
    at: {
      type: 'lab',
      description:
        "Take the age on the date of the latest result of this test in the lookback window before the subject's date (a threshold that depends on the age at the result); never holds when there is no such result.",
    },
  },
  compile(o, cc) {
    const age: Comparison | undefined = typeof o.age === 'number' ? { eq: o.age } : o.age;
    const ageMonths: Comparison | undefined = typeof o.ageMonths === 'number' ? { eq: o.ageMonths } : o.ageMonths;
    const sexes = o.sex === undefined ? undefined : new Set(Array.isArray(o.sex) ? o.sex : [o.sex]);
    // The day before the result's date, as `before: <test>` gives it: the age is taken on the next day.
    const resultDay = o.at !== undefined ? compileBefore(o.at, cc, [...cc.path, 'at']) : undefined;
    return (scope) => {
      const p = scope.chart.patient;
      if (sexes && (p.sex === undefined || !sexes.has(p.sex))) return null;
      if (age || ageMonths) {
        if (p.birthDate === undefined) return null;
        let day = scope.day;
        if (resultDay) {
          const d = resultDay(scope);
          if (d === null || d === Infinity) return null;
          day = d + 1;
        }
        if (age && !compareNumber({ value: yearsBetween(p.birthDate, day) }, age)) return null;
        if (ageMonths && !compareNumber({ value: monthsBetween(p.birthDate, day) }, ageMonths)) return null;
      }
      return { evidence: [{ kind: 'patient', pointer: p.ptr }], bindings: {} };
    };
  },
};
