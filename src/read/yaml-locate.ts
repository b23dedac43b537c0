/** Positions in YAML documents, from the `yaml` package's own node ranges and line counter. */
import { isMap, isScalar, isSeq, isPair, type Document, type LineCounter, type Node } from 'yaml';
import type { Position } from '../finding.js';
import { pointerTokens, type Locator } from './json-locate.js';

/** The node at a JSON pointer, or the deepest existing node on its way. */
export function yamlNodeAt(root: Node | null | undefined, pointer: string): Node | null {
  let node: Node | null = root ?? null;
  if (!node || pointer === '') return node;
  for (const token of pointerTokens(pointer)) {
    let next: Node | null = null;
    if (isMap(node)) {
      // The last pair with the key: a key given twice is read with its last value, as toJS does.
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === token) next = (pair.value as Node | null) ?? (pair.key as Node);
      }
    } else if (isSeq(node)) {
      const i = Number(token);
      const item: unknown = Number.isInteger(i) ? node.items[i] : undefined;
      next = (item as Node | undefined) ?? null;
    }
    if (!next) return node;
    node = next;
  }
  return node;
}

export class YamlLocator implements Locator {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  locate(pointer: string): Position {
    const node = yamlNodeAt(this.doc.contents as Node | null, pointer);
    const offset = node?.range?.[0] ?? this.doc.range[0];
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  locateAll(pointers: Iterable<string>): Map<string, Position> {
    const out = new Map<string, Position>();
    for (const p of pointers) out.set(p, this.locate(p));
    return out;
  }
}
