/**
 * Loading rulesets: YAML files with positions (read/source.ts), checked against schemas/ruleset.schema.json,
 * `extends` (built-in names or paths relative to the file), merged in order (later wins), then
 * `overrides`. Every problem is collected with its file, line and column; the ruleset is
 * refused as a whole if there is any. The shape of the file is the schema's to check; what is
 * left here is what a schema cannot know (cycles, repeated ids, what an extension extends).
 */
import { shownName, shownValue } from '../core/shown.js';
import { dirname, resolve } from 'node:path';
import { BUILTIN_PREFIX, builtinPath, DEFAULT_RULESET } from '../core/package.js';
import type { Problems } from '../read/problems.js';
import { displayPath, readSource, type NodePath, type SourceFile } from '../read/source.js';
import { schemaProblems, type SchemaName } from './schema-check.js';
import { didYouMean } from './suggest.js';
import type { AnalyteDefinition, LabDefinition } from './labs.js';

export interface Def<T> {
  value: T;
  src: SourceFile;
  path: NodePath;
}

export interface RawRule {
  id?: unknown;
  severity?: unknown;
  title?: unknown;
  on?: unknown;
  match?: unknown;
  when?: unknown;
  cite?: unknown;
  message?: unknown;
  docs?: unknown;
  /** The rule's own tests, for `b12lint test`. */
  examples?: unknown;
  /** A draft provider query (docs/queries.md). */
  query?: unknown;
  [k: string]: unknown;
}

export interface RawOverride {
  rule?: unknown;
  severity?: unknown;
  message?: unknown;
  [k: string]: unknown;
}

export interface Definitions {
  name: string;
  files: string[];
  sources: SourceFile[];
  /**
   * The files `extends` has applied (absolute paths): a file named again, by two layers that both
   * extend it, is applied once, where it was first named. Applied again, it would undo what the
   * layers between made of it, and a chain of such diamonds applied its files 2^n times (13 small
   * files took 10 s and 2.3 GB).
   */
  extended: Set<string>;
  lookback?: Def<unknown>;
  negation?: Def<Record<string, unknown>>;
  /** The context cue lists (`context:`), each key a list: `negation.before`, `pseudo`, ... */
  context: Map<string, Def<string[]>>;
  /** The context's word window (`context.window`). */
  contextWindow: Map<'forward' | 'backward', Def<number>>;
  codesets: Map<string, Def<string[]>>;
  /** Named lab tests (`labs:`, formerly `tests:`). */
  labs: Map<string, Def<LabDefinition>>;
  /** The units of each analyte, known by LOINC code and name (`analytes:`, built in from rulesets/analytes.yaml). */
  analytes: Map<string, Def<AnalyteDefinition>>;
  terms: Map<string, Def<string[]>>;
  /** Named numbers and durations (thresholds, windows) that conditions use by name. */
  values: Map<string, Def<number | string>>;
  /** Named lists of diagnosis code pairs with the dates they are in force (Excludes1 notes). */
  pairs: Map<string, Def<RawPair[]>>;
  /** Named maps from codes to the words notes use for them. */
  mentions: Map<string, Def<RawMention[]>>;
  /** What a code is in words, for a query's indicators (`descriptions:`), by the code in capitals without a dot. */
  descriptions: Map<string, Def<string>>;
  rules: Map<string, Def<RawRule>>;
  overrides: Def<RawOverride>[];
  /** Words a provider query must not use, by category (`queryWords.forbidden`; a later layer's category replaces). */
  queryWords: Map<string, Def<string[]>>;
  /** Words shaped like codes that a query may use (`queryWords.allowed`, every layer's). */
  queryAllowed: Def<string[]>[];
}

export interface RawPair {
  code?: unknown;
  with?: unknown;
  from?: unknown;
  until?: unknown;
  note?: unknown;
}

export interface RawMention {
  code?: unknown;
  terms?: unknown;
  name?: unknown;
  assertion?: unknown;
  note?: unknown;
  apart?: unknown;
  near?: unknown;
}

/** A rule id: kebab-case (a JSON Schema pattern). */
export const RULE_ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

