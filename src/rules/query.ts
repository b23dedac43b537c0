/**
 * Provider query drafts (docs/queries.md). A rule's `query:` is a question and its options,
 * templated like the message, compiled once per run and checked as the ruleset loads: a question
 * or option that names a code, speaks of money, coverage, audits, billing or quality measures, or
 * leads (the word lists are data: rulesets/query-words.yaml and each ruleset's `queryWords`), is
 * a ruleset error, and so is a yes/no query on a diagnosis the rule does not require documented.
 * A query is built only when its rule fires: the options whose `when` holds, then "Other (please
 * specify)" and "Clinically undetermined"; the clinical indicators are what the rule's `cite:`
 * found in the record, each put into words from the chart itself.
 */
import type { Chart, Encounter, Lab, Medication, Note, Service, Diagnosis } from '../chart/model.js';
import { formatDay } from '../chart/normalize.js';
import { MAX_EVIDENCE, type IndicatorSource, type Query, type QueryIndicator } from '../finding.js';
import type { Node } from 'yaml';
import { yamlNodeAt } from '../read/yaml-locate.js';
import { positionOf, type SourceFile } from '../read/source.js';
import { type Problems } from '../read/problems.js';
import { render, templateNames, valueNames, type TemplatePart } from './template.js';
import { ASSERTIONS, emptyContext, sentenceAt, sentenceBoundaries } from './context.js';
import { diagnosisEvidence, hitIndexOf } from './evidence.js';
import { excerpt, TermMatcher } from './terms.js';
import { shownValue } from '../core/shown.js';
import type { CompiledLab } from './labs.js';
import type { Bindings, CompiledRuleset, EvidenceRef, Evaluator, NodePath, Scope } from './types.js';
import { descriptionKey } from './load.js';

/** What building a query reads from the ruleset: test names (a result written with its LOINC code only) and the code table. */
type QueryData = Pick<CompiledRuleset, 'labs' | 'codeTable' | 'descriptions'>;

export const OTHER_OPTION = 'Other (please specify)';
export const UNDETERMINED_OPTION = 'Clinically undetermined';

export const QUERY_FORMS = ['multiple-choice', 'yes-no', 'open'] as const;
export type QueryForm = (typeof QUERY_FORMS)[number];

/** A template: parsed, or already rendered when it has no placeholder (most options). */
export type QueryText = TemplatePart[] | string;

/** A query as the engine keeps it: templates parsed, option conditions compiled. */
export interface CompiledQuery {
  form: QueryForm;
  /** The draft is built only for a finding whose subject this holds for (the rule's message asks to query only then). */
  when?: Evaluator;
  question: QueryText;
  /** Asked instead, with no options, where fewer than two options apply (multiple choice only). */
  open?: QueryText;
  options: { text: QueryText; when?: Evaluator }[];
}

function prepared(parts: TemplatePart[]): QueryText {
  return templateNames(parts).length === 0 ? render(parts, undefined as unknown as Scope, {}) : parts;
}

function rendered(t: QueryText, scope: Scope, bindings: Bindings): string {
  return typeof t === 'string' ? t : render(t, scope, bindings);
}

/** A query before its indicators are placed in the file (line and column). */
export type UnlocatedQuery = Query;

/**
 * Placeholders a query may use: clinical facts and dates. The others write codes (service.code,
 * diagnoses.linked, pair.other, mention.code, ...) or billing detail (dose.units) into the text.
 */
const QUERY_PLACEHOLDERS = new Set([
  'service.date',
  'service.dose',
  'diagnosis.description',
  'diagnosis.status',
  'encounter.date',
  'encounter.id',
  'encounter.setting',
  'chart.id',
  'text.term',
  'text.excerpt',
  // The excerpt under the name of its assertion ("{{text.possible}}": "suspected GI blood loss").
  ...ASSERTIONS.map((a) => `text.${a}`),
  'mention.name',
  'mention.term',
  'medication.name',
  'count.value',
  'count.dates',
  'dose.written',
  'code.description',
]);

function queryPlaceholder(name: string): boolean {
  return QUERY_PLACEHOLDERS.has(name) || name === 'lab' || name.startsWith('lab.');
}

/**
 * Shapes of the codes a query must not name, as whole tokens: ICD-10-CM (D62, D51.0, D51.-, K5701),
 * HCPCS Level II (J3420) and CPT (96372, 0001F). Words of the same shape (B12) are `allowed` data.
 */
