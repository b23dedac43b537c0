/**
 * A large FHIR Bulk Data export in bounded memory: the index of resource places (typed-array
 * columns), lines read back by place (read ahead when in file order), and findings spooled and
 * merged back into report order. Checked for behaviour, never for memory or speed (that is
 * `npm run bench`): patients spread over files and out of order get the same findings at the same
 * resources; a spooled export's reports are byte-identical to the in-memory ones; no temporary
 * file is left behind.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineReader } from '../src/chart/fhir/bulk-read.js';
import { Column } from '../src/chart/fhir/bulk-rows.js';
import type { Finding } from '../src/finding.js';
import type { Report } from '../src/report/types.js';
import { BulkFindings } from '../src/run/bulk-findings.js';
import { compareFindings, type FileOutcome } from '../src/run/lint-file.js';
import { spoolFolder } from '../src/core/temp.js';
import { spoolOf } from '../src/run/spool.js';
import { scratches } from './helpers/scratch.js';
import { cli, ROOT } from './helpers/cli.js';

const BULK = resolve(ROOT, 'fixtures/fhir/bulk');
/** Spools every Bulk export's findings, however small. */
const SPOOL = { B12LINT_STREAM_THRESHOLD: '0' };

/** A deterministic pseudo-random sequence in [0, 1). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function shuffled<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The fixture export's lines by resource type, its two patients cloned `copies` times (ids suffixed). */
function clonedLines(copies: number): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const name of readdirSync(BULK).sort()) {
    const type = name.split('.')[0]!;
    const lines = readFileSync(join(BULK, name), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const list = byType.get(type) ?? [];
    for (let k = 0; k < copies; k++) {
      // The shared Medication keeps its id: every clone points at the same one.
      for (const l of lines)
        list.push(type === 'Medication' && k > 0 ? '' : l.replace(/\b(P|C|CN|DR|enc|EOB|MA|OB)-(\d{4})\b/g, `$1-$2-${k}`));
    }
    byType.set(
      type,
      list.filter((l) => l !== ''),
    );
  }
  return byType;
}

/** Writes an export: each type's lines in `parts` files (dealt out in the order given). */
function writeExport(dir: string, byType: Map<string, string[]>, parts: number, extra: Record<string, string> = {}): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [type, lines] of byType) {
    const n = Math.min(parts, lines.length);
    for (let p = 0; p < n; p++) {
      const mine = lines.filter((_, i) => i % n === p);
      writeFileSync(join(dir, `${type}.${String(p).padStart(3, '0')}.ndjson`), `${mine.join('\n')}\n`);
    }
  }
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
}

/** `Type/id` of the resource on a line of a file (or the line itself when it is not one). */
function resourceAt(file: string, line: number, cache: Map<string, string[]>): string {
  let lines = cache.get(file);
  if (!lines) {
    lines = readFileSync(resolve(ROOT, file), 'utf8').split('\n');
    cache.set(file, lines);
  }
  const text = lines[line - 1]!;
  try {
    const r = JSON.parse(text) as { resourceType?: string; id?: string };
    return `${r.resourceType}/${r.id}`;
  } catch {
    return text;
  }
}

/** Each finding of the files kept, with its file and line replaced by the resource standing there (evidence and query indicators too), sorted. */
function byResource(report: Report, keep: (file: string) => boolean = () => true): string[] {
  const cache = new Map<string, string[]>();
  return report.results
    .filter((r) => keep(r.file))
    .flatMap((r) =>
      r.findings.map((f) => {
        const { line, ...rest } = f;
        const evidence = f.evidence.map(({ line: l, file, ...e }) => ({ ...e, at: resourceAt(file ?? r.file, l!, cache) }));
        const query = f.query && {
          ...f.query,
          indicators: f.query.indicators.map(({ line: l, file, ...i }) => ({ ...i, at: resourceAt(file ?? r.file, l!, cache) })),
        };
        return JSON.stringify({ ...rest, at: resourceAt(r.file, line, cache), evidence, ...(query ? { query } : {}) });
      }),
    )
    .sort();
}

const scratch = scratches('b12lint-bulk-');

/** A new folder in the system temp folder, removed after this file's tests. */
function tmp(): string {
  return scratch().dir;
}

/** The spool files this process has now (src/core/temp.ts keeps them in a folder of the process's own). */
function spoolFiles(): string[] {
  return readdirSync(spoolFolder());
}