/** Checks a file's root against its JSON Schema; each problem is placed at its key or value. */
export function checkSchema(name: SchemaName, src: SourceFile, root: unknown, problems: Problems): void {
  if (src.schemaClean === name) return; // checked when b12lint was built, and the text is the same
  for (const p of schemaProblems(name, root)) {
    if (p.atKey) problems.atKey(src, p.path, p.message);
    else problems.at(src, p.path, p.message);
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function emptyDefinitions(): Definitions {
  return {
    name: '',
    files: [],
    sources: [],
    extended: new Set(),
    context: new Map(),
    contextWindow: new Map(),
    codesets: new Map(),
    labs: new Map(),
    analytes: new Map(),
    terms: new Map(),
    values: new Map(),
    pairs: new Map(),
    mentions: new Map(),
    rules: new Map(),
    overrides: [],
    queryWords: new Map(),
    queryAllowed: [],
    descriptions: new Map(),
  };
}

export interface LayerOptions {
  /** Keys the caller handles itself (a config's `ignore`, `failOn`, ...). */
  extraKeys?: readonly string[];
  /** Extends to use when the file names none (a config extends its `ruleset`). */
  defaultExtends?: string[];
  /** A ruleset given on the command line, which replaces the file's own `extends`/`ruleset`. */
  forcedExtends?: string[];
  /** The base layer every ruleset starts from (the context cues): it names no ruleset. */
  base?: boolean;
}

/** The built-in layers under every ruleset: the context cue lists and the analytes' units. */
export const CONTEXT_BASE = 'b12lint:context';
export const ANALYTES_BASE = 'b12lint:analytes';

/** Empty definitions with the base layers (the built-in context cues and analytes) applied. */
export function baseDefinitions(problems: Problems): Definitions {
  const defs = emptyDefinitions();
  for (const name of [CONTEXT_BASE, ANALYTES_BASE]) {
    const abs = builtinPath(name)!;
    const src = readSource(abs, problems, name);
    if (src) applyLayer(defs, src, problems, [abs], { base: true });
  }
  return defs;
}

/** Loads a ruleset (path or built-in name) and everything it extends. */
export function loadDefinitions(ref: string, problems: Problems, baseDir = process.cwd()): Definitions {
  const defs = baseDefinitions(problems);
  loadInto(defs, ref, baseDir, problems, []);
  return defs;
}

function resolveRef(ref: string, baseDir: string): string {
  return builtinPath(ref) ?? resolve(baseDir, ref);
}

function loadInto(
  defs: Definitions,
  ref: string,
  baseDir: string,
  problems: Problems,
  stack: string[],
  at?: { src: SourceFile; path: NodePath },
): void {
  const abs = resolveRef(ref, baseDir);
  if (ref.startsWith(BUILTIN_PREFIX) && !builtinPath(ref)) {
    const message = `unknown built-in ruleset ${shownName(ref)}.${didYouMean(ref, [DEFAULT_RULESET])}`;
    if (at) problems.at(at.src, at.path, message);
    else problems.raw(shownValue(ref), 1, 1, message);
    return;
  }
  if (stack.includes(abs)) {
    const msg = `\`extends\` makes a cycle: ${[...stack, abs].map(displayPath).join(' -> ')}`;
    if (at) problems.at(at.src, at.path, msg);
    else problems.raw(displayPath(abs), 1, 1, msg);
    return;
  }
  if (defs.extended.has(abs)) return; // applied already, by another layer that extends it
  defs.extended.add(abs);
  const shown = ref.startsWith(BUILTIN_PREFIX) ? ref : displayPath(abs);
  const before = problems.list.length;
  const src = readSource(abs, problems, shown);
  if (!src) {
    if (at && problems.list.length > before && problems.list[problems.list.length - 1]!.message === 'file not found') {
      problems.list.pop();
      // A path, as written and as found from here (each shortened when long: src/core/shown.ts).
      const key = at.path[0] === 'ruleset' ? 'ruleset' : 'extends';
      problems.at(at.src, at.path, `${key} "${shownValue(ref)}": file not found (${shownValue(displayPath(abs))})`);
    }
    return;
  }
  applyLayer(defs, src, problems, [...stack, abs], {});
}

/** Merges one parsed file into the definitions (its `extends` first). */
export function applyLayer(defs: Definitions, src: SourceFile, problems: Problems, stack: string[], options: LayerOptions): void {
  const root: unknown = src.value();
  if (root === null || root === undefined) {
    if (!options.extraKeys) problems.at(src, [], 'the ruleset is empty');
    return;
  }
  // A config is checked against its own schema when it is loaded (src/run/config.ts).
  if (!options.extraKeys) checkSchema('ruleset', src, root, problems);
  if (!isObj(root)) return;
  const baseDir = dirname(src.path || resolve('.'));
  for (const e of extendsOf(root, options)) loadInto(defs, e.ref, baseDir, problems, stack, { src, path: e.path });

  defs.sources.push(src);
  if (!options.base) {
    defs.files.push(src.file);
    if (typeof root.ruleset === 'string' && root.ruleset.trim() && !options.extraKeys) defs.name = root.ruleset;
    if (!defs.name && !options.extraKeys) defs.name = src.file;
  }
  if (root.lookback !== undefined) defs.lookback = { value: root.lookback, src, path: ['lookback'] };
  mergeLegacyNegation(defs, root.negation, src);
  mergeContext(defs, root.context, src, problems);
  mergeCodesets(defs, root.codesets, src, problems);
  mergeNamedLists(defs, root, src, problems);
  mergeQueryWords(defs, root.queryWords, src);
  mergeDescriptions(defs, root.descriptions, src);
  // rules (a config's `rules:` may also be a map of severities, read by src/run/config.ts)
  if (Array.isArray(root.rules)) mergeRules(defs, root.rules, src, problems);
  if (Array.isArray(root.overrides)) {
    root.overrides.forEach((o, i) => {
      if (isObj(o)) defs.overrides.push({ value: o as RawOverride, src, path: ['overrides', i] });
    });
  }
}

/** The rulesets a layer extends, each with where it is named: forced, its own `extends`, or the default. */
function extendsOf(root: Record<string, unknown>, options: LayerOptions): { ref: string; path: NodePath }[] {
  // A config's `ruleset:` is where its forced ruleset is named (a problem with it points there).
  if (options.forcedExtends)
    return options.forcedExtends.map((ref) => ({ ref, path: typeof root.ruleset === 'string' && root.ruleset === ref ? ['ruleset'] : [] }));
  if (root.extends === undefined) return (options.defaultExtends ?? []).map((ref) => ({ ref, path: [] }));
  const list = Array.isArray(root.extends) ? root.extends : [root.extends];
  const ext: { ref: string; path: NodePath }[] = [];
  list.forEach((r, i) => {
    if (typeof r === 'string' && r.trim() !== '') ext.push({ ref: r, path: Array.isArray(root.extends) ? ['extends', i] : ['extends'] });
  });
  return ext;
}

/** The older `negation:` setting: its cues and terminators replace the context's lists. */
function mergeLegacyNegation(defs: Definitions, raw: unknown, src: SourceFile): void {
  if (!isObj(raw)) return;
  defs.negation = { value: raw, src, path: ['negation'] };
  const legacy: [string, string][] = [
    ['cues', 'negation.before'],
    ['terminators', 'termination'],
  ];
  for (const [k, key] of legacy) {
    const v = raw[k];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) defs.context.set(key, { value: v, src, path: ['negation', k] });
  }
}

/** Lab tests, analytes, term lists, values, pair lists and mention maps: a later layer's entry replaces. */
function mergeNamedLists(defs: Definitions, root: Record<string, unknown>, src: SourceFile, problems: Problems): void {
  // Entries the schema refused are left out; the schema's problems say why.
  const strList = (x: unknown): string[] | undefined => (x === undefined ? undefined : (Array.isArray(x) ? x : [x]).map(String));
  const labs = labsKey(root, src, problems);
  mergeNamed(defs.labs, root[labs], labs, src, (v) => {
    if (!isObj(v)) return undefined;
    const def: LabDefinition = {};
    const loinc = strList(v.loinc);
    const names = strList(v.names);
    if (loinc) def.loinc = loinc;
    if (names) def.names = names;
    if (typeof v.unit === 'string') def.unit = v.unit;
    if (isObj(v.factors)) def.factors = v.factors as Record<string, number>;
    return def;
  });
  mergeNamed(defs.analytes, root.analytes, 'analytes', src, (v) => {
    if (!isObj(v) || typeof v.unit !== 'string') return undefined;
    const def: AnalyteDefinition = { unit: v.unit };
    const loinc = strList(v.loinc);
    const names = strList(v.names);
    if (loinc) def.loinc = loinc;
    if (names) def.names = names;
    if (isObj(v.factors)) def.factors = v.factors as Record<string, number>;
    return def;
  });
  mergeNamed(defs.terms, root.terms, 'terms', src, (v) =>
    Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === 'string' && t.trim()) ? (v as string[]) : undefined,
  );
  mergeNamed(defs.values, root.values, 'values', src, (v) => {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^\d+\s*[dwmy]$/i.test(v.trim())) return v.trim();
    return undefined;
  });
  const mappings = <T>(v: unknown): T[] | undefined => (Array.isArray(v) && v.every(isObj) ? (v as T[]) : undefined);
  mergeNamed(defs.pairs, root.pairs, 'pairs', src, mappings<RawPair>);
  mergeNamed(defs.mentions, root.mentions, 'mentions', src, mappings<RawMention>);
}

