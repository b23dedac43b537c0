/**
 * Positions in JSON text, computed lazily. Charts are parsed with `JSON.parse` (fast, no
 * positions); when a file has findings, one scan of its text finds the line and column of the
 * JSON pointers the findings need. Files without findings are never scanned.
 */
import type { Position } from '../finding.js';

export interface Locator {
  /** Line and column (1-based) of the value at `pointer`, or of its nearest existing ancestor. */
  locate(pointer: string): Position;
  /** Locates many pointers at once (one scan for JSON). */
  locateAll(pointers: Iterable<string>): Map<string, Position>;
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function escapePointerToken(token: string | number): string {
  const s = String(token);
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

/** The reference tokens of a JSON pointer, unescaped: '/a~1b/0' is ['a/b', '0']. */
export function pointerTokens(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => (t.includes('~') ? t.replace(/~1/g, '/').replace(/~0/g, '~') : t));
}

/** The value at a JSON pointer in parsed data (own members only), or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const token of pointerTokens(pointer)) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, token)) return undefined;
    v = (v as Record<string, unknown>)[token];
  }
  return v;
}

export function parentPointer(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

/** Line and column of a character offset in text (1-based). */
export function offsetToPosition(text: string, offset: number, baseLine = 1, baseColumn = 1): Position {
  let line = baseLine;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: (line === baseLine ? baseColumn : 1) + (end - lineStart) };
}

/** The index of the double quote that closes the JSON string opening at `i` (or the text's end). */
function closingQuote(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === C.BACKSLASH) j += 2;
    else if (d === C.QUOTE) return j;
    else j++;
  }
  return text.length;
}

const enum C {
  LF = 10,
  SPACE = 32,
  QUOTE = 34,
  COMMA = 44,
  BACKSLASH = 92,
  LBRACKET = 91,
  RBRACKET = 93,
  LBRACE = 123,
  RBRACE = 125,
  COLON = 58,
  TAB = 9,
  CR = 13,
}

/**
 * A locator over JSON text that is already known to be valid (JSON.parse accepted it).
 * `baseLine`/`baseColumn` place the text inside a larger file (a line of an NDJSON file).
 */
export class JsonLocator implements Locator {
  /** Positions found, made on the first call: most documents (charts with no finding) are located once. */
  private cache: Map<string, Position> | undefined;

  constructor(
    private readonly text: string,
    private readonly baseLine = 1,
    private readonly baseColumn = 1,
    /** Pointer prefix the text's root stands at (for a chart inside a JSON array: '/3'). */
    private readonly rootPointer = '',
  ) {}

  locate(pointer: string): Position {
    if (pointer === this.rootPointer) return this.cache?.get(pointer) ?? this.rootPosition();
    return this.locateAll([pointer]).get(pointer)!;
  }

