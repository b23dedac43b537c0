/**
 * Parsing a chart file into documents, each with a locator. JSON goes through `JSON.parse`
 * (positions are found later, only if needed; a file that fails is scanned once by
 * json-syntax.ts for the place and the reason); YAML through the `yaml` package with its line
 * counter; NDJSON line by line, where a broken line is one problem and the others still count.
 * A JSON or YAML file with a syntax error is refused whole, at its first error: what a parser
 * makes of the text after an error is a guess, and a guess is no chart to bill on.
 */
import { Composer, isScalar, Lexer, LineCounter, type CST, type Document, type YAMLError } from 'yaml';
import type { Position } from '../finding.js';
import { pushAll } from '../core/arrays.js';
import type { Decoded } from './decode.js';
import { JsonLocator, offsetToPosition, type Locator } from './json-locate.js';
import { duplicateKeys, findJsonError, keysHeld, keysWritten, MAX_JSON_DEPTH, tooDeepAt, tooDeepEntries } from './json-syntax.js';
import { aliasProblem, mayHoldAliases } from './yaml-aliases.js';
import { addDuplicateKeyErrors, MERGE_KEY } from './yaml-keys.js';
import { limitedCst, MAX_YAML_DEPTH, type TooDeepDocument } from './yaml-depth.js';
import { YamlLocator } from './yaml-locate.js';
import { grouped } from '../core/numbers.js';

export type SourceFormat = 'json' | 'yaml' | 'ndjson';

export interface SourceDoc {
  value: unknown;
  locator: Locator;
  /** Where the document starts (its first line), for messages about the document as a whole. */
  start: Position;
}

export interface ParseProblem extends Position {
  message: string;
  /** The entry of a list of charts the problem stands for (an entry too deep to read: see TOO_DEEP_ENTRY). */
  pointer?: string;
  /** Set when the problem stands for one document of a YAML stream that could not be read (one chart). */
  document?: true;
}

export interface ParsedFile {
  format: SourceFormat;
  /** The documents, read one at a time for NDJSON (so a big file is never held as values whole). */
  docs: Iterable<SourceDoc>;
  /** Syntax errors: `parse-error` findings (for NDJSON, complete once `docs` has been iterated). */
  problems: ParseProblem[];
  /** Valid syntax that breaks the chart format (a YAML key given twice): `chart-format` findings. */
  formatProblems: ParseProblem[];
}

export interface ParseOptions {
  /**
   * The most values one JSON document (or NDJSON line) may hold. Memory grows with values far
   * faster than with bytes (`[1,1,1,...]`, `[{},{},...]`), so a file of millions of tiny values
   * is refused rather than allowed to exhaust memory. A YAML document may stand for no more
   * values than this, its aliases expanded (an alias bomb is refused: yaml-aliases.ts).
   */
  maxValues?: number;
  /** The most tokens of one YAML file, for the same reason (the `yaml` package's nodes are larger). */
  maxYamlTokens?: number;
  /**
   * Whether a JSON list is a list of charts, each entry refused alone when nested too deeply
   * (default); false where the value must be a FHIR resource, which a list never is.
   */
  chartLists?: boolean;
}

/**
 * The most values a YAML document may stand for, its aliases expanded, when no `maxValues` is
 * given: the default --max-file-size's (64 MB, one value per 64 bytes).
 */
const DEFAULT_ALIAS_VALUES = 1_048_576;

/** A document holding more than `ParseOptions.maxValues`. */
export class TooManyValues extends Error {
  constructor(
    readonly limit: number,
    readonly what: 'values' | 'YAML tokens',
  ) {
    super(`more than ${grouped(limit)} ${what}`);
  }
}

