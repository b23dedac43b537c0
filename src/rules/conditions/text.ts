import { NOTE_SECTIONS, type Diagnosis, type Encounter } from '../../chart/model.js';
import { shift } from '../duration.js';
import { noteEvidence } from '../evidence.js';
import type { MentionMap } from '../mentions.js';
import { sentenceBounds, type TermHit } from '../terms.js';
import type { ConditionModule, EvidenceRef, Scope } from '../types.js';

interface Options {
  terms: unknown;
  sections?: string | string[];
  negated?: boolean;
  scope?: 'encounter' | 'chart';
  within?: string;
  about?: string;
}

/** True when the sentence names the diagnosis: its code, its description, or a mention-map term for it. */
function sentenceNames(sentence: string, d: Diagnosis, map: MentionMap): boolean {
  const lower = sentence.toLowerCase();
  if (d.description && lower.includes(d.description.toLowerCase())) return true;
  if (codePattern(d).test(sentence)) return true;
  return map.matchersFor(d.code).some((m) => m.find(sentence).some((h) => !h.negated));
}

const CODE_PATTERNS = new Map<string, RegExp>();

/** The pattern of a diagnosis code as written in notes, compiled once per code (not per evaluation). */
function codePattern(d: Diagnosis): RegExp {
  const key = `${d.code}\u0000${d.codeText.trim()}`;
  let re = CODE_PATTERNS.get(key);
  if (!re) {
    if (CODE_PATTERNS.size >= 1024) CODE_PATTERNS.clear();
    re = new RegExp(`(?<![A-Za-z0-9.])(${escape(d.code)}|${escape(d.codeText.trim())})(?![A-Za-z0-9])`, 'i');
    CODE_PATTERNS.set(key, re);
  }
  return re;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const text: ConditionModule<Options> = {
  kind: 'text',
  description: 'The encounter\'s notes mention one of the terms, affirmed (default) or negated.',
  options: {
    terms: { type: 'terms', required: true, description: 'A term list named in `terms`, a list of names, or a list of words.' },
    sections: { type: 'enum-list', values: NOTE_SECTIONS, description: 'Only these note sections.' },
    negated: { type: 'boolean', description: '`false` (default): affirmed mentions only; `true`: negated mentions only ("denies melena").' },
    scope: { type: 'enum', values: ['encounter', 'chart'], description: 'The notes of the subject\'s encounter (default) or of every encounter of the chart.' },
    within: { type: 'duration', description: 'The notes of every encounter of the chart in this window around the subject\'s date.' },
    about: { type: 'mentions', description: 'Only terms in the same sentence as a mention of the subject diagnosis (its code, its description, or a term the named mention map gives for it).' },
  },
  compile(o, cc) {
    const matcher = cc.terms(o.terms, [...cc.path, 'terms']);
    const sections = o.sections === undefined ? undefined : new Set(Array.isArray(o.sections) ? o.sections : [o.sections]);
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : undefined;
    const about = o.about !== undefined ? cc.mentions(o.about, [...cc.path, 'about']) : undefined;
    const negated = o.negated === true;
    const encountersOf = (scope: Scope): readonly Encounter[] => {
      if (within) {
        const from = shift(scope.day, within, -1);
        const to = shift(scope.day, within, 1);
        return scope.chart.encounters.filter((e) => e.date >= from && e.date <= to);
      }
      return o.scope === 'chart' || !scope.encounter ? scope.chart.encounters : [scope.encounter];
    };
    return (scope) => {
      if (!matcher) return null;
      const evidence: EvidenceRef[] = [];
      let first: TermHit | undefined;
      for (const e of encountersOf(scope)) {
        for (const note of e.notes) {
          if (sections && !sections.has(note.section)) continue;
          let hit: TermHit | undefined;
          if (about) {
            const d = scope.diagnosis;
            if (!d) continue;
            hit = matcher.find(note.text).find((h) => {
              if (h.negated !== negated) return false;
              const [s, end] = sentenceBounds(note.text, h.index);
              return sentenceNames(note.text.slice(s, end), d, about);
            });
          } else {
            hit = matcher.first(note.text, negated);
          }
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
