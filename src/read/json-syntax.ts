/**
 * Where a JSON text breaks, and why, in words for the person fixing the export. JSON.parse says
 * neither reliably: V8 gives a position for some errors only, words them differently from one
 * Node version to the next, and quotes the file's text (which may be patient data). So when
 * JSON.parse fails, this strict RFC 8259 scanner reads the text once and reports its first error.
 * It keeps an explicit stack, so any depth of nesting is safe. It never runs on valid files.
 */

import { escapePointerToken } from './json-locate.js';

export interface JsonSyntaxError {
  /** Character offset of the error in the text. */
  offset: number;
  message: string;
}

const enum Ch {
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  QUOTE = 34,
  PLUS = 43,
  COMMA = 44,
  MINUS = 45,
  DOT = 46,
  ZERO = 48,
  NINE = 57,
  COLON = 58,
  LBRACKET = 91,
  BACKSLASH = 92,
  RBRACKET = 93,
  LBRACE = 123,
  RBRACE = 125,
}

/** What the scanner expects next. */
const enum State {
  Value,
  FirstValue,
  FirstKey,
  Key,
  AfterValue,
}

const VALUE = 'a value (a string in double quotes, a number, true, false, null, an object or a list)';

/** A character as a message shows it: one character only, never a run of the file's text. */
export function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'the end of the file';
  const cp = text.codePointAt(i)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const ch = String.fromCodePoint(cp);
  if (!VISIBLE.test(ch)) return hex;
  return cp < 0x80 ? `'${ch}'` : `'${ch}' (${hex})`;
}

/** Letters, digits, punctuation and symbols show as themselves; spaces, controls and lone surrogates by code point. */
const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;

function isDigit(c: number): boolean {
  return c >= Ch.ZERO && c <= Ch.NINE;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  const scanner = new Scanner(text);
  scanner.skipSpace();
  if (scanner.i >= text.length) return scanner.err('the file is empty (no JSON value)');
  for (;;) {
    scanner.skipSpace();
    const e = scanner.step();
    if (e !== 'more') return e;
  }
}

/**
 * The open brackets, a byte each: a text of 60 MB of `[` holds 30 million of them, which a list of
 * numbers would keep in some 400 MB.
 */
class ByteStack {
  private bytes = new Uint8Array(64);
  length = 0;

  push(c: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = c;
  }

  pop(): void {
    if (this.length > 0) this.length--;
  }

  /** The top bracket, or undefined when none is open. */
  top(): number | undefined {
    return this.length > 0 ? this.bytes[this.length - 1] : undefined;
  }
}

/** The scanner's position, its stack of open lists and objects, and what it expects next. */
class Scanner {
  i = 0;
  private readonly stack = new ByteStack();
  private state = State.Value;

  constructor(private readonly text: string) {}

  skipSpace(): void {
    const text = this.text;
    while (isJsonSpace(text.charCodeAt(this.i))) this.i++;
  }

  /** An error at `offset` (the current position by default). */
  err(message: string, offset = this.i): JsonSyntaxError {
    return { offset, message };
  }

  private found(): string {
    return describeChar(this.text, this.i);
  }

  /** Reads one token at the current position: 'more' to go on, an error, or undefined at the end of valid JSON. */
  step(): JsonSyntaxError | undefined | 'more' {
    const c = this.text.charCodeAt(this.i);
    if (this.i >= this.text.length) {
      if (this.state === State.AfterValue && this.stack.length === 0) return undefined;
      return this.err('unexpected end of the file: the JSON is incomplete (a truncated file?)');
    }
    switch (this.state) {
      case State.FirstValue:
      case State.Value:
        return this.value(c) ?? 'more';
      case State.FirstKey:
      case State.Key:
        return this.key(c) ?? 'more';
      case State.AfterValue:
        return this.afterValue(c) ?? 'more';
    }
  }