/** Throws TooManyValues when `root` holds more than `limit` values (counted without recursion). */
function checkValueCount(root: unknown, text: string, limit: number | undefined): void {
  // Every value takes at least one character of its text: a text no longer than the limit cannot
  // hold more values, and most charts are far shorter, so they are not walked at all.
  if (limit === undefined || text.length <= limit) return;
  let n = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (++n > limit) throw new TooManyValues(limit, 'values');
    const children = Array.isArray(v) ? v : v !== null && typeof v === 'object' ? Object.values(v) : undefined;
    if (!children) continue;
    if (n + stack.length + children.length > limit) throw new TooManyValues(limit, 'values');
    for (const c of children) stack.push(c);
  }
}

export function formatOf(path: string): SourceFormat | undefined {
  // Most names end in `.json` or `.yaml` as written: no lower-cased copy of the path for them.
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.yaml')) return 'yaml';
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return undefined;
}

const TOO_DEEP = 'the document is nested too deeply to be read';

/** Whether an error is the engine's stack overflow (RangeError: Maximum call stack size exceeded). */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

/** A JSON text nested deeper than b12lint reads (json-syntax.ts MAX_JSON_DEPTH), and where; or undefined. */
export function deepJsonProblem(text: string, baseLine = 1): ParseProblem | undefined {
  const at = tooDeepAt(text);
  if (at < 0) return undefined;
  return {
    ...offsetToPosition(text, at, baseLine),
    message: `Unreadable JSON: ${TOO_DEEP} (more than ${grouped(MAX_JSON_DEPTH)} levels of lists and mappings).`,
  };
}

/**
 * b12lint's own cache file (src/run/cache.ts: a header line `{"format":..,"strategy":..,"key":..}`,
 * then one entry a line), met by a run that does not use it (a `--cache-location` among the charts):
 * named as what it is rather than as broken JSON. A run with the cache leaves its folder out.
 */
function cacheFileProblem(text: string): ParseProblem | undefined {
  const eol = text.indexOf('\n');
  if (eol < 0 || eol > 1000 || !text.startsWith('{"format":')) return undefined;
  let head: unknown;
  try {
    head = JSON.parse(text.slice(0, eol));
  } catch {
    return undefined;
  }
  const h = head as { format?: unknown; strategy?: unknown; key?: unknown };
  if (typeof h.format !== 'number' || (h.strategy !== 'content' && h.strategy !== 'metadata') || typeof h.key !== 'string')
    return undefined;
  return {
    line: 1,
    column: 1,
    message:
      "This file is b12lint's cache (--cache-location), not a chart: keep the cache outside the charts' folders, or name it in .b12lintignore.",
  };
}

/** Why JSON.parse refused a text, and where (`baseLine` places an NDJSON line in its file). */
export function jsonProblem(text: string, err: unknown, baseLine = 1): ParseProblem {
  const syntax = findJsonError(text);
  if (syntax) return { ...offsetToPosition(text, syntax.offset, baseLine), message: `Invalid JSON: ${syntax.message}` };
  // The text is valid JSON that JSON.parse still could not turn into values.
  const why = isStackOverflow(err) ? TOO_DEEP : err instanceof Error ? err.message : String(err);
  return { line: baseLine, column: 1, message: `Unreadable JSON: ${why}` };
}

function parsed(
  format: SourceFormat,
  docs: Iterable<SourceDoc> = [],
  problems: ParseProblem[] = [],
  formatProblems: ParseProblem[] = [],
): ParsedFile {
  return { format, docs, problems, formatProblems };
}

/**
 * What stands in a list of charts for an entry nested too deeply to be read: the adapter counts it
 * as a chart refused, whose finding is the parse problem at its first bracket beyond the limit.
 */
export const TOO_DEEP_ENTRY: unique symbol = Symbol('an entry nested too deeply to be read');

/**
 * A text past this size is first scanned for nesting far beyond MAX_JSON_DEPTH (FAR_DEPTH): 60 MB
 * of `[` took `JSON.parse` 15 s and 3 GB of memory to build lists that are then refused anyway.
 * Such a text is refused whole without being parsed (a list's other entries with it: no chart
 * nests that far). Smaller texts cannot cost much, and are parsed first.
 */
