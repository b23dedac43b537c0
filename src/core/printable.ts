/**
 * Text that b12lint did not write (chart data, file names, shard reports, other files' keys),
 * made safe to print on a terminal or in a CI log. A chart id such as `x\e[2J\e[31mevil\n::error::x`
 * must neither drive the terminal (ESC, BEL, CR, C1 controls) nor start a line of its own, where
 * CI systems run workflow commands (`::error::`, `::add-mask::`, `::stop-commands::`). So every
 * text format and every message passes such text through `printable`, which writes each control
 * character as a visible escape (`\n`, `\x1b`, `\u0085`) and breaks the command markers that CI
 * runners look for anywhere in a line (`##[error]`, `##vso[`, `##teamcity[`): the second `#`
 * becomes `\x23`. The data formats (JSON, SARIF, Code Quality) keep the data exact and make the
 * same characters `\u` escapes of JSON instead (`jsonSafe`). See docs/security.md.
 */
import { Document, visit } from 'yaml';

/**
 * The bidirectional embeddings, overrides, isolates and marks (Arabic letter mark, left-to-right
 * and right-to-left marks) that make a terminal show text in another order than it is ("Trojan
 * Source"), and the zero-width space and no-break space (byte-order mark) that hide in it.
 */
const INVISIBLE = '\\u061c\\u200b\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff';

/** What is escaped: C0 controls (tab and line ends included), DEL, C1 controls, the Unicode line and paragraph separators, and INVISIBLE. */
const CONTROL = `\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${INVISIBLE}`;
/** A CI log command marker: GitHub's `##[`, Azure Pipelines' `##vso[`, TeamCity's `##teamcity[`. */
const MARKER = '##(?=(?:vso|teamcity)?\\[)';

const UNSAFE = new RegExp(`[${CONTROL}]|${MARKER}`, 'i');
/** A quick first look: most text has neither a control character nor a `#`. */
const MAYBE_UNSAFE = new RegExp(`[${CONTROL}#]`);
const UNSAFE_ALL = new RegExp(`[${CONTROL}]|${MARKER}`, 'gi');
/** The same, but tab and line feed kept (multi-line text a user wrote: rule docs, chart source lines). */
const UNSAFE_IN_BLOCK = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029${INVISIBLE}]|${MARKER}`, 'gi');

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeOne(m: string): string {
  if (m.length > 1) return '#\\x23'; // a marker: `##[` becomes `#\x23[`
  const named = NAMED[m];
  if (named) return named;
  const code = m.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line's worth of text that b12lint did not write, with every control character as a visible escape. */
export function printable(s: string): string {
  return MAYBE_UNSAFE.test(s) && UNSAFE.test(s) ? s.replace(UNSAFE_ALL, escapeOne) : s;
}

/** Multi-line text: line feeds and tabs kept (a CR LF line end becomes LF), every other control escaped. */
export function printableBlock(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(UNSAFE_IN_BLOCK, escapeOne);
}

/** Where a shown path would start a line with something other than a letter, digit, `.`, `_`, `/` or `~`. */
const ODD_START = /^[^\p{L}\p{N}._/~]/u;

/**
 * Printable text that will start a line, made so that it cannot make the line a command:
 * when it starts with anything but a letter, digit, `.`, `_`, `/` or `~`, it gets `./` in front
 * (a path: `::error::x.yaml` is shown `./::error::x.yaml`, the same file).
 */
export function lineStart(text: string): string {
  return ODD_START.test(text) ? `./${text}` : text;
}

/** A file path that starts a line (a stylish heading, `file:line:column: message`), printable. */
export function shownPath(path: string): string {
  return lineStart(printable(path));
}

/**
 * A V8 stack trace (`--debug`), printable line by line: its frames (`    at ...`) stay lines of
 * their own, and any line end inside the error's message is escaped, so no text of a chart
 * starts a line.
 */
export function printableStack(stack: string): string {
  const out: string[] = [];
  for (const line of stack.split('\n')) {
    if (out.length === 0 || /^ {4}at /.test(line)) out.push(printable(line));
    else out[out.length - 1] += `\\n${printable(line)}`;
  }
  return out.join('\n');
}

/**
 * `value` with every string in it printable: arrays and plain objects are copied only where
 * something changed, so a report with nothing to escape costs no memory.
 */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const p = printableDeep(v);
      if (p !== v) (out ??= [...value])[i] = p;
    }
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(o)) {
      const v = o[k];
      const p = k === 'stack' && typeof v === 'string' ? printableStack(v) : printableDeep(v);
      if (p !== v) (out ??= { ...o })[k] = p;
    }
    return (out ?? value) as T;
  }
  return value;
}

const JSON_UNSAFE = new RegExp(`[\\u007f-\\u009f\\u2028\\u2029${INVISIBLE}]|${MARKER}`, 'gi');

/**
 * JSON text (as JSON.stringify writes it, which already escapes C0 controls) with DEL, C1 and the
 * other characters `printable` escapes written as `\u` escapes too, and `##[` as `#\u0023[`: the
 * same data to any JSON reader, and nothing that drives a terminal or a CI log when printed.
 * Such characters can only stand inside JSON strings, where these escapes are valid.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (m) => (m.length > 1 ? '#\\u0023' : `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * YAML for the terminal (`convert`, `print-config`): a string holding anything `printable`
 * escapes is written double-quoted, on one line, with YAML's own escapes (`\n`, `\e`, `\x85`,
 * `#\x23[`), so it reads back the same and no text of it starts a line.
 */
export function yamlText(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && UNSAFE.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const text = doc.toString({ lineWidth: 0, blockQuote: false, doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER });
  // What YAML's double quotes leave as they are; such characters stand only in the strings quoted above.
  return text.replace(JSON_UNSAFE, (m) => (m.length > 1 ? '#\\x23' : `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A key of another file, quoted in a message only when it is a short identifier (a value or a whole line never is). */
const SHORT_IDENTIFIER = /^[\p{L}\p{N}_$][\p{L}\p{N}_$.-]{0,63}$/u;

export function isShortIdentifier(s: string): boolean {
  return SHORT_IDENTIFIER.test(s);
}

/** A key as a message names it: "`failon`" for a short identifier; for anything else (a line of /etc/shadow read as a key) nothing of it. */
export function keyName(key: string): string {
  return isShortIdentifier(key) ? `\`${key}\`` : '(not quoted: not a short name)';
}