const CODE_SHAPE = /(?<![\p{L}\p{N}])(?:[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z-]{1,4}|[0-9A-Z]{1,4})?|[0-9]{4}[0-9FTU])(?![\p{L}\p{N}])/giu;

/** What a query must not say: the forbidden words by category, and the code shapes not in `allowed`. */
export class QueryPolicy {
  private readonly categories: { name: string; matcher: TermMatcher }[] = [];
  private readonly allowed: Set<string>;

  constructor(forbidden: ReadonlyMap<string, readonly string[]>, allowed: readonly string[]) {
    // No cues: a negated "no payment" still speaks of payment.
    const context = emptyContext();
    for (const [name, words] of forbidden) {
      if (words.length > 0) this.categories.push({ name, matcher: new TermMatcher(words, context) });
    }
    this.allowed = new Set(allowed.map(normal));
  }

  /** Each forbidden thing the text says, with why, left to right. */
  problems(text: string): { word: string; index: number; why: 'code' | 'dollar' | string }[] {
    const out: { word: string; index: number; why: string }[] = [];
    for (const m of text.matchAll(CODE_SHAPE)) {
      if (!this.allowed.has(normal(m[0]))) out.push({ word: m[0], index: m.index, why: 'code' });
    }
    for (const m of text.matchAll(/\$/g)) out.push({ word: '$', index: m.index, why: 'dollar' });
    for (const { name, matcher } of this.categories) {
      for (const h of matcher.find(text)) if (!this.allowed.has(normal(h.term))) out.push({ word: h.term, index: h.index, why: name });
    }
    return out.sort((a, b) => a.index - b.index);
  }
}

function normal(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, ' ');
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What compiling a query needs from the ruleset compiler. */
export interface QueryCompileContext {
  ruleId: string;
  /** Where the query is written (the rule, or an override of it). */
  src: SourceFile;
  path: NodePath;
  /** The rule's `when`, as written: a yes/no query needs it (or the query's own `when`) to require documentation. */
  when: unknown;
  /** How many `cite:` conditions the rule has: they give the indicators. */
  cites: number;
  policy: QueryPolicy;
  problems: Problems;
  /** Parses a template and checks its placeholders as for a message (undefined after a problem). */
  template(text: string, src: SourceFile, path: NodePath): TemplatePart[] | undefined;
  condition(raw: unknown, src: SourceFile, path: NodePath): Evaluator;
}

/** What the query's form asks of its options, and a yes/no query of the rule's condition. */
function checkForm(
  cc: QueryCompileContext,
  raw: Record<string, unknown>,
  form: QueryForm,
  options: unknown[] | undefined,
  rule: string,
): void {
  const { src, path, problems: p } = cc;
  if (form === 'yes-no') {
    if (options)
      p.atKey(
        src,
        [...path, 'options'],
        `${rule}: a yes/no query's options are Yes and No (then "${OTHER_OPTION}" and "${UNDETERMINED_OPTION}"): leave \`options\` out`,
      );
    if (!requiresDocumentation(cc.when) && !requiresDocumentation(raw.when)) {
      p.at(
        src,
        [...path, 'form'],
        `${rule}: a yes/no query may only confirm a condition the record already documents (or a cause-and-effect link it implies), but neither the rule's \`when\` nor the query's requires an affirmed \`text\` or \`mention\` in the notes: ask a multiple-choice question instead`,
      );
    }
  } else if (form === 'multiple-choice') {
    if (!options || options.length < 2) {
      p.at(
        src,
        options ? [...path, 'options'] : path,
        `${rule}: a multiple-choice query offers at least two clinically credible options (one option beside "Other" leads like a yes/no question)`,
      );
    }
  } else if (options) {
    p.atKey(
      src,
      [...path, 'options'],
      `${rule}: an open question has no options: leave \`options\` out, or write \`form: multiple-choice\``,
    );
  }
}