  /** Where a value is expected (or, first in a list, the list's end). */
  private value(c: number): JsonSyntaxError | undefined {
    if (this.state === State.FirstValue && c === Ch.RBRACKET) return this.close();
    if (c === Ch.RBRACKET && this.text.charCodeAt(lastNonSpace(this.text, this.i - 1)) === Ch.COMMA) {
      return this.err("a trailing comma: the ',' before this ']' must be followed by another element");
    }
    if (c === Ch.LBRACKET || c === Ch.LBRACE) {
      this.stack.push(c);
      this.i++;
      this.state = c === Ch.LBRACKET ? State.FirstValue : State.FirstKey;
      return undefined;
    }
    const e = c === Ch.QUOTE ? this.scanString() : c === Ch.MINUS || isDigit(c) ? this.scanNumber() : this.scanLiteral();
    if (e) return e;
    this.state = State.AfterValue;
    return undefined;
  }

  /** Where a property name is expected (or, first in an object, the object's end), and its colon. */
  private key(c: number): JsonSyntaxError | undefined {
    if (c === Ch.RBRACE) {
      if (this.state === State.Key) return this.err("a trailing comma: the ',' before this '}' must be followed by another property");
      return this.close();
    }
    if (c !== Ch.QUOTE) return this.err(`expected a property name in double quotes; found ${this.found()}`);
    const e = this.scanString();
    if (e) return e;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== Ch.COLON) return this.err(`expected ':' after the property name; found ${this.found()}`);
    this.i++;
    this.state = State.Value;
    return undefined;
  }

  /** After a value: the end of its list or object, or a comma. */
  private afterValue(c: number): JsonSyntaxError | undefined {
    const top = this.stack.top();
    if (top === undefined) {
      return this.err(
        `unexpected ${this.found()} after the end of the JSON value (a file holds one value: for one chart per line, use .ndjson)`,
      );
    }
    const close = top === Ch.LBRACKET ? Ch.RBRACKET : Ch.RBRACE;
    if (c === close) return this.close();
    if (c === Ch.COMMA) {
      this.i++;
      this.state = top === Ch.LBRACKET ? State.Value : State.Key;
      return undefined;
    }
    return top === Ch.LBRACKET
      ? this.err(`expected ',' or ']' after a list element; found ${this.found()}`)
      : this.err(`expected ',' or '}' after a property value; found ${this.found()}`);
  }

  /** The end of a list or object: what follows is after a value. */
  private close(): undefined {
    this.stack.pop();
    this.i++;
    this.state = State.AfterValue;
    return undefined;
  }

  private scanString(): JsonSyntaxError | undefined {
    const text = this.text;
    const start = this.i;
    this.i++;
    while (this.i < text.length) {
      const i = this.i;
      const c = text.charCodeAt(i);
      if (c === Ch.QUOTE) {
        this.i++;
        return undefined;
      }
      if (c < 0x20)
        return this.err(`a control character (${describeChar(text, i)}) inside a string must be written as an escape such as \\n or \\t`);
      if (c === Ch.BACKSLASH) {
        const e = this.scanEscape();
        if (e) return e;
        continue;
      }
      this.i++;
    }
    return this.err('a string that is never closed: its closing double quote is missing', start);
  }

  /** A backslash escape inside a string. */
  private scanEscape(): JsonSyntaxError | undefined {
    const text = this.text;
    const i = this.i;
    if (text.charCodeAt(i + 1) === 117 /* u */) {
      for (let k = 2; k < 6; k++) {
        if (!isHex(text.charCodeAt(i + k))) return this.err('a \\u escape needs four hexadecimal digits');
      }
      this.i += 6;
      return undefined;
    }
    if (!'"\\/bfnrt'.includes(text[i + 1] ?? '')) {
      return this.err(`an invalid escape: a backslash may be followed only by " \\ / b f n r t or u; found ${describeChar(text, i + 1)}`);
    }
    this.i += 2;
    return undefined;
  }

  private digits(): void {
    while (isDigit(this.text.charCodeAt(this.i))) this.i++;
  }

  private scanNumber(): JsonSyntaxError | undefined {
    const text = this.text;
    if (text.charCodeAt(this.i) === Ch.MINUS) this.i++;
    if (text.charCodeAt(this.i) === Ch.ZERO) {
      this.i++;
      if (isDigit(text.charCodeAt(this.i)))
        return this.err('a number with a leading zero: JSON numbers cannot start with 0 (write text in double quotes)', this.i - 1);
    } else if (isDigit(text.charCodeAt(this.i))) {
      this.digits();
    } else {
      return this.err(`expected a digit after '-'; found ${this.found()}`);
    }
    if (text.charCodeAt(this.i) === Ch.DOT) {
      this.i++;
      if (!isDigit(text.charCodeAt(this.i))) return this.err(`expected a digit after the decimal point; found ${this.found()}`);
      this.digits();
    }
    const e = text.charCodeAt(this.i);
    if (e === 101 || e === 69 /* e E */) {
      this.i++;
      const s = text.charCodeAt(this.i);
      if (s === Ch.PLUS || s === Ch.MINUS) this.i++;
      if (!isDigit(text.charCodeAt(this.i))) return this.err(`expected a digit in the exponent; found ${this.found()}`);
      this.digits();
    }
    return undefined;
  }

  private scanLiteral(): JsonSyntaxError | undefined {
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return undefined;
      }
    }
    const quote = this.text.charCodeAt(this.i) === 39 ? ' (JSON text takes double quotes, not single quotes)' : '';
    return this.err(`expected ${VALUE}; found ${this.found()}${quote}`);
  }
}

