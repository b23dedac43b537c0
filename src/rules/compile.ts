/**
 * Compiling a ruleset, once per run: codesets into lookup structures, term lists into patterns,
 * conditions into closures. The loader has checked the files' shape against the ruleset schema
 * (condition kinds, options and their types, severities, subjects); every reference (codeset,
 * test, term list, value, pair list, mention map, placeholder) and duration is checked here, so
 * a broken ruleset is refused before any chart is read. Parts the schema refused compile to
 * nothing, silently: the schema's problems already say what is wrong.
 */
import { shownName } from '../core/shown.js';
import { createHash } from 'node:crypto';
import { stringify, type Node } from 'yaml';
import { yamlNodeAt } from '../read/yaml-locate.js';
import { SEVERITIES, type Severity } from '../finding.js';
import { CodeTable } from './code-table.js';
import { CodeMatcher, looksLikeCode } from './codes.js';
import { betweenProblem, OPERATORS } from './compare.js';
import { CONDITIONS } from './conditions/index.js';
import { parseDuration, type Duration } from './duration.js';
import { merge, HOLDS } from './evidence.js';
import { builtinPath, DEFAULT_RULESET } from '../core/package.js';
import { Problems } from '../read/problems.js';
import { readSource, type SourceFile } from '../read/source.js';
import { applyLayer, emptyDefinitions, type Definitions, type Def, type RawMention, type RawPair, type RawRule } from './load.js';
import {
  allOf,
  anyOf,
  gateOf,
  someDiagnosis,
  someLab,
  someService,
  someSetting,
  withGate,
  type ChartFacts,
  type ChartGate,
} from './relevance.js';
import { compileQuery, QueryPolicy } from './query.js';
import { didYouMean } from './suggest.js';
import { MEMBERS, parseTemplate, placeholderProblem, templateNames, TemplateError, type TemplatePart } from './template.js';
import { TermMatcher } from './terms.js';
import { ASSERTIONS, CompiledContext, CUE_CATEGORIES, type Assertion, type ContextConfig } from './context.js';
import { AnalyteCatalog, CompiledLab } from './labs.js';
import { MentionMap, type MentionEntry } from './mentions.js';
import type { CodePair } from './pairs.js';
import { parseDay } from '../chart/normalize.js';
import { CURRENT_STATUSES, DIAGNOSIS_STATUSES, NOTE_SECTIONS, SETTINGS, SUBJECT_FIELDS, type Diagnosis } from '../chart/model.js';
import {
  SUBJECT_KINDS,
  type CompileContext,
  type CompiledRule,
  type CompiledRuleset,
  type ConditionModule,
  type Evaluator,
  type NodePath,
  type OptionSpec,
  type Outcome,
  type SubjectKind,
} from './types.js';
import { pushAll, minOf } from '../core/arrays.js';

const DEFAULT_LOOKBACK = parseDuration('180d')!;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What `match` may filter on, per subject (the ruleset schema is generated from this). */
export const MATCH_OPTIONS: Record<SubjectKind, Readonly<Record<string, OptionSpec>>> = {
  service: { code: { type: 'codes', description: 'The service codes the rule looks at: a codeset name, a code, a pattern, or a list.' } },
  diagnosis: {
    code: { type: 'codes', description: 'The diagnosis codes the rule looks at: a codeset name, a code, a pattern, or a list.' },
    status: { type: 'enum-list', values: DIAGNOSIS_STATUSES, description: 'Only diagnoses with this status (or one of a list).' },
  },
  lab: { test: { type: 'lab', description: 'Only results of this lab test (named in `labs`).' } },
  encounter: { setting: { type: 'enum-list', values: SETTINGS, description: 'Only encounters in this setting (or one of a list).' } },
  chart: {},
};

export interface CompileOptions {
  codeTable?: CodeTable;
  /** Extra text the fingerprint depends on (the config, the b12lint version). */
  fingerprintExtra?: string;
}

export function compileRuleset(defs: Definitions, problems: Problems, options: CompileOptions = {}): CompiledRuleset {
  const codeTable = options.codeTable ?? new CodeTable();
  const env = namedParts(defs, problems, codeTable);
  for (const [name, def] of defs.pairs) env.pairs.set(name, compilePairs(def, env));
  for (const [name, def] of defs.mentions) env.mentions.set(name, compileMentions(def, env));
  const overrides = collectOverrides(defs, problems);
  let policy: QueryPolicy | undefined;
  const queryPolicy = (): QueryPolicy => (policy ??= loadQueryPolicy(defs, problems));
  const allRules: CompiledRule[] = [];
  for (const [id, def] of defs.rules) {
    const rule = compileOverridden(id, def, overrides, env, queryPolicy);
    if (rule) allRules.push(rule);
  }
  return {
    name: defs.name || DEFAULT_RULESET,
    files: defs.files,
    lookback: env.lookback,
    rules: allRules.filter((r) => r.severity !== ('off' as Severity)),
    allRules,
    labs: env.labs,
    codesets: env.codesets,
    terms: env.terms,
    values: env.values,
    context: env.context,
    codeTable,
    descriptions: new Map([...defs.descriptions].map(([code, d]) => [code, d.value])),
    fingerprint: fingerprintOf(defs, options.fingerprintExtra ?? '', codeTable),
    warnings: problems.warnings,
  };
}

