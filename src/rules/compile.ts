/**
 * Compiling a ruleset, once per run: codesets into lookup structures, term lists into patterns,
 * conditions into closures. Every reference (codeset, test, term list, condition kind, option)
 * is checked here, so a broken ruleset is refused before any chart is read.
 */
import { createHash } from 'node:crypto';
import { stringify, type Node } from 'yaml';
import { yamlNodeAt } from '../read/yaml-locate.js';
import { SEVERITIES, type Severity } from '../finding.js';
import { CodeTable } from './code-table.js';
import { CodeMatcher, looksLikeCode } from './codes.js';
import { comparisonProblems, hasComparison, OPERATORS } from './compare.js';
import { COMBINATORS, CONDITIONS } from './conditions/index.js';
import { parseDuration, type Duration } from './duration.js';
import { merge, HOLDS } from './evidence.js';
import { Problems, type Definitions, type Def, type RawRule, type SourceFile, RULE_KEYS, OVERRIDE_KEYS } from './load.js';
import { didYouMean } from './suggest.js';
import { parseTemplate, templateNames, TemplateError } from './template.js';
import { CompiledNegation, DEFAULT_NEGATION, TermMatcher, type NegationConfig } from './terms.js';
import { CompiledTest } from './tests.js';
import { MentionMap, type MentionEntry } from './mentions.js';
import type { CodePair } from './pairs.js';
import { parseDay } from '../chart/normalize.js';
import {
  SUBJECT_KINDS, type CompileContext, type CompiledRule, type CompiledRuleset, type ConditionModule,
  type Evaluator, type NodePath, type OptionSpec, type Outcome, type SubjectKind,
} from './types.js';

const DEFAULT_LOOKBACK = parseDuration('180d')!;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Placeholder roots every message may use; `lab.<test>` also needs the test to exist. */
const PLACEHOLDER_ROOTS = ['service', 'diagnosis', 'diagnoses', 'encounter', 'chart', 'lab', 'text', 'count', 'field', 'code', 'services', 'medication', 'pair', 'mention', 'dose'];

/** What `match` may filter on, per subject. */
const MATCH_KEYS: Record<SubjectKind, readonly string[]> = {
  service: ['code'],
  diagnosis: ['code', 'status'],
  lab: ['test'],
  encounter: ['setting'],
  chart: [],
};

export interface CompileOptions {
  codeTable?: CodeTable;
  /** Extra text the fingerprint depends on (the config, the b12lint version). */
  fingerprintExtra?: string;
}