function lastNonSpace(text: string, i: number): number {
  while (i >= 0 && ' \t\r\n'.includes(text[i]!)) i--;
  return i;
}

/**
 * JSON deeper than this many levels of lists and mappings is refused (a parse error at its first
 * bracket beyond them). JSON.parse reads any depth, but b12lint's own code may recurse over a
 * value (turning it into text for a message, among others), and a value nested some thousands of
 * levels deep overflowed the stack there, losing the file's other charts with it (Node.js 20's
 * `String` of nested lists overflows at about 3,100 levels on the main thread). YAML already stops
 * where its parser overflows. No export nests beyond a few dozen levels.
 */
export const MAX_JSON_DEPTH = 2000;

/**
 * The offset of the first bracket that opens a level deeper than `max` in valid JSON text, or -1.
 * Cheap for ordinary charts: a text of at most 2 × max characters cannot hold such a level (each
 * level takes two brackets), nor can one with at most `max` opening brackets in all (counted
 * with `indexOf`, strings included); only a text past both is read bracket by bracket.
 */
export function tooDeepAt(text: string, max = MAX_JSON_DEPTH): number {
  if (text.length <= 2 * max || opensAtMost(text, max)) return -1;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.QUOTE) i = stringEnd(text, i);
    else if (c === Ch.LBRACKET || c === Ch.LBRACE) {
      if (++depth > max) return i;
    } else if (c === Ch.RBRACKET || c === Ch.RBRACE) depth--;
  }
  return -1;
}

/**
 * In a valid JSON text whose value is a list, each entry nested deeper than `max` levels (the list
 * itself is the first), and its first bracket beyond them; undefined when the value is not a list.
 * Such a list's other entries can still be read: a chart too deep leaves its neighbours linted.
 */
export function tooDeepEntries(text: string, max = MAX_JSON_DEPTH): { index: number; at: number }[] | undefined {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text.charCodeAt(i) !== Ch.LBRACKET) return undefined;
  const out: { index: number; at: number }[] = [];
  let depth = 0;
  let index = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.QUOTE) i = stringEnd(text, i);
    else if (c === Ch.LBRACKET || c === Ch.LBRACE) {
      if (++depth > max && out[out.length - 1]?.index !== index) out.push({ index, at: i });
    } else if (c === Ch.RBRACKET || c === Ch.RBRACE) depth--;
    else if (c === Ch.COMMA && depth === 1) index++;
  }
  return out;
}