/** The lookback, context, codesets, lab tests, term lists and values: what rules refer to by name. */
function namedParts(defs: Definitions, problems: Problems, codeTable: CodeTable): Env {
  const lookback = (defs.lookback ? parseDuration(defs.lookback.value) : undefined) ?? DEFAULT_LOOKBACK;
  const context = new CompiledContext(contextConfig(defs));
  const codesets = new Map<string, CodeMatcher>();
  for (const [name, def] of defs.codesets) codesets.set(name, new CodeMatcher(def.value));
  const analytes = new AnalyteCatalog([...defs.analytes.values()].map((d) => d.value));
  const labs = new Map<string, CompiledLab>();
  for (const [name, def] of defs.labs) labs.set(name, new CompiledLab(name, def.value, analytes));
  const terms = new Map<string, TermMatcher>();
  for (const [name, def] of defs.terms) terms.set(name, new TermMatcher(def.value, context));
  const values = new Map<string, number | string>();
  for (const [name, def] of defs.values) values.set(name, def.value);
  return {
    problems,
    codesets,
    labs,
    terms,
    values,
    lookback,
    codeTable,
    context,
    pairs: new Map(),
    mentions: new Map(),
    isCurrent: currentStatus(codesets.get(HISTORY_CODES)),
  };
}

/**
 * The codeset of codes that state a history or a lasting status themselves (family and personal
 * history, Z80 to Z87, Z92; post-procedure status, Z90, Z98, in the built-in ruleset), where a
 * ruleset defines it: an export marks them `history` as often as not, and so coded they are
 * current codes, coded as they should be.
 */
export const HISTORY_CODES = 'history-codes';

/**
 * Whether a diagnosis is current, as conditions that name no status take it: confirmed or
 * suspected; or `history` where its code is one of `historyCodes` (Z98.84 "bariatric surgery
 * status" exported as history supports a B12 line as it does confirmed).
 */
function currentStatus(historyCodes: CodeMatcher | undefined): (d: Pick<Diagnosis, 'code' | 'status'>) => boolean {
  if (!historyCodes) return (d) => CURRENT_STATUSES.has(d.status);
  return (d) => CURRENT_STATUSES.has(d.status) || (d.status === 'history' && historyCodes.matchesDiagnosis(d.code));
}

/** One named pair list: each pair's codes, note and the dates it is in force. */
function compilePairs(def: Def<RawPair[]>, env: Env): CodePair[] {
  const cc = makeContext(env, def.src, def.path, 'diagnosis');
  const list: CodePair[] = [];
  def.value.forEach((raw, i) => {
    const at = [...def.path, i];
    const code = raw.code !== undefined ? cc.codes(raw.code, [...at, 'code']) : undefined;
    const other = raw.with !== undefined ? cc.codes(raw.with, [...at, 'with']) : undefined;
    const day = (k: 'from' | 'until'): number | undefined => {
      const v = raw[k];
      const d = typeof v === 'string' ? parseDay(v) : undefined;
      // The schema refuses what is not written YYYY-MM-DD; this catches 2026-02-30.
      if (d === undefined && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))
        env.problems.at(def.src, [...at, k], `\`${k}\`: ${v} is not a date`);
      return d;
    };
    const from = day('from');
    const until = day('until');
    if (!code || !other) return;
    const pair: CodePair = {
      code,
      with: other,
      codeText: codeText(raw.code),
      withText: codeText(raw.with),
      note: typeof raw.note === 'string' ? raw.note.trim() : '',
    };
    if (from !== undefined) pair.from = from;
    if (until !== undefined) pair.until = until;
    list.push(pair);
  });
  return list;
}

