/**
 * A table's own entry for a key that may come from outside (a chart, a shard report, a cache
 * entry, a placeholder): undefined for a key the table does not hold itself, "constructor",
 * "toString" and "__proto__" included, which a plain object would answer with what every object
 * inherits (docs/security.md, test/text-keys.test.ts).
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
