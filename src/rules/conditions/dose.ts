import { normalizeUnit } from '../analytes.js';
import { serviceEvidence } from '../evidence.js';
import type { ConditionModule } from '../types.js';

interface Options {
  per: number;
  unit: string;
  matches?: boolean;
}

/** Mass units a documented dose may be written in, as factors to micrograms. */
const TO_UG: Record<string, number> = { ug: 1, mg: 1000, g: 1_000_000, ng: 0.001 };

export const dose: ConditionModule<Options> = {
  kind: 'dose',
  description: 'Compares the service\'s billed units with its documented dose in billing units: ceil(dose / per). Holds (with `matches: false`, the default) when they differ. A service without a documented dose never holds.',
  options: {
    per: { type: 'number', required: true, description: 'The amount one billing unit covers (J3420: 1000).' },
    unit: { type: 'string', required: true, description: 'The unit of `per` (mcg).' },
    matches: { type: 'boolean', description: 'false (default): units differ from the dose; true: they agree.' },
  },
  compile(o, cc) {
    const perUnit = TO_UG[normalizeUnit(o.unit ?? '')];
    if (o.unit !== undefined && perUnit === undefined) cc.error([...cc.path, 'unit'], `unknown dose unit "${o.unit}": use mcg, mg, g or ng`);
    if (typeof o.per === 'number' && !(o.per > 0)) cc.error([...cc.path, 'per'], '`per` must be a positive number');
    const wantMatch = o.matches === true;
    return (scope) => {
      const s = scope.service;
      if (!s?.dose || perUnit === undefined) return null;
      const f = TO_UG[normalizeUnit(s.dose.unit)];
      if (f === undefined) return null;
      const expected = Math.max(1, Math.ceil((s.dose.value * f) / (o.per * perUnit) - 1e-9));
      if ((s.units === expected) !== wantMatch) return null;
      return {
        evidence: [serviceEvidence(s)],
        bindings: { 'dose.expected': expected, 'dose.written': `${s.dose.value} ${s.dose.unit}`, 'dose.units': s.units },
      };
    };
  },
};
