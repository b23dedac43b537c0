/**
 * YAML aliases, checked before a document is turned into values. An alias stands for the whole
 * node its anchor names, so a few kilobytes can stand for billions of values (an alias bomb), or
 * for a value with no end (an alias inside the node it names). The `yaml` package's own guard
 * (`maxAliasCount`) is not enough: it counts uses in a way that stays at zero for anchors of empty
 * lists or of lists of aliases, and recounts them at every use with a walk of the whole document,
 * so a 3 KB document took it 9 seconds, and the time grows with the cube of the aliases.
 *
 * `aliasProblem` walks the document once, in the order the package reads it, and resolves each
 * alias as it does (the latest node with that anchor before the alias, the node that holds it
 * included). A document is refused at the first alias where its values so far, every alias counted
 * as the values it stands for, are over the limit, or at an alias that stands for a node holding it.
 * A document that passes is turned into values with the package's count turned off: one pass, as
 * for JSON, and at most the limit and the nodes of the text in values.
 */
import { isAlias, isCollection, isNode, isPair, type Document } from 'yaml';
import { grouped } from '../core/numbers.js';

export interface AliasProblem {
  /** Where the alias is, in the text. */
  offset: number;
  message: string;
}

/** Thrown from the walk to stop it at the first problem. */
class Refused {
  constructor(readonly problem: AliasProblem) {}
}

/**
 * The most aliases one document may hold. The package resolves each alias by searching every
 * anchor and alias before it, so its time grows with the square of their number: 100,000 aliases
 * in 700 KB took 99 s, with Ctrl-C unheard until the end. A chart has few, if any.
 */
export const MAX_ALIASES = 1_000;
/** The most aliases of one file, over all its documents (600 documents of 999 aliases each took 8 s). */
export const MAX_FILE_ALIASES = 10_000;

/** The aliases of a file counted so far, over its documents (give one to each `aliasProblem` of a file). */
export interface AliasCount {
  aliases: number;
}

/** Each YAML value stands for at least this many characters of text, as `--max-file-size` counts values (one per 64 bytes). */
const CHARS_PER_VALUE = 64;

/** A number of characters as a message gives it: in MB from 1 MB up. */
function textSize(chars: number): string {
  return chars >= 1048576 ? `${grouped(Math.round(chars / 1048576))} MB` : `${grouped(chars)} characters`;
}

/** What a node stands for, its aliases expanded: values, and characters of scalar text. */
interface Size {
  values: number;
  chars: number;
}

/**
 * The first problem of the document's aliases, or undefined: more than MAX_ALIASES of them (or
 * MAX_FILE_ALIASES in the file, with `file`), more than `limit` values in all, or more text than
 * `limit` times 64 characters or ten times the file's own text (`textLength`; at least 1 MB),
 * whichever is less (one note of 1 MB repeated by 20,000 aliases stood for 20 GB, and a 61 KB file
 * of a 50 KB note in 1,000 encounters took the rules 150 s). Linear in the document's nodes
 * (recursive, one level a level of the document: its depth is bounded before, src/read/yaml-depth.ts).
 */
export function aliasProblem(
  doc: Document,
  limit: number,
  textLength = Infinity,
  file: AliasCount = { aliases: 0 },
): AliasProblem | undefined {
  const latest = new Map<string, unknown>(); // an anchor: its latest node so far
  const sizes = new Map<unknown, Size>(); // an anchored node walked: what it stands for
  const open = new Set<unknown>(); // the anchored nodes being walked (those around the current one)
  const maxChars = Math.min(limit * CHARS_PER_VALUE, Math.max(1_048_576, 10 * textLength));
  let values = 0;
  let chars = 0;
  let aliases = 0;
  const refuse = (at: number, message: string): never => {
    throw new Refused({ offset: at, message });
  };
  /** What `node` stands for, added to the totals. */
  const walk = (node: unknown): Size => {
    if (node === null || node === undefined) return { values: 0, chars: 0 };
    if (isAlias(node)) {
      const at = node.range?.[0] ?? 0;
      if (++file.aliases > MAX_FILE_ALIASES)
        refuse(
          at,
          `the file holds more than ${grouped(MAX_FILE_ALIASES)} aliases, more than charts need and more than b12lint reads in bounded time`,
        );
      if (++aliases > MAX_ALIASES)
        refuse(
          at,
          `the document holds more than ${grouped(MAX_ALIASES)} aliases, more than a chart needs and more than b12lint reads in bounded time`,
        );
      const target = latest.get(node.source);
      if (target === undefined) return { values: 0, chars: 0 }; // an alias to no anchor: the package refuses it
      if (open.has(target)) refuse(at, 'an alias stands for a list or mapping that holds it: its value would never end');
      const size = sizes.get(target) ?? { values: 0, chars: 0 };
      values += size.values;
      chars += size.chars;
      if (values > limit) refuse(at, `with its aliases, the document stands for more than ${grouped(limit)} values (an alias bomb)`);
      if (chars > maxChars) refuse(at, `with its aliases, the document stands for more than ${textSize(maxChars)} of text (an alias bomb)`);
      return size;
    }
    if (isPair(node)) {
      const k = walk(node.key);
      const v = walk(node.value);
      return { values: k.values + v.values, chars: k.chars + v.chars };
    }
    const anchor = isNode(node) ? node.anchor : undefined;
    if (anchor) {
      latest.set(anchor, node);
      open.add(node);
    }
    values += 1; // checked at the next alias: a document without aliases is bounded by its text
    const size = { values: 1, chars: 0 };
    if (isCollection(node)) {
      for (const item of node.items) {
        const s = walk(item);
        size.values += s.values;
        size.chars += s.chars;
      }
    } else if (isNode(node) && node.range) {
      // A scalar: the characters of its text (a quoted or block scalar's as written).
      size.chars = node.range[1] - node.range[0];
      chars += size.chars;
    }
    if (anchor) {
      open.delete(node);
      sizes.set(node, size);
    }
    return size;
  };
  try {
    walk(doc.contents);
  } catch (err) {
    if (err instanceof Refused) return err.problem;
    throw err;
  }
  return undefined;
}

/**
 * Whether a text may hold an alias at all: an alias is written with `*`. (A `*` inside a string is
 * no alias, and the walk then finds none; a text without one needs no walk.)
 */
export function mayHoldAliases(text: string): boolean {
  return text.includes('*');
}
