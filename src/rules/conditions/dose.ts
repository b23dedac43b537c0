import type { Dose, Note, Service } from '../../chart/model.js';
import { findDose, formatDose } from '../../chart/dose.js';
import { normalizeUnit } from '../../chart/units.js';
import { noteEvidence, serviceEvidence } from '../evidence.js';
import type { TermFinder, TermHit } from '../terms.js';
import type { CompileContext, ConditionModule, EvidenceRef } from '../types.js';
import { lowerBound } from '../context.js';

interface Options {
  per: number;
  unit: string;
  matches?: boolean;
  notes?: unknown;
  packages?: unknown;
  except?: unknown;
  elsewhere?: unknown;
  here?: unknown;
  injected?: unknown;
  listed?: unknown;
  given?: unknown;
}

/**
 * Mass units a documented dose may be written in, as factors to micrograms. Maps, not objects:
 * a unit is chart text, and "constructor" is no unit.
 */
const TO_UG: ReadonlyMap<string, number> = new Map([
  ['ug', 1],
  ['mg', 1000],
  ['g', 1_000_000],
  ['ng', 0.001],
]);
/** Volume units, as factors to millilitres. */
const TO_ML: ReadonlyMap<string, number> = new Map([
  ['ml', 1],
  ['cc', 1],
  ['l', 1000],
]);

/** The mass of a dose in micrograms: a mass as written, or a volume times its concentration. */
function micrograms(d: Dose): number | undefined {
  if (d.concentration) {
    const [mass, volume] = d.concentration.unit.split('/');
    const perVolume = TO_UG.get(normalizeUnit(mass ?? ''));
    const volumeUnit = TO_ML.get(normalizeUnit(volume ?? ''));
    const given = TO_ML.get(normalizeUnit(d.unit));
    if (perVolume === undefined || volumeUnit === undefined || given === undefined) return undefined;
    return ((d.value * given) / volumeUnit) * d.concentration.value * perVolume;
  }
  const f = TO_UG.get(normalizeUnit(d.unit));
  return f === undefined ? undefined : d.value * f;
}

/**
 * Whether a dose after a mention of the drug, at `start` (the first number, a quick first test;
 * then the dose itself), follows it closely: no comma, semicolon or colon, and at most three words
 * between ("cyanocobalamin injection given today 1000 mcg"). "B12 deficiency secondary to
 * metformin 1000 mg" writes another drug's dose.
 */
function nextToDose(after: string, start = after.search(/\d/)): boolean {
  if (start < 0) return false;
  // A number's thousands separator is no stop: "cyanocobalamin 1,000 mcg/mL injection 1,000 mcg" (Epic's MAR line).
  const between = after.slice(0, start).replace(/(?<=\d),(?=\d{3}(?!\d))/g, '');
  return !/[,;:]/.test(between) && between.split(/\s+/).filter((w) => /[A-Za-z]/.test(w)).length <= 3;
}

/**
 * The words that say how the dose written after the drug named at `hit` was taken: the word before
 * the name ("oral vitamin B12 2000 mcg daily") and up to DOSE_ROUTE_WORDS words after the dose's
 * unit, to the clause's end ("2000 mcg once daily by mouth"; not "2000 mcg IM given, oral B12
 * failed" or "2000 mcg intramuscular (not oral) given"; reviews).
 */