/** Whether the text holds at most `max` of `[` and `{` in all. */
function opensAtMost(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++n > max) return false;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++n > max) return false;
  return true;
}

/** The index of the quote that closes the string opening at `i` (valid JSON: there is one). */
function stringEnd(text: string, i: number): number {
  for (let j = text.indexOf('"', i + 1); j >= 0; j = text.indexOf('"', j + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === Ch.BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
  return text.length;
}

/**
 * Keys given twice in one object of a valid JSON text. `JSON.parse` keeps the last value without a
 * word, so a chart with two `services` keys lost the first list's claim lines. An exact scan with
 * a set of keys for each open object costs about a third of a parse, so it runs only where a
 * cheap count says it may find something: `keysWritten(text) > keysHeld(value)`. In a valid text,
 * a key is a string followed by its colon, and a colon follows nothing else but a quote escaped
 * inside a string; so the text writes at least as many keys as its value holds, and more only
 * when a key is given twice or a string holds `\":` (rare).
 */

/** An upper bound on the keys a valid JSON text writes: its colons after a double quote (white space between). */
export function keysWritten(text: string): number {
  let n = 0;
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    let j = i - 1;
    let c = text.charCodeAt(j);
    while (isJsonSpace(c)) c = text.charCodeAt(--j);
    if (c === Ch.QUOTE) n++;
  }
  return n;
}

/** JSON's white space: space, tab, line feed, carriage return. */
function isJsonSpace(c: number): boolean {
  return c === Ch.SPACE || c === Ch.TAB || c === Ch.LF || c === Ch.CR;
}

/**
 * The keys of every object in a parsed JSON value. Recursive (about a third faster than a loop
 * with a stack of its own, a count being made for every chart): the values it is given are no
 * deeper than MAX_JSON_DEPTH, which parse.ts checks first.
 */
export function keysHeld(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (typeof x === 'object' && x !== null) n += keysHeld(x);
    }
    return n;
  }
  for (const x of Object.values(value)) {
    n++;
    if (typeof x === 'object' && x !== null) n += keysHeld(x);
  }
  return n;
}

/**
 * A key given again in its object: where the later one's opening quote stands, the key, and its
 * JSON pointer in the value (`/1/encounters/0/services`), which places the finding in its chart.
 */
export interface DuplicateKey {
  offset: number;
  key: string;
  pointer: string;
}

/** An open list or object of the scan: an object's keys so far and its last key, a list's index. */
interface Open {
  keys: Set<string> | undefined;
  key: string;
  index: number;
}

/** Each key of a valid JSON text given again in its object (the keys compared as JSON.parse reads them: "\u0061" is "a"). */
export function duplicateKeys(text: string): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const open: Open[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.LBRACE) open.push({ keys: new Set(), key: '', index: 0 });
    else if (c === Ch.LBRACKET) open.push({ keys: undefined, key: '', index: 0 });
    else if (c === Ch.RBRACE || c === Ch.RBRACKET) open.pop();
    else if (c === Ch.COMMA) {
      const top = open[open.length - 1];
      if (top && !top.keys) top.index++;
    } else if (c === Ch.QUOTE) {
      const end = stringEnd(text, i);
      const top = open[open.length - 1];
      let k = end + 1;
      while (isJsonSpace(text.charCodeAt(k))) k++;
      if (top?.keys && text.charCodeAt(k) === Ch.COLON) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        top.key = key;
        if (top.keys.has(key)) out.push({ offset: i, key, pointer: pointerOf(open) });
        else top.keys.add(key);
      }
      i = end;
    }
  }
  return out;
}

/** The JSON pointer of the open objects' current keys and the open lists' current indexes. */
function pointerOf(open: readonly Open[]): string {
  let p = '';
  for (const o of open) p += `/${escapePointerToken(o.keys ? o.key : o.index)}`;
  return p;
}