/** `queryWords`: a forbidden category replaces the inherited one of its name; allowed words add up. */
function mergeQueryWords(defs: Definitions, raw: unknown, src: SourceFile): void {
  if (!isObj(raw)) return;
  const words = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.every((t) => typeof t === 'string' && t.trim()) ? (v as string[]) : undefined;
  if (isObj(raw.forbidden)) {
    for (const [name, v] of Object.entries(raw.forbidden)) {
      const list = words(v);
      if (list) defs.queryWords.set(name, { value: list, src, path: ['queryWords', 'forbidden', name] });
    }
  }
  const allowed = words(raw.allowed);
  if (allowed) defs.queryAllowed.push({ value: allowed, src, path: ['queryWords', 'allowed'] });
}

/** `descriptions`: a code's words; a later layer's replace the inherited ones of that code. */
function mergeDescriptions(defs: Definitions, raw: unknown, src: SourceFile): void {
  if (!isObj(raw)) return;
  for (const [code, v] of Object.entries(raw)) {
    if (typeof v === 'string' && v.trim())
      defs.descriptions.set(descriptionKey(code), { value: v.trim(), src, path: ['descriptions', code] });
  }
}

/** How `descriptions` knows a code: in capitals, without a dot or spaces ("d51.0" and "D510" are one code). */
export function descriptionKey(code: string): string {
  return code.toUpperCase().replace(/[.\s]/g, '');
}

