/**
 * Keys given twice in a YAML mapping (src/read/yaml-keys.ts): found after composing, in one pass,
 * at the places the `yaml` package's own check (`uniqueKeys`) gives, which compares each key with
 * every key before it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Composer, Parser, parseDocument, type Node, type Scalar, type YAMLMap } from 'yaml';
import { yamlNodeAt } from '../src/read/yaml-locate.js';
import { parseYaml } from '../src/read/parse.js';
import { addDuplicateKeyErrors } from '../src/read/yaml-keys.js';
import { describeShared } from './helpers/shared.js';

/** Where each document's keys given twice are, by the package's check or by ours. */
function duplicates(text: string, ours: boolean): string {
  const docs = [
    ...new Composer({ prettyErrors: false, uniqueKeys: !ours, schema: 'core' }).compose(new Parser().parse(text), true, text.length),
  ];
  if (ours) for (const d of docs) addDuplicateKeyErrors(d);
  return docs
    .map((d) =>
      d.errors
        .filter((e) => e.code === 'DUPLICATE_KEY')
        .map((e) => e.pos[0])
        .sort((a, b) => a - b)
        .join(','),
    )
    .join('|');
}

describeShared('corpora/yaml-test-suite', 'keys given twice, as the yaml package finds them', (dir) => {
  test('every file of the YAML test suite: the same places', () => {
    let files = 0;
    for (const sub of ['valid', 'error'])
      for (const f of readdirSync(join(dir, sub))) {
        const text = readFileSync(join(dir, sub, f), 'utf8');
        expect([f, duplicates(text, true)]).toEqual([f, duplicates(text, false)]);
        files++;
      }
    expect(files).toBeGreaterThan(300);
  });
});

test.each([
  'a: 1\na: 2\n',
  '? a\n: 1\n? a\n: 2\n',
  '&x a: 1\n!!str a: 2\n',
  '{a: 1, a: 2}\n',
  '1: x\n1.0: y\n', // the same number
  '.nan: 1\n.nan: 2\n', // NaN is no key given twice
  'null: 1\n~: 2\n',
  'true: 1\nTrue: 2\n',
  '"a": 1\n\'a\': 2\n',
  '[a: 1, a: 2]\n', // two mappings of one key each
  'x:\n  a: 1\n  b: 2\n  a: 3\n',
])('%j: the same places as the package', (text) => {
  expect(duplicates(text, true)).toBe(duplicates(text, false));
});

test('a mapping of 120,000 keys with one given twice: one chart-format problem at it (the package compared every pair: 13 s for 40,000)', () => {
  const lines = ['chartId: C-1', 'patient:', ...Array.from({ length: 120_000 }, (_, k) => `  k${k}: ${k}`), '  k5: again', ''];
  const parsed = parseYaml(lines.join('\n'));
  expect(parsed.problems).toEqual([]);
  expect(parsed.formatProblems.map((p) => [p.line, p.column])).toEqual([[120_003, 3]]);
});

test('a YAML merge key is a chart-format problem at it, never passed over; a quoted "<<" is an ordinary key', () => {
  const text = [
    'x-billing: &bill',
    '  services: [{ code: J3420, diagnoses: [I10] }]',
    'chartId: C1',
    'encounters:',
    '  - id: E1',
    '    date: 2026-10-02',
    '    <<: *bill',
    '',
  ].join('\n');
  const parsed = parseYaml(text);
  expect(parsed.problems).toEqual([]);
  expect(parsed.formatProblems.map((p) => [p.line, p.column, p.message.split(':')[0]])).toEqual([[7, 5, 'YAML merge key `<<`']]);
  expect(parseYaml('chartId: C1\n"<<": 1\n').formatProblems).toEqual([]);
});

describe('locating through a mapping of many keys', () => {
  /** A chart of `keys` extra keys before its `encounters`, parsed as a run parses it. */
  const parsed = (keys: number) => {
    const text = `chartId: C1\n${Array.from({ length: keys }, (_, i) => `x${i}: ${i}\n`).join('')}x5: again\nencounters:\n  - id: E1\n`;
    const doc = parseDocument(text, { uniqueKeys: false });
    return { doc, root: doc.contents as YAMLMap };
  };

  test('each pointer is found through an index of the keys, not a look at every pair (100,000 keys and 1,000 findings took seconds)', () => {
    const { doc, root } = parsed(5_000);
    let looked = 0;
    root.items = new Proxy(root.items, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) looked++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const pointers = Array.from({ length: 500 }, (_, i) => (i % 2 ? `/x${i * 37}` : '/encounters/0/id'));
    for (const p of pointers) expect(yamlNodeAt(doc.contents as Node, p)).not.toBeNull();
    // Each pointer through all 5,002 pairs: two and a half million.
    expect(looked).toBeLessThan(3 * 5_002);
  });

  test('a key given twice is found at its last pair, as the chart reads it, whether the mapping is indexed or not', () => {
    for (const keys of [3, 5_000]) {
      const { doc } = parsed(keys);
      const node = yamlNodeAt(doc.contents as Node, '/x5') as Scalar;
      expect(node.value).toBe('again');
      expect(yamlNodeAt(doc.contents as Node, '/missing')).toBe(doc.contents);
    }
  });
});
