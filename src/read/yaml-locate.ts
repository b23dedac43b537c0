/** Positions in YAML documents, from the `yaml` package's own node ranges and line counter. */
import { isMap, isScalar, isSeq, isPair, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import type { Position } from '../finding.js';
import { pointerTokens, type Locator } from './json-locate.js';

/** Mappings of more pairs than this have their keys indexed (a pointer through one looked at every pair). */
const INDEXED_FROM = 16;

/** The last pair with the key: a key given twice is read with its last value, as toJS does. */
function valueOfKey(items: YAMLMap['items'], token: string): Node | null {
  let next: Node | null = null;
  for (const pair of items) {
    if (!isPair(pair)) continue;
    if (keyText(pair.key) === token) next = (pair.value as Node | null) ?? (pair.key as Node);
  }
  return next;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * A large mapping's values by key (the last pair of a key given twice), made at its first lookup:
 * each finding's pointer looked at every pair of each mapping on its way (a chart of 100,000 keys
 * and 1,000 findings took seconds). Remade if the mapping's pair count changes.
 */
const KEY_INDEX = new WeakMap<YAMLMap, { size: number; byKey: Map<string, Node> }>();

function keyIndex(map: YAMLMap): Map<string, Node> {
  const known = KEY_INDEX.get(map);
  if (known && known.size === map.items.length) return known.byKey;
  const byKey = new Map<string, Node>();
  for (const pair of map.items) {
    if (isPair(pair)) byKey.set(keyText(pair.key), (pair.value as Node | null) ?? (pair.key as Node));
  }
  KEY_INDEX.set(map, { size: map.items.length, byKey });
  return byKey;
}

/** The node at a JSON pointer, or the deepest existing node on its way. */
export function yamlNodeAt(root: Node | null | undefined, pointer: string): Node | null {
  let node: Node | null = root ?? null;
  if (!node || pointer === '') return node;
  for (const token of pointerTokens(pointer)) {
    let next: Node | null = null;
    if (isMap(node)) {
      next = node.items.length > INDEXED_FROM ? (keyIndex(node).get(token) ?? null) : valueOfKey(node.items, token);
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
