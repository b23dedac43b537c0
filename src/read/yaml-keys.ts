/**
 * Keys given twice in one YAML mapping. The `yaml` package can check them as it composes
 * (`uniqueKeys`), but it compares each key with every key before it in its mapping: 40,000 keys
 * took 13 s. Here each mapping's keys go into a set, once: a key is given twice when it is the
 * same object or a scalar of the same value (`===`), as the package compares them, and the error
 * is the package's own (DUPLICATE_KEY, "Map keys must be unique", at the later key).
 */
import { isMap, isScalar, visit, YAMLParseError, type Document } from 'yaml';

/** Adds to the document's errors one DUPLICATE_KEY error for each key given again in its mapping. */
export function addDuplicateKeyErrors(doc: Document): void {
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map) || map.items.length < 2) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        // Another node is never equal (the package compares nodes by identity, then scalar values).
        if (!isScalar(key)) continue;
        const value = key.value;
        if (typeof value === 'number' && Number.isNaN(value)) continue; // NaN === NaN is false
        if (seen.has(value)) {
          const at = key.range?.[0] ?? 0;
          doc.errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else seen.add(value);
      }
    },
  });
}