/** A query text (question or option) as template parts, its placeholders and words checked against the query policy. */
function checkQueryText(cc: QueryCompileContext, rule: string, text: string, at: NodePath, what: string): TemplatePart[] | undefined {
  const { src, problems: p } = cc;
  const parts = cc.template(text, src, at);
  if (!parts) return undefined;
  // A section only tests that a name is bound ("{{#diagnosis.matched}}, with the status ...{{/diagnosis.matched}}"):
  // only what is written into the text is held to the clinical placeholders.
  for (const name of valueNames(parts)) {
    if (!queryPlaceholder(name)) {
      p.at(
        src,
        at,
        `${rule}: the query's ${what} uses {{${name}}}, which writes a code or a billing detail into it: a query speaks of clinical facts in words (it may use lab.*, encounter.date, service.date, text.term, mention.name and the others of docs/queries.md)`,
      );
    }
  }
  const words = blankPlaceholders(text);
  for (const bad of cc.policy.problems(words)) {
    const pos = wordPosition(src, at, bad.word) ?? positionOf(src, at);
    const says =
      bad.why === 'code'
        ? `names a code ("${bad.word}"): providers document diagnoses in words; the codes are the coder's (a word shaped like a code goes in \`queryWords: { allowed }\`)`
        : bad.why === 'dollar'
          ? 'speaks of money ("$"): a provider query asks about the clinical picture only'
          : `uses "${bad.word}" (\`queryWords\` ${bad.why}): a provider query speaks only of the clinical picture, never of money, coverage, audits, billing, quality measures or codes, and never leads (docs/queries.md)`;
    p.raw(src.file, pos.line, pos.column, `${rule}: the query's ${what} ${says}`);
  }
  return parts;
}

/** Compiles a rule's `query:`; undefined (after recording problems) when it is not a compliant query. */
export function compileQuery(raw: unknown, cc: QueryCompileContext): CompiledQuery | undefined {
  if (!isObj(raw)) return undefined; // the schema says what a query is
  const { src, path, problems: p, ruleId } = cc;
  const before = p.list.length;
  const rule = `rule "${ruleId}"`;
  const options = Array.isArray(raw.options) ? raw.options : undefined;
  const form: QueryForm = (QUERY_FORMS as readonly unknown[]).includes(raw.form)
    ? (raw.form as QueryForm)
    : options
      ? 'multiple-choice'
      : 'open';

  if (cc.cites === 0) {
    p.at(
      src,
      path,
      `${rule}: a query shows the provider the clinical indicators that prompted it: give the rule a \`cite:\` list (the labs, note text, medications or services to quote)`,
    );
  }
  const checkText = (text: string, at: NodePath, what: string): TemplatePart[] | undefined => checkQueryText(cc, rule, text, at, what);

  let question: QueryText | undefined;
  if (typeof raw.question === 'string') {
    const parts = checkText(raw.question, [...path, 'question'], 'question');
    if (parts) question = prepared(parts);
    if (!raw.question.trim().endsWith('?'))
      p.at(src, [...path, 'question'], `${rule}: the query's question must be a question: end it with "?"`);
  }

  let open: QueryText | undefined;
  if (typeof raw.open === 'string') {
    if (form !== 'multiple-choice')
      p.atKey(
        src,
        [...path, 'open'],
        `${rule}: \`open\` is the question a multiple-choice query asks where fewer than two options apply: leave it out`,
      );
    const parts = checkText(raw.open, [...path, 'open'], 'open question');
    if (parts) open = prepared(parts);
    if (!raw.open.trim().endsWith('?'))
      p.at(src, [...path, 'open'], `${rule}: the query's open question must be a question: end it with "?"`);
  }

  checkForm(cc, raw, form, options, rule);
  const compiled: CompiledQuery['options'] = [];
  if (form === 'multiple-choice' && options) {
    options.forEach((o, i) => {
      const at: NodePath = isObj(o) ? [...path, 'options', i, 'text'] : [...path, 'options', i];
      const text = isObj(o) ? o.text : o;
      if (typeof text !== 'string') return; // the schema says so
      const what = `option ${i + 1}`;
      if (/^\s*(other\b|clinically undetermined|undetermined|unable to determine)/i.test(text)) {
        p.at(
          src,
          at,
          `${rule}: the query's ${what} "${text.trim()}" is added by b12lint to every query ("${OTHER_OPTION}", "${UNDETERMINED_OPTION}"): leave it out`,
        );
        return;
      }
      const parts = checkText(text, at, what);
      const when = isObj(o) && o.when !== undefined ? cc.condition(o.when, src, [...path, 'options', i, 'when']) : undefined;
      if (parts) compiled.push(when ? { text: prepared(parts), when } : { text: prepared(parts) });
    });
  }
  const when = raw.when !== undefined ? cc.condition(raw.when, src, [...path, 'when']) : undefined;
  if (p.list.length > before || !question) return undefined;
  return { form, ...(when ? { when } : {}), question, ...(open !== undefined ? { open } : {}), options: compiled };
}