export function compileRuleset(defs: Definitions, problems: Problems, options: CompileOptions = {}): CompiledRuleset {
  const codeTable = options.codeTable ?? new CodeTable();
  let lookback = DEFAULT_LOOKBACK;
  if (defs.lookback) {
    const d = parseDuration(defs.lookback.value);
    if (!d) problems.at(defs.lookback.src, defs.lookback.path, `bad duration ${JSON.stringify(defs.lookback.value)}: write a number and d, w, m or y (180d, 6m, 1y)`);
    else lookback = d;
  }

  let negationConfig: NegationConfig = DEFAULT_NEGATION;
  if (defs.negation) {
    const n = defs.negation.value;
    const list = (k: 'cues' | 'terminators'): string[] => {
      const v = n[k];
      if (v === undefined) return [...DEFAULT_NEGATION[k]];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
        problems.at(defs.negation!.src, [...defs.negation!.path, k], `\`negation.${k}\` takes a list of words`);
        return [...DEFAULT_NEGATION[k]];
      }
      return v as string[];
    };
    for (const k of Object.keys(n)) if (k !== 'cues' && k !== 'terminators') problems.atKey(defs.negation.src, [...defs.negation.path, k], `unknown key \`${k}\`.${didYouMean(k, ['cues', 'terminators'])}`);
    negationConfig = { cues: list('cues'), terminators: list('terminators') };
  }
  const negation = new CompiledNegation(negationConfig);

  const codesets = new Map<string, CodeMatcher>();
  for (const [name, def] of defs.codesets) codesets.set(name, new CodeMatcher(def.value));
  const tests = new Map<string, CompiledTest>();
  for (const [name, def] of defs.tests) tests.set(name, new CompiledTest(name, def.value));
  const terms = new Map<string, TermMatcher>();
  for (const [name, def] of defs.terms) terms.set(name, new TermMatcher(def.value, negation));
  const values = new Map<string, number | string>();
  for (const [name, def] of defs.values) values.set(name, def.value);
  const base: Env = { problems, codesets, tests, terms, values, lookback, codeTable, negation, pairs: new Map(), mentions: new Map() };
  for (const [name, def] of defs.pairs) {
    const cc = makeContext(base, def.src, def.path, 'diagnosis');
    const list: CodePair[] = [];
    def.value.forEach((raw, i) => {
      const at = [...def.path, i];
      const code = raw.code !== undefined ? cc.codes(raw.code, [...at, 'code']) : undefined;
      const other = raw.with !== undefined ? cc.codes(raw.with, [...at, 'with']) : undefined;
      if (raw.code === undefined || raw.with === undefined) problems.at(def.src, at, 'a pair needs `code` and `with`');
      const day = (k: 'from' | 'until'): number | undefined => {
        const v = raw[k];
        if (v === undefined) return undefined;
        const d = typeof v === 'string' ? parseDay(v) : undefined;
        if (d === undefined) problems.at(def.src, [...at, k], `\`${k}\` takes a date written YYYY-MM-DD`);
        return d;
      };
      const from = day('from');
      const until = day('until');
      if (!code || !other) return;
      const pair: CodePair = { code, with: other, codeText: codeText(raw.code), withText: codeText(raw.with), note: typeof raw.note === 'string' ? raw.note.trim() : '' };
      if (from !== undefined) pair.from = from;
      if (until !== undefined) pair.until = until;
      list.push(pair);
    });
    base.pairs.set(name, list);
  }
  for (const [name, def] of defs.mentions) {
    const cc = makeContext(base, def.src, def.path, 'diagnosis');
    const entries: MentionEntry[] = [];
    def.value.forEach((raw, i) => {
      const at = [...def.path, i];
      if (raw.code === undefined || raw.terms === undefined) problems.at(def.src, at, 'a mention needs `code` and `terms`');
      const codes = raw.code !== undefined ? cc.codes(raw.code, [...at, 'code']) : undefined;
      const words = raw.terms !== undefined ? cc.terms(raw.terms, [...at, 'terms']) : undefined;
      if (!codes || !words) return;
      const entry: MentionEntry = { codes, codeText: codeText(raw.code), terms: words.terms };
      if (typeof raw.name === 'string') entry.name = raw.name;
      entries.push(entry);
    });
    base.mentions.set(name, new MentionMap(entries, negation));
  }

  // Apply overrides to the raw rules before compiling.
  const severities = new Map<string, { value: unknown; def: Def<unknown> }>();
  const messages = new Map<string, unknown>();
  const titles = new Map<string, unknown>();
  for (const o of defs.overrides) {
    const v = o.value;
    for (const k of Object.keys(v)) if (!(OVERRIDE_KEYS as readonly string[]).includes(k)) problems.atKey(o.src, [...o.path, k], `unknown key \`${k}\` in an override.${didYouMean(k, OVERRIDE_KEYS)}`);
    if (typeof v.rule !== 'string' || !defs.rules.has(v.rule)) {
      // A config's `rules: {id: severity}` entry is placed at its key; an override at its `rule`.
      const mapForm = o.path[o.path.length - 1] === v.rule;
      (mapForm ? problems.atKey.bind(problems) : problems.at.bind(problems))(o.src, mapForm ? o.path : [...o.path, 'rule'], typeof v.rule === 'string' ? `override of unknown rule "${v.rule}".${didYouMean(v.rule, defs.rules.keys())}` : 'an override needs `rule: <rule id>`');
      continue;
    }
    if (v.severity !== undefined) severities.set(v.rule, { value: v.severity, def: { value: v.severity, src: o.src, path: [...o.path, 'severity'] } });
    if (v.message !== undefined) messages.set(v.rule, v.message);
    if (v.title !== undefined) titles.set(v.rule, v.title);
  }

  const allRules: CompiledRule[] = [];
  for (const [id, def] of defs.rules) {
    const raw: RawRule = { ...def.value };
    if (messages.has(id)) raw.message = messages.get(id);
    if (titles.has(id)) raw.title = titles.get(id);
    const sevOverride = severities.get(id);
    const rule = compileRule(id, raw, def, sevOverride?.def, base);
    if (rule) allRules.push(rule);
  }

  const fingerprint = createHash('sha256')
    .update(defs.sources.map((s) => `${s.file}\n${s.text}`).join('\n\u0000'))
    .update(options.fingerprintExtra ?? '')
    .update(codeTable.years.map((y) => `${y.fiscalYear}:${y.file}:${y.codes.size}`).join(','))
    .digest('hex');

  return {
    name: defs.name || 'b12lint:recommended',
    files: defs.files,
    lookback,
    rules: allRules.filter((r) => r.severity !== ('off' as Severity)),
    allRules,
    tests,
    codesets,
    terms,
    values,
    negation,
    codeTable,
    fingerprint,
  };
}