/** A layer's rules: a repeated id is a problem; a rule replaces the inherited one of its id and takes its place at the end. */
function mergeRules(defs: Definitions, rules: unknown[], src: SourceFile, problems: Problems): void {
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const path: NodePath = ['rules', i];
    if (!isObj(r) || typeof r.id !== 'string' || !new RegExp(RULE_ID_PATTERN).test(r.id)) return;
    const id = r.id;
    if (seen.has(id)) {
      problems.at(src, [...path, 'id'], `rule id "${id}" is repeated: rule ids must be unique`);
      return;
    }
    seen.add(id);
    defs.rules.delete(id);
    defs.rules.set(id, { value: r as RawRule, src, path });
  });
}

/**
 * The key that holds a layer's lab tests: `labs`, or the older `tests` (a warning: a tests file's
 * `tests:` are rule tests, a ruleset's were lab tests). Both at once is a problem.
 */
function labsKey(root: Record<string, unknown>, src: SourceFile, problems: Problems): 'labs' | 'tests' {
  if (root.tests === undefined) return 'labs';
  if (root.labs !== undefined) {
    problems.atKey(src, ['tests'], '`tests` and `labs` both name lab tests: move the entries of `tests` (the older name) into `labs`');
    return 'labs';
  }
  problems.warnAtKey(src, ['tests'], '`tests` is deprecated for lab tests: rename the key `labs` (b12lint reads both for now)');
  return 'tests';
}