  /**
   * Where the root value starts: its first character after white space, as `scan` finds it. Every
   * chart of a single-chart file is located there, and most have no finding: this costs them no
   * set, no map and no closure.
   */
  private rootPosition(): Position {
    const text = this.text;
    let line = this.baseLine;
    let lineStart = -this.baseColumn;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === C.LF) {
        line++;
        lineStart = i;
      } else if (c !== C.SPACE && c !== C.TAB && c !== C.CR && c !== C.COLON) return { line, column: i - lineStart };
    }
    return { line: this.baseLine, column: this.baseColumn };
  }

  locateAll(pointers: Iterable<string>): Map<string, Position> {
    const out = new Map<string, Position>();
    const wanted = new Set<string>();
    for (const p of pointers) {
      const hit = this.cache?.get(p);
      if (hit) out.set(p, hit);
      else wanted.add(p);
    }
    if (wanted.size === 0) return out;
    // Every ancestor is wanted too, so a pointer to a missing member falls back to its parent. A
    // pointer already a target has its ancestors there too: the walk stops at it (each walked to
    // the root, thousands of pointers nested hundreds deep cost the cube of their depth).
    const targets = new Set<string>();
    for (const p of wanted) {
      for (let q = p; !targets.has(q); q = parentPointer(q)) {
        targets.add(q);
        if (q === '' || q === this.rootPointer) break;
      }
    }
    const found = this.scan(targets);
    const cache = (this.cache ??= new Map());
    for (const p of wanted) {
      const pos = this.fallback(p, found);
      cache.set(p, pos);
      out.set(p, pos);
    }
    return out;
  }

  /** Where `p` was found, or its nearest ancestor that was (the root's place at worst); remembered for each pointer on the way. */
  private fallback(p: string, found: Map<string, Position>): Position {
    const missing: string[] = [];
    let q = p;
    let pos: Position | undefined;
    while ((pos = found.get(q)) === undefined && q !== '') {
      missing.push(q);
      q = parentPointer(q);
    }
    pos ??= { line: this.baseLine, column: this.baseColumn };
    for (const m of missing) found.set(m, pos);
    return pos;
  }

  /** One pass over the text, recording the start of every value whose pointer is a target. */
  // eslint-disable-next-line max-lines-per-function, complexity -- a per-character tokenizer on the hot path: its state stays in locals of one loop
  private scan(targets: Set<string>): Map<string, Position> {
    const text = this.text;
    const found = new Map<string, Position>();
    let line = this.baseLine;
    let lineStart = -this.baseColumn; // column = i - lineStart, on the first line as on the others
    // Stack of containers: pointer, kind, next array index.
    const ptrs: string[] = [];
    const isArr: boolean[] = [];
    const idx: number[] = [];
    let pendingKey: string | null = null;
    let i = 0;
    const n = text.length;
    const mark = (ptr: string): void => {
      if (targets.has(ptr) && !found.has(ptr)) found.set(ptr, { line, column: i - lineStart });
    };
    // Values appear in text order, so the scan stops at the last target (a chart's root is
    // found at its first brace: a file whose only target is its chart costs almost nothing).
    const done = (): boolean => found.size === targets.size;
    const valuePointer = (): string => {
      const depth = ptrs.length;
      if (depth === 0) return this.rootPointer;
      const parent = ptrs[depth - 1]!;
      if (isArr[depth - 1]) return `${parent}/${idx[depth - 1]}`;
      return `${parent}/${escapePointerToken(pendingKey ?? '')}`;
    };
    let expectKey = false;
    while (i < n && !done()) {
      const c = text.charCodeAt(i);
      if (c === C.LF) {
        line++;
        lineStart = i;
        i++;
        continue;
      }
      if (c === C.SPACE || c === C.TAB || c === C.CR || c === C.COLON) {
        i++;
        continue;
      }
      if (c === C.COMMA) {
        const d = ptrs.length - 1;
        if (d >= 0) {
          if (isArr[d]) idx[d]!++;
          else expectKey = true;
        }
        i++;
        continue;
      }
      if (c === C.RBRACE || c === C.RBRACKET) {
        ptrs.pop();
        isArr.pop();
        idx.pop();
        expectKey = false;
        i++;
        continue;
      }
      if (c === C.QUOTE) {
        // A string: either a key or a value.
        const j = closingQuote(text, i);
        if (expectKey) {
          const raw = text.slice(i + 1, j);
          pendingKey = raw.includes('\\') ? (JSON.parse(text.slice(i, j + 1)) as string) : raw;
          expectKey = false;
        } else {
          mark(valuePointer());
        }
        i = j + 1;
        continue;
      }
      if (c === C.LBRACE || c === C.LBRACKET) {
        const ptr = valuePointer();
        if (!targets.has(ptr)) {
          // No target lies inside: step over the whole container, counting its lines only.
          let depth = 0;
          do {
            const d = text.charCodeAt(i);
            if (d === C.QUOTE) i = closingQuote(text, i);
            else if (d === C.LF) {
              line++;
              lineStart = i;
            } else if (d === C.LBRACE || d === C.LBRACKET) depth++;
            else if (d === C.RBRACE || d === C.RBRACKET) depth--;
            i++;
          } while (depth > 0 && i < n);
          continue;
        }
        mark(ptr);
        ptrs.push(ptr);
        isArr.push(c === C.LBRACKET);
        idx.push(0);
        expectKey = c === C.LBRACE;
        i++;
        continue;
      }
      // A number, true, false or null.
      mark(valuePointer());
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === C.COMMA || d === C.RBRACE || d === C.RBRACKET || d === C.SPACE || d === C.LF || d === C.CR || d === C.TAB) break;
        i++;
      }
    }
    return found;
  }
}
