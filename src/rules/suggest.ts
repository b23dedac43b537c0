/** "Did you mean ...?": the closest known name to a mistyped one. */

export function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      // Transposition ("daignosis")
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j]!, (prev[j - 2] ?? 0) + 1);
    }
    prev = cur;
  }
  return prev[n]!;
}

/**
 * A name longer than this gets no suggestion by distance, and is none: the distance takes time in
 * the product of the lengths (two names of 32,000 characters took 20 s), and no one mistypes a
 * name that long.
 */
const LONGEST = 64;

/**
 * The distances one process works out, in cells (length times length): past this, no more
 * suggestions. A ruleset of thousands of unknown names, each compared with thousands of known
 * ones, would otherwise take minutes to be refused.
 */
const BUDGET = 50_000_000;
let spent = 0;

export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  const list = [...known]; // an iterator (Map keys) can be read only once
  if (name.length > LONGEST) return undefined;
  for (const k of list) {
    if (k.length > LONGEST) continue;
    spent += (lower.length + 1) * (k.length + 1);
    if (spent > BUDGET) return undefined;
    const d = distance(lower, k.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && k < best)) {
      best = k;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  if (bestD <= limit) return best;
  // A name cut short ("warn", "diag"): the shortest known name it begins.
  if (name.length < 3) return undefined;
  return list.filter((k) => k.toLowerCase().startsWith(lower)).sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0];
}

/** " Did you mean `x`?" or an empty string. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const c = closest(name, known);
  return c === undefined ? '' : ` Did you mean \`${c}\`?`;
}
