/**
 * YAML aliases (src/read/yaml-aliases.ts), over generated documents of anchors and aliases: a
 * document is refused exactly when, its aliases expanded, it stands for more values than the
 * bound allows (or an alias stands for a list that holds it), at an alias; one that is accepted
 * reads as the `yaml` package reads it.
 */
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { parseYaml } from '../src/read/parse.js';

/** One top-level entry: a list of plain values or of aliases of earlier entries, maybe anchored, maybe holding its own alias. */
interface Entry {
  plain: number;
  aliases: number[];
  anchored: boolean;
  self: boolean;
}

const entries = fc.array(
  fc.record({
    plain: fc.nat(8),
    aliases: fc.array(fc.nat(20), { maxLength: 10 }),
    anchored: fc.boolean(),
    self: fc.nat(7).map((n) => n === 0), // one entry in eight holds its own alias
  }),
  { minLength: 1, maxLength: 8 },
);

/** The document: `kN: &aN [x, x, *aM, ...]`, an alias naming only an earlier anchored entry (or, with `self`, its own list). */
function documentOf(list: readonly Entry[]): { text: string; endless: boolean } {
  let endless = false;
  const lines = list.map((e, i) => {
    const earlier = list.slice(0, i).flatMap((o, k) => (o.anchored ? [k] : []));
    const items = Array.from({ length: e.plain }, (_, k) => `v${k}`);
    if (earlier.length > 0) for (const a of e.aliases) items.push(`*a${earlier[a % earlier.length]}`);
    if (e.anchored && e.self) {
      items.push(`*a${i}`);
      endless = true;
    }
    return `k${i}: ${e.anchored ? `&a${i} ` : ''}[${items.join(', ')}]`;
  });
  return { text: `${lines.join('\n')}\n`, endless };
}

/** The values a plain value stands for, walked as a tree (shared lists counted each time), up to `cap`. */
function countValues(value: unknown, cap: number): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (n > cap) return;
    n++;
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === 'object')
      for (const [, x] of Object.entries(v)) {
        n++; // the key
        walk(x);
      }
  };
  walk(value);
  return n;
}

const LIMIT = 300;
const ALIAS_BOMB = `Invalid YAML: with its aliases, the document stands for more than ${LIMIT} values (an alias bomb)`;
const ENDLESS = 'Invalid YAML: an alias stands for a list or mapping that holds it: its value would never end';

test('a document is refused at an alias exactly when its aliases make it stand for too many values, or for itself', () => {
  fc.assert(
    fc.property(entries, (list) => {
      const { text, endless } = documentOf(list);
      const parsed = parseYaml(text, { maxValues: LIMIT });
      const problems = parsed.problems.map((p) => p.message);
      const docs = [...parsed.docs];
      if (endless) {
        // Refused at its first problem: the alias of its own list, or one before it past the bound.
        expect([[ENDLESS], [ALIAS_BOMB]]).toContainEqual(problems);
      } else {
        const values = countValues(parseDocument(text).toJS({ maxAliasCount: -1 }), 10 * LIMIT);
        if (values <= LIMIT) expect(problems).toEqual([]);
        // Accepted: at most the bound, and what the text holds after the last alias.
        if (problems.length === 0) {
          expect(values).toBeLessThanOrEqual(LIMIT + text.length);
          expect(docs.map((d) => d.value)).toEqual([parseDocument(text).toJS({ maxAliasCount: -1 })]);
        } else expect(problems).toEqual([ALIAS_BOMB]);
      }
      // A refusal stands at an alias.
      for (const p of parsed.problems) {
        const offset =
          text
            .split('\n')
            .slice(0, p.line - 1)
            .join('\n').length +
          (p.line > 1 ? 1 : 0) +
          p.column -
          1;
        expect(text[offset]).toBe('*');
      }
    }),
    { numRuns: 400, seed: 20261205 },
  );
});

