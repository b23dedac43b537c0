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
 * The first problem of the document's aliases with at most `limit` values in all, or undefined.
 * Linear in the document's nodes (recursive, one level a level of the document: its depth is bounded
 * before, src/read/yaml-depth.ts).
 */
export function aliasProblem(doc: Document, limit: number): AliasProblem | undefined {
  const latest = new Map<string, unknown>(); // an anchor: its latest node so far
  const sizes = new Map<unknown, number>(); // an anchored node walked: the values it stands for
  const open = new Set<unknown>(); // the anchored nodes being walked (those around the current one)
  let total = 0;
  const over = (at: number): never => {
    throw new Refused({
      offset: at,
      message: `with its aliases, the document stands for more than ${limit.toLocaleString('en-US')} values (an alias bomb)`,
    });
  };
  /** The values `node` stands for, added to the total. */
  const walk = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const at = node.range?.[0] ?? 0;
      const target = latest.get(node.source);
      if (target === undefined) return 0; // an alias to no anchor: the package refuses it
      if (open.has(target))
        throw new Refused({ offset: at, message: 'an alias stands for a list or mapping that holds it: its value would never end' });
      const size = sizes.get(target) ?? 0;
      total += size;
      if (total > limit) over(at);
      return size;
    }
    if (isPair(node)) return walk(node.key) + walk(node.value);
    const anchor = isNode(node) ? node.anchor : undefined;
    if (anchor) {
      latest.set(anchor, node);
      open.add(node);
    }
    total += 1; // checked at the next alias: a document without aliases is bounded by its text
    let size = 1;
    if (isCollection(node)) for (const item of node.items) size += walk(item);
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
