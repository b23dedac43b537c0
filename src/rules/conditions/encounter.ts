import { SETTINGS } from '../../chart/model.js';
import type { ConditionModule } from '../types.js';

interface Options {
  setting?: string | string[];
}

export const encounter: ConditionModule<Options> = {
  kind: 'encounter',
  description: 'The subject\'s encounter has one of the given settings.',
  options: {
    setting: { type: 'enum-list', values: SETTINGS, description: 'One setting or a list.' },
  },
  compile(o) {
    const settings = o.setting === undefined ? undefined : new Set(Array.isArray(o.setting) ? o.setting : [o.setting]);
    return (scope) => {
      const e = scope.encounter;
      if (!e) return null;
      if (settings && !settings.has(e.setting)) return null;
      return { evidence: [], bindings: {} };
    };
  },
};
