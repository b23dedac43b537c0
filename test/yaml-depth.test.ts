/**
 * The depth-limited YAML parse (src/read/yaml-depth.ts): under the limit it gives exactly the
 * tokens and line starts of the `yaml` package's own parser; a document beyond it is one empty
 * document, and the documents after it are parsed as they would be on their own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Composer, LineCounter, Parser, type CST } from 'yaml';
import { escapePointerToken } from '../src/read/json-locate.js';
import { parseText, type SourceDoc } from '../src/read/parse.js';
import { limitedCst, type TooDeepDocument } from '../src/read/yaml-depth.js';
import { describeShared } from './helpers/shared.js';

function reference(text: string): { tokens: CST.Token[]; lines: number[] } {
  const lines = new LineCounter();
  return { tokens: [...new Parser(lines.addNewLine).parse(text)], lines: lines.lineStarts };
}

function limited(text: string, maxDepth?: number): { tokens: CST.Token[]; lines: number[]; deep: TooDeepDocument[] } {
  const lines = new LineCounter();
  const deep: TooDeepDocument[] = [];
  return { tokens: [...limitedCst(text, lines, deep, maxDepth)], lines: lines.lineStarts, deep };
}

/** Each document's plain value and first line, as the composer reads the tokens. */
function documents(tokens: CST.Token[], lines: number[], text: string): { value: unknown; line: number; errors: number }[] {
  const counter = new LineCounter();
  for (const start of lines) counter.addNewLine(start);
  return [...new Composer().compose(tokens, true, text.length)].map((d) => ({
    value: d.toJS(),
    line: counter.linePos(d.range[0]).line,
    errors: d.errors.length,
  }));
}

describeShared('corpora/yaml-test-suite', 'under the limit: the yaml package parser, token for token', (dir) => {
  test('every file of the YAML test suite (valid and error) gives the same tokens and line starts', () => {
    let files = 0;
    for (const sub of ['valid', 'error'])
      for (const name of readdirSync(join(dir, sub))) {
        const text = readFileSync(join(dir, sub, name), 'utf8');
        const ref = reference(text);
        const got = limited(text);
        expect({ name, tokens: got.tokens, lines: got.lines, deep: got.deep }).toEqual({
          name,
          tokens: ref.tokens,
          lines: ref.lines,
          deep: [],
        });
        files++;
      }
    expect(files).toBeGreaterThan(300);
  });
});

describe('beyond the limit', () => {
  const before = 'a: 1\n# a comment\nb: "two\n  lines"\n';
  const after = '%YAML 1.2\n---\nc: |\n  block\n  text\nd: [x, y]\n';
  const deepShapes: Record<string, string> = {
    flow: 'x: [[[[1]]]]\n',
    'block map': 'x:\n  y:\n    z:\n      w: 1\n',
    'compact list': 'x:\n  - - - - 1\n',
    'block scalar inside': 'x:\n  - - - - |\n        text\n        ---x\n',
    'unclosed flow': 'x: [[[[[1\n',
  };
  for (const [shape, deep] of Object.entries(deepShapes)) {
    test(`${shape}: the deep document is one empty document; the others read as on their own, at their own lines`, () => {
      for (const [sep, end] of [
        ['---\n', '...\n'],
        ['--- # explicit\n', '...\n# between\n'],
      ]) {
        const text = `${before}${sep}${deep}${end}${after}`;
        const got = limited(text, 3);
        expect(got.deep).toHaveLength(1);
        const deepStart = text.indexOf(sep);
        expect(got.deep[0]!.docOffset).toBe(deepStart);
        // The level beyond the limit: the fourth list or mapping of the document.
        expect(got.deep[0]!.at).toBeGreaterThan(deepStart);
        const docs = documents(got.tokens, got.lines, text);
        const alone = (part: string, firstLine: number) =>
          documents(reference(part).tokens, reference(part).lines, part).map((d) => ({ ...d, line: d.line + firstLine - 1 }));
        const afterLine = text.slice(0, text.indexOf(after)).split('\n').length;
        expect(docs).toEqual([...alone(before, 1), { value: null, line: 5, errors: 0 }, ...alone(after, afterLine)]);
        // Line starts are the text's own, as the parser counts them.
        expect(got.lines).toEqual(reference(text).lines);
      }
    });
  }

  test('the level counted is lists and mappings: a scalar being read on top of the stack is not one', () => {
    expect(limited('a:\n  b:\n    c: text\n', 3).deep).toEqual([]);
    expect(limited('a:\n  b:\n    c:\n      d: text\n', 3).deep).toEqual([{ docOffset: 0, at: 21 }]);
  });
});