function mergeCodesets(defs: Definitions, raw: unknown, src: SourceFile, problems: Problems): void {
  if (!isObj(raw)) return;
  const codes = (x: unknown): string[] =>
    Array.isArray(x) ? x.filter((c) => typeof c === 'string' || typeof c === 'number').map((c) => String(c).trim()) : [];
  for (const [name, v] of Object.entries(raw)) {
    const path: NodePath = ['codesets', name];
    if (isObj(v)) {
      // Extending an inherited codeset: { add: [...], remove: [...] }
      const base = defs.codesets.get(name)?.value ?? [];
      const remove = new Set(codes(v.remove).map((c) => c.toUpperCase()));
      if (!defs.codesets.has(name) && v.remove !== undefined)
        problems.at(
          src,
          path,
          `codeset "${name}" is not defined by an extended ruleset, so there is nothing to remove from.${didYouMean(name, defs.codesets.keys())}`,
        );
      defs.codesets.set(name, { value: [...base.filter((c) => !remove.has(c.toUpperCase())), ...codes(v.add)], src, path });
    } else if (Array.isArray(v)) {
      defs.codesets.set(name, { value: codes(v), src, path });
    }
  }
}

/** Context cue lists: a list replaces the inherited one; `{ add, remove }` extends it. */
function mergeContext(defs: Definitions, raw: unknown, src: SourceFile, problems: Problems): void {
  if (!isObj(raw)) return;
  const words = (x: unknown): string[] => (Array.isArray(x) ? x.filter((w): w is string => typeof w === 'string' && w.trim() !== '') : []);
  const list = (key: string, v: unknown, path: NodePath): void => {
    if (Array.isArray(v)) {
      defs.context.set(key, { value: words(v), src, path });
    } else if (isObj(v)) {
      const inherited = defs.context.get(key);
      if (!inherited && v.remove !== undefined)
        problems.at(src, [...path, 'remove'], `context list "${key}" has no inherited words to remove`);
      const remove = new Set(words(v.remove).map((w) => w.toLowerCase()));
      const kept = (inherited?.value ?? []).filter((w) => !remove.has(w.toLowerCase()));
      defs.context.set(key, { value: [...kept, ...words(v.add)], src, path });
    }
  };
  for (const [name, v] of Object.entries(raw)) {
    const path: NodePath = ['context', name];
    if (name === 'window') {
      if (!isObj(v)) continue;
      for (const k of ['forward', 'backward'] as const) {
        const n = v[k];
        if (typeof n === 'number' && Number.isInteger(n) && n > 0) defs.contextWindow.set(k, { value: n, src, path: [...path, k] });
      }
    } else if (name === 'pseudo' || name === 'termination' || name === 'headings' || name === 'abbreviations') {
      list(name, v, path);
    } else if (name === 'answers') {
      if (!isObj(v)) continue;
      for (const part of ['affirmed', 'negated', 'possible']) if (v[part] !== undefined) list(`answers.${part}`, v[part], [...path, part]);
    } else if (name === 'note-sections') {
      if (!isObj(v)) continue;
      for (const part of Object.keys(v)) list(`note-sections.${part}`, v[part], [...path, part]);
    } else if (isObj(v)) {
      for (const part of [
        'before',
        'after',
        'right-before',
        'right-after',
        'overlapping',
        'sections',
        'termination',
        'marks',
        'plans',
        'reasons',
        'conditions',
        'lists',
        'statuses',
        'openers',
        'alone',
        'together',
        'pair-starts',
        'pair-ends',
      ])
        if (v[part] !== undefined) list(`${name}.${part}`, v[part], [...path, part]);
    }
  }
}

function mergeNamed<T>(into: Map<string, Def<T>>, raw: unknown, key: string, src: SourceFile, read: (v: unknown) => T | undefined): void {
  if (!isObj(raw)) return;
  for (const [name, v] of Object.entries(raw)) {
    const value = read(v);
    if (value !== undefined) into.set(name, { value, src, path: [key, name] });
  }
}