function routeWords(text: string, sentence: readonly [number, number], hit: TermHit, doseEnd: number): DoseWords {
  // Within reach of the name on each side: a sentence of thousands of B12 names is read in time
  // linear in its length (a 128 KB sentence of "B12 150 pg/mL, " took 7 s).
  const tokens = text
    .slice(Math.max(sentence[0], hit.index - ROUTE_REACH), hit.index)
    .trimEnd()
    .split(/\s+/)
    .slice(-ELSEWHERE_BEFORE);
  // Only the dose's own clause: "Pt forgot to self-inject, cyanocobalamin 1000 mcg IM given" (a review).
  const own = tokens.slice(tokens.findLastIndex((t) => /[,;]$/.test(t)) + 1);
  const before = own[own.length - 1] ?? '';
  // After the dose the line takes (`doseEnd`, from the name's end), within reach: not a lab value
  // written first ("Vitamin B12 deficiency (B12 160 in 3/2026) on home self-injections of
  // cyanocobalamin 2000 mcg": a review's probe).
  const from = hit.index + hit.length + doseEnd;
  const after = from <= hit.index + hit.length + ROUTE_REACH ? text.slice(from, Math.min(sentence[1], from + ROUTE_REACH)) : '';
  // To the clause's end, or a reason's start: "2000 mcg given today since gummies were not helping".
  const rest = after.split(/[,;(]|\b(?:since|because|as|but|due to)\b/i)[0]!;
  const next = rest.trim().split(/\s+/).slice(0, DOSE_ROUTE_WORDS).join(' ');
  return { words: `${before} ${next}`, lead: own.join(' '), next, clause: `${own.join(' ')} ${rest}` };
}

/**
 * The words around a dose that say how and where it was given: the word before the drug's name
 * and DOSE_ROUTE_WORDS after its unit (`words`), and the whole of its clause after the unit
 * (`clause`, within ROUTE_REACH): "1 mL IM self-administered by pt in clinic under RN observation".
 */
interface DoseWords {
  words: string;
  /** Up to ELSEWHERE_BEFORE words before the drug's name, in its clause ("on home self-injections of"). */
  lead: string;
  /** The DOSE_ROUTE_WORDS words after the dose (after its last unit: "1000 mcg/mL 1 mL"). */
  next: string;
  clause: string;
}

/**
 * Whether a dose's words say it was given elsewhere: an elsewhere phrase in the three words before
 * the drug's name, in its clause ("on home self-injections of cyanocobalamin 2000 mcg"), or after
 * the dose before the words' first stop (`awayAfter`); and no word of `here` in the dose's clause
 * before an alternative ("at home instead of in clinic"), outside an elsewhere phrase, affirmed.
 * Reviews' probes.
 */
function givenElsewhere(w: DoseWords, away: TermFinder, here: TermFinder | undefined): boolean {
  if (away.find(w.lead).length === 0 && !awayAfter(w.next, away)) return false;
  const clause = w.clause.split(ALTERNATIVE)[0]!;
  const awayHits = away.find(clause);
  const inside = (g: TermHit): boolean => awayHits.some((e) => g.index >= e.index && g.index + g.length <= e.index + e.length);
  return !(here?.find(clause) ?? []).some((g) => g.assertion === 'affirmed' && !inside(g));
}

/**
 * Whether the words after a dose name an elsewhere phrase before their first stop: a reason, an
 * alternative, what comes next, the dose's day ("2000 mcg IM for falls at home", "1000 mcg IM
 * today then at home weekly"); "for" stops nothing that an elsewhere phrase follows at once ("1000
 * mcg for home self-injection").
 */
function awayAfter(next: string, away: TermFinder): boolean {
  const hits = away.find(next);
  if (hits.length === 0) return false;
  let stop = next.length;
  for (const m of next.matchAll(ELSEWHERE_STOPS)) {
    if (/^for$/i.test(m[0]) && hits.some((h) => h.index === m.index + m[0].length + 1)) continue;
    stop = m.index;
    break;
  }
  return hits.some((h) => h.index < stop);
}

/** How many words before a drug's name may say it was given elsewhere ("on home self-injections of cyanocobalamin"). */
const ELSEWHERE_BEFORE = 3;

/** Where the words after a dose stop saying where it was given: a reason, an alternative, what comes next, its day. */
const ELSEWHERE_STOPS = /\b(?:for|instead of|rather than|then|with|today)\b/gi;
/** An alternative: what follows it was not done ("at home instead of in clinic"). */
const ALTERNATIVE = /\b(?:instead of|rather than)\b/i;

/** How far after a drug's name, in characters, a dose is read. */
const DOSE_REACH = 2000;
/** How far from a drug's name, in characters, the words of its route are read. */
const ROUTE_REACH = 400;
/** How many words after a dose's unit say how it was taken. */
const DOSE_ROUTE_WORDS = 5;

/** How a dose the notes write is read: the reading the condition's options compile to. */
interface NoteDoseReading {
  find: (text: string) => readonly TermHit[];
  isPackage: ((after: string) => boolean) | undefined;
  /** Whether a dose's words say it was taken another way (by mouth, under the tongue) or given elsewhere. */
  elsewhere: ((w: DoseWords) => boolean) | undefined;
  /** Whether the place stands in a medication list (under "Home meds:"). */
  listed: ((note: Note, index: number) => boolean) | undefined;
}

interface NoteDose {
  dose: Dose;
  note: Note;
  hit: TermHit;
}

/**
 * The dose the notes write for the line: the first written closely after a mention of the drug,
 * in the same sentence, that was not taken another way and that no medication list names (a list
 * names what the patient takes, not what was given today). Ranking a dose written with "IM" or
 * "given" first was tried and dropped: an outside clinic's, a past or a planned dose then won over
 * today's (reviews).
 */
function doseInNotes(notes: readonly Note[], r: NoteDoseReading): NoteDose | undefined {
  for (const note of notes) {
    for (const hit of r.find(note.text)) {
      // Only the drug given today: not one denied, past ("previously on oral B12 2000 mcg"),
      // planned or a relative's.
      if (hit.assertion !== 'affirmed') continue;
      const [, end] = hit.sentence;
      // As far as a dose is read (parseDose reads 2,000 characters at most).
      const after = note.text.slice(hit.index + hit.length, Math.min(end, hit.index + hit.length + DOSE_REACH));
      if (!nextToDose(after)) continue;
      const found = findDose(after, r.isPackage);
      // The dose itself close after the name, not only a number: "Vitamin B12 deficiency (B12 160
      // in 3/2026) on home self-injections of cyanocobalamin 2000 mcg" is cyanocobalamin's dose.
      if (!found || micrograms(found.dose) === undefined || !nextToDose(after, found.start)) continue;
      const dose = found.dose;
      // Nor one taken another way: "was taking vitamin B12 2000 mcg by mouth daily" (a coder's review).
      if (r.elsewhere?.(routeWords(note.text, hit.sentence, hit, found.end))) continue;
      // Nor one a medication list names: what the patient takes, however it is taken ("Home meds:
      // cyanocobalamin 2000 mcg IM monthly" is no dose given today).
      if (r.listed?.(note, hit.index)) continue;
      return { dose, note, hit };
    }
  }
  return undefined;
}

/**
 * Whether a place in a note stands in a list under one of the headings a finder finds ("Home meds:",
 * at the start of a line or sentence, followed by a colon): the rest of the heading's line, to a
 * sentence's end or a part that says a dose was given or injected, and the bulleted or numbered
 * lines after it. A plain line may be today's administration ("B12 2000 mcg, lot 12345, L arm";
 * reviews), so it ends the list. The lists of a note are worked out once per note (the note last
 * asked about), in one pass over it.
 */
function underHeading(
  context: CompileContext['context'],
  headings: { find: (text: string) => readonly TermHit[] },
  words: ListWords,
): (note: Note, index: number) => boolean {
  let lastText: string | undefined;
  let starts: number[] = [];
  let ends: number[] = [];
  return (note, index) => {
    const text = note.text;
    if (text !== lastText) {
      lastText = text;
      ({ starts, ends } = listsOf(text, context.analyse(text, note.section).sectionStarts, headings, words));
    }
    const i = lowerBound(starts, index) - 1;
    return i >= 0 && index < ends[i]!;
  };
}

/** What ends a medication list: words that say a dose was given today, or given or injected. */
interface ListWords {
  given: ((words: string) => boolean) | undefined;
  administered: ((words: string) => boolean) | undefined;
}

/** The medication lists of a note, sorted and apart: where each begins and ends (`underHeading`). */
function listsOf(
  text: string,
  sectionStarts: readonly number[],
  headings: { find: (text: string) => readonly TermHit[] },
  words: ListWords,
): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  const found = headings.find(text).filter((h) => headingAt(text, h.index, h.length));
  found.forEach((h, k) => {
    if (ends.length > 0 && h.index < ends[ends.length - 1]!) return; // within the list before
    // The next list's heading, or the note's next heading, ends this one at the latest: every
    // search below stays within it, so that a note of thousands of headings is read once.
    const limit = Math.min(found[k + 1]?.index ?? text.length, sectionStarts[lowerBound(sectionStarts, h.index + 1)] ?? text.length);
    const from = h.index + h.length;
    const lineEnd = lineEndAt(text, from, limit);
    let end = ownLineEnd(text, from, lineEnd, words.administered, words.given);
    // The lines after the heading's, while they are the list's items (none when its own line
    // ended it).
    while (end >= lineEnd && end < limit) {
      const lineStart = text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
      const next = lineEndAt(text, lineStart, limit);
      if (!listItem(text.slice(lineStart, next))) break;
      end = next;
    }
    starts.push(h.index);
    ends.push(end);
  });
  return { starts, ends };
}

