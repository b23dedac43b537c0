import { NOTE_SECTIONS, type Encounter } from '../../chart/model.js';
import type { MentionEntry, MentionMap } from '../mentions.js';
import { ASSERTIONS, type Assertion } from '../context.js';
import { noteEvidence } from '../evidence.js';
import { keeps, sectionsOption } from '../sections.js';
import type { ConditionModule, Outcome } from '../types.js';

interface Options {
  map: string;
  coded?: boolean;
  headers?: boolean;
  sections?: string | string[];
  assertion?: Assertion | Assertion[];
}

export const mention: ConditionModule<Options> = {
  kind: 'mention',
  description:
    "The encounter's notes affirm a term of the named mention map (or state it with an assertion its entry or `assertion` accepts); with `coded: false`, only terms whose codes the encounter does not code as current (with `coded: true`, only those it does).",
  options: {
    map: { type: 'mentions', required: true, description: 'A mention map named in `mentions` (e.g. etiologies).' },
    coded: { type: 'boolean', description: 'false: the mentioned code is not coded on the encounter; true: it is.' },
    headers: {
      type: 'boolean',
      description:
        "With `coded`: a category header above an entry's code counts as coding it (the three-character category above a subcode pattern, a shorter code above a longer one): the condition is coded, with a code that is not billable, which a header rule reports.",
    },
    sections: { type: 'enum-list', values: NOTE_SECTIONS, description: 'Only these note sections.' },
    assertion: {
      type: 'enum-list',
      values: ASSERTIONS,
      description: 'The assertions that count (default affirmed); an entry of the map may name its own (`assertion:` beside its terms).',
    },
  },
  compile(o, cc) {
    const map = cc.mentions(o.map, [...cc.path, 'map']);
    const partOf = sectionsOption(o.sections, cc.context);
    if (o.headers !== undefined && o.coded === undefined)
      cc.error([...cc.path, 'headers'], '`headers` needs `coded`: whether a header counts as coding the condition');
    const wanted = new Set<Assertion>(o.assertion === undefined ? ['affirmed'] : Array.isArray(o.assertion) ? o.assertion : [o.assertion]);
    // The outcome depends only on the encounter: kept for the last one, since its claim lines come
    // one after another and each would read all of its notes again.
    let lastEncounter: Encounter | undefined;
    let lastOutcome: Outcome | null = null;
    return (scope) => {
      const e = scope.encounter;
      if (!map || !e) return null;
      if (e !== lastEncounter) {
        lastOutcome = read(map, e);
        lastEncounter = e;
      }
      return lastOutcome;
    };

    function read(map: MentionMap, e: Encounter): Outcome | null {
      // Whether the encounter codes an entry, once an entry (a note may mention it many times).
      const coded = new Map<MentionEntry, boolean>();
      for (const note of e.notes) {
        const part = partOf ? partOf(note) : true;
        if (part === false) continue;
        for (const m of map.find(note.text, note.section)) {
          if (!(m.entry.assertions ?? wanted).has(m.hit.assertion) || !keeps(part, m.hit.index)) continue;
          let isCoded = coded.get(m.entry);
          if (isCoded === undefined) {
            const codes = m.entry.codes;
            isCoded = e.diagnoses.some(
              (d) => cc.isCurrent(d) && (codes.matchesDiagnosis(d.code) || (o.headers === true && codes.isHeaderOf(d.code))),
            );
            coded.set(m.entry, isCoded);
          }
          if (o.coded !== undefined && isCoded !== o.coded) continue;
          return {
            evidence: [noteEvidence(note, m.hit)],
            bindings: {
              'mention.term': m.hit.term,
              'mention.excerpt': m.hit.excerpt,
              'mention.assertion': m.hit.assertion,
              'mention.code': m.entry.codeText,
              'mention.name': m.entry.name ?? m.hit.term,
              'mention.note': m.entry.note ?? '',
            },
          };
        }
      }
      return null;
    }
  },
};