describe('an export whose patients are spread over files and out of order', () => {
  const dir = tmp();
  const ordered = join(dir, 'ordered');
  const scrambled = join(dir, 'scrambled');
  const map = join(dir, 'map.yaml');
  const lines = clonedLines(40);
  const random = prng(7);
  const broken = '{"resourceType":"Observation","id":\n["not a resource"]\n';
  writeExport(ordered, lines, 1);
  writeExport(scrambled, new Map([...lines].map(([t, ls]) => [t, shuffled(ls, random)])), 3, { 'Observation.009.ndjson': broken });
  // A concept map that puts evidence in another file than its finding.
  writeFileSync(map, 'snomed:\n  "84027009": { icd10: D62 }\n');
  const args = (input: string, ...more: string[]): string[] => ['--no-config-lookup', '--concept-map', map, input, ...more];

  test('gives the same findings, at the same resources and columns, as the export written in order', () => {
    const a = JSON.parse(cli(args(ordered, '-f', 'json')).stdout) as Report;
    const b = JSON.parse(cli(args(scrambled, '-f', 'json')).stdout) as Report;
    expect(a.summary.charts).toBe(80);
    // The scrambled export's two unreadable lines are two more charts that were not linted.
    expect(b.summary).toMatchObject({ charts: a.summary.charts + 2, encounters: a.summary.encounters });
    const broken = b.results.find((r) => r.file.endsWith('Observation.009.ndjson'))!.findings;
    expect(broken.map((f) => [f.ruleId, f.line])).toEqual([
      ['parse-error', 1],
      ['chart-format', 2],
    ]);
    expect(byResource(a).length).toBeGreaterThan(100);
    expect(byResource(b, (file) => !file.endsWith('Observation.009.ndjson'))).toEqual(byResource(a));
    // Evidence in another file than its finding names that file.
    expect(b.results.some((r) => r.findings.some((f) => f.evidence.some((e) => e.file !== undefined && e.file !== r.file)))).toBe(true);
    for (const r of b.results) expect([...r.findings].sort(compareFindings)).toEqual(r.findings);
  });

  test('spooled findings give byte-identical reports (json, stylish, sarif), summary line and exit code', () => {
    const out = tmp();
    for (const format of ['json', 'stylish', 'sarif']) {
      const env = { SOURCE_DATE_EPOCH: '1800000000' };
      const whole = cli(args(scrambled, '-f', format), { env });
      const spooled = cli(args(scrambled, '-f', format), { env: { ...env, ...SPOOL } });
      expect(spooled.code).toBe(1);
      expect(spooled.code).toBe(whole.code);
      expect(spooled.stderr).toBe(whole.stderr);
      expect(spooled.stdout).toBe(whole.stdout);
    }
    const whole = cli(args(scrambled, '-f', `json:${join(out, 'w.json')}`, '-f', `stylish:${join(out, 'w.txt')}`, '--quiet'));
    const spooled = cli(args(scrambled, '-f', `json:${join(out, 's.json')}`, '-f', `stylish:${join(out, 's.txt')}`, '--quiet'), {
      env: SPOOL,
    });
    expect(spooled.stdout).toMatch(/^✖ .+ charts; \d+ warnings hidden by --quiet\n$/);
    expect(spooled.stdout).toBe(whole.stdout);
    expect(readFileSync(join(out, 's.json'), 'utf8')).toBe(readFileSync(join(out, 'w.json'), 'utf8'));
    expect(readFileSync(join(out, 's.txt'), 'utf8')).toBe(readFileSync(join(out, 'w.txt'), 'utf8'));
  });

  test('convert reports the same findings when they are spooled', () => {
    const whole = cli(['convert', '--concept-map', map, scrambled]);
    const spooled = cli(['convert', '--concept-map', map, scrambled], { env: SPOOL });
    expect(whole.stderr).toContain('parse-error');
    expect(spooled.stderr).toBe(whole.stderr);
    expect(spooled.stdout).toBe(whole.stdout);
    expect(spooled.code).toBe(whole.code);
  });

  test('the temporary files are removed when the run ends', () => {
    // A temporary folder of the run's own, so that other b12lint runs on the machine cannot mix in.
    const spools = scratch().dir;
    expect(cli(args(scrambled, '-f', 'json'), { env: { ...SPOOL, TMPDIR: spools } }).code).toBe(1);
    expect(readdirSync(spools)).toEqual([]);
  });
});