/**
 * True when the condition requires, whatever else holds, an affirmed mention in the notes (`text`
 * not negated, or `mention`): what a yes/no query may confirm.
 */
export function requiresDocumentation(raw: unknown): boolean {
  if (!isObj(raw) || Object.keys(raw).length !== 1) return false;
  const [kind, body] = Object.entries(raw)[0]!;
  if (kind === 'all') return Array.isArray(body) && body.some(requiresDocumentation);
  if (kind === 'any') return Array.isArray(body) && body.length > 0 && body.every(requiresDocumentation);
  if (kind === 'mention') return isObj(body);
  if (kind === 'text') {
    if (!isObj(body) || body.negated === true) return false;
    const a = body.assertion;
    return a === undefined || a === 'affirmed' || (Array.isArray(a) && a.length > 0 && a.every((x) => x === 'affirmed'));
  }
  return false;
}

/**
 * A template's text with each `{{placeholder}}` blanked out (the same length, so positions hold).
 * A `{{` that no `}}` closes is kept, and the pattern takes the text up to its first `}` at once
 * (a pattern that looked for the `}}` from each `{{` read the text once per brace).
 */
function blankPlaceholders(text: string): string {
  return text.replace(/\{\{[^}]*(?:\}\}?|$)/g, (t) => (t.endsWith('}}') ? ' '.repeat(t.length) : t));
}

/** Where a word stands in the YAML text of a template (placeholders skipped), if it can be found. */
function wordPosition(src: SourceFile, path: NodePath, word: string): { line: number; column: number } | undefined {
  const pointer = path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const node = yamlNodeAt(src.doc.contents as Node | null, pointer);
  if (!node?.range) return undefined;
  const [start, end] = node.range;
  const text = blankPlaceholders(src.text.slice(start, end));
  const parts = word
    .trim()
    .split(/[\s-]+/)
    .filter((w, i) => i > 0 || w !== '') // a word begun by a hyphen: no run to start the pattern (each place in a run could begin it)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const m = new RegExp(`(?<![\\p{L}\\p{N}])${parts.join('[\\s-]+')}`, 'iu').exec(text);
  if (!m) return undefined;
  const { line, col } = src.lines.linePos(start + m.index);
  return { line, column: col };
}

// ---------------------------------------------------------------------------------------------
// Building a query for a finding.
// ---------------------------------------------------------------------------------------------

type Element =
  | { kind: 'lab'; lab: Lab }
  | { kind: 'note'; note: Note; encounter: Encounter }
  | { kind: 'medication'; medication: Medication }
  | { kind: 'service'; service: Service }
  | { kind: 'diagnosis'; diagnosis: Diagnosis; encounter: Encounter };

/** The chart's elements by pointer, built once per chart that has a query to build. */
const ELEMENTS = new WeakMap<Chart, Map<string, Element>>();

function elementsOf(chart: Chart): Map<string, Element> {
  let map = ELEMENTS.get(chart);
  if (map) return map;
  map = new Map();
  for (const lab of chart.labs) map.set(lab.ptr, { kind: 'lab', lab });
  for (const medication of chart.medications) map.set(medication.ptr, { kind: 'medication', medication });
  for (const encounter of chart.encounters) {
    for (const note of encounter.notes) map.set(`${note.ptr}/text`, { kind: 'note', note, encounter });
    for (const service of encounter.services) map.set(service.ptr, { kind: 'service', service });
    for (const diagnosis of encounter.diagnoses) map.set(diagnosis.ptr, { kind: 'diagnosis', diagnosis, encounter });
  }
  ELEMENTS.set(chart, map);
  return map;
}

/** A note's sentence boundaries, found once per note (each finding of a chart may quote its notes). */
const BOUNDARIES = new Map<Note, number[]>();

/** Forgets the last chart's notes (Engine.lint, at each chart). */
export function forgetBoundaries(): void {
  BOUNDARIES.clear();
}

function boundariesOf(note: Note): number[] {
  let b = BOUNDARIES.get(note);
  if (!b) BOUNDARIES.set(note, (b = sentenceBoundaries(note.text)));
  return b;
}