/** One named mention map: each entry's codes, words, name, note and assertions. */
function compileMentions(def: Def<RawMention[]>, env: Env): MentionMap {
  const cc = makeContext(env, def.src, def.path, 'diagnosis');
  const entries: MentionEntry[] = [];
  def.value.forEach((raw, i) => {
    const at = [...def.path, i];
    const codes = raw.code !== undefined ? cc.codes(raw.code, [...at, 'code']) : undefined;
    const words = raw.terms !== undefined ? cc.terms(raw.terms, [...at, 'terms']) : undefined;
    if (!codes || !words) return;
    const entry: MentionEntry = { codes, codeText: codeText(raw.code).replace(/\*/g, '-'), terms: words.terms };
    if (typeof raw.name === 'string') entry.name = raw.name;
    if (typeof raw.note === 'string') entry.note = raw.note.trim();
    if (raw.apart !== undefined) entry.apart = cc.terms(raw.apart, [...at, 'apart']);
    if (raw.near !== undefined) entry.near = cc.terms(raw.near, [...at, 'near']);
    // The schema refuses an assertion name it does not know; the loader places the error.
    if (raw.assertion !== undefined)
      entry.assertions = new Set(
        (Array.isArray(raw.assertion) ? raw.assertion : [raw.assertion]).filter((a): a is Assertion =>
          (ASSERTIONS as readonly unknown[]).includes(a),
        ),
      );
    entries.push(entry);
  });
  return new MentionMap(entries, env.context);
}

/** What overrides change, by rule id. An override's `query` and `cite` replace the rule's, and their problems are placed in the override. */
interface Overrides {
  severities: Map<string, Def<unknown>>;
  messages: Map<string, unknown>;
  titles: Map<string, unknown>;
  queries: Map<string, Def<unknown>>;
  cites: Map<string, Def<unknown>>;
}

function collectOverrides(defs: Definitions, problems: Problems): Overrides {
  const o: Overrides = { severities: new Map(), messages: new Map(), titles: new Map(), queries: new Map(), cites: new Map() };
  for (const { value: v, src, path } of defs.overrides) {
    if (typeof v.rule !== 'string') continue;
    if (!defs.rules.has(v.rule)) {
      // A config's `rules: {id: severity}` entry is placed at its key; an override at its `rule`.
      const message = `override of unknown rule ${shownName(v.rule)}.${didYouMean(v.rule, defs.rules.keys())}`;
      if (path[path.length - 1] === v.rule) problems.atKey(src, path, message);
      else problems.at(src, [...path, 'rule'], message);
      continue;
    }
    if (v.severity !== undefined) o.severities.set(v.rule, { value: v.severity, src, path: [...path, 'severity'] });
    if (v.message !== undefined) o.messages.set(v.rule, v.message);
    if (v.title !== undefined) o.titles.set(v.rule, v.title);
    if (v.query !== undefined) o.queries.set(v.rule, { value: v.query, src, path: [...path, 'query'] });
    if (v.cite !== undefined) o.cites.set(v.rule, { value: v.cite, src, path: [...path, 'cite'] });
  }
  return o;
}

/** A rule with what overrides change in it applied, compiled; undefined after a problem. */
function compileOverridden(id: string, def: Def<RawRule>, o: Overrides, env: Env, policy: () => QueryPolicy): CompiledRule | undefined {
  const raw: RawRule = { ...def.value };
  if (o.messages.has(id)) raw.message = o.messages.get(id);
  if (o.titles.has(id)) raw.title = o.titles.get(id);
  const query =
    o.queries.get(id) ?? (raw.query !== undefined ? { value: raw.query, src: def.src, path: [...def.path, 'query'] } : undefined);
  const cite = o.cites.get(id) ?? (raw.cite !== undefined ? { value: raw.cite, src: def.src, path: [...def.path, 'cite'] } : undefined);
  return compileRule(id, raw, def, o.severities.get(id), env, { query, cite, policy });
}

/**
 * A hash of everything the results depend on: the ruleset's files, the extra text, the code tables.
 * Compiling is a function of these alone, so two rulesets of one fingerprint compile alike, with
 * the same problems (the replay of a run relies on it: src/run/setup.ts DeferredRuleset).
 */
export function fingerprintOf(defs: Definitions, extra: string, codeTable: CodeTable): string {
  return createHash('sha256')
    .update(defs.sources.map((s) => `${s.file}\n${s.text}`).join('\n\u0000'))
    .update(extra)
    .update(codeTable.years.map((y) => `${y.fiscalYear}${y.april ? '-04' : ''}:${y.file}:${y.digest}`).join(','))
    .digest('hex');
}

