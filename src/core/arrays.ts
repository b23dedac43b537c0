/**
 * Lists as long as an input makes them. `target.push(...items)` and `Math.max(...values)` pass
 * every item as an argument of one call, and a list of about 130,000 overflows the stack: one
 * file of 130,000 charts sharing an id, or a codeset of 130,000 codes, stopped a run with an
 * internal error and no report. These take them one at a time (eslint.config.js refuses the
 * spread in src/).
 */

/** Appends every item to `target`, in order. */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** The largest value, or `none` when there is none. */
export function maxOf(values: Iterable<number>, none = -Infinity): number {
  let out = none;
  for (const v of values) if (v > out || Number.isNaN(v)) out = v;
  return out;
}

/** The smallest value, or `none` when there is none. */
export function minOf(values: Iterable<number>, none = Infinity): number {
  let out = none;
  for (const v of values) if (v < out || Number.isNaN(v)) out = v;
  return out;
}

/**
 * Adds `items` to the list `map` holds under `key`, in place (a new list when there is none):
 * many charts of one id add to one list, not copied at each (a copy per chart took time in the
 * square of their number).
 */
export function addTo<K, T>(map: Map<K, T[]>, key: K, items: Iterable<T>): void {
  const list = map.get(key);
  if (list) pushAll(list, items);
  else map.set(key, [...items]);
}

/**
 * The first index of a list at which `past` holds, for a `past` that is false up to some index
 * and true from it on (a list in order): found by halving. The list's length when it never holds.
 */
export function firstWhere<T>(list: readonly T[], past: (item: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(list[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
