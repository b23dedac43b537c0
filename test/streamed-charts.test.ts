/**
 * The chart entries of a streamed file, kept out of memory: the chart spool gives back what was
 * written, in order, from a private file; the charts with findings counted while reading the
 * entries in file order agree with the in-memory index, whatever the ids and positions; and chart
 * ids repeated across a run are found from their keys exactly as by comparing every id.
 */
import { existsSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { Finding } from '../src/finding.js';
import { FlaggedCharts } from '../src/report/charts.js';
import type { ChartEntry, FileResult } from '../src/report/types.js';
import { idKey, NO_ID, repeatedKeys } from '../src/run/chart-ids.js';
import { duplicateChartIds } from '../src/run/run.js';
import { attachChartSpool, ChartSpool } from '../src/run/spool.js';
import { spoolFolder } from '../src/core/temp.js';

async function spooled(charts: readonly ChartEntry[]): Promise<ChartSpool> {
  const spool = new ChartSpool();
  await spool.append(charts);
  await spool.close();
  return spool;
}

function finding(at: { line: number; column: number }, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'some-rule',
    severity: 'error',
    message: 'm',
    line: at.line,
    column: at.column,
    pointer: '/x',
    fingerprint: 'f',
    evidence: [],
    ...extra,
  };
}

/** Charts with findings, counting with the charts in memory or read in file order from `source`. */
function flaggedCount(file: string, charts: ChartEntry[], findings: readonly Finding[], streamed: boolean): number {
  const flagged = new FlaggedCharts();
  const r: FileResult = { file, findings: [], charts: streamed ? [] : charts };
  flagged.startFile(r, streamed ? { count: charts.length, entries: () => charts } : undefined);
  for (const f of findings) flagged.add(f);
  return flagged.size;
}

/** The check of repeated chart ids as it was before keys: every id compared, first use remembered. */
function naiveDuplicates(results: readonly { file: string; charts: readonly ChartEntry[] }[]): string[] {
  const first = new Map<string, string>();
  const out: string[] = [];
  for (const r of results) {
    for (const c of r.charts) {
      if (c.chartId === undefined) continue;
      const prev = first.get(c.chartId);
      if (prev === undefined) first.set(c.chartId, `${r.file}:${c.line}`);
      else out.push(`${r.file}:${c.line}:${c.column} ${c.chartId} first at ${prev}`);
    }
  }
  return out;
}

function described(found: Map<FileResult, Finding[]>): string[] {
  return [...found].flatMap(([r, fs]) =>
    fs.map((f) => {
      const where = /used at (.+?);/.exec(f.message)![1]!.replace(/^line /, `${r.file}:`);
      return `${r.file}:${f.line}:${f.column} ${f.chartId} first at ${where}`;
    }),
  );
}

describe('the chart spool', () => {
  test('gives back every entry in order, as often as asked, from a file only its owner can read, removed on dispose', async () => {
    const long = `/${'ü'.repeat(70_000)}`; // longer than a read, and cut inside a two-byte character
    const charts: ChartEntry[] = [
      { chartId: 'Zoë-1', line: 1, column: 1, pointer: '' },
      { line: 2, column: 1, pointer: '' },
      { chartId: 'P-2', line: 3, column: 5, pointer: long },
      ...Array.from({ length: 5000 }, (_, i): ChartEntry => ({ chartId: `P-${i}`, line: 4 + i, column: 1, pointer: '' })),
    ];
    const spool = await spooled(charts);
    try {
      expect(statSync(spool.path).mode & 0o777).toBe(0o600);
      expect(spool.count).toBe(charts.length);
      expect([...spool.entries()]).toEqual(charts);
      expect([...spool.entries()]).toEqual(charts);
      expect([...spool.keys]).toEqual(charts.map((c) => (c.chartId === undefined ? NO_ID : idKey(c.chartId))));
    } finally {
      spool.dispose();
    }
    expect(existsSync(spool.path)).toBe(false);
  });

  test("lives in a folder of the process's own that only its owner can enter, under an unguessable name", () => {
    const folder = spoolFolder();
    expect(dirname(folder)).toBe(tmpdir());
    expect(folder).toMatch(new RegExp(`b12lint-spool-${process.pid}-[A-Za-z0-9]{6}$`)); // its process, for the sweep of a killed run's
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const spool = new ChartSpool();
    try {
      expect(dirname(spool.path)).toBe(folder);
    } finally {
      spool.dispose();
    }
  });

  test('is never written through a file or link already in its place', async () => {
    const planted = join(spoolFolder(), 'planted.txt');
    writeFileSync(planted, "not b12lint's");
    symlinkSync(planted, join(spoolFolder(), 'link.ndjson'));
    const spool = new ChartSpool(join(spoolFolder(), 'link.ndjson'));
    await expect(spool.close()).rejects.toThrow(/EEXIST/);
  });
});

