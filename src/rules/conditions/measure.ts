import { NOTE_SECTIONS, type Encounter, type Note } from '../../chart/model.js';
import { shift } from '../duration.js';
import { compareNumber, type Comparison, type Interval } from '../compare.js';
import { normalizeUnit } from '../../chart/units.js';
import { DATE_OR_YEAR } from '../words.js';
import { noteEvidence } from '../evidence.js';
import { keeps, sectionsOption } from '../sections.js';
import type { TermHit, TermMatcher } from '../terms.js';
import type { ConditionModule, EvidenceRef, Outcome } from '../types.js';
import type { CompiledLab } from '../labs.js';
import { ownValue } from '../../core/own.js';
import { maxOf } from '../../core/arrays.js';

interface Options {
  terms: unknown;
  unit?: string;
  test?: string;
  value?: Comparison;
  none?: unknown;
  found?: unknown;
  listed?: unknown;
  flag?: 'low' | 'high';
  within?: string;
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

/**
 * The units an amount may be written in, each with its factor to the unit compared in: a family
 * above (`unit:`), or a lab test's units, as its analyte converts them (`test:`).
 */
interface Scale {
  /** The unit compared in, as the ruleset writes it: what a number with no unit is taken in. */
  readonly unit: string;
  /** A unit word's factor to `unit`; undefined when it is not a unit of this scale. */
  factor(word: string): number | undefined;
  /**
   * A lab level (`test:`) rather than an amount: a number with no unit is a level only where the
   * note states it ("B12 was 98", "B12 = 98") or dates it ("B12 98 in 2019"), since "B12 100 at
   * bedtime" is a dose.
   */
  readonly level: boolean;
}

function familyScale(unit: string): Scale | undefined {
  const family = familyOf(unit);
  if (!family) return undefined;
  const toUnit = factorIn(family, normalizeUnit(unit))!;
  return {
    unit,
    level: false,
    factor: (word) => {
      const f = factorIn(family, normalizeUnit(word));
      return f === undefined ? undefined : f / toUnit;
    },
  };
}

function labScale(lab: CompiledLab): Scale | undefined {
  if (lab.unit === undefined) return undefined;
  return {
    unit: lab.unit,
    level: true,
    factor: (word) => {
      const c = lab.knowsUnit(word) ? lab.convert(1, word) : undefined;
      return c?.ok ? c.value : undefined;
    },
  };
}

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
  /^(<=|>=|≤|≥|<|>|less than|fewer than|under|below|up to|more than|greater than|over)?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)/i;
/** A unit right after the number: a word, or a word per word ("pg/mL"). */
const UNIT = /^\s*([A-Za-zµμ]+)(?:\s*\/\s*([A-Za-zµμ]+))?/;
/** An amount's number followed by a word that dates or joins is still an amount ("EBL 300 and stable"). */
const JOIN_TAIL = /^\s+(?:in|on|at|from|during|when|while|and|with|prior|before|previously|last)\b/i;
/** A level's number followed by the date it was found ("B12 98 in 2019", "in Feb 2019"): "B12 100 on 10/1/2026" is as often a dose given. */
const DATED_TAIL = new RegExp(`^\\s+in\\s+${DATE_OR_YEAR}(?!\\d)`, 'i');
/** What states a level before its number: "was", "is", "of", "=" (not a colon: "Meds: B12: 100" lists a dose). */
const STATED = /\b(?:was|is|of)\b|=/i;
/**
 * A lab's abnormal flag after a level's number ("B12 150 (L)", "B12 150 *L", "(low)", "B12 150 L,"):
 * only a result is flagged, never a dose. L and H are a flag in capitals only, and a bare one only
 * before punctuation or the end: "B12 100 L deltoid" is a dose given in the left arm.
 */