/** The rule exactly as written in its file (comments and layout kept), as a list item. */
function sourceText(src: SourceFile, path: NodePath): string | undefined {
  const pointer = path.map((p) => `/${p}`).join('');
  const node = yamlNodeAt(src.doc.contents as Node | null, pointer);
  if (!node?.range) return undefined;
  const start = src.text.lastIndexOf('\n', node.range[0] - 1) + 1;
  const lines = src.text.slice(start, node.range[1]).trimEnd().split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

function codeText(v: unknown): string {
  return (Array.isArray(v) ? v : [v]).map(String).join(', ');
}

interface Env {
  problems: Problems;
  codesets: Map<string, CodeMatcher>;
  tests: Map<string, CompiledTest>;
  terms: Map<string, TermMatcher>;
  values: Map<string, number | string>;
  lookback: Duration;
  codeTable: CodeTable;
  negation: CompiledNegation;
  pairs: Map<string, CodePair[]>;
  mentions: Map<string, MentionMap>;
}

function compileRule(id: string, raw: RawRule, def: Def<RawRule>, sevDef: Def<unknown> | undefined, env: Env): CompiledRule | undefined {
  const { src, path } = def;
  const p = env.problems;
  const before = p.list.length;
  for (const k of Object.keys(def.value)) if (!(RULE_KEYS as readonly string[]).includes(k)) p.atKey(src, [...path, k], `unknown key \`${k}\` in rule "${id}".${didYouMean(k, RULE_KEYS)}`);

  const sevValue = sevDef ? sevDef.value : raw.severity;
  const sevWhere = sevDef ?? { src, path: [...path, 'severity'] };
  let severity: Severity | 'off' = 'error';
  if (typeof sevValue !== 'string' || ![...SEVERITIES, 'off'].includes(sevValue)) {
    p.at(sevWhere.src, sevWhere.path, sevValue === undefined ? `rule "${id}" needs a \`severity\` (error, warning, info or off)` : `bad severity ${JSON.stringify(sevValue)}: use error, warning, info or off.${typeof sevValue === 'string' ? didYouMean(sevValue, [...SEVERITIES, 'off']) : ''}`);
  } else severity = sevValue as Severity | 'off';

  if (typeof raw.title !== 'string' || !raw.title.trim()) p.at(src, [...path, raw.title === undefined ? 'id' : 'title'], `rule "${id}" needs a \`title\``);
  let on: SubjectKind = 'chart';
  if (typeof raw.on !== 'string' || !(SUBJECT_KINDS as readonly string[]).includes(raw.on)) {
    p.at(src, [...path, raw.on === undefined ? 'id' : 'on'], raw.on === undefined ? `rule "${id}" needs \`on\`: ${SUBJECT_KINDS.join(', ')}` : `bad subject ${JSON.stringify(raw.on)}: \`on\` takes ${SUBJECT_KINDS.join(', ')}.${typeof raw.on === 'string' ? didYouMean(raw.on, SUBJECT_KINDS) : ''}`);
  } else on = raw.on as SubjectKind;

  const cc = (cpath: NodePath): CompileContext => makeContext(env, src, cpath, on);

  let match: Evaluator | null = null;
  if (raw.match !== undefined) match = compileMatch(raw.match, [...path, 'match'], on, cc([...path, 'match']), src, p);

  // A rule without `when` fires for every subject its `match` takes.
  let when: Evaluator = () => HOLDS;
  if (raw.when === undefined && raw.match === undefined) p.at(src, [...path, 'id'], `rule "${id}" needs a \`when\` condition (or a \`match\`)`);
  else if (raw.when !== undefined) when = compileCondition(raw.when, [...path, 'when'], src, env, on);

  const cite: Evaluator[] = [];
  if (raw.cite !== undefined) {
    if (!Array.isArray(raw.cite)) p.at(src, [...path, 'cite'], '`cite` takes a list of conditions');
    else raw.cite.forEach((c, i) => cite.push(compileCondition(c, [...path, 'cite', i], src, env, on)));
  }

  let message = '';
  if (typeof raw.message !== 'string' || !raw.message.trim()) {
    p.at(src, [...path, raw.message === undefined ? 'id' : 'message'], `rule "${id}" needs a \`message\``);
  } else {
    message = raw.message;
    try {
      for (const name of templateNames(parseTemplate(message))) {
        const root = name.split('.')[0]!;
        if (!PLACEHOLDER_ROOTS.includes(root)) p.at(src, [...path, 'message'], `unknown placeholder {{${name}}}.${didYouMean(root, PLACEHOLDER_ROOTS)}`);
        else if (root === 'lab' && on !== 'lab') {
          const test = name.split('.')[1];
          if (test === undefined || !env.tests.has(test)) p.at(src, [...path, 'message'], `placeholder {{${name}}} names no test of the ruleset.${test ? didYouMean(test, env.tests.keys()) : ''}`);
        }
      }
    } catch (err) {
      if (err instanceof TemplateError) p.at(src, [...path, 'message'], `bad message: ${err.message}`);
      else throw err;
    }
  }
  if (raw.docs !== undefined && typeof raw.docs !== 'string') p.at(src, [...path, 'docs'], '`docs` must be text');
  if (p.list.length > before) return undefined;

  return {
    id,
    severity: severity as Severity,
    title: String(raw.title),
    on,
    match,
    when,
    cite,
    message,
    docs: typeof raw.docs === 'string' ? raw.docs.trim() : '',
    source: sourceText(src, path) ?? stringify([def.value], { lineWidth: 100 }).trimEnd(),
    file: src.file,
  };
}

function makeContext(env: Env, src: SourceFile, path: NodePath, subject: SubjectKind): CompileContext {
  const p = env.problems;
  return {
    path,
    lookback: env.lookback,
    subject,
    codeTable: env.codeTable,
    error: (at, message) => p.at(src, at, message),
    codes(value, at) {
      const items = Array.isArray(value) ? value : [value];
      const entries: string[] = [];
      let ok = true;
      items.forEach((item, i) => {
        const ipath = Array.isArray(value) ? [...at, i] : at;
        if (typeof item !== 'string' && typeof item !== 'number') {
          p.at(src, ipath, 'expected a codeset name, a code or a pattern');
          ok = false;
          return;
        }
        const s = String(item).trim();
        const set = env.codesets.get(s);
        if (set) entries.push(...set.entries);
        else if (looksLikeCode(s)) entries.push(s);
        else {
          const hint = looksLikeCode(s.toUpperCase()) ? ` (codes are written in upper case: ${s.toUpperCase()})` : didYouMean(s, env.codesets.keys());
          p.at(src, ipath, `unknown codeset "${s}".${hint}`);
          ok = false;
        }
      });
      return ok ? new CodeMatcher(entries) : undefined;
    },
    test(name, at) {
      if (typeof name !== 'string') {
        p.at(src, at, 'expected the name of a test from `tests`');
        return undefined;
      }
      const t = env.tests.get(name);
      if (!t) p.at(src, at, `unknown test "${name}".${didYouMean(name, env.tests.keys())}`);
      return t;
    },
    terms(value, at) {
      // A name, a list of names, or an inline list of words (anything that is not a known name).
      const items = Array.isArray(value) ? value : [value];
      if (items.length === 0 || items.some((x) => typeof x !== 'string')) {
        p.at(src, at, 'expected a term list name, a list of names, or a list of words');
        return undefined;
      }
      const names = items as string[];
      const known = names.filter((n) => env.terms.has(n));
      if (known.length === names.length) {
        if (known.length === 1) return env.terms.get(known[0]!);
        return new TermMatcher(known.flatMap((n) => env.terms.get(n)!.terms), env.negation);
      }
      // A list that names no term list is a list of words, unless it looks like a mistyped name.
      const mistyped = (n: string): boolean => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(n) && didYouMean(n, env.terms.keys()) !== '';
      if (known.length === 0 && Array.isArray(value) && !names.some(mistyped)) {
        return new TermMatcher(names, env.negation);
      }
      for (const [i, n] of names.entries()) {
        if (!env.terms.has(n)) p.at(src, Array.isArray(value) ? [...at, i] : at, `unknown term list "${n}".${didYouMean(n, env.terms.keys())}`);
      }
      return undefined;
    },
    duration(value, at) {
      const named = typeof value === 'string' ? env.values.get(value) : undefined;
      const d = parseDuration(named ?? value);
      if (!d) {
        const hint = typeof value === 'string' && !/^\d/.test(value) ? didYouMean(value, [...env.values.keys()].filter((k) => typeof env.values.get(k) === 'string')) : '';
        p.at(src, at, typeof named === 'number'
          ? `value "${value}" is a number, not a duration`
          : `bad duration ${JSON.stringify(value)}: write a number and d, w, m or y (180d, 6m, 1y), or name a duration in \`values\`.${hint}`);
      }
      return d;
    },
    pairs(name, at) {
      const list = typeof name === 'string' ? env.pairs.get(name) : undefined;
      if (!list) p.at(src, at, `unknown pair list ${JSON.stringify(name)}.${typeof name === 'string' ? didYouMean(name, env.pairs.keys()) : ''}`);
      return list;
    },
    mentions(name, at) {
      const map = typeof name === 'string' ? env.mentions.get(name) : undefined;
      if (!map) p.at(src, at, `unknown mention map ${JSON.stringify(name)}.${typeof name === 'string' ? didYouMean(name, env.mentions.keys()) : ''}`);
      return map;
    },
  };
}

function compileMatch(raw: unknown, path: NodePath, on: SubjectKind, cc: CompileContext, src: SourceFile, p: Problems): Evaluator | null {
  if (!isObj(raw)) {
    p.at(src, path, '`match` takes a mapping such as { code: b12-injection }');
    return null;
  }
  const allowed = MATCH_KEYS[on];
  for (const k of Object.keys(raw)) {
    if (!allowed.includes(k)) p.atKey(src, [...path, k], allowed.length === 0 ? `\`match\` has nothing to filter for \`on: ${on}\`` : `\`match\` for \`on: ${on}\` takes ${allowed.join(', ')}.${didYouMean(k, allowed)}`);
  }
  const codes = raw.code !== undefined ? cc.codes(raw.code, [...path, 'code']) : undefined;
  const test = raw.test !== undefined ? cc.test(raw.test, [...path, 'test']) : undefined;
  const statuses = raw.status === undefined ? undefined : new Set((Array.isArray(raw.status) ? raw.status : [raw.status]).map(String));
  const settings = raw.setting === undefined ? undefined : new Set((Array.isArray(raw.setting) ? raw.setting : [raw.setting]).map(String));
  return (scope) => {
    if (codes) {
      if (on === 'service' && !(scope.service && codes.matchesProcedure(scope.service.code))) return null;
      if (on === 'diagnosis' && !(scope.diagnosis && codes.matchesDiagnosis(scope.diagnosis.code))) return null;
    }
    if (statuses && !(scope.diagnosis && statuses.has(scope.diagnosis.status))) return null;
    if (settings && !(scope.encounter && settings.has(scope.encounter.setting))) return null;
    if (test && !(scope.lab && test.takes(scope.lab))) return null;
    return HOLDS;
  };
}

/** Compiles one condition node: `all`, `any`, `not`, or a registered condition kind. */
export function compileCondition(raw: unknown, path: NodePath, src: SourceFile, env: Env, on: SubjectKind): Evaluator {
  const p = env.problems;
  const never: Evaluator = () => null;
  const kinds = [...COMBINATORS, ...CONDITIONS.keys()];
  if (!isObj(raw)) {
    p.at(src, path, `expected a condition (${kinds.join(', ')})`);
    return never;
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    p.at(src, path, keys.length === 0 ? 'empty condition' : `a condition has exactly one kind; found ${keys.join(', ')} (combine them with \`all\` or \`any\`)`);
    return never;
  }
  const kind = keys[0]!;
  const body = raw[kind];
  const bpath = [...path, kind];
  if (kind === 'all' || kind === 'any') {
    if (!Array.isArray(body) || body.length === 0) {
      p.at(src, bpath, `\`${kind}\` takes a non-empty list of conditions`);
      return never;
    }
    const parts = body.map((c, i) => compileCondition(c, [...bpath, i], src, env, on));
    if (kind === 'all') {
      return (scope) => {
        const outs: Outcome[] = [];
        for (const part of parts) {
          const o = part(scope);
          if (!o) return null;
          outs.push(o);
        }
        return merge(outs);
      };
    }
    return (scope) => {
      // Every branch that holds contributes its evidence.
      const outs: Outcome[] = [];
      for (const part of parts) {
        const o = part(scope);
        if (o) outs.push(o);
      }
      return outs.length ? merge(outs) : null;
    };
  }
  if (kind === 'not') {
    const inner = compileCondition(body, bpath, src, env, on);
    return (scope) => (inner(scope) ? null : HOLDS);
  }
  const mod = CONDITIONS.get(kind) as ConditionModule<Record<string, unknown>> | undefined;
  if (!mod) {
    p.atKey(src, [...path, kind], `unknown condition \`${kind}\`.${didYouMean(kind, kinds)}`);
    return never;
  }
  if (!isObj(body)) {
    p.at(src, bpath, `\`${kind}\` takes a mapping of options: ${Object.keys(mod.options).join(', ')}`);
    return never;
  }
  const before = p.list.length;
  const options = resolveValues(mod, body, bpath, src, env);
  checkOptions(mod, options, bpath, src, p);
  const ev = mod.compile(options, makeContext(env, src, bpath, on));
  return p.list.length > before ? never : ev;
}

/** Replaces named values (`{gt: mcv-macrocytic}`) in comparisons by their numbers. */
function resolveValues(mod: ConditionModule<Record<string, unknown>>, body: Record<string, unknown>, path: NodePath, src: SourceFile, env: Env): Record<string, unknown> {
  const resolveCmp = (c: Record<string, unknown>, at: NodePath): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...c };
    for (const op of OPERATORS) {
      const v = c[op];
      const fix = (x: unknown, xi: NodePath): unknown => {
        if (typeof x !== 'string' || op === 'eq' || op === 'ne' || op === 'in') return x;
        const named = env.values.get(x);
        if (typeof named === 'number') return named;
        env.problems.at(src, xi, `unknown value "${x}": name a number in \`values\`.${didYouMean(x, [...env.values.keys()].filter((k) => typeof env.values.get(k) === 'number'))}`);
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

function checkOptions(mod: ConditionModule<Record<string, unknown>>, body: Record<string, unknown>, path: NodePath, src: SourceFile, p: Problems): void {
  const known = [...Object.keys(mod.options), ...(mod.comparison ? OPERATORS : [])];
  for (const [k, v] of Object.entries(body)) {
    const spec = mod.options[k];
    if (!spec) {
      if (mod.comparison && (OPERATORS as readonly string[]).includes(k)) continue;
      p.atKey(src, [...path, k], `unknown option \`${k}\` of \`${mod.kind}\`.${didYouMean(k, known)}`);
      continue;
    }
    checkType(spec, k, v, [...path, k], src, p);
  }
  if (mod.comparison) {
    for (const c of comparisonProblems(body, mod.comparison === 'numeric')) p.at(src, [...path, c.key], c.message);
  }
  for (const [k, spec] of Object.entries(mod.options)) {
    if (spec.required && body[k] === undefined) p.at(src, path, `\`${mod.kind}\` needs \`${k}\`: ${spec.description}`);
  }
}

function checkType(spec: OptionSpec, key: string, v: unknown, path: NodePath, src: SourceFile, p: Problems): void {
  switch (spec.type) {
    case 'boolean':
      if (typeof v !== 'boolean') p.at(src, path, `\`${key}\` takes true or false`);
      break;
    case 'number':
      if (typeof v !== 'number') p.at(src, path, `\`${key}\` takes a number`);
      break;
    case 'string':
      if (typeof v !== 'string' || !v.trim()) p.at(src, path, `\`${key}\` takes text`);
      break;
    case 'anchor':
      if (typeof v !== 'boolean' && typeof v !== 'string') p.at(src, path, `\`${key}\` takes true or the name of a test`);
      break;
    case 'enum':
    case 'enum-list': {
      const items = spec.type === 'enum-list' && Array.isArray(v) ? v : [v];
      for (const item of items) {
        if (typeof item !== 'string' || !spec.values!.includes(item)) {
          p.at(src, path, `bad ${key} ${JSON.stringify(item)}: use ${spec.type === 'enum-list' ? 'one or a list of ' : 'one of '}${spec.values!.join(', ')}.${typeof item === 'string' ? didYouMean(item, spec.values!) : ''}`);
        }
      }
      break;
    }
    case 'comparison':
      if (typeof v === 'number') break;
      if (!isObj(v) || Object.keys(v).length === 0) {
        p.at(src, path, `\`${key}\` takes a comparison such as {lt: 200} (operators: ${OPERATORS.join(', ')})`);
        break;
      }
      for (const k of Object.keys(v)) if (!(OPERATORS as readonly string[]).includes(k)) p.atKey(src, [...path, k], `bad operator \`${k}\`: use ${OPERATORS.join(', ')}.${didYouMean(k, OPERATORS)}`);
      if (!hasComparison(v)) break;
      for (const c of comparisonProblems(v, true)) p.at(src, [...path, c.key], c.message);
      break;
    default:
      // codes, test, terms and duration are checked when they are resolved.
      break;
  }
}