/** Where the line from `from` ends (its CR or LF), `limit` at the latest. */
function lineEndAt(text: string, from: number, limit: number): number {
  const m = /[\r\n]/.exec(text.slice(from, limit));
  return m ? from + m.index : limit;
}

/**
 * Where a list ends on its heading's line: at a sentence's end ("daily. Cyanocobalamin 2000 mcg
 * given"), or where a part after its first, between stops, says a dose was given or injected
 * ("Home meds: B12 1000 mcg daily. cyanocobalamin 2000 mcg IM given today"); else at the line's end.
 */
function ownLineEnd(
  text: string,
  from: number,
  lineEnd: number,
  administered: ((words: string) => boolean) | undefined,
  given: ((words: string) => boolean) | undefined,
): number {
  const line = text.slice(from, lineEnd);
  // A heading's line that says a dose was given today is an administration, not a list: "Home
  // meds: cyanocobalamin 1000 mcg IM monthly; due today, given today L deltoid" (a review).
  if (given?.(line)) return from;
  const sentence = SENTENCE_END.exec(line);
  let end = sentence ? sentence.index : line.length;
  if (administered) {
    STOPS.lastIndex = 0;
    for (let m = STOPS.exec(line); m && m.index < end; m = STOPS.exec(line)) {
      const next = line.indexOf(m[0] === '.' ? '.' : ';', m.index + 1);
      if (administered(line.slice(m.index + 1, next < 0 ? end : Math.min(next, end)))) {
        end = m.index;
        break;
      }
    }
  }
  return end === line.length ? lineEnd : from + end;
}