const FLAG_TAIL = /^\s*(?:\(\s*(?:[LH]{1,2}|[Ll]ow|LOW|[Hh]igh|HIGH)\s*\)|\*[LH]{1,2}(?![A-Za-z0-9])|[LH]{1,2}\s*(?:[,;.)]|$))/;
/**
 * A condition written right before the label, at most two words between: "if B12 is below 200",
 * "if repeat B12 < 200", "should her B12 fall" (a plan's threshold, not a measurement); not "unsure
 * if dietary or pernicious as B12 was 98", where the label is further on. Lower case or capitalized
 * only: "IF Ab" is intrinsic factor.
 */
const CONDITIONAL = /\b(?:[Ii]f|[Uu]nless|[Ss]hould)\s+(?:[^\s,;:.]+\s+){0,2}$/;
/**
 * An "if" that asks rather than plans: "unclear if B12 of 180 in 2024 explains her neuropathy",
 * "asked if her B12 of 150 explains the fatigue", "unclear if EBL 900 mL explains the drop": the
 * amount is measured.
 */
const ASKING_IF =
  /\b(?:unclear|unsure|sure|certain|asked|asks|ask|asking|discussed|discuss|wonder|wonders|wondering|question|questions|know|see|determine)\s+if\s+(?:[^\s,;:.]+\s+){0,2}$/i;
/** How far before a label a heading of `listed` is looked for, and how far its colon may stand from it ("Outside labs 9/2026:"). */
const LISTED_REACH = 240;
const HEADING_TAIL = 24;
/**
 * What ends a list of results before the label: a sentence's end (a stop, not a decimal point:
 * "Hgb 9.1"), a semicolon, or another heading's colon ("Labs: pending; Rx: B12 100", "Labs: Hgb
 * 9.1 Plan: B12 100").
 */
const LIST_END = /[.!?](?:\s|$)|[;:]/;
/** A result of a list ("Hgb 9.1", "MCV 108 fL", "ferritin 8 (L)"): a name of a few words and a number. */
const RESULT_ITEM = /^[A-Za-z][\w/%-]*(?: [A-Za-z][\w/%-]*){0,3} [<>]?\d+(?:\.\d+)?(?: ?[A-Za-z/%µ]+)?(?: ?\([A-Za-z]+\))?$/;

/**
 * Whether a list of results has ended in `s`, the text between its heading's colon and a label. A
 * list written as sentences goes on while each is a result ("Labs: Hgb 9.1. B12 150."); a sentence
 * that is no result ends it ("Labs: pending. B12 100 daily").
 */
function listEnded(s: string): boolean {
  if (!LIST_END.test(s)) return false;
  if (/[;:!?]/.test(s)) return true;
  return !s.split(/[.,](?:\s+|$)/).every((p) => p.trim() === '' || RESULT_ITEM.test(p.trim()));
}
/** A label that names a level: "B12 level", "cobalamin levels". */
const NAMES_LEVEL = /\blevels?$/i;
/** A letter or digit next, after white space. */
const WORD_NEXT = /^\s*[A-Za-z0-9]/;

/**
 * Whether a number written with no unit of the scale is an amount of it. Never before a slash and
 * a digit ("2/2", "12/2019": a ratio or a date). An amount (`unit:`): unless a word follows that
 * does not date or join ("EBL 3 days ago"); punctuation after it is no matter ("EBL 600 (per
 * anesthesia)", "EBL 300-400 mL"). A level (`test:`): only stated or dated, and never a range.
 */
function bareAmount(tail: string, lead: string, scale: Scale, level: LevelWords): boolean {
  if (/^\s*\/\s*\d/.test(tail)) return false;
  if (!scale.level) return !WORD_NEXT.test(tail) || JOIN_TAIL.test(tail);
  if (/^\s*[-\u2013]\s*\d/.test(tail)) return false;
  if (DATED_TAIL.test(tail) || FLAG_TAIL.test(tail)) return true;
  if (!STATED.test(lead) && !level.named && !level.listed()) return false;
  const found = level.found;
  return !WORD_NEXT.test(tail) || (found !== undefined && wordFirst(found, tail.trimStart()));
}

/** Whether a word of the list begins the text (looked for in a head of it: see noneReach). */
function wordFirst(words: TermMatcher, text: string): boolean {
  return firstWord(words, text) !== undefined;
}