/** The context cue lists the definitions hold (the built-in base and every layer on it). */
function contextConfig(defs: Definitions): ContextConfig {
  const list = (key: string): string[] => defs.context.get(key)?.value ?? [];
  const categories = Object.fromEntries(
    CUE_CATEGORIES.map((c) => [
      c,
      {
        before: list(`${c}.before`),
        after: list(`${c}.after`),
        rightBefore: list(`${c}.right-before`),
        rightAfter: list(`${c}.right-after`),
        overlapping: list(`${c}.overlapping`),
        sections: list(`${c}.sections`),
        termination: list(`${c}.termination`),
        marks: list(`${c}.marks`),
        plans: list(`${c}.plans`),
        reasons: list(`${c}.reasons`),
        lists: list(`${c}.lists`),
        conditions: list(`${c}.conditions`),
        statuses: list(`${c}.statuses`),
        openers: list(`${c}.openers`),
        alone: list(`${c}.alone`),
        together: list(`${c}.together`),
        pairStarts: list(`${c}.pair-starts`),
        pairEnds: list(`${c}.pair-ends`),
      },
    ]),
  );
  return {
    categories: categories as unknown as ContextConfig['categories'],
    pseudo: list('pseudo'),
    abbreviations: list('abbreviations'),
    termination: list('termination'),
    headings: list('headings'),
    answers: { affirmed: list('answers.affirmed'), negated: list('answers.negated'), possible: list('answers.possible') },
    noteSections: Object.fromEntries(NOTE_SECTIONS.filter((s) => s !== 'other').map((s) => [s, list(`note-sections.${s}`)])),
    window: { forward: defs.contextWindow.get('forward')?.value ?? 8, backward: defs.contextWindow.get('backward')?.value ?? 5 },
  };
}

/** The rule exactly as written in its file (comments and layout kept), as a list item. */
function sourceText(src: SourceFile, path: NodePath): string | undefined {
  const pointer = path.map((p) => `/${p}`).join('');
  const node = yamlNodeAt(src.doc.contents as Node | null, pointer);
  if (!node?.range) return undefined;
  const start = src.text.lastIndexOf('\n', node.range[0] - 1) + 1;
  const lines = src.text.slice(start, node.range[1]).trimEnd().split('\n');
  const indent = minOf(lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

function codeText(v: unknown): string {
  return (Array.isArray(v) ? v : [v]).map(String).join(', ');
}

interface Env {
  problems: Problems;
  codesets: Map<string, CodeMatcher>;
  labs: Map<string, CompiledLab>;
  terms: Map<string, TermMatcher>;
  values: Map<string, number | string>;
  lookback: Duration;
  codeTable: CodeTable;
  context: CompiledContext;
  pairs: Map<string, CodePair[]>;
  mentions: Map<string, MentionMap>;
  /** Whether a diagnosis is current where a condition names no status (`currentStatus`). */
  isCurrent: (d: Pick<Diagnosis, 'code' | 'status'>) => boolean;
}

/**
 * The words a provider query must not use: the built-in lists (rulesets/query-words.yaml), then
 * each layer's `queryWords` (a category replaces the built-in one of its name). Read only for a
 * ruleset that has queries.
 */
function loadQueryPolicy(defs: Definitions, problems: Problems): QueryPolicy {
  const builtin = emptyDefinitions();
  const src = readSource(builtinPath('b12lint:query-words')!, problems, 'b12lint:query-words');
  if (src) applyLayer(builtin, src, problems, [], {});
  const forbidden = new Map<string, readonly string[]>();
  for (const words of [builtin.queryWords, defs.queryWords]) for (const [name, d] of words) forbidden.set(name, d.value);
  const allowed = [...builtin.queryAllowed, ...defs.queryAllowed].flatMap((d) => d.value);
  return new QueryPolicy(forbidden, allowed);
}

/** A rule's query and cite, each from the rule or from an override of it. */
interface RuleParts {
  query: Def<unknown> | undefined;
  cite: Def<unknown> | undefined;
  policy: () => QueryPolicy;
}

/** The roots of placeholders a condition binds (`{{text.excerpt}}` by a `text` condition): the conditions' own names. */
const CONDITION_ROOTS = new Set(['text', 'lab', 'count', 'code', 'medication', 'pair', 'mention', 'dose', 'subcodes', 'measure']);

/**
 * What the conditions of a rule's `when` and `cite` can bind: each condition's name, and for a
 * `lab` condition `lab.<test>` (a condition is a one-key map; `all` and `any` hold others). Not
 * what stands under `not`: a negated condition holds when its own does not, and binds nothing.
 */
function boundNames(when: unknown, cite: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (c: unknown, depth: number): void => {
    if (depth > 64 || !isObj(c)) return;
    for (const [k, v] of Object.entries(c)) {
      if ((k === 'all' || k === 'any') && Array.isArray(v)) for (const x of v) walk(x, depth + 1);
      else if (k === 'not') continue;
      else {
        out.add(k);
        if (k === 'lab' && isObj(v) && typeof v.test === 'string') out.add(`lab.${v.test}`);
      }
    }
  };
  walk(when, 0);
  // A named cite binds its own name only (its condition's bindings are renamed: namedCite).
  if (Array.isArray(cite)) for (const c of cite) if (!isNamedCite(c)) walk(c, 0);
  return out;
}

/** A `cite:` item that names what its condition binds: `{ as: <name>, cite: <condition> }`. */
interface NamedCite {
  as: string;
  cite: unknown;
}

function isNamedCite(c: unknown): c is NamedCite {
  return isObj(c) && 'as' in c;
}

/**
 * What each name a rule's cites give (`as:`) may show after its dot: the members of what its
 * condition binds (`{{documented.excerpt}}` for a `text` condition, `{{pregnancy.matched}}` for a
 * `diagnosis`, `{{drawn.b12}}` for a `lab` reading B12).
 */
function citeNames(cite: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!Array.isArray(cite)) return out;
  for (const c of cite) {
    if (!isNamedCite(c) || typeof c.as !== 'string') continue;
    const members = new Set<string>();
    for (const kind of boundNames(c.cite, undefined)) {
      if (kind.startsWith('lab.')) members.add(kind.slice(4));
      for (const m of MEMBERS[kind] ?? []) members.add(m);
      if (kind === 'diagnosis') for (const m of MEMBERS.diagnoses ?? []) members.add(m);
      if (kind === 'service') for (const m of MEMBERS.services ?? []) members.add(m);
    }
    out.set(c.as, members);
  }
  return out;
}

/** Why a placeholder under a cite's name shows nothing, or undefined; null when the root is no cite's name. */
function namedProblem(name: string, names: ReadonlyMap<string, ReadonlySet<string>>): string | undefined | null {
  const dot = name.indexOf('.');
  const root = dot < 0 ? name : name.slice(0, dot);
  const members = names.get(root);
  if (!members) return null;
  const member = dot < 0 ? '' : name.slice(dot + 1).split('.')[0]!;
  if (members.has(member)) return undefined;
  return `placeholder {{${name}}}: the cite named \`${root}\` binds ${[...members].map((m) => `{{${root}.${m}}}`).join(', ') || 'nothing'}.`;
}

/** A named cite's condition, its bindings renamed: `text.excerpt` becomes `<name>.excerpt` (the first of two that meet). */
function namedCite(name: string, inner: Evaluator): Evaluator {
  return (scope) => {
    const o = inner(scope);
    if (!o) return o;
    const bindings: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o.bindings)) {
      const dot = k.indexOf('.');
      const renamed = dot < 0 ? name : `${name}${k.slice(dot)}`;
      if (!(renamed in bindings)) bindings[renamed] = v;
    }
    return { ...o, bindings };
  };
}