/**
 * Whether a line after a list's heading is one of its items: a bulleted or numbered line ("-
 * cyanocobalamin 1000 mcg IM monthly", "2. vitamin B12 1000 mcg daily"). A plain line is not: it
 * may be today's administration ("B12 2000 mcg, lot 12345, L arm, tolerated well"; reviews).
 */
function listItem(line: string): boolean {
  return /^(?:[-*\u2022]|\d{1,2}[.)])\s/.test(line.trim());
}

/** A sentence's end within a list's line: a stop before a capital ("daily. Cyanocobalamin"), not "p.o. b.i.d.". */
const SENTENCE_END = /[.!?](?=[ \t]+[A-Z])/;

/** What parts a list's line: stops and semicolons. */
const STOPS = /[.;]/g;

/**
 * Whether words at [index, index + length) head a list: the first words of a line or sentence (a
 * bullet before them allowed: "- Home meds:"), then a colon, a spaced dash ("HOME MEDS - ..."), the
 * line's end, or more words of the heading's line that end in a colon ("Outpatient Medications
 * Marked as Taking for the 10/5/26 encounter (Office Visit):").
 */
function headingAt(text: string, index: number, length: number): boolean {
  let i = index + length;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const next = text[i];
  const after =
    next === undefined ||
    next === ':' ||
    next === '\n' ||
    next === '\r' ||
    ((next === '-' || next === '\u2013') && (text[i + 1] === ' ' || text[i + 1] === '\n')) ||
    lineEndsInColon(text, i);
  if (!after) return false;
  let b = index - 1;
  while (b >= 0 && (text[b] === ' ' || text[b] === '\t')) b--;
  if (b >= 0 && '-*\u2022'.includes(text[b]!)) {
    b--;
    while (b >= 0 && (text[b] === ' ' || text[b] === '\t')) b--;
  }
  return b < 0 || '\n\r.;!?'.includes(text[b]!);
}