const SCAN_FIRST_ABOVE = 1024 * 1024;
const FAR_DEPTH = 100_000;

/**
 * For a JSON text too long and too deep to parse at all (see SCAN_FIRST_ABOVE): why it is refused,
 * its syntax error or its depth, with its place (`baseLine` for an NDJSON line); else undefined.
 * Every JSON text b12lint reads whole (a chart file, an NDJSON or Bulk line, a baseline, a shard
 * report, a cache entry) is asked first.
 */
export function farTooDeep(text: string, baseLine = 1): ParseProblem | undefined {
  if (text.length <= SCAN_FIRST_ABOVE || tooDeepAt(text, FAR_DEPTH) < 0) return undefined;
  const syntax = findJsonError(text);
  return syntax
    ? { ...offsetToPosition(text, syntax.offset, baseLine), message: `Invalid JSON: ${syntax.message}` }
    : deepJsonProblem(text, baseLine);
}

export function parseJson(text: string, options: ParseOptions = {}): ParsedFile {
  const far = farTooDeep(text);
  if (far) return parsed('json', [], [far]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return parsed('json', [], [cacheFileProblem(text) ?? jsonProblem(text, err)]);
  }
  const deep = deepJsonProblem(text);
  const problems: ParseProblem[] = [];
  if (deep) {
    // A list of charts keeps its other entries; anything else is refused whole.
    const entries = Array.isArray(value) && options.chartLists !== false ? tooDeepEntries(text) : undefined;
    if (!entries?.length) return parsed('json', [], [deep]);
    // The entries come in text order: their lines are counted in one pass (not from the start for each).
    let line = 1;
    let lineStart = 0;
    for (const { index, at } of entries) {
      for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < at; nl = text.indexOf('\n', lineStart)) {
        line++;
        lineStart = nl + 1;
      }
      (value as unknown[])[index] = TOO_DEEP_ENTRY;
      problems.push({
        line,
        column: 1 + at - lineStart,
        pointer: `/${index}`,
        message: `Unreadable JSON: entry ${index + 1} of the list is nested too deeply to be read (more than ${grouped(MAX_JSON_DEPTH)} levels of lists and mappings); it is not linted.`,
      });
    }
  }
  checkValueCount(value, text, options.maxValues);
  return parsed('json', [{ value, locator: new JsonLocator(text), start: { line: 1, column: 1 } }], problems, keysGivenTwice(text, value));
}

/** The most keys given twice that one JSON text lists; the others are counted in one more problem. */
const DUPLICATES_LISTED = 100;

/**
 * `chart-format` problems for the keys a valid JSON text gives twice in one object (`JSON.parse`
 * keeps the last value and drops the first without a word: a second `services` list loses the
 * first one's claim lines). Found only where the cheap count says there may be one
 * (json-syntax.ts, duplicateKeys).
 */
