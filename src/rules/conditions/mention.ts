import { noteEvidence } from '../evidence.js';
import type { ConditionModule } from '../types.js';

interface Options {
  map: string;
  coded?: boolean;
  sections?: string | string[];
}

export const mention: ConditionModule<Options> = {
  kind: 'mention',
  description: 'The encounter\'s notes affirm a term of the named mention map; with `coded: false`, only terms whose codes the encounter does not code (with `coded: true`, only those it does).',
  options: {
    map: { type: 'mentions', required: true, description: 'A mention map named in `mentions` (e.g. etiologies).' },
    coded: { type: 'boolean', description: 'false: the mentioned code is not coded on the encounter; true: it is.' },
    sections: { type: 'enum-list', values: ['assessment', 'plan', 'hpi', 'ros', 'exam', 'other'], description: 'Only these note sections.' },
  },
  compile(o, cc) {
    const map = cc.mentions(o.map, [...cc.path, 'map']);
    const sections = o.sections === undefined ? undefined : new Set(Array.isArray(o.sections) ? o.sections : [o.sections]);
    return (scope) => {
      const e = scope.encounter;
      if (!map || !e) return null;
      for (const note of e.notes) {
        if (sections && !sections.has(note.section)) continue;
        for (const m of map.find(note.text)) {
          if (m.hit.negated) continue;
          const isCoded = e.diagnoses.some((d) => m.entry.codes.matchesDiagnosis(d.code));
          if (o.coded !== undefined && isCoded !== o.coded) continue;
          return {
            evidence: [noteEvidence(note, m.hit)],
            bindings: { 'mention.term': m.hit.term, 'mention.code': m.entry.codeText, 'mention.name': m.entry.name ?? m.hit.term },
          };
        }
      }
      return null;
    };
  },
};