/** Whether the line from `i` ends in a colon within a heading's length. */
function lineEndsInColon(text: string, i: number): boolean {
  const rest = text.slice(i, i + HEADING_LINE);
  const end = rest.search(/[\r\n]/);
  return end > 0 && rest.slice(0, end).trimEnd().endsWith(':');
}

/** How long a heading's line may be, in characters. */
const HEADING_LINE = 120;

/** The lines of a visit that bill the notes' one dose together: their units and their number. */
interface DoseGroup {
  units: number;
  lines: number;
}

/**
 * An encounter's lines with no dose of their own, by code and date, each group keyed by its last
 * line (the one its finding is reported at; the others map to nothing).
 */
function notesDoseGroups(services: readonly Service[]): Map<Service, DoseGroup> {
  const byKey = new Map<string, { last: Service; group: DoseGroup }>();
  for (const x of services) {
    if (x.dose) continue;
    const key = `${x.code}\u0000${x.date}`;
    const g = byKey.get(key);
    if (g) {
      g.last = x;
      g.group.units += x.units;
      g.group.lines++;
    } else byKey.set(key, { last: x, group: { units: x.units, lines: 1 } });
  }
  const byLast = new Map<Service, DoseGroup>();
  for (const { last, group } of byKey.values()) byLast.set(last, group);
  return byLast;
}

/**
 * notesDoseGroups, made once per encounter's lines (a thousand lines cost one pass, not a pass
 * each): kept for the lines last asked about, since an encounter's lines come one after another.
 */
function lastGroups(): (services: readonly Service[]) => Map<Service, DoseGroup> {
  let last: readonly Service[] | undefined;
  let groups = new Map<Service, DoseGroup>();
  return (services) => {
    if (services !== last) {
      last = services;
      groups = notesDoseGroups(services);
    }
    return groups;
  };
}

