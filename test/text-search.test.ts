/**
 * The searches `--redact` uses for many values over many texts (src/report/text-search.ts) give
 * what plain substring search gives, and the redaction built on them replaces what the plain
 * search replaced: held to it over generated strings of a small alphabet, where matches,
 * overlaps and repeats are common.
 */
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { PatternTrie, SuffixIndex, suffixArray } from '../src/report/text-search.js';
import { quotedStrings, Redactor, sensitiveKey } from '../src/report/redact.js';
import type { Finding } from '../src/finding.js';
import { findingOfC1 } from './helpers/finding.js';
import { spacing } from '../src/rules/template.js';

/** Strings of a few letters, spaces and a character beyond the BMP, so that matches and word edges are frequent. */
const small = (maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom('a', 'b', 'a', 'A', ' ', '1', 'é', '😀', '-'), { maxLength }).map((cs) => cs.join(''));

test('suffixArray sorts every suffix of a text as a plain sort of them does', () => {
  fc.assert(
    fc.property(small(60), (s) => {
      const naive = Array.from({ length: s.length }, (_, i) => i).sort((a, b) => {
        const x = s.slice(a);
        const y = s.slice(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
      expect([...suffixArray(s)]).toEqual(naive);
    }),
    { numRuns: 500 },
  );
});

test('suffixArray sorted only as deep as asked still orders the suffixes by their first units', () => {
  fc.assert(
    fc.property(small(80), fc.integer({ min: 1, max: 8 }), (s, depth) => {
      const sa = [...suffixArray(s, depth)];
      expect([...sa].sort((a, b) => a - b)).toEqual(Array.from({ length: s.length }, (_, i) => i));
      for (let i = 1; i < sa.length; i++) expect(s.slice(sa[i - 1], sa[i - 1]! + depth) <= s.slice(sa[i], sa[i]! + depth)).toBe(true);
    }),
    { numRuns: 500 },
  );
});

test('SuffixIndex.contains is true exactly when one of the texts holds the value', () => {
  fc.assert(
    fc.property(fc.array(small(30), { maxLength: 8 }), fc.array(small(6), { maxLength: 20 }), (texts, values) => {
      const longest = Math.max(0, ...values.map((v) => v.length));
      const index = new SuffixIndex(texts, longest);
      for (const v of values) expect(index.contains(v)).toBe(texts.some((t) => t.includes(v)));
    }),
    { numRuns: 500 },
  );
});

test('a value longer than the index was sorted for is not found, even where a text holds it', () => {
  const index = new SuffixIndex(['the patient Jane Roe'], 4);
  expect(index.contains('Jane')).toBe(true);
  expect(index.contains('Jane Roe')).toBe(false);
});

test('PatternTrie.longest gives the longest value starting at a place that the test accepts', () => {
  fc.assert(
    fc.property(fc.array(small(5), { maxLength: 15 }), small(30), (values, s) => {
      const trie = new PatternTrie<string>();
      for (const v of values) if (v.length > 0) trie.add(v, v);
      const accept = (v: string, end: number): boolean => end % 3 !== 0 || v.length === 1;
      for (let i = 0; i <= s.length; i++) {
        const expected = values
          .filter((v) => v.length > 0 && s.startsWith(v, i) && accept(v, i + v.length))
          .sort((a, b) => b.length - a.length)[0];
        expect(trie.longest(s, i, accept)?.value).toBe(expected);
      }
    }),
    { numRuns: 500 },
  );
});

/** The redaction of one text as it was done before the trie: each value looked for with indexOf, longest first at one place. */
function plainRedaction(s: string, values: readonly string[], hash: (v: string) => string): string {
  const edge = /[\p{L}\p{N}]/u;
  const at = (i: number): boolean => i >= 0 && i < s.length && edge.test(String.fromCodePoint(s.codePointAt(i)!));
  const before = (i: number): boolean => {
    if (i <= 0) return false;
    const low = s.charCodeAt(i - 1);
    return at(low >= 0xdc00 && low <= 0xdfff && i >= 2 ? i - 2 : i - 1);
  };
  // Each value also as a message writes it (its white space collapsed and trimmed).
  const spaced = values.flatMap((v) => [v, spacing(v)]);
  const unique = [...new Set(spaced)].filter((v) => v.trim().length >= 2).sort((a, b) => b.length - a.length);
  const found: { start: number; end: number; rank: number }[] = [];
  unique.forEach((v, rank) => {
    for (let i = s.indexOf(v); i >= 0; i = s.indexOf(v, i + 1)) {
      if ((edge.test(v[0]!) && before(i)) || (edge.test(v[v.length - 1]!) && at(i + v.length))) continue;
      found.push({ start: i, end: i + v.length, rank });
    }
  });
  found.sort((a, b) => a.start - b.start || a.rank - b.rank);
  let out = '';
  let pos = 0;
  for (const m of found) {
    if (m.start < pos) continue;
    out += s.slice(pos, m.start) + hash(s.slice(m.start, m.end));
    pos = m.end;
  }
  return out + s.slice(pos);
}

const finding = findingOfC1;

test('a chart with many identifying strings (walked in a trie) is redacted as one with a few (looked for one by one)', () => {
  fc.assert(
    fc.property(fc.array(small(6), { maxLength: 40 }), small(60), (drawn, message) => {
      // Seventeen values of other letters make sure the chart's values are many (walked in a trie).
      const values = [...drawn, ...Array.from({ length: 17 }, (_, i) => `zz${i}`)];
      const redactor = new Redactor({ sensitive: new Map([[sensitiveKey('c.json', 'C-1'), values]]), key: 'k' });
      // The chart id is looked for too (with the chart's values, and as a value of the finding).
      const expected = plainRedaction(message, [...values, 'C-1'], redactor.hash);
      expect(redactor.finding('c.json', finding(message)).message).toBe(expected);
    }),
    { numRuns: 300 },
  );
});

test('which of 2,000 identifying strings 500 findings quote is found with an index, not by looking for each in each text', () => {
  const values = Array.from({ length: 2000 }, (_, i) => `Name${i} Surname${i * 7}`);
  const texts = Array.from(
    { length: 500 },
    (_, i) => `J3420 is linked to D62 on line ${i}; the description names Name${i * 3} Surname${i * 21}.`,
  );
  const expected = values.filter((v) => texts.some((t) => t.includes(v)));
  expect(expected).toHaveLength(500);
  const includes = jest.spyOn(String.prototype, 'includes');
  let kept: string[];
  try {
    kept = quotedStrings(values, texts);
    // Plain search: a million calls (each value in each text).
    expect(includes.mock.calls.length).toBeLessThan(values.length + texts.length);
  } finally {
    includes.mockRestore();
  }
  expect(kept).toEqual(expected);
});

test('1,000 findings of a chart with 1,000 quoted strings are redacted without looking for each string in each finding', () => {
  const values = Array.from({ length: 1000 }, (_, i) => `Name${i} Surname${i * 7}`);
  const redactor = new Redactor({ sensitive: new Map([[sensitiveKey('c.json', 'C-1'), values]]), key: 'k' });
  const indexOf = jest.spyOn(String.prototype, 'indexOf');
  let redacted: Finding[];
  try {
    redacted = values.map((v) => redactor.finding('c.json', finding(`Diagnosis described as ${v} is not billable.`)));
    // One by one: a million calls (each string in each message); the chart id alone is looked for so.
    expect(indexOf.mock.calls.length).toBeLessThan(20 * values.length);
  } finally {
    indexOf.mockRestore();
  }
  expect(redacted.every((f) => /^Diagnosis described as redacted:[0-9a-f]{12} is not billable\.$/.test(f.message))).toBe(true);
});

test('findings of two charts that alternate are redacted with each chart’s patterns made once, not at each change of chart', () => {
  const a = Array.from({ length: 200 }, (_, i) => `Alpha${i} Person`);
  const b = Array.from({ length: 200 }, (_, i) => `Beta${i} Person`);
  const redactor = new Redactor({
    sensitive: new Map([
      [sensitiveKey('c.ndjson', 'A'), a],
      [sensitiveKey('c.ndjson', 'B'), b],
    ]),
    key: 'k',
  });
  const trim = jest.spyOn(String.prototype, 'trim');
  let out: Finding[];
  try {
    out = Array.from({ length: 1000 }, (_, i) => {
      const [id, names] = i % 2 ? ['B', b] : ['A', a];
      return redactor.finding('c.ndjson', { ...findingOfC1(`Line for ${names[i % 200]}.`), chartId: id });
    });
    // Remade at each change of chart: 200 strings a thousand times.
    expect(trim.mock.calls.length).toBeLessThan(20_000);
  } finally {
    trim.mockRestore();
  }
  expect(out.every((f) => /^Line for redacted:[0-9a-f]{12}\.$/.test(f.message))).toBe(true);
});
