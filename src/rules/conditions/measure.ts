import { NOTE_SECTIONS, type Encounter, type Note } from '../../chart/model.js';
import { compareNumber, type Comparison, type Interval } from '../compare.js';
import { normalizeUnit } from '../units.js';
import { noteEvidence } from '../evidence.js';
import { keeps, sectionsOption } from '../sections.js';
import type { TermHit, TermMatcher } from '../terms.js';
import type { ConditionModule, EvidenceRef, Outcome } from '../types.js';
import { ownValue } from '../../core/own.js';
import { maxOf } from '../../core/arrays.js';

interface Options {
  terms: unknown;
  unit: string;
  value?: Comparison;
  none?: unknown;
  sections?: string | string[];
}

/** Units an amount may be written in, by family, as factors to the family's first unit. */
const FAMILIES: readonly Record<string, number>[] = [
  {
    ml: 1,
    cc: 1,
    l: 1000,
    dl: 100,
    milliliter: 1,
    milliliters: 1,
    millilitre: 1,
    millilitres: 1,
    liter: 1000,
    liters: 1000,
    litre: 1000,
    litres: 1000,
    mls: 1,
  },
  { ug: 1, mg: 1000, g: 1_000_000, ng: 0.001 },
];

function familyOf(unit: string): Record<string, number> | undefined {
  const u = normalizeUnit(unit);
  return FAMILIES.find((f) => factorIn(f, u) !== undefined);
}

/** A unit's factor in a family; a unit is note text, and "constructor" is no unit (own keys only). */
function factorIn(family: Record<string, number>, unit: string): number | undefined {
  return ownValue(family, unit);
}

/** Words between a label and its amount: "EBL: 1200 mL", "estimated blood loss was approximately 900 mL". */
const LEAD =
  /^(?:[\s:=~(\-\u2013\u2014]|\b(?:was|is|of|approximately|approx|about|around|roughly|estimated|est|total|totaling|totalling)\b\.?)*/i;
const AMOUNT =
  /^(<=|>=|≤|≥|<|>|less than|fewer than|under|below|up to|more than|greater than|over)?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*([A-Za-zµμ]+))?/i;
const COMPARATORS: Record<string, Interval['comparator']> = {
  '<': '<',
  'less than': '<',
  'fewer than': '<',
  under: '<',
  below: '<',
  '<=': '<=',
  '≤': '<=',
  'up to': '<=',
  '>': '>',
  'more than': '>',
  'greater than': '>',
  over: '>',
  '>=': '>=',
  '≥': '>=',
};

interface Amount {
  interval: Interval;
  /** As read: "1200 mL", "less than 5 mL", "minimal" (numbers, units and ruleset words only). */
  text: string;
}

/** The amount written right after a label, in the wanted unit's family, if there is one. */
function amountAfter(
  rest: string,
  factors: Record<string, number>,
  toUnit: number,
  unit: string,
  none: TermMatcher | undefined,
): Amount | undefined {
  const lead = LEAD.exec(rest)?.[0].length ?? 0;
  const after = rest.slice(lead);
  const m = AMOUNT.exec(after);
  if (m) {
    const value = Number(m[2]!.replace(/,/g, ''));
    const word = m[3];
    let factor = toUnit;
    let written = unit;
    if (word !== undefined) {
      const f = factorIn(factors, normalizeUnit(word));
      if (f === undefined) return undefined; // another unit, or a word: not an amount of this kind
      factor = f;
      written = word;
    } else if (/^\s*[A-Za-z0-9]/.test(after.slice(m[0].length))) {
      return undefined; // a number followed by more than punctuation: not a bare amount
    }
    const interval: Interval = { value: (value * factor) / toUnit };
    const comparator = m[1] ? COMPARATORS[m[1].toLowerCase().replace(/\s+/g, ' ')] : undefined;
    if (comparator) interval.comparator = comparator;
    return { interval, text: `${m[1] ? `${m[1].toLowerCase()} ` : ''}${m[2]} ${written}` };
  }
  if (none) {
    // Only a word right after the label counts: it is looked for at the start of what follows, not in
    // the whole rest of the sentence (a sentence of 20,000 labels was read to its end after each:
    // 7.5 s). The start is twice the longest word, and more: enough for any word of the list, its
    // letters folded, and for a phrase of them unless its words stand apart by dozens of spaces.
    const head = after.length > noneReach(none) ? after.slice(0, noneReach(none)) : after;
    const hit = none.find(head)[0];
    if (hit && hit.index === 0) return { interval: { value: 0 }, text: hit.term.toLowerCase() };
  }
  return undefined;
}