export function keysGivenTwice(text: string, value: unknown, baseLine = 1): ParseProblem[] {
  if (keysWritten(text) <= keysHeld(value)) return [];
  const found = duplicateKeys(text);
  const out: ParseProblem[] = [];
  // The offsets come in text order: their lines are counted in one pass.
  let line = baseLine;
  let lineStart = 0;
  let i = 0;
  for (const { offset, key, pointer } of found.slice(0, DUPLICATES_LISTED)) {
    for (; i < offset; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    // A key is named only when it is a plain name ("services"): the rest of a chart's text stays out of reports.
    const name = /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(key) ? `"${key}" is given twice in one object` : 'a key is given twice in one object';
    out.push({ line, column: 1 + offset - lineStart, pointer, message: `Duplicate key: ${name}; b12lint reads the last value only.` });
  }
  if (found.length > DUPLICATES_LISTED) {
    const more = found.length - DUPLICATES_LISTED;
    // At the last key given twice (its place and its chart), after the hundredth.
    const last = found[found.length - 1]!;
    const at = offsetToPosition(text, last.offset, baseLine);
    out.push({ ...at, pointer: last.pointer, message: `${grouped(more)} more keys given twice are not listed.` });
  }
  return out;
}

/**
 * NDJSON: one JSON value a line, parsed as `docs` is iterated. `broken` holds lines already known
 * to be unreadable (by line number); a line over the value limit is a problem of its own.
 */
export function parseNdjson(text: string, broken: ReadonlyMap<number, ParseProblem> = new Map(), options: ParseOptions = {}): ParsedFile {
  const problems: ParseProblem[] = [];
  const formatProblems: ParseProblem[] = [];
  function* lines(): Generator<SourceDoc> {
    let lineNo = 0;
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      lineNo++;
      const lineText = text.slice(start, end).replace(/\r$/, '');
      start = end + 1;
      const known = broken.get(lineNo);
      if (known) {
        problems.push(known);
      } else if (lineText.trim() !== '') {
        const one = parseNdjsonLine(lineText, lineNo, options);
        if ('problem' in one) {
          problems.push(one.problem);
          continue;
        }
        pushAll(formatProblems, one.formatProblems);
        yield one.doc;
      }
      if (end === text.length) break;
    }
  }
  return parsed('ndjson', lines(), problems, formatProblems);
}

/** One non-blank NDJSON line (without its line break): a document and its keys given twice, or why it is not one. */
export function parseNdjsonLine(
  lineText: string,
  lineNo: number,
  options: ParseOptions = {},
): { doc: SourceDoc; formatProblems: ParseProblem[] } | { problem: ParseProblem } {
  const far = farTooDeep(lineText, lineNo);
  if (far) return { problem: far };
  let value: unknown;
  try {
    value = JSON.parse(lineText);
    const deep = deepJsonProblem(lineText, lineNo);
    if (deep) return { problem: deep };
    checkValueCount(value, lineText, options.maxValues);
  } catch (err) {
    return {
      problem:
        err instanceof TooManyValues
          ? { line: lineNo, column: 1, message: `The line holds ${err.message}, too many to lint safely in memory.` }
          : jsonProblem(lineText, err, lineNo),
    };
  }
  return {
    doc: { value, locator: new JsonLocator(lineText, lineNo), start: { line: lineNo, column: 1 } },
    formatProblems: keysGivenTwice(lineText, value, lineNo),
  };
}

/**
 * YAML 1.2 errors the `yaml` package lets through, added to its token stream: a second `%YAML`
 * directive for one document.
 */
function* checkDirectives(tokens: Iterable<CST.Token>): Generator<CST.Token> {
  let yamlDirectives = 0;
  for (const token of tokens) {
    if (token.type === 'directive' && /^%YAML(\s|$)/.test(token.source) && ++yamlDirectives > 1) {
      yield { type: 'error', offset: token.offset, source: '', message: 'A document may have only one %YAML directive' };
      continue;
    }
    if (token.type === 'document') yamlDirectives = 0;
    yield token;
  }
}

/** A broken document's problem, at its first error; in a stream, naming where the document left out begins. */
function brokenDocument(
  doc: Document.Parsed,
  syntax: readonly YAMLError[],
  inStream: boolean,
  at: (offset: number, message: string) => ParseProblem,
): ParseProblem | undefined {
  if (syntax.length === 0) return undefined;
  const first = syntax.reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a));
  const which = inStream ? ` (the document that begins at line ${at(doc.range[0], '').line} is not linted)` : '';
  return { ...at(first.pos[0], `Invalid YAML: ${firstLine(first.message)}${which}`), document: true };
}

/**
 * Where a YAML stream with a broken document is refused whole, and why (its first error): unless
 * each broken document's errors lie inside it, no `---` line stands inside it, and no directive
 * heads the stream (parseYaml says why each).
 */
