/**
 * Keys given twice in one YAML mapping. The `yaml` package can check them as it composes
 * (`uniqueKeys`), but it compares each key with every key before it in its mapping: 40,000 keys
 * took 13 s. Here each mapping's keys go into a set, once: a key is given twice when it is the
 * same object or a scalar of the same value (`===`), as the package compares them, and the error
 * is the package's own (DUPLICATE_KEY, "Map keys must be unique", at the later key).
 */
import { isMap, isScalar, visit, YAMLParseError, type Document } from 'yaml';

/**
 * The code of a merge key's error: `<<` written plain as a key. Under YAML 1.2 (the core schema
 * b12lint reads with) it is an ordinary key, so the keys of the mapping it names would be passed
 * over in silence: the claim lines of `<<: *billing` vanished (a security review).
 */
export const MERGE_KEY = 'MERGE_KEY';

/**
 * Adds to the document's errors one DUPLICATE_KEY error for each key given again in its mapping,
 * and one MERGE_KEY error for each merge key (`<<` written plain).
 */
export function addDuplicateKeyErrors(doc: Document): void {
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      for (const pair of map.items) {
        const key = pair.key;
        if (isScalar(key) && key.value === '<<' && key.type === 'PLAIN') {
          const at = key.range?.[0] ?? 0;
          doc.errors.push(new YAMLParseError([at, at + 2], MERGE_KEY as 'BAD_SCALAR_START', 'Merge key'));
        }
      }
      if (map.items.length < 2) return;
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