/**
 * Why a placeholder that a condition binds can never be bound in this rule (no condition of its
 * kind in `when` or `cite`), or undefined: it would render "?" in every finding.
 */
function unboundProblem(name: string, on: SubjectKind, bound: ReadonlySet<string>): string | undefined {
  const [root, test, member] = name.split('.');
  if (!CONDITION_ROOTS.has(root!)) return undefined;
  if (root === 'lab') {
    // A lab rule's own result ({{lab.value}}) is the subject's.
    if (on === 'lab' && member === undefined && SUBJECT_FIELDS.lab.includes(test!)) return undefined;
    return bound.has(`lab.${test}`)
      ? undefined
      : `placeholder {{${name}}}: no \`lab\` condition of the rule's \`when\` or \`cite\` reads ${test}, so it would show "?".`;
  }
  return bound.has(root!)
    ? undefined
    : `placeholder {{${name}}}: no \`${root}\` condition in the rule's \`when\` or \`cite\` binds it, so it would show "?".`;
}

/** Parses a message (or query) template and checks that each placeholder names something; undefined after a problem. */
function checkedTemplate(
  text: string,
  src: SourceFile,
  at: NodePath,
  on: SubjectKind,
  env: Env,
  what: string,
  bound?: ReadonlySet<string>,
  names?: ReadonlyMap<string, ReadonlySet<string>>,
): TemplatePart[] | undefined {
  const p = env.problems;
  const before = p.list.length;
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(text);
  } catch (err) {
    if (err instanceof TemplateError) {
      p.at(src, at, `bad ${what}: ${err.message}`);
      return undefined;
    }
    throw err;
  }
  for (const name of templateNames(parts)) {
    const named = names ? namedProblem(name, names) : null;
    const problem =
      named !== null ? named : (placeholderProblem(name, on, env.labs) ?? (bound ? unboundProblem(name, on, bound) : undefined));
    if (problem) p.at(src, at, problem);
  }
  return p.list.length > before ? undefined : parts;
}