function streamRefusal(
  all: readonly Document.Parsed[],
  text: string,
  syntaxOf: (doc: Document.Parsed) => YAMLError[],
): { offset: number; message: string } | undefined {
  const broken = all.filter((doc) => syntaxOf(doc).length > 0);
  if (broken.length === 0) return undefined;
  const sure =
    !LEADING_DIRECTIVE.test(text) &&
    broken.every(
      (doc) =>
        syntaxOf(doc).every((e) => e.pos[0] >= doc.range[0] && e.pos[0] < doc.range[2]) &&
        !INNER_DOCUMENT_START.test(text.slice(doc.range[0] + 1, doc.range[2])),
    );
  if (sure) return undefined;
  const first = broken.flatMap(syntaxOf).reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a));
  return { offset: Math.min(first.pos[0], text.length), message: firstLine(first.message) };
}

/** A `---` that begins a line inside a document's text: the start of another document. */
const INNER_DOCUMENT_START = /\n---(?:[ \t\r\n]|$)/;
/** A directive before a stream's first document, comments and blank lines aside. */
const LEADING_DIRECTIVE = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*%/;

/** What a key error left in a readable document says: a key given twice, or a merge key (yaml-keys.ts). */
function keyProblem(e: YAMLError): string {
  return (e.code as string) === MERGE_KEY
    ? 'YAML merge key `<<`: b12lint reads YAML 1.2, where `<<` is an ordinary key, so what it would bring in is not read. Write the keys out in the mapping.'
    : 'Duplicate key: a mapping may name each key only once; b12lint reads the last value.';
}