export const dose: ConditionModule<Options> = {
  kind: 'dose',
  description:
    "Compares the service's billed units with its documented dose in billing units: ceil(dose / per). Holds (with `matches: false`, the default) when they differ. The dose is the line's own, a mass or a volume with its concentration (1 mL of 1000 mcg/mL is 1000 mcg); with `notes`, a line without one takes the first dose the encounter's notes write after one of those words in the same sentence, unless it was taken another way (`except`) or a medication list names it (`listed`); the encounter's lines of that code and date with no dose of their own bill that one dose together (their units summed), asked at the last of them. A service without a documented dose never holds.",
  options: {
    per: { type: 'number', required: true, description: 'The amount one billing unit covers (J3420: 1000).' },
    unit: { type: 'string', required: true, description: 'The unit of `per` (mcg).' },
    matches: { type: 'boolean', description: 'false (default): units differ from the dose; true: they agree.' },
    packages: {
      type: 'terms',
      description:
        'Words that, one or two words after a volume, make it the size of the container the drug came in, not the dose given ("30 mL multi-dose vial"): a term list name, or a list of words.',
    },
    given: {
      type: 'terms',
      description:
        'With `listed`: words that say a dose was given at this visit ("given", "administered", "today"). A medication list\'s heading line that holds one is an administration, not a list ("Home meds: cyanocobalamin 1000 mcg IM monthly; due today, given today"); with `injected`\'s words they end a list within its heading\'s line. A term list name, or a list of words.',
    },
    listed: {
      type: 'terms',
      description:
        'With `notes`: headings of a medication list ("Home meds:", "Current medications:", at the start of a line or sentence, before a colon). A dose in the list never counts, however it is taken. The list is the rest of the heading\'s line, to a sentence\'s end or a part (between stops) that says a dose was given (`given`) or injected (`injected`), and the bulleted or numbered lines after it; a heading\'s line that says a dose was given holds no list. A term list name, or a list of words.',
    },
    injected: {
      type: 'terms',
      description:
        'With `except`: words that say a dose was injected ("IM", "intramuscular"): a dose whose words name one is the line\'s, whatever else they name ("2000 mcg IM given today as oral therapy failed").',
    },
    except: {
      type: 'terms',
      description:
        "With `notes`: words that, among the five after a dose's unit (to its clause's end) or the one before the drug's name, make it a dose this line did not give (taken by mouth, under the tongue, by nasal spray): \"was taking cyanocobalamin 2000 mcg by mouth daily\" is no dose of the injection. A term list name, or a list of words.",
    },
    elsewhere: {
      type: 'terms',
      description:
        'With `notes`: words that, in the three words before the drug\'s name (in its clause) or after its unit before the first of "for", "instead of", "rather than", "then", "with" or "today", say a dose was given somewhere else or by the patient (at home, self-injected, given elsewhere): such a dose is not the line\'s, whatever route its words name ("self-injects cyanocobalamin 1000 mcg IM weekly at home"; not "2000 mcg IM for falls at home", "1000 mcg IM today then at home weekly"), unless its clause says it was given here (`here`). The word before the drug\'s name is read only in the dose\'s clause. A term list name, or a list of words.',
    },
    here: {
      type: 'terms',
      description:
        'With `elsewhere`: words that say a dose was given at this practice ("in clinic", "in office", "home visit"): a dose whose clause names one, affirmed, before an alternative ("at home instead of in clinic") and outside an `elsewhere` phrase, is the line\'s ("cyanocobalamin 1000 mcg IM self-administered by pt in clinic under RN observation"). A term list name, or a list of words.',
    },
    notes: {
      type: 'terms',
      description:
        'Read the dose of a line that has none from the encounter\'s notes: the first dose written closely after one of these words (a term list name, or a list of words), in the same sentence with at most three words and no comma between, such as "cyanocobalamin 1 mL (1000 mcg/mL) IM" (in "deficiency secondary to metformin 1000 mg" the dose is another drug\'s).',
    },
  },
  compile(o, cc) {
    const perUnit = TO_UG.get(normalizeUnit(o.unit ?? ''));
    if (o.unit !== undefined && perUnit === undefined)
      cc.error([...cc.path, 'unit'], `unknown dose unit "${o.unit}": use mcg, mg, g or ng`);
    if (typeof o.per === 'number' && !(o.per > 0)) cc.error([...cc.path, 'per'], '`per` must be a positive number');
    const words = o.notes !== undefined ? cc.terms(o.notes, [...cc.path, 'notes']) : undefined;
    const packageWords = o.packages !== undefined ? cc.terms(o.packages, [...cc.path, 'packages']) : undefined;
    const exceptWords = o.except !== undefined ? cc.terms(o.except, [...cc.path, 'except']) : undefined;
    const elsewhereWords = o.elsewhere !== undefined ? cc.terms(o.elsewhere, [...cc.path, 'elsewhere']) : undefined;
    const injectedWords = o.injected !== undefined ? cc.terms(o.injected, [...cc.path, 'injected']) : undefined;
    const names = (t: typeof injectedWords, w: string): boolean => t !== undefined && t.find(w).length > 0;
    const hereWords = o.here !== undefined ? cc.terms(o.here, [...cc.path, 'here']) : undefined;
    const away = (w: DoseWords): boolean => elsewhereWords !== undefined && givenElsewhere(w, elsewhereWords, hereWords);
    const givenWords = o.given !== undefined ? cc.terms(o.given, [...cc.path, 'given']) : undefined;
    const listedWords = o.listed !== undefined ? cc.terms(o.listed, [...cc.path, 'listed']) : undefined;
    const reading: NoteDoseReading | undefined = words && {
      find: (t) => words.find(t),
      // A container word that begins within the first two words after the volume.
      isPackage: packageWords
        ? (after) => packageWords.find(after).some((h) => /^[\s,-]*(?:[^\s,]+[\s,-]+)?$/.test(after.slice(0, h.index)))
        : undefined,
      // Given elsewhere, whatever the route (`away`); taken another way, unless its words say it was injected.
      elsewhere:
        exceptWords || elsewhereWords ? (w) => away(w) || (names(exceptWords, w.words) && !names(injectedWords, w.words)) : undefined,
      // What says a dose was given here ends a list: its given words, and its route's (`injected`).
      listed: listedWords
        ? underHeading(cc.context, listedWords, {
            given: givenWords ? (w) => givenWords.find(w).length > 0 : undefined,
            administered: (w) => names(givenWords, w) || names(injectedWords, w),
          })
        : undefined,
    };
    const wantMatch = o.matches === true;
    // The notes' dose depends on the encounter's notes alone: read once per encounter, not once per
    // line (a note of 2,000 B12 names, each followed by a search for a dose to the sentence's end,
    // read again for each of 200 lines took 3.5 s).
    // Kept for the encounter last asked about (its lines come one after another).
    let lastNotes: readonly Note[] | undefined;
    let lastFound: ReturnType<typeof doseInNotes> | null = null;
    const groupsOf = lastGroups();
    return (scope) => {
      const s = scope.service;
      if (!s || perUnit === undefined) return null;
      let d = s.dose;
      let fromNote: { note: Note; hit: TermHit } | undefined;
      if (!d && reading && scope.encounter) {
        const notes = scope.encounter.notes;
        if (notes !== lastNotes) {
          lastFound = doseInNotes(notes, reading) ?? null;
          lastNotes = notes;
        }
        const found = lastFound;
        if (found) {
          d = found.dose;
          fromNote = found;
        }
      }
      if (!d) return null;
      const ug = micrograms(d);
      if (ug === undefined) return null;
      const expected = Math.max(1, Math.ceil(ug / (o.per * perUnit) - 1e-9));
      // The notes' dose is the visit's: its lines of this code with no dose of their own bill it
      // together ("Cyanocobalamin 1000 mcg IM given" on two J3420 lines of 1 unit each is 2 units
      // for a 1,000 mcg dose; a coder's review, rev35): those of its date (a stay's lines are its
      // days' doses). Compared once, at the last of those lines.
      let units = s.units;
      let lines = 1;
      if (fromNote && scope.encounter) {
        const group = groupsOf(scope.encounter.services).get(s);
        if (!group) return null;
        units = group.units;
        lines = group.lines;
      }
      if ((units === expected) !== wantMatch) return null;
      const evidence: EvidenceRef[] = [serviceEvidence(s)];
      if (fromNote) evidence.push(noteEvidence(fromNote.note, fromNote.hit));
      const amount = Math.round((ug / perUnit) * 1000) / 1000;
      return {
        evidence,
        bindings: {
          'dose.expected': expected,
          'dose.written': formatDose(d),
          'dose.units': units,
          'dose.lines': lines > 1 ? lines : '',
          'dose.amount': d.concentration ? `${amount} ${o.unit}` : '',
          'dose.note': fromNote ? fromNote.hit.excerpt : '',
          'dose.per': `${o.per} ${o.unit}`,
        },
      };
    };
  },
};