describe('BulkFindings', () => {
  /** Findings that tie on place, rule and message, told apart by their chart id (the order they came in). */
  function findings(n: number, random: () => number): Finding[] {
    return Array.from({ length: n }, (_, i): Finding => ({
      ruleId: random() < 0.5 ? 'a' : 'b',
      severity: random() < 0.3 ? 'warning' : 'error',
      message: 'm',
      chartId: `#${i}`,
      line: 1 + Math.floor(random() * 40),
      column: 1 + Math.floor(random() * 3),
      pointer: '',
      fingerprint: '',
      evidence: [],
    }));
  }

  const outcome = (file: string): FileOutcome => ({ file, findings: [], charts: 0, encounters: 0, chartRefs: [] });

  /** Adds the findings (file k % 2), a few at a time like patients, then finishes. */
  async function sortAll(all: readonly Finding[], spooled: boolean): Promise<FileOutcome[]> {
    const outcomes = [outcome('a.ndjson'), outcome('b.ndjson')];
    const found = new BulkFindings(outcomes, spooled, 5);
    for (const [k, f] of all.entries()) {
      found.add(k % 2, f);
      if (k % 3 === 2) await found.spill();
    }
    await found.finish();
    return outcomes;
  }

  async function spooled(o: FileOutcome): Promise<Finding[]> {
    const out: Finding[] = [];
    for await (const f of spoolOf(o.findings)!.read()) out.push(f);
    return out;
  }

  test('many runs out of order merge into the order of a stable sort, ties in the order they came', async () => {
    const all = findings(400, prng(11));
    const memory = await sortAll(all, false);
    for (const [k, o] of memory.entries()) expect(o.findings).toEqual(all.filter((_, i) => i % 2 === k).sort(compareFindings));
    const disk = await sortAll(all, true);
    for (const [k, o] of disk.entries()) {
      expect(o.findings).toEqual([]);
      expect(await spooled(o)).toEqual(memory[k]!.findings);
      expect(spoolOf(o.findings)!.count).toBe(200);
    }
    // The runs are gone; only each file's merged spool is left, until it is disposed.
    expect(spoolFiles()).toHaveLength(2);
    for (const o of disk) spoolOf(o.findings)!.dispose();
    expect(spoolFiles()).toEqual([]);
  });

  test('findings that come in order stay in order, one spool a file with findings; a file without findings has none', async () => {
    const all = findings(60, prng(3)).sort(compareFindings);
    const outcomes = [outcome('a.ndjson'), outcome('b.ndjson'), outcome('c.ndjson')];
    const found = new BulkFindings(outcomes, true, 5);
    for (const [k, f] of all.entries()) {
      found.add(k % 2, f);
      await found.spill();
    }
    await found.finish();
    expect(spoolFiles()).toHaveLength(2);
    expect(await spooled(outcomes[0]!)).toEqual(all.filter((_, i) => i % 2 === 0));
    expect(spoolOf(outcomes[2]!.findings)).toBeUndefined();
    for (const o of outcomes.slice(0, 2)) spoolOf(o.findings)!.dispose();
  });
});

describe('the index and its reads', () => {
  test('a column keeps its values across chunks, byte offsets past 2^31 exactly', () => {
    const offsets = new Column(Float64Array);
    const next = new Column(Int32Array);
    const rows = [0, 65_535, 65_536, 200_000];
    for (const r of rows) {
      offsets.set(r, 2 ** 40 + r);
      next.set(r, -1 - r);
    }
    for (const r of rows) {
      expect(offsets.get(r)).toBe(2 ** 40 + r);
      expect(next.get(r)).toBe(-1 - r);
    }
  });

  test('lines read back by place are exact, in order or not, long or short; a file cut short is an error', () => {
    const dir = tmp();
    const path = join(dir, 'x.ndjson');
    const lines = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"t":"${'é'.repeat(i % 500 === 0 ? 300_000 : i % 50)}"}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const places: [number, number][] = [];
    let offset = 0;
    for (const l of lines) {
      const length = Buffer.byteLength(l);
      places.push([offset, length]);
      offset += length + 1;
    }
    const reader = new LineReader([path]);
    const order = [...places.keys(), ...shuffled([...places.keys()], prng(5)).slice(0, 500)];
    for (const i of order) expect(reader.read(0, places[i]![0], places[i]![1])).toBe(lines[i]);
    writeFileSync(path, lines[0]!);
    const fresh = new LineReader([path]);
    expect(() => fresh.read(0, places[1]![0], places[1]![1])).toThrow(/changed while it was linted/);
    reader.close();
    fresh.close();
  });
});
