import { NOTE_SECTIONS } from '../../chart/model.js';
import { noteEvidence } from '../evidence.js';
import type { ConditionModule, EvidenceRef } from '../types.js';

interface Options {
  terms: unknown;
  sections?: string | string[];
  negated?: boolean;
  scope?: 'encounter' | 'chart';
}

export const text: ConditionModule<Options> = {
  kind: 'text',
  description: 'The encounter\'s notes mention one of the terms, affirmed (default) or negated.',
  options: {
    terms: { type: 'terms', required: true, description: 'A term list named in `terms`, a list of names, or a list of words.' },
    sections: { type: 'enum-list', values: NOTE_SECTIONS, description: 'Only these note sections.' },
    negated: { type: 'boolean', description: '`false` (default): affirmed mentions only; `true`: negated mentions only ("denies melena").' },
    scope: { type: 'enum', values: ['encounter', 'chart'], description: 'The notes of the subject\'s encounter (default) or of every encounter of the chart.' },
  },
  compile(o, cc) {
    const matcher = cc.terms(o.terms, [...cc.path, 'terms']);
    const sections = o.sections === undefined ? undefined : new Set(Array.isArray(o.sections) ? o.sections : [o.sections]);
    const negated = o.negated === true;
    const wholeChart = o.scope === 'chart';
    return (scope) => {
      if (!matcher) return null;
      const encounters = wholeChart || !scope.encounter ? scope.chart.encounters : [scope.encounter];
      const evidence: EvidenceRef[] = [];
      let first: { term: string; excerpt: string } | undefined;
      for (const e of encounters) {
        for (const note of e.notes) {
          if (sections && !sections.has(note.section)) continue;
          const hit = matcher.first(note.text, negated);
          if (!hit) continue;
          evidence.push(noteEvidence(note, hit));
          first ??= hit;
        }
      }
      if (!first) return null;
      return { evidence, bindings: { 'text.term': first.term, 'text.excerpt': first.excerpt } };
    };
  },
};