describe('charts with findings, the entries read in file order', () => {
  test('a finding whose chart is thousands of charts back, later in the file, or absent is settled as the in-memory index does', () => {
    const charts: ChartEntry[] = Array.from({ length: 12_000 }, (_, i) => ({
      chartId: `C-${i % 11_000}`,
      line: i + 1,
      column: 1,
      pointer: '',
    }));
    // Each chart that is far from a finding of its own also has a finding next to it, so a finding
    // taken for a chart known by id alone would count one chart more.
    const findings = [
      finding({ line: 11, column: 2 }, { chartId: 'C-10' }),
      finding({ line: 9000, column: 3 }, { chartId: 'C-10' }), // last used 8,990 charts back
      finding({ line: 9000, column: 4 }, { chartId: 'C-5000' }), // 4,000 back: among the older recent ids
      finding({ line: 9001, column: 2 }, { chartId: 'C-10500' }), // its only chart comes later
      finding({ line: 9001, column: 3 }, { chartId: 'FHIR-derived' }), // no chart entry: known by id
      finding({ line: 9002, column: 9 }), // by pointer
      finding({ line: 10_501, column: 2 }, { chartId: 'C-10500' }),
      finding({ line: 11_500, column: 2 }, { chartId: 'C-3' }), // a repeated id: the later chart (line 11,004)
      finding({ line: 11_600, column: 1 }, { ruleId: 'parse-error', pointer: '' }),
    ];
    const inMemory = flaggedCount('a.ndjson', charts, findings, false);
    expect(inMemory).toBe(7);
    expect(flaggedCount('a.ndjson', charts, findings, true)).toBe(inMemory);
  });

  test('agrees with the in-memory index on random files (ids repeated or absent, charts in arrays, findings in report order)', () => {
    const ids = fc.option(fc.constantFrom('A', 'B', 'C', 'D', ''), { nil: undefined });
    const chartArb = fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 1, max: 4 }),
      ids,
      fc.constantFrom('', '/0', '/1', '/charts/0'),
    );
    const findingArb = fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 1, max: 9 }),
      ids,
      fc.constantFrom('', '/0/x', '/1', '/charts/0/y', '/z'),
      fc.constantFrom('some-rule', 'parse-error', 'read-error', 'chart-format'),
    );
    fc.assert(
      fc.property(fc.array(chartArb, { maxLength: 30 }), fc.array(findingArb, { maxLength: 30 }), (rawCharts, rawFindings) => {
        let line = 1;
        const charts = rawCharts
          .map(([step, column, chartId, pointer]): ChartEntry => {
            line += step;
            return { ...(chartId !== undefined ? { chartId } : {}), line, column: step === 0 ? column + 10 * line : column, pointer };
          })
          .sort((a, b) => a.line - b.line || a.column - b.column);
        let at = 1;
        const findings = rawFindings
          .map(([step, column, chartId, pointer, ruleId]) => {
            at += step;
            return finding({ line: at, column }, { ruleId, pointer, ...(chartId !== undefined ? { chartId } : {}) });
          })
          .sort((a, b) => a.line - b.line || a.column - b.column);
        for (const file of ['a.ndjson', 'b.yaml']) {
          expect(flaggedCount(file, charts, findings, true)).toBe(flaggedCount(file, charts, findings, false));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('chart ids repeated across the run', () => {
  test('keys met more than once, listed or made from chart entries, are the candidates; a chart without an id has none', () => {
    const keys = (ids: (string | undefined)[]): Float64Array => Float64Array.from(ids, (id) => (id === undefined ? NO_ID : idKey(id)));
    expect(repeatedKeys([keys(['a', undefined, 'b']), keys([undefined, 'c', 'a'])])).toEqual(new Set([idKey('a')]));
    expect(repeatedKeys([keys(['a', 'a', 'a']), keys([])])).toEqual(new Set([idKey('a')]));
    expect(repeatedKeys([keys(['a', 'b']), [{ chartId: 'b' }, {}, { chartId: 'c' }]])).toEqual(new Set([idKey('b')]));
    expect(idKey('P-0001')).not.toBe(idKey('P-0002'));
  });

  test('found from spooled and in-memory files alike, in the order of the run, as by comparing every id', async () => {
    const file = fc.tuple(fc.boolean(), fc.array(fc.option(fc.constantFrom('A', 'B', 'C', 'Zoë'), { nil: undefined }), { maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 5 }), async (files) => {
        const spools: ChartSpool[] = [];
        try {
          const plain = files.map(([, ids], k) => ({
            file: `f${k}.ndjson`,
            findings: [],
            charts: ids.map((chartId, i): ChartEntry => ({
              ...(chartId !== undefined ? { chartId } : {}),
              line: i + 1,
              column: 1,
              pointer: '',
            })),
          }));
          const mixed: FileResult[] = [];
          for (const [k, [spool]] of files.entries()) {
            const r: FileResult = { ...plain[k]!, findings: [], charts: spool ? [] : plain[k]!.charts };
            if (spool) {
              const s = await spooled(plain[k]!.charts);
              spools.push(s);
              attachChartSpool(r.charts, s);
            }
            mixed.push(r);
          }
          const expected = naiveDuplicates(plain);
          expect(described(duplicateChartIds(plain)).sort()).toEqual([...expected].sort());
          expect(described(duplicateChartIds(mixed)).sort()).toEqual([...expected].sort());
        } finally {
          for (const s of spools) s.dispose();
        }
      }),
      { numRuns: 60 },
    );
  });
});
