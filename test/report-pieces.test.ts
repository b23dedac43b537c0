/**
 * A report written piece by piece (src/report/stream-writer.ts, through src/report/encode.ts, as
 * the CLI writes every report that goes to files) is byte for byte the text of the pure
 * formatter (`formatReport`), for generated reports: file names and chart ids holding what the
 * formats escape, chart entries of every shape (with and without an id, with fields the writer
 * does not know, an id key left undefined), files with and without findings, and any number of
 * files. The JSON writer puts a plain chart entry together without JSON.stringify; this is the
 * test that it writes what JSON.stringify would.
 */
import fc from 'fast-check';
import { formatReport, pieceWriter } from '../src/report/encode.js';
import { writePieces } from '../src/report/stream-writer.js';
import { ENGINE_RULES, type Finding } from '../src/finding.js';
import type { ChartEntry, FileResult, FormatOptions, Report } from '../src/report/types.js';

/** Text with what the formats escape: controls, C1, line separators, bidi overrides, CI markers, quotes. */
const text = fc
  .array(
    fc.constantFrom(
      'a',
      'B12',
      ' ',
      '"',
      '\\',
      '\n',
      '\u0007',
      '\u001b[2J',
      '\u0085',
      '\u2028',
      '\u202e',
      '##[error]',
      '##vso[',
      '#',
      'é',
      '💉',
      '/',
    ),
    {
      maxLength: 6,
    },
  )
  .map((p) => p.join(''));

const position = fc.integer({ min: 1, max: 100_000 });

class WithToJson implements ChartEntry {
  chartId?: string;
  line = 0;
  column = 0;
  pointer = '';
  toJSON(): object {
    return { chart: this.chartId };
  }
}

const chartEntry: fc.Arbitrary<ChartEntry> = fc.oneof(
  fc.record({ chartId: text, line: position, column: position, pointer: text }),
  fc.record({ line: position, column: position, pointer: text }),
  // Shapes the fast path must hand to JSON.stringify: an id key left undefined, a field it does
  // not know, another key order, a position that is not a finite number.
  fc.record({ line: position, column: position, pointer: text }).map((c) => ({ chartId: undefined, ...c }) as ChartEntry),
  fc.record({ chartId: text, line: position, column: position, pointer: text, extra: text }) as fc.Arbitrary<ChartEntry>,
  fc.record({ pointer: text, chartId: text, line: position, column: position }),
  fc.record({ chartId: text, line: fc.constant(Number.NaN), column: position, pointer: text }),
  // Not plain, or an id that is not text: a number, an object, no prototype, a class with toJSON,
  // an inherited enumerable key.
  fc.record({
    chartId: fc.oneof(fc.integer(), fc.record({ a: text })),
    line: position,
    column: position,
    pointer: text,
  }) as unknown as fc.Arbitrary<ChartEntry>,
  fc
    .record({ chartId: text, line: position, column: position, pointer: text })
    .map((c) => Object.assign(Object.create(null), c) as ChartEntry),
  fc.record({ chartId: text, line: position, column: position, pointer: text }).map((c) => Object.assign(new WithToJson(), c)),
  fc
    .record({ chartId: text, line: position, column: position, pointer: text })
    .map((c) => Object.assign(Object.create({ inherited: 1 }), c) as ChartEntry),
);

const finding: fc.Arbitrary<Finding> = fc.record({
  ruleId: fc.constantFrom('b12-injection-blood-loss-dx', 'chart-format', ENGINE_RULES.internalError),
  severity: fc.constantFrom('error', 'warning', 'info'),
  message: text,
  chartId: text,
  line: position,
  column: position,
  pointer: text,
  fingerprint: fc.constant('0123456789abcdef'),
  evidence: fc.array(fc.record({ kind: fc.constant('diagnosis'), code: text, line: position, column: position, pointer: text }), {
    maxLength: 2,
  }),
}) as fc.Arbitrary<Finding>;

