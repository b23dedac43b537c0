import { SUBJECT_FIELDS } from '../../chart/model.js';
import { shownName } from '../../core/shown.js';
import { valueComparer, type Comparison } from '../compare.js';
import { didYouMean } from '../suggest.js';
import type { ConditionModule, Scope } from '../types.js';

interface Options extends Comparison {
  path: string;
  exists?: boolean;
}

/** The subject element itself (the service, the diagnosis, ...). */
function subjectOf(scope: Scope): unknown {
  switch (scope.kind) {
    case 'service':
      return scope.service;
    case 'diagnosis':
      return scope.diagnosis;
    case 'lab':
      return scope.lab;
    case 'encounter':
      return scope.encounter;
    case 'chart':
      return scope.chart;
  }
}

/** Reads a dotted path (`dose.value`) from the subject as the chart model holds it. */
export function readPath(obj: unknown, path: readonly string[]): unknown {
  let v: unknown = obj;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

export const field: ConditionModule<Options> = {
  kind: 'field',
  description: 'A field of the subject itself compares as given ({path: units, gt: 1}).',
  options: {
    path: {
      type: 'string',
      required: true,
      description: 'A field of the subject, dotted for nested fields: units, dose.value, status, setting.',
    },
    exists: { type: 'boolean', description: '`true`: the field is present; `false`: it is absent.' },
  },
  comparison: 'any',
  compile(o, cc) {
    const known = SUBJECT_FIELDS[cc.subject];
    if (!known.includes(o.path)) {
      cc.error([...cc.path, 'path'], `unknown field ${shownName(o.path)} of a ${cc.subject}.${didYouMean(o.path, known)}`);
    }
    const path = o.path.split('.');
    const { path: _p, exists, ...cmp } = o;
    // Worked out once: every diagnosis of a night's charts may ask (`field: { path: code, eq: D51.0 }`).
    const matches = valueComparer(cmp);
    const name = `field.${o.path}`;
    return (scope) => {
      const v = readPath(subjectOf(scope), path);
      if (exists !== undefined && (v !== undefined) !== exists) return null;
      if (!matches(v)) return null;
      return { evidence: [], bindings: { [name]: v } };
    };
  },
};
