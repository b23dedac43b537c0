import { SETTINGS } from '../../chart/model.js';
import { someSetting, withGate } from '../relevance.js';
import type { ConditionModule } from '../types.js';

interface Options {
  setting?: string | string[];
  notes?: boolean;
}

export const encounter: ConditionModule<Options> = {
  kind: 'encounter',
  description: "The subject's encounter has one of the given settings.",
  options: {
    setting: { type: 'enum-list', values: SETTINGS, description: 'One setting or a list.' },
    notes: { type: 'boolean', description: '`true`: the encounter was exported with notes; `false`: without any.' },
  },
  compile(o) {
    const settings = o.setting === undefined ? undefined : new Set(Array.isArray(o.setting) ? o.setting : [o.setting]);
    return withGate(
      (scope) => {
        const e = scope.encounter;
        if (!e) return null;
        if (settings && !settings.has(e.setting)) return null;
        if (o.notes !== undefined && e.notes.length > 0 !== o.notes) return null;
        return { evidence: [], bindings: {} };
      },
      settings && ((facts) => someSetting(facts, settings)),
    );
  },
};
