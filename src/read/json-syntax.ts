/**
 * Where a JSON text breaks, and why, in words for the person fixing the export. JSON.parse says
 * neither reliably: V8 gives a position for some errors only, words them differently from one
 * Node version to the next, and quotes the file's text (which may be patient data). So when
 * JSON.parse fails, this strict RFC 8259 scanner reads the text once and reports its first error.
 * It keeps an explicit stack, so any depth of nesting is safe. It never runs on valid files.
 */

export interface JsonSyntaxError {
  /** Character offset of the error in the text. */
  offset: number;
  message: string;
}

const enum Ch {
  TAB = 9, LF = 10, CR = 13, SPACE = 32, QUOTE = 34, PLUS = 43, COMMA = 44, MINUS = 45, DOT = 46,
  ZERO = 48, NINE = 57, COLON = 58, LBRACKET = 91, BACKSLASH = 92, RBRACKET = 93, LBRACE = 123, RBRACE = 125,
}

/** What the scanner expects next. */
const enum State { Value, FirstValue, FirstKey, Key, AfterValue }

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
  const n = text.length;
  const stack: number[] = [];
  let i = 0;
  let state = State.Value;
  const skipSpace = (): void => {
    for (let c = text.charCodeAt(i); c === Ch.SPACE || c === Ch.TAB || c === Ch.LF || c === Ch.CR; c = text.charCodeAt(i)) i++;
  };
  const err = (offset: number, message: string): JsonSyntaxError => ({ offset, message });
  const found = (): string => describeChar(text, i);

  skipSpace();
  if (i >= n) return err(i, 'the file is empty (no JSON value)');
  for (;;) {
    skipSpace();
    const c = text.charCodeAt(i);
    if (i >= n) {
      if (state === State.AfterValue && stack.length === 0) return undefined;
      return err(i, 'unexpected end of the file: the JSON is incomplete (a truncated file?)');
    }
    switch (state) {
      case State.FirstValue:
      case State.Value: {
        if (state === State.FirstValue && c === Ch.RBRACKET) {
          stack.pop();
          i++;
          state = State.AfterValue;
          break;
        }
        if (c === Ch.RBRACKET && text.charCodeAt(lastNonSpace(text, i - 1)) === Ch.COMMA) {
          return err(i, 'a trailing comma: the \',\' before this \']\' must be followed by another element');
        }
        if (c === Ch.LBRACKET || c === Ch.LBRACE) {
          stack.push(c);
          i++;
          state = c === Ch.LBRACKET ? State.FirstValue : State.FirstKey;
          break;
        }
        const e = c === Ch.QUOTE ? scanString() : c === Ch.MINUS || isDigit(c) ? scanNumber() : scanLiteral();
        if (e) return e;
        state = State.AfterValue;
        break;
      }
      case State.FirstKey:
      case State.Key: {
        if (c === Ch.RBRACE) {
          if (state === State.Key) return err(i, 'a trailing comma: the \',\' before this \'}\' must be followed by another property');
          stack.pop();
          i++;
          state = State.AfterValue;
          break;
        }
        if (c !== Ch.QUOTE) return err(i, `expected a property name in double quotes; found ${found()}`);
        const e = scanString();
        if (e) return e;
        skipSpace();
        if (text.charCodeAt(i) !== Ch.COLON) return err(i, `expected ':' after the property name; found ${found()}`);
        i++;
        state = State.Value;
        break;
      }
      case State.AfterValue: {
        const top = stack[stack.length - 1];
        if (top === undefined) return err(i, `unexpected ${found()} after the end of the JSON value (a file holds one value: for one chart per line, use .ndjson)`);
        const close = top === Ch.LBRACKET ? Ch.RBRACKET : Ch.RBRACE;
        if (c === close) {
          stack.pop();
          i++;
          break;
        }
        if (c === Ch.COMMA) {
          i++;
          state = top === Ch.LBRACKET ? State.Value : State.Key;
          break;
        }
        return top === Ch.LBRACKET
          ? err(i, `expected ',' or ']' after a list element; found ${found()}`)
          : err(i, `expected ',' or '}' after a property value; found ${found()}`);
      }
    }
  }

  function scanString(): JsonSyntaxError | undefined {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === Ch.QUOTE) {
        i++;
        return undefined;
      }
      if (c < 0x20) return err(i, `a control character (${describeChar(text, i)}) inside a string must be written as an escape such as \\n or \\t`);
      if (c === Ch.BACKSLASH) {
        const e = text.charCodeAt(i + 1);
        if (e === 117 /* u */) {
          for (let k = 2; k < 6; k++) {
            if (!isHex(text.charCodeAt(i + k))) return err(i, 'a \\u escape needs four hexadecimal digits');
          }
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i + 1] ?? '')) return err(i, `an invalid escape: a backslash may be followed only by " \\ / b f n r t or u; found ${describeChar(text, i + 1)}`);
        i += 2;
        continue;
      }
      i++;
    }
    return err(start, 'a string that is never closed: its closing double quote is missing');
  }

  function scanNumber(): JsonSyntaxError | undefined {
    if (text.charCodeAt(i) === Ch.MINUS) i++;
    if (text.charCodeAt(i) === Ch.ZERO) {
      i++;
      if (isDigit(text.charCodeAt(i))) return err(i - 1, 'a number with a leading zero: JSON numbers cannot start with 0 (write text in double quotes)');
    } else if (isDigit(text.charCodeAt(i))) {
      while (isDigit(text.charCodeAt(i))) i++;
    } else {
      return err(i, `expected a digit after '-'; found ${found()}`);
    }
    if (text.charCodeAt(i) === Ch.DOT) {
      i++;
      if (!isDigit(text.charCodeAt(i))) return err(i, `expected a digit after the decimal point; found ${found()}`);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69 /* e E */) {
      i++;
      const s = text.charCodeAt(i);
      if (s === Ch.PLUS || s === Ch.MINUS) i++;
      if (!isDigit(text.charCodeAt(i))) return err(i, `expected a digit in the exponent; found ${found()}`);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return undefined;
  }

  function scanLiteral(): JsonSyntaxError | undefined {
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    const quote = text.charCodeAt(i) === 39 ? ' (JSON text takes double quotes, not single quotes)' : '';
    return err(i, `expected ${VALUE}; found ${found()}${quote}`);
  }
}

function lastNonSpace(text: string, i: number): number {
  while (i >= 0 && ' \t\r\n'.includes(text[i]!)) i--;
  return i;
}