test('an alias of a list that holds it is found however deep it stands, and an anchor named again is read as the yaml package reads it', () => {
  expect(parseYaml('a: &a\n  b:\n    - c: [*a]\n').problems.map((p) => [p.line, p.column, p.message])).toEqual([[3, 11, ENDLESS]]);
  // The inner &a is the latest before the alias: no cycle, and the value is the package's.
  const text = 'a: &a [1, &a [2], *a]\n';
  const parsed = parseYaml(text);
  expect(parsed.problems).toEqual([]);
  expect([...parsed.docs].map((d) => d.value)).toEqual([{ a: [1, [2], [2]] }]);
});

test('more than 1,000 aliases in one document are refused at the one past the bound (the package resolves each by a search of those before it)', () => {
  const doc = (n: number): string => `a: &x v\nlist: [${Array.from({ length: n }, () => '*x').join(', ')}]\n`;
  expect(parseYaml(doc(1000)).problems).toEqual([]);
  const text = doc(200_000);
  const parsed = parseYaml(text);
  expect(parsed.problems.map((p) => p.message)).toEqual([
    'Invalid YAML: the document holds more than 1,000 aliases, more than a chart needs and more than b12lint reads in bounded time',
  ]);
  // At the 1,001st alias: line 2, after "list: [" and 1,000 aliases of four characters ("*x, ").
  expect(parsed.problems[0]).toMatchObject({ line: 2, column: 8 + 1000 * 4 });
});

test('aliases that repeat a long text past the bound of characters (values times 64) are refused, though their values are few', () => {
  const note = 'Patient denies melena. '.repeat(100); // 2,300 characters
  const doc = (n: number): string => `a: &x "${note}"\nnotes: [${Array.from({ length: n }, () => '*x').join(', ')}]\n`;
  // 300 values allowed: 19,200 characters. Eight copies (with the anchored one) fit, nine do not.
  expect(parseYaml(doc(7), { maxValues: LIMIT }).problems).toEqual([]);
  expect(parseYaml(doc(9), { maxValues: LIMIT }).problems.map((p) => p.message)).toEqual([
    'Invalid YAML: with its aliases, the document stands for more than 19,200 characters of text (an alias bomb)',
  ]);
});

test('aliases may stand for no more than ten times the text of their file (at least 1 MB): a 50 KB note in 999 encounters is refused', () => {
  const note = 'Patient denies melena. Plan B12 injection today. '.repeat(1000); // 49,000 characters
  const text = `chartId: A\nencounters:\n  - &e { id: E1, date: 2026-10-01, notes: [{ section: assessment, text: "${note}" }] }\n${'  - *e\n'.repeat(999)}`;
  expect(parseYaml(text).problems.map((p) => p.message)).toEqual([
    'Invalid YAML: with its aliases, the document stands for more than 1 MB of text (an alias bomb)',
  ]);
  // Twenty copies stand for 1 MB: read.
  const fewer = `chartId: A\nencounters:\n  - &e { id: E1, date: 2026-10-01, notes: [{ section: assessment, text: "${note}" }] }\n${'  - *e\n'.repeat(19)}`;
  expect(parseYaml(fewer).problems).toEqual([]);
});

test('a file may hold no more than 10,000 aliases over all its documents: the documents past the bound are refused at their first alias', () => {
  const doc = `a: &x v\nlist: [${Array.from({ length: 999 }, () => '*x').join(', ')}]\n`;
  const parsed = parseYaml(Array.from({ length: 12 }, () => doc).join('---\n'));
  const problems = parsed.problems.map((p) => p.message);
  expect([...parsed.docs]).toHaveLength(10);
  expect(problems).toEqual([
    'Invalid YAML: the file holds more than 10,000 aliases, more than charts need and more than b12lint reads in bounded time',
    'Invalid YAML: the file holds more than 10,000 aliases, more than charts need and more than b12lint reads in bounded time',
  ]);
});