/** The longest note sentence quoted whole; a longer one is quoted as the few words around the term. */
const MAX_QUOTE = 300;

/** The sentence of a note that holds the evidence's term, verbatim (runs of spaces made one). */
function quoteOf(note: Note, e: EvidenceRef): string {
  const text = note.text;
  const term = e.term ?? '';
  let chosen: [number, number] | undefined;
  const at = hitIndexOf(e);
  if (term && at !== undefined && text.startsWith(term, at)) {
    // The mention the evidence stands for: its sentence (a note's boundaries found once).
    chosen = sentenceAt({ text, bounds: boundariesOf(note) }, at);
  } else if (term) {
    const sentences = { text, bounds: boundariesOf(note) };
    const first = text.indexOf(term);
    // A term found once is the evidence's; only a repeated one needs its excerpt compared.
    if (first >= 0 && text.indexOf(term, first + 1) < 0) chosen = sentenceAt(sentences, first);
    else
      for (let i = first; i >= 0; i = text.indexOf(term, i + 1)) {
        const [s, end] = sentenceAt(sentences, i);
        chosen ??= [s, end];
        if (excerpt(text, i, term.length, s, end) === e.excerpt) {
          chosen = [s, end];
          break;
        }
      }
  }
  if (!chosen) return e.excerpt ?? '';
  const [s, end] = chosen;
  const stop = /[.!?]/.test(text[end] ?? '') ? text[end]! : '';
  const sentence = `${text.slice(s, end).trim()}${stop}`.replace(/\s+/g, ' ');
  // An excerpt that reaches before the sentence quotes the cue on the line above that governs it
  // ("Negative for: Chest pain, melena or hematochezia"): the sentence alone would not show the denial.
  if (e.excerpt !== undefined && !sentence.includes(e.excerpt.replace(/^\.\.\.|\.\.\.$/g, ''))) return e.excerpt;
  return sentence.length <= MAX_QUOTE ? sentence : (e.excerpt ?? sentence.slice(0, MAX_QUOTE));
}

function labName(lab: Lab, e: EvidenceRef, labs: ReadonlyMap<string, CompiledLab>): string {
  if (lab.test?.trim()) return lab.test.trim();
  const test = e.test !== undefined ? labs.get(e.test) : undefined;
  const names = test ? [...test.names] : [];
  // A result written with its LOINC code only: named by the ruleset's test, by its key where that
  // is a word ("Hemoglobin"), else by its first name ("b12": "Vitamin B12").
  const name = names[0] !== undefined && names[0].length > 4 ? names[0] : (names[1] ?? names[0]);
  return name ? displayName(name) : lab.loinc !== undefined ? `LOINC ${lab.loinc}` : 'Lab';
}

/** A test's name as a report writes it: "vitamin b12" is "Vitamin B12". */
function displayName(name: string): string {
  const cased = name.replace(/\b([a-z])(-?\d+)\b/g, (_, letter: string, digits: string) => letter.toUpperCase() + digits);
  return `${cased[0]!.toUpperCase()}${cased.slice(1)}`;
}

function labText(lab: Lab, name: string): string {
  const unit = lab.unit?.trim() ? ` ${lab.unit.trim()}` : '';
  const rr = lab.referenceRange;
  let range = '';
  if (rr && (rr.low !== undefined || rr.high !== undefined)) {
    const r =
      rr.low !== undefined && rr.high !== undefined
        ? `${rr.low}-${rr.high}`
        : rr.low !== undefined
          ? `${rr.low} or more`
          : `${rr.high} or less`;
    range = ` (reference range ${r}${unit})`;
  } else if (lab.interpretation) {
    range = ` (flagged ${lab.interpretation})`;
  }
  // A value written with its unit ("352 pmol/L") keeps it once.
  const value = unit && lab.valueText.trim().endsWith(unit.trim()) ? lab.valueText.trim() : `${lab.valueText.trim()}${unit}`;
  return `${name} ${value}${range}`;
}