const REACH = new WeakMap<TermMatcher, number>();

/** How far after a label a word of `none` is looked for (see amountAfter). */
function noneReach(none: TermMatcher): number {
  let r = REACH.get(none);
  if (r === undefined)
    REACH.set(
      none,
      (r =
        2 *
          maxOf(
            none.terms.map((t) => t.length),
            0,
          ) +
        64),
    );
  return r;
}

export const measure: ConditionModule<Options> = {
  kind: 'measure',
  description:
    'The encounter\'s notes write an amount after one of the labels ("EBL 1200 mL", "estimated blood loss: minimal"), in the same sentence, and it compares as given after conversion to `unit` (mL, L and cc alike; mcg, mg, g). A number with no unit is taken in `unit`; a word of `none` stands for an amount of zero. Binds `{{measure.term}}`, `{{measure.amount}}` and `{{measure.excerpt}}`.',
  options: {
    terms: {
      type: 'terms',
      required: true,
      description: 'The labels an amount follows: a term list name, or a list of words (estimated blood loss, EBL).',
    },
    unit: { type: 'string', required: true, description: 'The unit the comparison is written in (mL).' },
    value: { type: 'comparison', description: 'Compare the amount: {gte: 100}. Without it, any amount holds.' },
    none: { type: 'terms', description: 'Words that, right after a label, stand for an amount of zero (minimal, none).' },
    sections: { type: 'enum-list', values: NOTE_SECTIONS, description: 'Only these note sections.' },
  },
  compile(o, cc) {
    const labels = cc.terms(o.terms, [...cc.path, 'terms']);
    const none = o.none !== undefined ? cc.terms(o.none, [...cc.path, 'none']) : undefined;
    const factors = typeof o.unit === 'string' ? familyOf(o.unit) : undefined;
    if (typeof o.unit === 'string' && !factors)
      cc.error([...cc.path, 'unit'], `unknown unit "${o.unit}": use a volume (mL, L, cc) or a mass (mcg, mg, g)`);
    const toUnit = factors && typeof o.unit === 'string' ? factorIn(factors, normalizeUnit(o.unit))! : 1;
    const partOf = sectionsOption(o.sections, cc.context);
    // The outcome depends only on the encounter: kept for the last one, since its claim lines
    // come one after another and each would read all of its notes again.
    let lastEncounter: Encounter | undefined;
    let lastOutcome: Outcome | null = null;
    return (scope) => {
      const e = scope.encounter;
      if (!labels || !factors || !e) return null;
      if (e !== lastEncounter) {
        lastOutcome = read(labels, factors, e);
        lastEncounter = e;
      }
      return lastOutcome;
    };

    function read(labels: TermMatcher, factors: Record<string, number>, e: Encounter): Outcome | null {
      const found: { note: Note; hit: TermHit; amount: Amount }[] = [];
      for (const note of e.notes) {
        const part = partOf ? partOf(note) : true;
        if (part === false) continue;
        for (const hit of labels.find(note.text)) {
          if (hit.negated || !keeps(part, hit.index)) continue;
          const [, end] = hit.sentence;
          const amount = amountAfter(note.text.slice(hit.index + hit.length, end), factors, toUnit, o.unit, none);
          if (!amount || (o.value && !compareNumber(amount.interval, o.value))) continue;
          found.push({ note, hit, amount });
        }
      }
      if (found.length === 0) return null;
      const first = found[0]!;
      const evidence: EvidenceRef[] = found.map((f) => noteEvidence(f.note, f.hit));
      return {
        evidence,
        bindings: { 'measure.term': first.hit.term, 'measure.amount': first.amount.text, 'measure.excerpt': first.hit.excerpt },
      };
    }
  },
};