export function parseYaml(text: string, options: ParseOptions = {}): ParsedFile {
  const lines = new LineCounter();
  const at = (offset: number, message: string): ParseProblem => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col, message };
  };
  const maxTokens = options.maxYamlTokens;
  if (maxTokens !== undefined && text.length > maxTokens / 2) {
    // Memory grows with tokens: count them first (one streaming pass) for any file big enough to matter.
    let tokens = 0;
    for (const _ of new Lexer().lex(text)) if (++tokens > maxTokens) throw new TooManyValues(maxTokens, 'YAML tokens');
  }
  let all: Document.Parsed[];
  // Documents nesting more than MAX_YAML_DEPTH lists and mappings (yaml-depth.ts): each is an
  // empty document in `all`, at the offset its entry gives.
  const deep: TooDeepDocument[] = [];
  try {
    // The core schema always: `%YAML 1.1` must not turn dates into Date objects or `!!set` into a Set.
    // Keys given twice are found after composing, in one pass (yaml-keys.ts), not by the package.
    const composer = new Composer({ lineCounter: lines, prettyErrors: false, uniqueKeys: false, schema: 'core', logLevel: 'error' });
    all = [...composer.compose(checkDirectives(limitedCst(text, lines, deep)), true, text.length)];
    for (const doc of all) addDuplicateKeyErrors(doc);
  } catch (err) {
    // Not expected under the depth limit; if the stack still runs out, the file is refused.
    if (!isStackOverflow(err)) throw err;
    return parsed('yaml', [], [{ line: 1, column: 1, message: `Unreadable YAML: ${TOO_DEEP}` }]);
  }
  // A document nested too deeply is valid text: it alone is refused, and the stream's other
  // documents are read as they are (the lexer ends any flow or block scalar at `---`). A broken
  // document is refused alone too, where the parser's reading of the stream is sure: each error
  // within the document it belongs to, and no `---` line inside a broken one. Else (a stray `]`
  // after `---` is charged to the document before it; a quote left open runs on over the `---`
  // lines after it, to the file's end) the file is refused whole: what a parser makes of the text
  // after the error is a guess, and a chart it swallowed would be lost unnamed.
  const tooDeep = new Map(deep.map((d) => [d.docOffset, d.at]));
  // A deep document's stand-in has no content: its errors come from the text around it.
  const syntaxOf = (doc: Document.Parsed) =>
    doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY' && (e.code as string) !== MERGE_KEY && !tooDeepError(e));
  const refusal = streamRefusal(all, text, syntaxOf);
  if (refusal) return parsed('yaml', [], [at(refusal.offset, `Invalid YAML: ${refusal.message}`)]);
  const docs: SourceDoc[] = [];
  const problems: ParseProblem[] = [];
  const formatProblems: ParseProblem[] = [];
  const aliases = mayHoldAliases(text);
  const aliasCount = { aliases: 0 };
  for (const doc of all) {
    const brokenDoc = brokenDocument(doc, syntaxOf(doc), all.length > 1, at);
    if (brokenDoc) {
      problems.push(brokenDoc);
      continue;
    }
    const deepAt = tooDeep.get(doc.range[0]);
    const overflow = deepAt === undefined ? doc.errors.find(tooDeepError) : undefined;
    if (deepAt !== undefined || overflow) {
      const where = deepAt ?? overflow!.pos[0];
      const why = deepAt !== undefined ? `${TOO_DEEP} (more than ${MAX_YAML_DEPTH} levels of lists and mappings).` : TOO_DEEP;
      problems.push({ ...at(where, `Unreadable YAML: ${why}`), document: true });
      continue;
    }
    for (const e of doc.errors) formatProblems.push(at(e.pos[0], keyProblem(e)));
    // An empty document (a trailing `---`, `--- # a comment`): the yaml package gives it an empty
    // node, no text, no tag, no anchor. It holds no chart. (`--- ~` or `null` is written: a value.)
    const c = doc.contents;
    if (c === null || (isScalar(c) && c.value === null && c.source === '' && !c.tag && !c.anchor)) continue;
    const docStart = at(doc.range[0], '');
    // Aliases checked in one pass first (yaml-aliases.ts); the package's own count is then off.
    const alias = aliases ? aliasProblem(doc, options.maxValues ?? DEFAULT_ALIAS_VALUES, text.length, aliasCount) : undefined;
    if (alias) {
      problems.push({ ...at(alias.offset, `Invalid YAML: ${alias.message}`), document: true });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: -1 });
    } catch (err) {
      const why = isStackOverflow(err) ? TOO_DEEP : firstLine(err instanceof Error ? err.message : String(err));
      problems.push({ ...docStart, message: `Invalid YAML: ${why}`, document: true });
      continue;
    }
    docs.push({ value, locator: new YamlLocator(doc, lines), start: { line: docStart.line, column: docStart.column } });
  }
  return parsed('yaml', docs, problems, formatProblems);
}

/** The composer's error for a document nested deeper than the stack allows. */
function tooDeepError(e: { message: string }): boolean {
  return /call stack/i.test(e.message);
}

/** The first line of a text (an error's message), trimmed. */
export function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).trim();
}

export function parseText(text: string, format: SourceFormat, options: ParseOptions = {}): ParsedFile {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // text read without decode() may keep a byte-order mark
  switch (format) {
    case 'json':
      return parseJson(text, options);
    case 'ndjson':
      return parseNdjson(text, new Map(), options);
    case 'yaml':
      return parseYaml(text, options);
  }
}

/**
 * Parses decoded file bytes. Undecodable bytes (see decode.ts) make a JSON or YAML file a parse
 * error at the first of them; in NDJSON they make only their own lines parse errors.
 */
export function parseDecoded(decoded: Decoded, format: SourceFormat, options: ParseOptions = {}): ParsedFile {
  const bad = decoded.undecodable;
  if (bad.length === 0) return parseText(decoded.text, format, options);
  if (format === 'ndjson') return parseNdjson(decoded.text, new Map(bad.map((b) => [b.line, b])), options);
  return parsed(format, [], [bad[0]!]);
}