function indicator(e: EvidenceRef, el: Element | undefined, data: QueryData): QueryIndicator | undefined {
  const make = (text: string, source: IndicatorSource, date: string | undefined, section?: string): QueryIndicator => {
    const out: QueryIndicator = { text: shownValue(text), source, pointer: e.pointer };
    if (section !== undefined) out.section = section;
    if (date !== undefined && date !== '') out.date = shownValue(date);
    return out;
  };
  if (!el) return undefined;
  switch (el.kind) {
    case 'lab': {
      const date = el.lab.dateText ?? (el.lab.date !== undefined ? formatDay(el.lab.date) : undefined);
      return make(labText(el.lab, labName(el.lab, e, data.labs)), 'lab', date);
    }
    case 'note':
      return make(quoteOf(el.note, e), 'note', el.encounter.dateText, el.note.section);
    case 'medication': {
      const m = el.medication;
      const name = m.name?.trim() || [m.system, m.code].filter(Boolean).join(' ') || 'medication';
      return make(name, 'medication', m.dateText);
    }
    case 'service': {
      // In words where the ruleset has them (`descriptions`): the code is the coder's.
      const s = el.service;
      const dose = s.dose ? `, ${s.dose.value} ${s.dose.unit}` : '';
      const words = data.descriptions.get(descriptionKey(s.code));
      return make(`${words ?? (s.codeText.trim() || s.code)}${dose}`, 'service', s.dateText);
    }
    case 'diagnosis':
      return make(diagnosisWords(el.diagnosis, el.encounter, data) || el.diagnosis.code, 'diagnosis', el.encounter.dateText);
  }
}

/**
 * A diagnosis in words, where the record, the loaded ICD-10-CM table or the ruleset's
 * `descriptions` have them: the code is the coder's, not the provider's.
 */
function diagnosisWords(d: Diagnosis, encounter: Encounter, data: QueryData): string | undefined {
  return (
    d.description?.trim() ||
    d.mappedFrom?.display?.trim() ||
    data.codeTable.lookup(d.code, encounter.date)?.description ||
    data.descriptions.get(descriptionKey(d.code)) ||
    undefined
  );
}

/** The query of a finding: the question and the options that apply, rendered; the indicators from the cited evidence. */
export function buildQuery(
  q: CompiledQuery,
  scope: Scope,
  bindings: Bindings,
  cited: readonly EvidenceRef[],
  data: QueryData,
  /** Indicators the cited conditions found beyond those in `cited` (Outcome.moreEvidence). */
  moreCited = 0,
): UnlocatedQuery {
  // A query about a diagnosis shows it first, cited or not: the provider sees what is asked about
  // (diagnosis-not-current cites it only where its status says it; a compliance review).
  const subject = scope.kind === 'diagnosis' && scope.diagnosis && !cited.some((e) => e.pointer === scope.diagnosis!.ptr);
  const all = subject ? [diagnosisEvidence(scope.diagnosis!), ...cited] : cited;
  const elements = all.length ? elementsOf(scope.chart) : undefined;
  const indicators: QueryIndicator[] = [];
  const seen = new Set<string>();
  for (const e of all) {
    const ind = indicator(e, elements!.get(e.pointer), data);
    if (!ind) continue;
    const key = `${ind.pointer}\u0000${ind.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    indicators.push(ind);
  }
  // `{{diagnosis.description}}` in the same words as the indicator where the record gives none.
  const d = scope.diagnosis;
  if (d && scope.encounter && !d.description?.trim() && !Object.prototype.hasOwnProperty.call(bindings, 'diagnosis.description')) {
    const words = diagnosisWords(d, scope.encounter, data);
    if (words) bindings = { ...bindings, 'diagnosis.description': words };
  }
  let options: string[] = [];
  let question = q.question;
  if (q.form === 'yes-no') options = ['Yes', 'No', OTHER_OPTION, UNDETERMINED_OPTION];
  else if (q.form === 'multiple-choice') {
    options = q.options.filter((o) => !o.when || o.when(scope) !== null).map((o) => rendered(o.text, scope, bindings));
    options = [...new Set(options.filter((o) => o !== ''))];
    // One option left beside "Other" leads like a yes/no question: the open question instead.
    if (options.length < 2 && q.open !== undefined) {
      question = q.open;
      options = [];
    } else options.push(OTHER_OPTION, UNDETERMINED_OPTION);
  }
  const out: UnlocatedQuery = { question: rendered(question, scope, bindings), indicators, options };
  if (indicators.length + moreCited > MAX_EVIDENCE) {
    out.moreIndicators = indicators.length + moreCited - MAX_EVIDENCE;
    out.indicators = indicators.slice(0, MAX_EVIDENCE);
  }
  if (scope.encounter) out.encounterDate = scope.encounter.dateText;
  return out;
}
