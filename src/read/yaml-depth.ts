/**
 * A fixed limit on how deeply a YAML document may nest lists and mappings, checked while it is
 * parsed. The `yaml` package recurses once per level, in its parser (closing many block levels at
 * once) and in its composer, so without a limit the depth at which a file fails is wherever the
 * stack runs out: some 800 to 2,000 levels, depending on how warm the code is and how deep the
 * call that parses it, so the same file could be read in one run and refused in the next, and a
 * parser overflow lost every document of the file.
 *
 * `limitedCst` gives the parser's tokens (CST) as `new Parser(onNewLine).parse(text)` does, except
 * that a document found to nest more than `maxDepth` levels is replaced, as soon as it passes the
 * limit, by an empty document at the same offset, and listed in `deep`. The rest of that document's
 * text is not parsed: the lexer (which keeps no stack) is read on to the next document marker, and
 * a new parser takes over from there at the same offset, so the documents after it are read, and
 * placed, as they would be on their own. The limit sits well below where the stack runs out in any
 * call b12lint makes (test/reliability-hostile.test.ts reads every shape at the limit).
 *
 * The document beyond the limit is refused whatever else it holds: a syntax error inside it is not
 * reported. One outside it still is, and refuses the file as before (the stand-in document carries
 * the errors of what surrounds it: its directives, a stray token after its `...`).
 */
import { CST, Lexer, Parser, type LineCounter } from 'yaml';

/** Levels of lists and mappings a YAML document may nest (a chart has about ten). */
export const MAX_YAML_DEPTH = 256;

export interface TooDeepDocument {
  /** The offset of the document's token (where the composed document's range starts). */
  readonly docOffset: number;
  /** The offset of the first list or mapping beyond the limit. */
  readonly at: number;
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * Lexer tokens that end the document being skipped: the start of the next one (`---`, or the
 * lexer's mark of a document without it), a directive of the next one, or `...` (whatever follows
 * `...` on its line is then parsed, and refused as it would be).
 */
const RESUME = new Set(['doc-start', 'doc-end', 'doc-mode', 'directive-line']);

/**
 * Whether a token at `offset` stands at the start of a line (after a byte-order mark at most), as
 * document markers and directives do. The rest of a block scalar's header line is one token of
 * text, which may read `---` or `%YAML`: that is no marker.
 */
function atLineStart(text: string, offset: number): boolean {
  const before = offset - (text.charCodeAt(offset - 1) === 0xfeff ? 1 : 0);
  return before === 0 || text.charCodeAt(before - 1) === 0x0a;
}

/**
 * A quoted scalar left open runs to the end of the text, over the markers of the documents after
 * it: the `yaml` package's lexer looks for the closing quote first. Parsed, it would be an error
 * that refuses the file; skipped, it would silently take those documents with it.
 */
const MARKER_INSIDE = /\n(?:---|\.\.\.)(?:[ \t\r\n]|$)/;

/**
 * How many lists and mappings are open on the parser's stack. The stack holds the document at its
 * bottom, the open collections above it and at most a scalar (or a block scalar) being read at its
 * top, so this is a few checks, not a walk of the stack.
 */
function openCollections(stack: readonly CST.Token[]): number {
  let n = stack.length;
  if (n > 0 && !COLLECTIONS.has(stack[0]!.type)) n--;
  if (n > 0 && stack.length > 1 && !COLLECTIONS.has(stack[stack.length - 1]!.type)) n--;
  return n;
}

/** The offset of the topmost open list or mapping. */
function topCollectionOffset(stack: readonly CST.Token[]): number {
  for (let i = stack.length - 1; i >= 0; i--) if (COLLECTIONS.has(stack[i]!.type)) return stack[i]!.offset;
  return stack[stack.length - 1]?.offset ?? 0;
}

export function* limitedCst(text: string, lines: LineCounter, deep: TooDeepDocument[], maxDepth = MAX_YAML_DEPTH): Generator<CST.Token> {
  let parser: Parser | undefined = new Parser(lines.addNewLine);
  lines.addNewLine(0); // as Parser.parse() does for a text's first line
  // While skipping the rest of a document too deep: the offset reached, counted as the parser
  // counts it (a scalar's text after its marker; the lexer's control tokens take no room).
  let offset = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (parser === undefined) {
      const type = scalarNext ? 'scalar-text' : CST.tokenType(lexeme);
      if (type === null || !RESUME.has(type) || !atLineStart(text, offset)) {
        if (type === 'scalar') {
          scalarNext = true;
        } else if (type !== 'doc-mode' && type !== 'flow-error-end') {
          scalarNext = false;
          if ((type === 'single-quoted-scalar' || type === 'double-quoted-scalar') && MARKER_INSIDE.test(lexeme))
            yield { type: 'error', offset, source: '', message: 'Missing closing quote' };
          // The line starts the parser would have counted in the text skipped.
          for (let nl = lexeme.indexOf('\n'); nl >= 0; nl = lexeme.indexOf('\n', nl + 1)) lines.addNewLine(offset + nl + 1);
          offset += lexeme.length;
        }
        continue;
      }
      parser = new Parser(lines.addNewLine);
      parser.offset = offset;
    }
    yield* parser.next(lexeme);
    const stack = parser.stack;
    if (stack.length > maxDepth + 1 && openCollections(stack) > maxDepth) {
      const doc = stack[0]!;
      deep.push({ docOffset: doc.offset, at: topCollectionOffset(stack) });
      // The document's own `---` only: its other properties and content are not read.
      const start = doc.type === 'document' ? doc.start.filter((t) => t.type === 'doc-start') : [];
      yield { type: 'document', offset: doc.offset, start, end: [] };
      offset = parser.offset;
      scalarNext = false; // the stack grew on this token, so it was no scalar's marker
      parser = undefined;
    }
  }
  if (parser) yield* parser.end();
}
