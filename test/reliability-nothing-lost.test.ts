/**
 * Nothing lost: a generated folder of a few hundred charts in every container (one chart a file,
 * YAML streams, a JSON array, NDJSON) with broken ones mixed in. The summary counts every chart
 * given, linted or refused, and every good chart has exactly the findings it has on its own.
 */
import type { Report } from '../src/report/types.js';
import { cliJson } from './helpers/cli.js';
import { chart, scratch, type Scratch } from './helpers/scratch.js';

type Variant = 'blood-loss' | 'pernicious';

/** Two kinds of good chart: one the recommended ruleset flags, one it should pass. */
function goodChart(id: string, variant: Variant): Record<string, unknown> {
  if (variant === 'blood-loss') return chart(id);
  return chart(id, {
    encounters: [
      {
        id: 'E1',
        date: '2026-10-02',
        diagnoses: [{ code: 'D51.0' }],
        services: [
          { code: 'J3420', units: 1, diagnoses: ['D51.0'] },
          { code: '96372', diagnoses: [1] },
        ],
        notes: [{ section: 'assessment', text: 'Pernicious anemia, stable on monthly B12 injections.' }],
      },
    ],
    labs: [{ loinc: '2132-9', test: 'Vitamin B12', value: 142, unit: 'pg/mL', date: '2026-09-28' }],
  });
}

/** What a chart's findings say, without where: the same chart sits at other lines in other containers. */
function said(report: Report, chartId: string): string[] {
  return report.results
    .flatMap((r) => r.findings)
    .filter((f) => f.chartId === chartId)
    .map((f) => `${f.ruleId}: ${f.message}`)
    .sort();
}

let s: Scratch;
afterAll(() => s?.remove());

test('a few hundred charts with broken ones mixed in: charts counted = charts given, every good chart fully linted', () => {
  s = scratch();
  const good = new Map<string, Variant>();
  const next = (i: number): [string, Variant] => {
    const id = `C-${String(good.size).padStart(4, '0')}`;
    const variant: Variant = i % 3 === 0 ? 'pernicious' : 'blood-loss';
    good.set(id, variant);
    return [id, variant];
  };
  let given = 0;
  const add = (charts: number): void => {
    given += charts;
  };

  for (let i = 0; i < 150; i++) {
    // one chart a file
    const [id, v] = next(i);
    s.write(`single-${i}.json`, JSON.stringify(goodChart(id, v), null, 2));
    add(1);
  }
  for (let i = 0; i < 50; i++) {
    // YAML streams of two documents
    const docs = [next(i), next(i + 1)].map(([id, v]) => JSON.stringify(goodChart(id, v)));
    s.write(`stream-${i}.yaml`, `---\n${docs.join('\n---\n')}\n`);
    add(2);
  }
  for (let i = 0; i < 10; i++) {
    // YAML streams with a broken document between two good ones: the good ones are linted
    const [a, b] = [next(i), next(i + 1)].map(([id, v]) => JSON.stringify(goodChart(id, v)));
    s.write(
      `gapped-stream-${i}.yaml`,
      `${a}\n---\nchartId: YS-${i}\nencounters:\n  - id: E1\n    date: 2026-10-02\n   bad: indent\n---\n${b}\n`,
    );
    add(3);
  }
  s.write(
    'array.json',
    JSON.stringify(
      Array.from({ length: 40 }, (_, i) => goodChart(...next(i))),
      null,
      1,
    ),
  ); // a JSON array
  add(40);
  const lines = Array.from({ length: 60 }, (_, i) =>
    i % 12 === 5 ? '{"chartId": "BROKEN-LINE", "encounters": [' : JSON.stringify(goodChart(...next(i))),
  );
  s.write('batch.ndjson', `${lines.join('\n')}\n`); // NDJSON: 5 broken lines, 55 charts
  add(60);

  // Broken charts: each stands for one chart that could not be linted, or was linted with its problems.
  for (let i = 0; i < 10; i++) {
    s.write(`truncated-${i}.json`, JSON.stringify(goodChart(`T-${i}`, 'blood-loss')).slice(0, 40 + i * 7));
    add(1);
  }
  for (let i = 0; i < 5; i++) {
    s.write(`broken-${i}.yaml`, `chartId: Y-${i}\nencounters: [\n  - id: E1\n`);
    add(1);
  }
  for (let i = 0; i < 3; i++) {
    s.write(`empty-${i}.yaml`, '');
    add(1);
  }
  for (let i = 0; i < 2; i++) {
    s.write(
      `binary-${i}.json`,
      Uint8Array.from({ length: 512 }, (_, k) => (k * 37 + i) % 256),
    );
    add(1);
  }
  for (let i = 0; i < 5; i++) {
    s.write(`no-id-${i}.json`, JSON.stringify({ ...goodChart('X', 'blood-loss'), chartId: undefined }));
    add(1);
  }
  s.write('latin1.yaml', Buffer.from('chartId: L-1\nencounters: [{id: E1, date: 2026-10-02, notes: ["M\u00fcller"]}]\n', 'latin1'));
  add(1);
  s.write('scalar.json', '"not a chart"');
  add(1);

  expect(good.size).toBeGreaterThanOrEqual(300);
  const { code, report, stderr } = cliJson(['--no-config-lookup', '.'], { cwd: s.dir });
  expect(stderr).toBe('');
  expect(code).toBe(1);
  expect(report.summary.charts).toBe(given);
  expect(report.summary.files).toBe(150 + 50 + 10 + 1 + 1 + 10 + 5 + 3 + 2 + 5 + 1 + 1);
  for (const r of report.results.filter((x) => x.file.startsWith('gapped-stream-')))
    expect(r.findings.filter((f) => f.ruleId === 'parse-error').map((f) => f.line)).toEqual([7]);
  expect(
    report.results
      .filter(
        (r) => r.file.startsWith('truncated-') || r.file.startsWith('broken-') || r.file.startsWith('binary-') || r.file === 'latin1.yaml',
      )
      .every((r) => r.findings.length === 1 && r.findings[0]!.ruleId === 'parse-error'),
  ).toBe(true);
  expect(report.results.find((r) => r.file === 'batch.ndjson')!.findings.filter((f) => f.ruleId === 'parse-error')).toHaveLength(5);

  // Every good chart says what it says alone.
  const alone = new Map<Variant, string[]>();
  for (const v of ['blood-loss', 'pernicious'] as const) {
    const one = scratch();
    one.write('one.json', JSON.stringify(goodChart('ALONE', v)));
    alone.set(v, said(cliJson(['--no-config-lookup', 'one.json'], { cwd: one.dir }).report, 'ALONE'));
    one.remove();
  }
  expect(alone.get('blood-loss')!.length).toBeGreaterThan(0);
  for (const [id, v] of good) expect({ id, said: said(report, id) }).toEqual({ id, said: alone.get(v) });
});