function compileRule(
  id: string,
  raw: RawRule,
  def: Def<RawRule>,
  sevDef: Def<unknown> | undefined,
  env: Env,
  parts: RuleParts,
): CompiledRule | undefined {
  const { src, path } = def;
  const p = env.problems;
  const before = p.list.length;
  const sevValue = sevDef ? sevDef.value : raw.severity;
  const severity = typeof sevValue === 'string' && [...SEVERITIES, 'off'].includes(sevValue) ? (sevValue as Severity | 'off') : 'error';
  const on: SubjectKind = (SUBJECT_KINDS as readonly unknown[]).includes(raw.on) ? (raw.on as SubjectKind) : 'chart';

  const cc = (cpath: NodePath): CompileContext => makeContext(env, src, cpath, on);

  let match: Evaluator | null = null;
  if (raw.match !== undefined) match = compileMatch(raw.match, [...path, 'match'], on, cc([...path, 'match']));
  const matchGate = gateOf(match);
  // A diagnosis ruled out or in the past is not a current condition: a rule about diagnoses looks
  // at it only when its `match` names that status.
  if (on === 'diagnosis' && !(isObj(raw.match) && raw.match.status !== undefined)) {
    const inner = match;
    match = (scope) => (scope.diagnosis && env.isCurrent(scope.diagnosis) ? (inner ? inner(scope) : HOLDS) : null);
  }

  // A rule without `when` fires for every subject its `match` takes.
  let when: Evaluator = () => HOLDS;
  if (raw.when === undefined && raw.match === undefined)
    p.at(src, [...path, 'id'], `rule "${id}" needs a \`when\` condition (or a \`match\`)`);
  else if (raw.when !== undefined) when = compileCondition(raw.when, [...path, 'when'], src, env, on);

  const cite: Evaluator[] = [];
  const citeDef = parts.cite;
  if (citeDef && Array.isArray(citeDef.value))
    citeDef.value.forEach((c, i) =>
      cite.push(
        isNamedCite(c)
          ? namedCite(String(c.as), compileCondition(c.cite, [...citeDef.path, i, 'cite'], citeDef.src, env, on))
          : compileCondition(c, [...citeDef.path, i], citeDef.src, env, on),
      ),
    );

  const bound = boundNames(raw.when, citeDef?.value);
  const names = citeNames(citeDef?.value);
  let message = '';
  if (typeof raw.message === 'string') {
    message = raw.message;
    checkedTemplate(message, src, [...path, 'message'], on, env, 'message', bound, names);
  }
  const query =
    parts.query &&
    compileQuery(parts.query.value, {
      ruleId: id,
      src: parts.query.src,
      path: parts.query.path,
      when: raw.when,
      cites: cite.length,
      policy: parts.policy(),
      problems: p,
      template: (text, qsrc, at) => checkedTemplate(text, qsrc, at, on, env, 'query text', bound, names),
      condition: (c, qsrc, at) => compileCondition(c, at, qsrc, env, on),
    });
  if (p.list.length > before) return undefined;

  // What a chart must hold for the rule to fire (relevance.ts): its match, and its when.
  const current =
    on === 'diagnosis' && !(isObj(raw.match) && raw.match.status !== undefined)
      ? (facts: ChartFacts) => someDiagnosis(facts, env.isCurrent)
      : undefined;
  const gate = allOf([matchGate, current, gateOf(when)]);
  return {
    id,
    severity: severity as Severity,
    title: String(raw.title),
    on,
    match,
    ...(gate ? { gate } : {}),
    when,
    cite,
    message,
    ...(query ? { query } : {}),
    docs: typeof raw.docs === 'string' ? raw.docs.trim() : '',
    // The rule as written is for `explain` only: cut from the file when asked for.
    get source() {
      return sourceText(src, path) ?? stringify([def.value], { lineWidth: 100 }).trimEnd();
    },
    file: src.file,
  };
}

/** A `codes` option: codeset names, codes and patterns, each checked (CompileContext.codes). */
function codesOf(env: Env, src: SourceFile, value: unknown, at: NodePath): CodeMatcher | undefined {
  const p = env.problems;
  const items = Array.isArray(value) ? value : [value];
  const entries: string[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const ipath = Array.isArray(value) ? [...at, i] : at;
    if (typeof item !== 'string' && typeof item !== 'number') {
      ok = false; // the schema says what a code may be
      return;
    }
    const s = String(item).trim();
    const set = env.codesets.get(s);
    if (set) pushAll(entries, set.entries);
    else if (looksLikeCode(s)) entries.push(s);
    else {
      const hint = looksLikeCode(s.toUpperCase())
        ? ` (codes are written in upper case: ${s.toUpperCase()})`
        : didYouMean(s, env.codesets.keys());
      p.at(src, ipath, `unknown codeset "${s}".${hint}`);
      ok = false;
    }
  });
  return ok ? new CodeMatcher(entries) : undefined;
}

/** A `terms` option: term list names, or a list of words (CompileContext.terms). */
function termsOf(env: Env, src: SourceFile, value: unknown, at: NodePath): TermMatcher | undefined {
  const p = env.problems;
  // A name, a list of names, or an inline list of words (anything that is not a known name).
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0 || items.some((x) => typeof x !== 'string')) return undefined; // the schema says so
  const names = items as string[];
  const known = names.filter((n) => env.terms.has(n));
  if (known.length === names.length) {
    if (known.length === 1) return env.terms.get(known[0]!);
    return new TermMatcher(
      known.flatMap((n) => env.terms.get(n)!.terms),
      env.context,
    );
  }
  // A list that names no term list is a list of words, unless it looks like a mistyped name.
  const mistyped = (n: string): boolean => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(n) && didYouMean(n, env.terms.keys()) !== '';
  if (known.length === 0 && Array.isArray(value) && !names.some(mistyped)) {
    return new TermMatcher(names, env.context);
  }
  for (const [i, n] of names.entries()) {
    if (!env.terms.has(n)) p.at(src, Array.isArray(value) ? [...at, i] : at, `unknown term list "${n}".${didYouMean(n, env.terms.keys())}`);
  }
  return undefined;
}