const fileResult: fc.Arbitrary<FileResult> = fc.record({
  file: text.map((t) => `charts/${t}.json`),
  findings: fc.array(finding, { maxLength: 3 }),
  // Most files list a chart or a few; some list dozens.
  charts: fc.oneof(
    { weight: 9, arbitrary: fc.array(chartEntry, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(chartEntry, { minLength: 60, maxLength: 70 }) },
  ),
});

const report: fc.Arbitrary<Report> = fc.array(fileResult, { maxLength: 8 }).map((results) => ({
  tool: { name: 'b12lint', version: '1.0.0' },
  ruleset: { name: 'b12lint:recommended', rules: 25 },
  summary: { files: results.length, charts: 0, encounters: 0, errors: 0, warnings: 0, infos: 0 },
  results,
}));

const OPTIONS: FormatOptions = {
  color: false,
  rules: [],
  pathPrefix: '',
  timestamp: '2026-12-04T00:00:00Z',
  hostname: 'h',
} as unknown as FormatOptions;

/** The report written by the piece writer of `name`, as finishInPieces writes it (text encoded on the way out, here in one chunk). */
async function inPieces(name: string, r: Report): Promise<string> {
  const { writer, encode } = pieceWriter(name, r, OPTIONS);
  const out: string[] = [];
  const widths = (f: readonly Finding[]) => ({
    count: f.length,
    posWidth: Math.max(0, ...f.map((x) => `${x.line}:${x.column}`.length)),
    sevWidth: Math.max(0, ...f.map((x) => x.severity.length)),
  });
  await writePieces(
    r,
    (fr) => ({ shape: widths(fr.findings), findings: fr.findings }),
    [{ writer, write: (s) => out.push(s) }],
    () => {},
  );
  return encode(out.join(''));
}

describe('a report written in pieces', () => {
  test('JSON: byte for byte what the pure formatter writes, for any report', async () => {
    await fc.assert(
      fc.asyncProperty(report, async (r) => {
        expect(await inPieces('json', r)).toBe(formatReport('json', r, OPTIONS));
      }),
      { numRuns: 300 },
    );
  });

  test('SARIF: byte for byte what the pure formatter writes, for any report (an internal error among the findings, results in several files, none)', async () => {
    let unsuccessful = 0;
    let empty = 0;
    await fc.assert(
      fc.asyncProperty(report, async (r) => {
        const whole = formatReport('sarif', r, OPTIONS);
        expect(await inPieces('sarif', r)).toBe(whole);
        const run = (JSON.parse(whole) as { runs: { results: unknown[]; invocations: { executionSuccessful: boolean }[] }[] }).runs[0]!;
        if (!run.invocations[0]!.executionSuccessful) unsuccessful++;
        if (run.results.length === 0) empty++;
      }),
      { numRuns: 300 },
    );
    // The cases the property is about were met.
    expect(unsuccessful).toBeGreaterThan(10);
    expect(empty).toBeGreaterThan(10);
  });

  test('JSON: each piece encoded on its own or all of them at once, the same text', async () => {
    await fc.assert(
      fc.asyncProperty(report, async (r) => {
        const { writer, encode } = pieceWriter('json', r, OPTIONS);
        const pieces: string[] = [];
        await writePieces(
          r,
          (fr) => ({ shape: { count: fr.findings.length, posWidth: 0, sevWidth: 0 }, findings: fr.findings }),
          [{ writer, write: (s) => pieces.push(s) }],
          () => {},
        );
        expect(pieces.map(encode).join('')).toBe(encode(pieces.join('')));
      }),
      { numRuns: 200 },
    );
  });

  test('plain chart entries, with an id and without, are written as JSON.stringify writes them', async () => {
    const r: Report = {
      tool: { name: 'b12lint', version: '1.0.0' },
      ruleset: { name: 'x', rules: 0 },
      summary: { files: 1, charts: 2, encounters: 0, errors: 0, warnings: 0, infos: 0 },
      results: [
        {
          file: 'a.json',
          findings: [],
          charts: [
            { chartId: 'ENC-1', line: 1, column: 1, pointer: '' },
            { line: 12, column: 3, pointer: '/1' },
          ],
        },
      ],
    };
    const written = await inPieces('json', r);
    expect(written).toBe(formatReport('json', r, OPTIONS));
    expect(JSON.parse(written).results[0].charts).toEqual(r.results[0]!.charts);
  });
});
