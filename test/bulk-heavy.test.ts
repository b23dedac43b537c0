/**
 * A Bulk Data export's patient whose resources are over the inline limit has its chart linted by
 * a worker thread, the thread that handles Ctrl-C only waiting (src/run/workers.ts `chartWorker`):
 * the report is the one this thread gives, in every format, and a signal ends the run while the
 * worker reads tens of megabytes of notes, with nothing left behind.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, hasFileOpenUnder, ROOT, seenAtWork, spawnCli, statsCounts } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';

const folder = scratches('b12lint-bulk-heavy-');

const THIS_THREAD = { B12LINT_INLINE_LIMIT: '1000000000', SOURCE_DATE_EPOCH: '0' };
const WORKER = { B12LINT_INLINE_LIMIT: '0', SOURCE_DATE_EPOCH: '0' };

test.each([
  ['json', []],
  ['sarif', []],
  ['stylish', []],
  ['junit', []],
  ['csv', []],
  ['json', ['--redact']],
])('charts linted by a worker thread give the report this thread gives (%s %j), every chart and finding kept', (format, extra) => {
  for (const dir of ['fixtures/fhir/bulk', 'fixtures/fhir/medicare']) {
    const args = ['--no-config-lookup', '--format', format, ...extra, dir];
    const here = cli(args, { env: THIS_THREAD });
    const there = cli(args, { env: WORKER });
    expect([dir, there.code, there.stderr, there.stdout]).toEqual([dir, here.code, here.stderr, here.stdout]);
    expect(here.code).toBe(1);
    if (format === 'json' && dir === 'fixtures/fhir/bulk') {
      const report = JSON.parse(there.stdout) as { summary: { charts: number }; results: { findings: { ruleId: string }[] }[] };
      const rules = new Set(report.results.flatMap((r) => r.findings.map((f) => f.ruleId)));
      // The rules fire from the worker's charts, and every patient is a chart.
      expect([...rules].sort()).toEqual(['b12-injection-blood-loss-dx', 'blood-loss-contradicted-by-notes']);
      expect(report.summary.charts).toBe(2);
    }
  }
});

/** The test export, with one patient whose note is `bytes` of a review of systems. */
function heavyExport(dir: string, bytes: number): void {
  cpSync(join(ROOT, 'fixtures/fhir/bulk'), dir, { recursive: true });
  const row = 'Denies nausea, vomiting, possible melena, no hematochezia; Melena no. ';
  const text = row.repeat(Math.ceil(bytes / row.length));
  const patient = { resourceType: 'Patient', id: 'heavy', gender: 'female', birthDate: '1950-01-01' };
  const encounter = {
    resourceType: 'Encounter',
    id: 'heavy-e1',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { reference: 'Patient/heavy' },
    period: { start: '2026-10-01' },
  };
  const condition = {
    resourceType: 'Condition',
    id: 'heavy-c1',
    subject: { reference: 'Patient/heavy' },
    encounter: { reference: 'Encounter/heavy-e1' },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'D62' }] },
  };
  const note = {
    resourceType: 'DocumentReference',
    id: 'heavy-d1',
    status: 'current',
    subject: { reference: 'Patient/heavy' },
    context: { encounter: [{ reference: 'Encounter/heavy-e1' }] },
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text).toString('base64') } }],
  };
  const add = (name: string, resource: object): void => {
    const path = join(dir, name);
    writeFileSync(path, `${readFileSync(path, 'utf8').trimEnd()}\n${JSON.stringify(resource)}\n`);
  };
  add('Patient.000.ndjson', patient);
  add('Encounter.000.ndjson', encounter);
  add('Condition.000.ndjson', condition);
  add('DocumentReference.000.ndjson', note);
}

/** The threads of a process (Linux). */
function threads(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}

test.each(['SIGINT', 'SIGTERM'] as const)(
  "%s while a worker thread lints a patient's 24 MB of notes: exit 130 or 143, one line, no report",
  async (signal) => {
    const s = folder();
    const exportDir = join(s.dir, 'export');
    heavyExport(exportDir, 24 * 1024 * 1024);
    // The same run, not stopped, starts its worker for that patient: the thread it waits on.
    const { child, stderr, exited } = spawnCli(['--no-config-lookup', '-f', 'json', '-o', 'report.json', 'export'], s.dir);
    // Seen at work once a thread more than when it began to read the export runs: the worker,
    // started for the patient (the others are linted in this thread).
    let base = 0;
    const started = await seenAtWork(child, () => {
      if (base === 0) base = hasFileOpenUnder(child.pid!, exportDir) ? threads(child.pid!) : 0;
      return base > 0 && threads(child.pid!) > base;
    });
    if (!started) throw new Error(`the worker was never seen at work (not Linux, or the run ended first):\n${stderr()}`);
    child.kill(signal);
    const code = await exited;
    expect([code, stderr()]).toEqual([signal === 'SIGINT' ? 130 : 143, `b12lint: interrupted by ${signal}; no report was written\n`]);
    expect(readdirSync(s.dir)).toEqual(['export']);
  },
);

test('--stats counts the rules a worker thread ran on the charts it linted, and says a second thread ran', () => {
  const args = ['--no-config-lookup', '--stats', 'fixtures/fhir/bulk'];
  const here = cli(args, { env: THIS_THREAD });
  const there = cli(args, { env: WORKER });
  expect(statsCounts(here.stderr).length).toBeGreaterThan(10);
  expect(statsCounts(there.stderr)).toEqual(statsCounts(here.stderr));
  expect(statsCounts(there.stderr)).toContain('blood-loss-contradicted-by-notes 1 1');
  // The export's ten files count as the run's files.
  expect(here.stderr).toContain('10 files (0 from the cache), 2 charts, linted in one thread');
  expect(there.stderr).toContain('10 files (0 from the cache), 2 charts, linted in 2 threads');
});
