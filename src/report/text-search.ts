/**
 * Searching many strings for many strings, in time that grows with their sizes, not with their
 * product: what `--redact` needs when a chart holds thousands of identifying strings (names,
 * identifiers, note texts) and has thousands of findings. Looking for each value in each text
 * took seconds for one such chart (10,000 names, 1,000 claim lines), and grew without bound.
 *
 * - `SuffixIndex`: which of many values some text holds. The texts are joined and their suffixes
 *   sorted once (prefix doubling with counting sorts, O(n log n) in a few typed arrays); each
 *   value is then a binary search, O(|value| log n).
 * - `PatternTrie`: for one text, the longest value that starts at each place. A trie of the
 *   values, walked from each place.
 *
 * Both give exactly what the plain searches give (test/text-search.test.ts holds them to it), and
 * callers keep the plain search for small inputs, where building an index would cost more.
 */

/** A separator no value of a chart's findings' texts is expected to hold; a value that holds it may be reported found (never missed). */
const SEPARATOR = '\u0000';

export class SuffixIndex {
  private readonly text: string;
  private readonly sa: Int32Array;
  private readonly texts: number;

  /** An index of `texts` for values of at most `longest` code units (a longer value is never found). */
  constructor(
    texts: readonly string[],
    private readonly longest: number,
  ) {
    // A text met twice is indexed once: a rule's message is often the same for each claim line.
    this.text = [...new Set(texts)].join(SEPARATOR);
    this.texts = texts.length;
    this.sa = suffixArray(this.text, longest);
  }

  /** True when one of the texts holds `value` (or, for a value holding the separator, when their joined text does). */
  contains(value: string): boolean {
    const { sa, text } = this;
    if (value.length === 0) return this.texts > 0;
    if (value.length > text.length || value.length > this.longest) return false;
    let lo = 0;
    let hi = sa.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = comparePrefix(value, text, sa[mid]!);
      if (c === 0) return true;
      if (c < 0) hi = mid;
      else lo = mid + 1;
    }
    return false;
  }
}

/** < 0 when `value` sorts before the suffix of `text` at `at`, 0 when the suffix starts with it, > 0 after. */
function comparePrefix(value: string, text: string, at: number): number {
  const n = text.length;
  for (let j = 0; j < value.length; j++) {
    if (at + j >= n) return 1; // the suffix ended: it is a proper prefix of value, so it sorts first
    const d = value.charCodeAt(j) - text.charCodeAt(at + j);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The suffixes of `s` in order of their first `depth` UTF-16 code units (of all of them by
 * default; suffixes equal that far are in no particular order): prefix doubling, each round a
 * stable counting sort by the rank of the second half, then of the first (the classic
 * construction), until `depth` units are sorted or every suffix has a rank of its own.
 */
export function suffixArray(s: string, depth = s.length): Int32Array {
  const n = s.length;
  const sa = new Int32Array(n);
  if (n === 0) return sa;
  // Code units ranked densely first, so the counts need no 65,536 slots for short texts.
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++) units[i] = s.charCodeAt(i);
  const distinct = Uint16Array.from(new Set(units)).sort();
  const unitRank = new Map<number, number>();
  for (let r = 0; r < distinct.length; r++) unitRank.set(distinct[r]!, r);
  let x = new Int32Array(n);
  let y = new Int32Array(n);
  let m = distinct.length;
  const count = new Int32Array(Math.max(m, n) + 1);
  for (let i = 0; i < n; i++) count[(x[i] = unitRank.get(units[i]!)!)]!++;
  for (let r = 1; r < m; r++) count[r]! += count[r - 1]!;
  for (let i = n - 1; i >= 0; i--) sa[--count[x[i]!]!] = i;
  for (let k = 1; ; k <<= 1) {
    // By the second half: those with none first (in order of position), then the others as sorted.
    let p = 0;
    for (let i = n - k; i < n; i++) y[p++] = i;
    for (let i = 0; i < n; i++) if (sa[i]! >= k) y[p++] = sa[i]! - k;
    // Then, stably, by the first half.
    count.fill(0, 0, m);
    for (let i = 0; i < n; i++) count[x[i]!]!++;
    for (let r = 1; r < m; r++) count[r]! += count[r - 1]!;
    for (let i = n - 1; i >= 0; i--) sa[--count[x[y[i]!]!]!] = y[i]!;
    // New ranks: equal when both halves are.
    [x, y] = [y, x];
    p = 1;
    x[sa[0]!] = 0;
    for (let i = 1; i < n; i++) {
      const a = sa[i - 1]!;
      const b = sa[i]!;
      const same = y[a] === y[b] && (a + k < n ? y[a + k]! : -1) === (b + k < n ? y[b + k]! : -1);
      x[b] = same ? p - 1 : p++;
    }
    if (p >= n || 2 * k >= depth) break;
    m = p;
  }
  return sa;
}

interface TrieNode<T> {
  next?: Map<number, TrieNode<T>>;
  /** The value that ends here. */
  value?: T;
}

/** Values by their text, to find the longest that starts at a place of a text. */
export class PatternTrie<T> {
  private readonly root: TrieNode<T> = {};

  /** Adds `value` under `text`; a text added twice keeps its first value. */
  add(text: string, value: T): void {
    let node = this.root;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      node.next ??= new Map();
      let child = node.next.get(c);
      if (child === undefined) node.next.set(c, (child = {}));
      node = child;
    }
    node.value ??= value;
  }

  /** The longest value that starts at `at` in `s` and that `accept` takes, given the value and where it would end. */
  longest(s: string, at: number, accept: (value: T, end: number) => boolean): { value: T; end: number } | undefined {
    let node: TrieNode<T> | undefined = this.root;
    let best: { value: T; end: number } | undefined;
    for (let i = at; i < s.length; i++) {
      node = node.next?.get(s.charCodeAt(i));
      if (node === undefined) break;
      if (node.value !== undefined && accept(node.value, i + 1)) best = { value: node.value, end: i + 1 };
    }
    return best;
  }
}
