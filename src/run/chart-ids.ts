/**
 * Chart ids repeated across a run, found in memory that grows by one number a chart rather than
 * one string and map entry: each id is reduced to a 53-bit key (a number), the keys of the whole
 * run are sorted in one typed array, and keys met more than once are the candidates. Different
 * ids may share a key, so a candidate is only a candidate: run.ts confirms each one on the ids
 * themselves (a second pass over the few charts that have a candidate key). An id met once has a
 * key met once, so no repeated id is ever missed.
 */

/** The key of a chart without an id (a real key is never negative). */
export const NO_ID = -1;

/** A 53-bit hash of the id (cyrb53: two 32-bit multiply-xor lanes, mixed). */
export function idKey(id: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (h2 & 0x1fffff) + (h1 >>> 0);
}

/**
 * The keys met more than once among the charts of all the files together: a file's keys as
 * listed (a spool keeps them), or its chart entries, whose ids are keyed here.
 */
export function repeatedKeys(files: readonly (Float64Array | readonly { chartId?: string }[])[]): Set<number> {
  const all = new Float64Array(files.reduce((n, f) => n + f.length, 0));
  let n = 0;
  for (const f of files) {
    if (f instanceof Float64Array) {
      all.set(f, n);
      n += f.length;
    } else {
      for (const c of f) all[n++] = c.chartId === undefined ? NO_ID : idKey(c.chartId);
    }
  }
  all.sort();
  const out = new Set<number>();
  for (let i = 1; i < all.length; i++) {
    if (all[i] === all[i - 1] && all[i] !== NO_ID) out.add(all[i]!);
  }
  return out;
}
