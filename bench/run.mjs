/**
 * `npm run bench [-- options]`: generates a deterministic corpus (cached under bench/out/corpus),
 * runs the floor scripts and b12lint side by side (interleaved, after a warm-up, the median of
 * --repeat runs), and prints each case's ratio to its floor, files/s, charts/s and peak RSS as a
 * table, then writes the same as JSON to bench/out/latest.json (and a dated copy) so runs can
 * be compared. Timing lives here, never in a unit test.
 *
 *   --charts N      JSON and YAML charts (default 20000)
 *   --relevant P    percent of the realistic corpus's charts about B12 or anemia (default 5; the
 *                   others are routine visits no rule of the built-in ruleset can match)
 *   --ndjson-mb M   size of the NDJSON file and of the FHIR Bulk export (default 1024)
 *   --repeat R      timed runs per case (default 5; the large streaming cases run max(1, R-2) times)
 *   --only a,b      run only these cases (json, realistic, redact, cache, yaml, cold, note, ndjson, fhir);
 *                   json is the all-relevant corpus, realistic the one with --relevant percent,
 *                   cache the metadata and content reruns on the realistic corpus
 *   --jobs N        the --jobs of the worker case (default: the number of cores)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CORPUS_VERSION, writeFhirBulkCorpus, writeJsonCorpus, writeNdjsonCorpus, writeYamlCorpus } from './lib/corpus.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench', 'out');
const BIN = join(ROOT, 'bin', 'b12lint.js');
const HOOK = pathToFileURL(join(ROOT, 'bench', 'lib', 'rss-hook.mjs')).href;

const { values: args } = parseArgs({
  options: {
    charts: { type: 'string', default: '20000' },
    relevant: { type: 'string', default: '5' },
    'ndjson-mb': { type: 'string', default: '1024' },
    repeat: { type: 'string', default: '5' },
    only: { type: 'string' },
    jobs: { type: 'string', default: String(availableParallelism()) },
  },
});
const CHARTS = Number(args.charts);
const RELEVANT = Number(args.relevant);
const NDJSON_MB = Number(args['ndjson-mb']);
const REPEAT = Math.max(1, Number(args.repeat));
const ONLY = args.only ? new Set(args.only.split(',')) : undefined;
const want = (name) => !ONLY || ONLY.has(name);

/** Generates a corpus once per (kind, size, generator version); later runs reuse it. */
async function corpus(kind, size, write) {
  const dir = join(OUT, 'corpus', `${kind}-${size}-v${CORPUS_VERSION}`);
  const stamp = join(dir, '.done.json');
  if (existsSync(stamp)) return { dir, ...JSON.parse(readFileSync(stamp, 'utf8')) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${kind} corpus (${size}) in ${dir} ...\n`);
  const info = await write(dir);
  writeFileSync(stamp, JSON.stringify(info));
  return { dir, ...info };
}

/** Runs one command to completion: wall time (ms) and peak RSS (MB). Fails loudly on a crash. */
function measure(argv, { okCodes = [0, 1] } = {}) {
  const rssFile = join(OUT, `.rss-${process.pid}`);
  rmSync(rssFile, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', HOOK, ...argv], {
    cwd: ROOT,
    env: { ...process.env, B12_BENCH_RSS: rssFile, CI: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!okCodes.includes(r.status)) throw new Error(`${argv.join(' ')} exited ${r.status}:\n${r.stderr}`);
  const usage = existsSync(rssFile) ? JSON.parse(readFileSync(rssFile, 'utf8')) : { maxRSS: NaN, cpu: NaN };
  return { ms, rss: usage.maxRSS / 1024, cpuMs: usage.cpu / 1000 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Times several commands side by side: one warm-up run of each (the page cache), then `repeat`
 * rounds in which every command runs once, so a burst of load from elsewhere hits all of them.
 */
function sideBySide(commands, repeat = REPEAT) {
  for (const c of commands) {
    c.before?.();
    measure(c.argv);
  }
  const runs = commands.map(() => []);
  for (let i = 0; i < repeat; i++) {
    commands.forEach((c, k) => {
      c.before?.();
      runs[k].push(measure(c.argv));
    });
  }
  return commands.map((c, k) => ({
    name: c.name,
    ms: median(runs[k].map((r) => r.ms)),
    min: Math.min(...runs[k].map((r) => r.ms)),
    rss: Math.max(...runs[k].map((r) => r.rss)),
    cpuMs: median(runs[k].map((r) => r.cpuMs)),
  }));
}

const lint = (input, report, extra = []) => [BIN, input, '--no-config-lookup', '--format', `json:${join(OUT, report)}`, ...extra];
const results = [];
const record = (row) => {
  results.push(row);
  process.stderr.write(
    `  ${row.case}: ${row.ms.toFixed(0)} ms (CPU ${row.cpuMs.toFixed(0)} ms)${row.ratio !== undefined ? `, ${row.ratio.toFixed(2)}x ${row.of}` : ''}, ${row.rss.toFixed(0)} MB\n`,
  );
};
function row(caseName, m, info, extra = {}) {
  return {
    case: caseName,
    ms: m.ms,
    min: m.min,
    cpuMs: m.cpuMs,
    rss: m.rss,
    filesPerS: info.files / (m.ms / 1000),
    chartsPerS: info.charts / (m.ms / 1000),
    ...extra,
  };
}

mkdirSync(OUT, { recursive: true });
const b12lintHelp = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' }).stdout;

if (want('json') || want('redact')) {
  const json = await corpus('json', CHARTS, (d) => writeJsonCorpus(d, CHARTS));
  const commands = [{ name: 'floor', argv: [join(ROOT, 'bench/floor/json.mjs'), json.dir] }];
  commands.push({ name: 'b12lint', argv: lint(json.dir, 'json.json', ['--jobs', args.jobs]) });
  if (want('json')) commands.push({ name: 'one', argv: lint(json.dir, 'json-1.json', ['--jobs', '1']) });
  // --redact against the same run without it: the price of a report that names no patient.
  if (want('redact')) commands.push({ name: 'redact', argv: lint(json.dir, 'json-redact.json', ['--jobs', args.jobs, '--redact']) });
  const m = Object.fromEntries(sideBySide(commands).map((x) => [x.name, x]));
  const info = { files: json.files, charts: json.charts };
  record(row('json floor (list, read, JSON.parse)', m.floor, info, { mb: json.bytes / 1048576 }));
  record(
    row(`json b12lint (--jobs ${args.jobs}, the default)`, m.b12lint, info, { ratio: m.b12lint.ms / m.floor.ms, of: 'floor', target: 1.3 }),
  );
  if (m.one) record(row('json b12lint --jobs 1', m.one, info, { ratio: m.one.ms / m.floor.ms, of: 'floor' }));
  if (m.redact) {
    record(
      row('json b12lint --redact', m.redact, info, {
        ratio: m.redact.ms / m.floor.ms,
        of: 'floor',
        vsPlain: m.redact.ms / m.b12lint.ms,
        rssVsPlain: m.redact.rss / m.b12lint.rss,
        plainTarget: 1.3,
      }),
    );
  }
}

if (want('realistic') || want('cache')) {
  // A night's export as it comes: most visits have nothing to do with B12.
  const share = RELEVANT / 100;
  const json = await corpus(`json-relevant${RELEVANT}`, CHARTS, (d) => writeJsonCorpus(d, CHARTS, 1, share));
  const commands = [{ name: 'floor', argv: [join(ROOT, 'bench/floor/json.mjs'), json.dir] }];
  if (want('realistic')) {
    commands.push({ name: 'b12lint', argv: lint(json.dir, 'realistic.json', ['--jobs', args.jobs]) });
    commands.push({ name: 'one', argv: lint(json.dir, 'realistic-1.json', ['--jobs', '1']) });
  }
  const cacheDir = join(OUT, 'cache');
  const cached = (strategy) =>
    lint(json.dir, 'realistic-cache.json', ['--cache-location', cacheDir, '--cache-strategy', strategy, '--jobs', args.jobs]);
  const fresh = () => rmSync(cacheDir, { recursive: true, force: true });
  if (want('cache')) {
    for (const s of ['content', 'metadata']) {
      commands.push({ name: `${s}-first`, before: fresh, argv: cached(s) });
      commands.push({ name: `${s}-second`, argv: cached(s) });
    }
  }
  const m = Object.fromEntries(sideBySide(commands).map((x) => [x.name, x]));
  const info = { files: json.files, charts: json.charts };
  const label = `realistic (${RELEVANT} % relevant)`;
  record(row(`${label} floor`, m.floor, info, { mb: json.bytes / 1048576, relevant: RELEVANT }));
  if (m.b12lint)
    record(
      row(`${label} b12lint (--jobs ${args.jobs}, the default)`, m.b12lint, info, {
        ratio: m.b12lint.ms / m.floor.ms,
        of: 'floor',
        target: 1.5,
      }),
    );
  if (m.one) record(row(`${label} b12lint --jobs 1`, m.one, info, { ratio: m.one.ms / m.floor.ms, of: 'floor', target: 1.5 }));
  for (const s of want('cache') ? ['content', 'metadata'] : []) {
    const first = m[`${s}-first`];
    const second = m[`${s}-second`];
    record(row(`${label} --cache-strategy ${s}: first run`, first, info, { ratio: first.ms / m.floor.ms, of: 'floor' }));
    record(
      row(`${label} --cache-strategy ${s}: nothing changed`, second, info, {
        ratio: second.ms / m.floor.ms,
        of: 'floor',
        speedup: first.ms / second.ms,
        target: 5,
      }),
    );
  }
}

if (want('yaml')) {
  const yaml = await corpus('yaml', CHARTS, (d) => writeYamlCorpus(d, CHARTS));
  const m = Object.fromEntries(
    sideBySide([
      { name: 'floor', argv: [join(ROOT, 'bench/floor/yaml.mjs'), yaml.dir] },
      { name: 'b12lint', argv: lint(yaml.dir, 'yaml.json', ['--jobs', args.jobs]) },
      { name: 'one', argv: lint(yaml.dir, 'yaml-1.json', ['--jobs', '1']) },
    ]).map((x) => [x.name, x]),
  );
  const info = { files: yaml.files, charts: yaml.charts };
  record(row('yaml floor (list, read, yaml parse)', m.floor, info, { mb: yaml.bytes / 1048576 }));
  record(
    row(`yaml b12lint (--jobs ${args.jobs}, the default)`, m.b12lint, info, { ratio: m.b12lint.ms / m.floor.ms, of: 'floor', target: 1.3 }),
  );
  record(row('yaml b12lint --jobs 1', m.one, info, { ratio: m.one.ms / m.floor.ms, of: 'floor' }));
}

if (want('cold')) {
  const one = join(ROOT, 'fixtures', 'charts', 'p-0001.yaml');
  const m = Object.fromEntries(
    sideBySide(
      [
        { name: 'node', argv: ['-e', '0'] },
        { name: 'b12lint', argv: [BIN, one, '--no-config-lookup'] },
      ],
      Math.max(REPEAT, 10),
    ).map((x) => [x.name, x]),
  );
  record(row('cold start: node -e 0', m.node, { files: 0, charts: 0 }));
  record(row('cold start: b12lint one.yaml', m.b12lint, { files: 1, charts: 1 }, { seconds: m.b12lint.ms / 1000, target: 0.3 }));
}

if (want('note')) {
  // One chart whose note is 1 MB written as a single sentence, full of cues and mentions: note
  // matching is linear in the note's length, so this stays well under a second.
  const dir = join(OUT, 'corpus', 'note-1mb-v1');
  const file = join(dir, 'note.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const unit = 'denies melena or bleeding, history of gi bleed, mother had pernicious anemia, rule out b12 deficiency, ';
    const text = unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20);
    const chart = {
      chartId: 'NOTE-1MB',
      patient: { sex: 'female', birthDate: '1960-01-01' },
      encounters: [
        {
          id: 'E1',
          date: '2026-10-01',
          diagnoses: [{ code: 'D62' }, { code: 'D51.0' }],
          services: [{ code: 'J3420', diagnoses: [1, 2] }],
          notes: [{ section: 'assessment', text }],
        },
      ],
    };
    writeFileSync(file, JSON.stringify(chart));
  }
  const m = Object.fromEntries(
    sideBySide([
      { name: 'node', argv: ['-e', '0'] },
      { name: 'b12lint', argv: lint(file, 'note.json') },
    ]).map((x) => [x.name, x]),
  );
  record(row('one chart, a 1 MB note in one sentence', m.b12lint, { files: 1, charts: 1 }, { seconds: m.b12lint.ms / 1000, target: 1 }));
}

/** The two rows of a streamed case: its floor, and b12lint against it with MB/s and the RSS target. */
function recordStreamed(floorCase, lintCase, m, info, bytes) {
  record(row(floorCase, m.floor, info, { mb: bytes / 1048576 }));
  record(
    row(lintCase, m.b12lint, info, {
      ratio: m.b12lint.ms / m.floor.ms,
      of: 'floor',
      mbPerS: bytes / 1048576 / (m.b12lint.ms / 1000),
      rssTarget: 300,
    }),
  );
}

const bigRepeat = Math.max(1, REPEAT - 2);
if (want('ndjson')) {
  const nd = await corpus('ndjson', `${NDJSON_MB}mb`, async (d) => writeNdjsonCorpus(join(d, 'charts.ndjson'), NDJSON_MB));
  const file = join(nd.dir, 'charts.ndjson');
  const m = Object.fromEntries(
    sideBySide(
      [
        { name: 'floor', argv: [join(ROOT, 'bench/floor/ndjson.mjs'), file] },
        { name: 'b12lint', argv: lint(file, 'ndjson.json') },
      ],
      bigRepeat,
    ).map((x) => [x.name, x]),
  );
  const info = { files: 1, charts: nd.charts };
  recordStreamed('ndjson floor (stream, JSON.parse a line)', 'ndjson b12lint (streamed)', m, info, nd.bytes);
}

if (want('fhir')) {
  const fhir = await corpus('fhir-bulk', `${NDJSON_MB}mb`, (d) => writeFhirBulkCorpus(d, NDJSON_MB));
  if (!b12lintHelp.includes('--input-format')) {
    results.push({
      case: 'fhir bulk b12lint',
      pending: 'the FHIR adapter is not on this branch yet (no --input-format)',
      mb: fhir.bytes / 1048576,
      charts: fhir.charts,
    });
    process.stderr.write('  fhir bulk: pending (no FHIR adapter in this build)\n');
  } else {
    const m = Object.fromEntries(
      sideBySide(
        [
          { name: 'floor', argv: [join(ROOT, 'bench/floor/ndjson.mjs'), fhir.dir] },
          { name: 'b12lint', argv: lint(fhir.dir, 'fhir.json') },
        ],
        bigRepeat,
      ).map((x) => [x.name, x]),
    );
    const info = { files: fhir.files, charts: fhir.charts };
    recordStreamed('fhir bulk floor (stream, JSON.parse a line)', 'fhir bulk b12lint', m, info, fhir.bytes);
  }
}

const machine = {
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? '',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  platform: process.platform,
};
const head = ['case', 'median s', 'vs floor', 'CPU s', 'files/s', 'charts/s', 'peak RSS MB', 'target'];
const fmt = (n, d = 0) =>
  n === undefined || Number.isNaN(n) ? '' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const target = (r) => {
  if (r.pending) return `pending: ${r.pending}`;
  if (r.plainTarget !== undefined)
    return `${r.vsPlain.toFixed(2)}x the time and ${r.rssVsPlain.toFixed(2)}x the memory of the run without --redact (target <= ${r.plainTarget}x)`;
  if (r.speedup !== undefined) return `${r.speedup.toFixed(1)}x faster than the first run (target >= ${r.target}x)`;
  if (r.seconds !== undefined) return `target < ${r.target} s`;
  if (r.rssTarget !== undefined) return `${fmt(r.mbPerS, 1)} MB/s; RSS target < ${r.rssTarget} MB`;
  if (r.target !== undefined) return `target <= ${r.target}x the floor`;
  return r.mb !== undefined ? `${fmt(r.mb, 1)} MB of input` : '';
};
const rows = results.map((r) => [
  r.case,
  r.pending ? '' : fmt(r.ms / 1000, 2),
  r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '',
  r.pending ? '' : fmt(r.cpuMs / 1000, 2),
  r.pending ? '' : fmt(r.filesPerS),
  r.pending ? '' : fmt(r.chartsPerS),
  r.pending ? '' : fmt(r.rss),
  target(r),
]);
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
process.stdout.write(
  `\nb12lint bench: ${CHARTS} JSON/YAML charts (realistic corpus: ${RELEVANT} % relevant), ${NDJSON_MB} MB NDJSON/FHIR; median of ${REPEAT} (${bigRepeat} for the streamed cases); ${machine.cpus} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}\n\n`,
);
process.stdout.write(`${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
const doc = {
  date: new Date().toISOString(),
  machine,
  options: { charts: CHARTS, relevantPercent: RELEVANT, ndjsonMb: NDJSON_MB, repeat: REPEAT, jobs: Number(args.jobs) },
  results,
};
writeFileSync(join(OUT, 'latest.json'), `${JSON.stringify(doc, null, 2)}\n`);
writeFileSync(join(OUT, `bench-${doc.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`\nJSON: ${join('bench', 'out', 'latest.json')}\n`);