/** The word of the list that begins the text, if one does (looked for in a head of it: see noneReach). */
function firstWord(words: TermMatcher, text: string): TermHit | undefined {
  const head = text.length > noneReach(words) ? text.slice(0, noneReach(words)) : text;
  const hit = words.find(head)[0];
  return hit?.index === 0 ? hit : undefined;
}

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
  /** A level's flag as the lab wrote it after the number or its unit ("150 (L)", "250 pg/mL *L"). */
  flag?: 'low' | 'high';
  /** As read: "1200 mL", "less than 5 mL", "minimal" (numbers, units and ruleset words only). */
  text: string;
}

/** The amount written right after a label, in the scale's units, if there is one. */
/** What else tells a level from a dose: the words that date it (`found`), and whether a list of results heads it (`listed`). */
interface LevelWords {
  readonly found: TermMatcher | undefined;
  /** The label itself names a level ("B12 level: 150", "B12 level 150 on admission"): it states it. */
  readonly named: boolean;
  /** Asked only when nothing else decides: whether the label stands in a list of results ("Labs: B12 150, folate 9"). */
  listed(): boolean;
}

function amountAfter(rest: string, scale: Scale, none: TermMatcher | undefined, level: LevelWords): Amount | undefined {
  const leadText = LEAD.exec(rest)?.[0] ?? '';
  const after = rest.slice(leadText.length);
  const m = AMOUNT.exec(after);
  if (m) {
    const value = Number(m[2]!.replace(/,/g, ''));
    const tail = after.slice(m[0].length);
    let factor = 1;
    let written = scale.unit;
    const u = UNIT.exec(tail);
    // A unit per unit ("98 pg/mL") where the scale has it; else the word alone, as "1200 mL/hr"
    // is 1200 mL.
    const per = u?.[2] !== undefined ? scale.factor(`${u[1]}/${u[2]}`) : undefined;
    const f = per ?? (u ? scale.factor(u[1]!) : undefined);
    if (f !== undefined) {
      factor = f;
      written = per !== undefined ? `${u![1]}/${u![2]}` : u![1]!;
    } else if (!bareAmount(tail, leadText, scale, level)) {
      return undefined; // another unit, a word, a date: not an amount of this kind
    }
    const interval: Interval = { value: value * factor };
    const comparator = m[1] ? COMPARATORS[m[1].toLowerCase().replace(/\s+/g, ' ')] : undefined;
    if (comparator) interval.comparator = comparator;
    const amount: Amount = { interval, text: `${m[1] ? `${m[1].toLowerCase()} ` : ''}${m[2]} ${written}` };
    const flagged = scale.level ? FLAG_TAIL.exec(f !== undefined ? tail.slice(u![0].length) : tail) : null;
    // Only a flag in a lab's own notation, bracketed or starred, carries its verdict: a bare "L" may be
    // the left arm ("B12 1000 L, tolerated"), and is read only as marking a level.
    if (flagged && /[(*]/.test(flagged[0])) amount.flag = /l/i.test(flagged[0]) ? 'low' : 'high';
    return amount;
  }
  if (none) {
    // Only a word right after the label counts: it is looked for at the start of what follows, not in
    // the whole rest of the sentence (a sentence of 20,000 labels was read to its end after each:
    // 7.5 s). The start is twice the longest word, and more: enough for any word of the list, its
    // letters folded, and for a phrase of them unless its words stand apart by dozens of spaces.
    const hit = firstWord(none, after);
    if (hit) return { interval: { value: 0 }, text: hit.term.toLowerCase() };
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
    'The encounter\'s notes write an amount after one of the labels ("EBL 1200 mL", "estimated blood loss: minimal"), in the same sentence, and it compares as given after conversion to `unit` (mL, L and cc alike; mcg, mg, g) or to the unit of the lab test `test` (a level written in a note: "B12 was 98 in 2019", converted as the test\'s results are). A number with no unit is taken in that unit; a word of `none` stands for an amount of zero. Binds `{{measure.term}}`, `{{measure.amount}}` and `{{measure.excerpt}}`.',
  options: {
    terms: {
      type: 'terms',
      required: true,
      description: 'The labels an amount follows: a term list name, or a list of words (estimated blood loss, EBL).',
    },
    unit: { type: 'string', description: 'The unit the comparison is written in (mL, mcg). Give `unit` or `test`.' },
    test: {
      type: 'lab',
      description:
        "A lab test named in the ruleset's `labs`: the amount is a level of it, compared in the test's unit and converted as its results are. Give `unit` or `test`.",
    },
    value: { type: 'comparison', description: 'Compare the amount: {gte: 100}. Without it, any amount holds.' },
    none: { type: 'terms', description: 'Words that, right after a label, stand for an amount of zero (minimal, none).' },
    found: {
      type: 'terms',
      description:
        'With `test`: words after a stated level that say when it was found ("B12 was 98 on admission", "at diagnosis"). A level written with no unit counts where the note states it and nothing else follows it, where a year or a month dates it ("B12 98 in 2019"), where a lab flag marks it ("B12 150 (L)"), or where it is stated and one of these words follows it.',
    },
    flag: {
      type: 'enum',
      values: ['low', 'high'],
      description:
        'With `test`: the level carries this flag of the lab after its number or unit ("B12 250 (L)", "250 pg/mL *L", "(low)"), whatever the number: a result the lab\'s own range called low.',
    },
    listed: {
      type: 'terms',
      description:
        'With `test`: words that head a list of results ("Labs:", "Outside labs 9/2026:"). After one and a colon, on its line and with only results between ("Labs: B12 150, folate 9", "Labs: Hgb 9.1. B12 150."), a level with no unit counts as a stated one does, unless a doubt or a plan qualifies it.',
    },
    within: {
      type: 'duration',
      description:
        "Also read the notes of the chart's other encounters dated in this window before the subject's date (a level recorded at an earlier visit); without it, the encounter's own notes only. A note dated after the subject documents nothing about it.",
    },
    sections: { type: 'enum-list', values: NOTE_SECTIONS, description: 'Only these note sections.' },
  },
  compile(o, cc) {
    const labels = cc.terms(o.terms, [...cc.path, 'terms']);
    const none = o.none !== undefined ? cc.terms(o.none, [...cc.path, 'none']) : undefined;
    const found = o.found !== undefined ? cc.terms(o.found, [...cc.path, 'found']) : undefined;
    if (o.found !== undefined && o.test === undefined) cc.error([...cc.path, 'found'], '`found` dates a level: give it with `test`');
    const listed = o.listed !== undefined ? cc.terms(o.listed, [...cc.path, 'listed']) : undefined;
    if (o.listed !== undefined && o.test === undefined)
      cc.error([...cc.path, 'listed'], '`listed` heads a list of levels: give it with `test`');
    if (o.flag !== undefined && o.test === undefined)
      cc.error([...cc.path, 'flag'], "`flag` is a lab's flag on a level: give it with `test`");
    const within = o.within !== undefined ? cc.duration(o.within, [...cc.path, 'within']) : undefined;
    let scale: Scale | undefined;
    if ((o.unit === undefined) === (o.test === undefined)) {
      cc.error(cc.path, 'give `unit` (a volume or a mass) or `test` (a lab test, for a level written in a note), not both');
    } else if (o.test !== undefined) {
      const lab = cc.lab(o.test, [...cc.path, 'test']);
      scale = lab && labScale(lab);
      if (lab && !scale) cc.error([...cc.path, 'test'], `lab test "${lab.name}" has no unit to compare a level in`);
    } else if (typeof o.unit === 'string') {
      scale = familyScale(o.unit);
      if (!scale) cc.error([...cc.path, 'unit'], `unknown unit "${o.unit}": use a volume (mL, L, cc) or a mass (mcg, mg, g)`);
    }
    const partOf = sectionsOption(o.sections, cc.context);
    // The outcome depends only on the encounter: kept for the last one, since its claim lines
    // come one after another and each would read all of its notes again.
    let lastEncounter: Encounter | undefined;
    let lastOutcome: Outcome | null = null;
    return (scope) => {
      const e = scope.encounter;
      if (!labels || !scale || !e) return null;
      if (e !== lastEncounter) {
        lastOutcome = read(labels, scale, e, scope.chart);
        lastEncounter = e;
      }
      return lastOutcome;
    };

    /** The encounter, and with `within` the chart's encounters dated in the window before it (in chart order). */
    function encountersOf(chart: { encounters: readonly Encounter[] }, e: Encounter): readonly Encounter[] {
      if (!within) return [e];
      const from = shift(e.date, within, -1);
      return chart.encounters.filter((x) => x === e || (x.date >= from && x.date <= e.date));
    }

    /**
     * Whether a word of `listed` and a colon stand before the label on its line, with no sentence
     * but results ended between the colon and the label ("Labs: Hgb 9.1, B12 150", "Outside labs 9/2026: B12
     * 150."), and the label is the patient's, neither doubted nor planned. A heading's colon ends a
     * sentence here, so the label's own sentence does not hold it.
     */
    function listedAt(text: string, hit: TermHit): boolean {
      if (!listed || (hit.assertion !== 'affirmed' && hit.assertion !== 'historical')) return false;
      // The line's start within reach only: a search back to it could cross the whole note for
      // each label (a 1 MB note with no line break and 10,000 labels took 7 s, 4 MB 100 s).
      const reach = text.slice(Math.max(0, hit.index - LISTED_REACH), hit.index);
      const before = reach.slice(reach.lastIndexOf('\n') + 1);
      return listed.find(before).some((h) => {
        const colon = before.indexOf(':', h.index + h.length);
        return colon >= 0 && colon - (h.index + h.length) <= HEADING_TAIL && !listEnded(before.slice(colon + 1));
      });
    }

    function read(labels: TermMatcher, scale: Scale, e: Encounter, chart: { encounters: readonly Encounter[] }): Outcome | null {
      const hits: { note: Note; hit: TermHit; amount: Amount }[] = [];
      for (const x of encountersOf(chart, e))
        for (const note of x.notes) {
          const part = partOf ? partOf(note) : true;
          if (part === false) continue;
          for (const hit of labels.find(note.text, note.section)) {
            // The patient's own amount: not a denied or a relative's ("mother's B12 was 90"). A doubt
            // or a plan near an amount is about something else: the amount is measured ("anemia
            // likely due to EBL 1500 mL", "r/o ongoing bleed, EBL 1500 mL", "referred for hematology
            // eval, B12 of 142 in 9/2026"). No amount under a condition is ("if B12 is below 200 at
            // that time"), unless the "if" asks ("unclear if EBL 900 mL explains the drop").
            if (hit.assertion === 'negated' || hit.assertion === 'family' || !keeps(part, hit.index)) continue;
            const lead = note.text.slice(Math.max(hit.sentence[0], hit.index - LISTED_REACH), hit.index);
            if (CONDITIONAL.test(lead) && !ASKING_IF.test(lead)) continue;
            const [, end] = hit.sentence;
            const level: LevelWords = { found, named: NAMES_LEVEL.test(hit.term), listed: () => listedAt(note.text, hit) };
            const amount = amountAfter(note.text.slice(hit.index + hit.length, end), scale, none, level);
            if (!amount || (o.value && !compareNumber(amount.interval, o.value)) || (o.flag && amount.flag !== o.flag)) continue;
            hits.push({ note, hit, amount });
          }
        }
      if (hits.length === 0) return null;
      const first = hits[0]!;
      const evidence: EvidenceRef[] = hits.map((f) => noteEvidence(f.note, f.hit));
      return {
        evidence,
        bindings: { 'measure.term': first.hit.term, 'measure.amount': first.amount.text, 'measure.excerpt': first.hit.excerpt },
      };
    }
  },
};