/** A `duration` option: written (180d) or named in `values` (CompileContext.duration). */
function durationOf(env: Env, src: SourceFile, value: unknown, at: NodePath): Duration | undefined {
  const p = env.problems;
  const named = typeof value === 'string' ? env.values.get(value) : undefined;
  const d = parseDuration(named ?? value);
  if (!d) {
    const hint =
      typeof value === 'string' && !/^\d/.test(value)
        ? didYouMean(
            value,
            [...env.values.keys()].filter((k) => typeof env.values.get(k) === 'string'),
          )
        : '';
    p.at(
      src,
      at,
      typeof named === 'number'
        ? `value "${value}" is a number, not a duration`
        : `bad duration ${JSON.stringify(value)}: write a number and d, w, m or y (180d, 6m, 1y), or name a duration in \`values\`.${hint}`,
    );
  }
  return d;
}

function makeContext(env: Env, src: SourceFile, path: NodePath, subject: SubjectKind): CompileContext {
  const p = env.problems;
  return {
    path,
    lookback: env.lookback,
    subject,
    codeTable: env.codeTable,
    context: env.context,
    isCurrent: env.isCurrent,
    error: (at, message) => p.at(src, at, message),
    codes: (value, at) => codesOf(env, src, value, at),
    lab(name, at) {
      if (typeof name !== 'string') return undefined; // missing or not text: the schema says so
      const t = env.labs.get(name);
      if (!t) p.at(src, at, `unknown lab test "${name}".${didYouMean(name, env.labs.keys())}`);
      return t;
    },
    terms: (value, at) => termsOf(env, src, value, at),
    duration: (value, at) => durationOf(env, src, value, at),
    pairs(name, at) {
      if (typeof name !== 'string') return undefined;
      const list = env.pairs.get(name);
      if (!list) p.at(src, at, `unknown pair list "${name}".${didYouMean(name, env.pairs.keys())}`);
      return list;
    },
    mentions(name, at) {
      if (typeof name !== 'string') return undefined;
      const map = env.mentions.get(name);
      if (!map) p.at(src, at, `unknown mention map "${name}".${didYouMean(name, env.mentions.keys())}`);
      return map;
    },
  };
}

function compileMatch(raw: unknown, path: NodePath, on: SubjectKind, cc: CompileContext): Evaluator | null {
  if (!isObj(raw)) return null;
  const codes = raw.code !== undefined ? cc.codes(raw.code, [...path, 'code']) : undefined;
  const test = raw.test !== undefined ? cc.lab(raw.test, [...path, 'test']) : undefined;
  const statuses = raw.status === undefined ? undefined : new Set((Array.isArray(raw.status) ? raw.status : [raw.status]).map(String));
  const settings = raw.setting === undefined ? undefined : new Set((Array.isArray(raw.setting) ? raw.setting : [raw.setting]).map(String));
  // The subject must be one of the chart's elements with the code, status, setting or test named.
  const gates: (ChartGate | undefined)[] = [
    codes && on === 'service' ? (facts) => someService(facts, (code) => codes.matchesProcedure(code)) : undefined,
    codes && on === 'diagnosis' ? (facts) => someDiagnosis(facts, (d) => codes.matchesDiagnosis(d.code)) : undefined,
    statuses ? (facts) => someDiagnosis(facts, (d) => statuses.has(d.status)) : undefined,
    settings ? (facts) => someSetting(facts, settings) : undefined,
    test ? (facts) => someLab(facts, (l) => test.takes(l)) : undefined,
  ];
  return withGate((scope) => {
    if (codes) {
      if (on === 'service' && !(scope.service && codes.matchesProcedure(scope.service.code))) return null;
      if (on === 'diagnosis' && !(scope.diagnosis && codes.matchesDiagnosis(scope.diagnosis.code))) return null;
    }
    if (statuses && !(scope.diagnosis && statuses.has(scope.diagnosis.status))) return null;
    if (settings && !(scope.encounter && settings.has(scope.encounter.setting))) return null;
    if (test && !(scope.lab && test.takes(scope.lab))) return null;
    return HOLDS;
  }, allOf(gates));
}