describe('the text around a document beyond the limit is judged as it would be without it', () => {
  const deep = `${'- '.repeat(300)}x\n`;
  const shallow = '- x\n';
  const chart = 'chartId: C-1\n';
  /** Documents read (their values) and problems (line:column and reason), for a text with `body` in place. */
  const outcome = (text: (body: string) => string, body: string) => {
    const parsed = parseText(text(body), 'yaml');
    return { docs: [...parsed.docs].map((d) => d.value), problems: parsed.problems.map((p) => `${p.line}:${p.column} ${p.message}`) };
  };
  const refusedBoth = (text: (body: string) => string, reason: RegExp) => {
    const withDeep = outcome(text, deep);
    const withShallow = outcome(text, shallow);
    expect(withDeep.docs).toEqual([]);
    expect(withShallow.docs).toEqual([]);
    expect(withDeep.problems).toEqual([expect.stringMatching(reason)]);
    expect(withShallow.problems).toEqual([expect.stringMatching(/Invalid YAML/)]);
  };

  test('a stray token after it refuses the file, as it does after a shallow document', () => {
    refusedBoth((d) => `---\n${d}---\n]\n---\n${chart}`, /^4:1 Invalid YAML: Unexpected flow-seq-end/);
  });

  test('a broken directive before it, or directives without `---`, refuse the file', () => {
    refusedBoth((d) => `%TAG !x!\n---\n${d}---\n${chart}`, /^1:1 Invalid YAML: %TAG directive/);
    refusedBoth((d) => `%YAML 1.2\n${d}---\n${chart}`, /^2:1 Invalid YAML: Missing directives-end/);
  });

  test('text after the `...` that ends it is parsed, and refused, not read as a document of its own', () => {
    for (const body of [deep, shallow]) {
      const r = outcome((d) => `${chart}---\n${d}... {chartId: X}\n`, body);
      expect(r.docs).toEqual([{ chartId: 'C-1' }]);
      expect(r.problems).toEqual([expect.stringMatching(/^4:5 Invalid YAML: Unexpected flow-map-start/)]);
    }
    // A plain `...` ends it, and the next document is read.
    const ok = outcome((d) => `${d}...\n# between\n---\n${chart}`, deep);
    expect(ok.docs).toEqual([{ chartId: 'C-1' }]);
    expect(ok.problems).toEqual([expect.stringMatching(/^1:\d+ Unreadable YAML/)]);
  });

  test('a quote left open inside it refuses the file, rather than taking the documents after it', () => {
    const text = (d: string) => `---\n${d}k: 'open\n---\n${chart}`;
    const withDeep = outcome(text, deep);
    expect(withDeep.docs).toEqual([]);
    expect(withDeep.problems).toEqual(['3:4 Invalid YAML: Missing closing quote']);
    expect(outcome(text, shallow).docs).toEqual([]);
  });

  test('`---` or `%YAML` after a block scalar header inside it is text, not the start of a document', () => {
    for (const header of ['| ---', '> %YAML 1.2']) {
      const r = outcome((d) => `---\n${d}k: ${header}\n  chartId: FAKE\n---\n${chart}`, deep);
      expect(r.docs).toEqual([{ chartId: 'C-1' }]);
      expect(r.problems).toEqual([
        '2:513 Unreadable YAML: the document is nested too deeply to be read (more than 256 levels of lists and mappings).',
      ]);
    }
  });
});

describe('property: the documents around one beyond the limit read as they do around a shallow one', () => {
  // Documents in the styles that make a parser's or lexer's state differ at their end.
  const bodies = [
    'chartId: A\nx: 1\n',
    'a: |\n  line\n  ---x\n  more\nb: 2\n',
    'q: "multi\n  line"\nr: \'single\n  line\'\n',
    '# a comment\nlist:\n  - 1\n  - [2, 3]\n',
    'f: {a: 1, b: [x, y]}\n',
    '? complex key\n: value\n',
    'x: &a 1\ny: *a\n',
    'plain multi\n  line scalar\n',
  ];
  // What ends one document and starts the next.
  const separators = ['---\n', '--- # note\n', '...\n---\n', '...\n# between\n---\n', '...\n%YAML 1.2\n---\n'];
  // Too deep (300 levels), each going back up and going on after it.
  const deeps = [
    `x: ${'['.repeat(300)}${']'.repeat(300)}\ny: after\n`,
    `x:\n  ${'- '.repeat(300)}v\ny: after\n`,
    `x:\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')}\n${' '.repeat(301)}v\ny: after\n`,
    `x:\n  ${'- '.repeat(300)}|\n${' '.repeat(603)}text\n${' '.repeat(603)}---x\ny: after\n`,
    // Text after a block scalar's header that reads like a marker.
    `x:\n  ${'- '.repeat(300)}v\nk: | ---\n  chartId: FAKE\nm: > %YAML 1.2\n  text\n`,
  ];
  /** As many lines of comment: a document with no content, of the same height. */
  const flat = (body: string): string => body.replace(/[^\n]+/g, '# filler');

  function pointers(value: unknown, at = ''): string[] {
    if (value === null || typeof value !== 'object') return [at];
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    return [at, ...entries.flatMap(([k, v]) => pointers(v, `${at}/${escapePointerToken(k)}`))];
  }
  const placed = (d: SourceDoc) => ({ value: d.value, start: d.start, at: [...d.locator.locateAll(pointers(d.value))] });

  test('values, starts and the place of every value are the same; the deep one is one problem', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...bodies), fc.constantFrom(...separators)), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.constantFrom(...deeps),
        fc.constantFrom(...separators),
        (docs, where, deep, sep) => {
          const k = where % (docs.length + 1);
          // A trailing separator leaves an empty document, which holds no chart.
          const stream = (middle: string): string => {
            const parts = docs.map(([body, s]) => body + s);
            parts.splice(k, 0, middle + sep);
            return parts.join('');
          };
          const withDeep = parseText(stream(deep), 'yaml');
          const withFlat = parseText(stream(flat(deep)), 'yaml');
          expect(withFlat.problems).toEqual([]);
          expect(withDeep.problems).toEqual([
            expect.objectContaining({ document: true, message: expect.stringMatching(/^Unreadable YAML: .*more than 256 levels/) }),
          ]);
          expect([...withDeep.docs].map(placed)).toEqual([...withFlat.docs].map(placed));
        },
      ),
      { numRuns: 300 },
    );
  });
});
