/**
 * Where an alias bomb goes off: the yaml package refuses a document whose aliases resolve to too
 * many values (`maxAliasCount`) but says nowhere where. For a file a person writes (a ruleset, a
 * config, a tests file), the problem is put at the alias that expands to the most values, the one
 * to remove.
 */
import { isAlias, isCollection, isPair, type Document, type Node, type Pair } from 'yaml';

/**
 * The offset of the alias that stands for the most values once every alias is expanded (the
 * first such alias), or undefined for a document without one. Linear in the document: the size of
 * each anchored node is counted once; sizes of nested bombs grow past any integer and are compared
 * as floating-point numbers, up to Infinity.
 */
export function heaviestAlias(doc: Document): number | undefined {
  const anchored = new Map<string, number>(); // an anchor's name: the size of its latest node so far
  let best: { offset: number; size: number } | undefined;
  const size = (node: Node | Pair | unknown): number => {
    if (isAlias(node)) {
      // As the yaml package resolves it: the latest node with that anchor before the alias.
      const s = anchored.get(node.source) ?? 1;
      if (!best || s > best.size) best = { offset: node.range?.[0] ?? 0, size: s };
      return s;
    }
    let s = 1;
    if (isPair(node)) s = size(node.key) + size(node.value);
    else if (isCollection(node)) for (const item of node.items) s += size(item);
    const anchor = (node as { anchor?: unknown } | null)?.anchor;
    if (typeof anchor === 'string') anchored.set(anchor, s);
    return s;
  };
  size(doc.contents);
  return best?.offset;
}