/** Compiles one condition node: `all`, `any`, `not`, or a registered condition kind. */
export function compileCondition(raw: unknown, path: NodePath, src: SourceFile, env: Env, on: SubjectKind): Evaluator {
  const never: Evaluator = () => null;
  // One kind per condition, a list for all/any, a mapping of options: the schema's to report.
  if (!isObj(raw) || Object.keys(raw).length !== 1) return never;
  const kind = Object.keys(raw)[0]!;
  const body = raw[kind];
  const bpath = [...path, kind];
  if (kind === 'all' || kind === 'any') {
    if (!Array.isArray(body) || body.length === 0) return never;
    const parts = body.map((c, i) => compileCondition(c, [...bpath, i], src, env, on));
    const gate = kind === 'all' ? allOf(parts.map(gateOf)) : anyOf(parts.map(gateOf));
    // Outcomes are gathered only where two say something: most parts that hold are a `not` (HOLDS,
    // nothing to merge), and most evaluations of a night's routine visits fail at their first part.
    if (kind === 'all') {
      return withGate((scope) => {
        let outs: Outcome[] | undefined;
        let first: Outcome | undefined;
        for (const part of parts) {
          const o = part(scope);
          if (!o) return null;
          if (o === HOLDS) continue;
          if (!first) first = o;
          else (outs ??= [first]).push(o);
        }
        return outs ? merge(outs) : (first ?? HOLDS);
      }, gate);
    }
    return withGate((scope) => {
      // Every branch that holds contributes its evidence.
      let outs: Outcome[] | undefined;
      let first: Outcome | undefined;
      let held = false;
      for (const part of parts) {
        const o = part(scope);
        if (!o) continue;
        held = true;
        if (o === HOLDS) continue;
        if (!first) first = o;
        else (outs ??= [first]).push(o);
      }
      return outs ? merge(outs) : (first ?? (held ? HOLDS : null));
    }, gate);
  }
  if (kind === 'not') {
    const inner = compileCondition(body, bpath, src, env, on);
    return (scope) => (inner(scope) ? null : HOLDS);
  }
  const mod = CONDITIONS.get(kind) as ConditionModule<Record<string, unknown>> | undefined;
  if (!mod || !isObj(body)) return never;
  const p = env.problems;
  const before = p.list.length;
  const options = resolveValues(mod, body, bpath, src, env);
  checkBetween(mod, options, bpath, src, p);
  const ev = mod.compile(options, makeContext(env, src, bpath, on));
  return p.list.length > before ? never : ev;
}

/** Replaces named values (`{gt: mcv-macrocytic}`) in comparisons by their numbers. */
function resolveValues(
  mod: ConditionModule<Record<string, unknown>>,
  body: Record<string, unknown>,
  path: NodePath,
  src: SourceFile,
  env: Env,
): Record<string, unknown> {
  const resolveCmp = (c: Record<string, unknown>, at: NodePath): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...c };
    for (const op of OPERATORS) {
      const v = c[op];
      const fix = (x: unknown, xi: NodePath): unknown => {
        if (typeof x !== 'string' || op === 'eq' || op === 'ne' || op === 'in') return x;
        const named = env.values.get(x);
        if (typeof named === 'number') return named;
        env.problems.at(
          src,
          xi,
          `unknown value "${x}": name a number in \`values\`.${didYouMean(
            x,
            [...env.values.keys()].filter((k) => typeof env.values.get(k) === 'number'),
          )}`,
        );
        return 0;
      };
      if (op === 'between' && Array.isArray(v)) out[op] = v.map((x, i) => fix(x, [...at, op, i]));
      else if (v !== undefined) out[op] = fix(v, [...at, op]);
    }
    return out;
  };
  let out = body;
  if (mod.comparison) out = resolveCmp(out, path);
  for (const [k, spec] of Object.entries(mod.options)) {
    if (spec.type === 'comparison' && isObj(out[k])) out = { ...out, [k]: resolveCmp(out[k] as Record<string, unknown>, [...path, k]) };
    if (spec.type === 'number' && typeof out[k] === 'string') {
      const named = env.values.get(out[k] as string);
      if (typeof named === 'number') out = { ...out, [k]: named };
    }
  }
  return out;
}

/** `between` takes its low bound first: the one thing about a comparison a schema cannot check. */
function checkBetween(
  mod: ConditionModule<Record<string, unknown>>,
  body: Record<string, unknown>,
  path: NodePath,
  src: SourceFile,
  p: Problems,
): void {
  const comparisons: [Record<string, unknown>, NodePath][] = mod.comparison ? [[body, path]] : [];
  for (const [k, spec] of Object.entries(mod.options)) {
    if (spec.type === 'comparison' && isObj(body[k])) comparisons.push([body[k] as Record<string, unknown>, [...path, k]]);
  }
  for (const [c, at] of comparisons) {
    const problem = betweenProblem(c.between);
    if (problem) p.at(src, [...at, 'between'], problem);
  }
}
