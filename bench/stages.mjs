/**
 * `npm run bench:stages [-- folder] [--passes N]`: where a run's time goes once the files are in
 * memory, in one thread, with no reading, discovery, report or start-up: the stages of linting a
 * file (decoding and JSON.parse, adapting to the chart model, the whole of linting it), each timed
 * over every file of the corpus, pass after pass in the same process. The first pass is what a run
 * pays (the code not yet optimized by V8); the later ones are the same work warm: their difference
 * is the warm-up. The folder defaults to the realistic corpus that `npm run bench` generates.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CORPUS_VERSION } from './lib/corpus.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { passes: { type: 'string', default: '4' } },
});
const dir = resolve(positionals[0] ?? join(ROOT, 'bench', 'out', 'corpus', `json-relevant5-20000-v${CORPUS_VERSION}`));
if (!existsSync(dir)) {
  process.stderr.write(
    `No corpus in ${dir}: run \`npm run bench -- --only realistic --repeat 1\` first, or name a folder of JSON charts.\n`,
  );
  process.exit(2);
}

const { setupRuleset } = await import(join(ROOT, 'dist', 'run', 'setup.js'));
const { Engine } = await import(join(ROOT, 'dist', 'rules', 'engine.js'));
const { decode } = await import(join(ROOT, 'dist', 'read', 'decode.js'));
const { adapt } = await import(join(ROOT, 'dist', 'chart', 'adapt.js'));
const { lintRead } = await import(join(ROOT, 'dist', 'run', 'lint-file.js'));

const files = readdirSync(dir, { recursive: true })
  .filter((f) => f.endsWith('.json') && !basename(f).startsWith('.'))
  .map((f) => join(dir, f))
  .sort();
const bytes = files.map((f) => readFileSync(f));
const engine = new Engine(setupRuleset({ ruleset: join(ROOT, 'rulesets', 'recommended.yaml'), version: 'bench' }));
const options = { maxFileSize: 64 * 1024 * 1024, debug: false, queries: true };

const stages = {
  'decode + JSON.parse': () => {
    for (const b of bytes) JSON.parse(decode(b).text);
  },
  'decode + JSON.parse + adapt': () => {
    for (const b of bytes) adapt(JSON.parse(decode(b).text));
  },
  'lint (all of a file)': () => {
    for (let i = 0; i < bytes.length; i++) lintRead({ bytes: bytes[i] }, files[i], files[i], engine, options);
  },
};

process.stdout.write(`${files.length} files of ${dir}, ${args.passes} passes; ms per pass (µs per file)\n\n`);
const names = Object.keys(stages);
process.stdout.write(`${'pass'.padEnd(6)}${names.map((n) => n.padStart(32)).join('')}\n`);
// Linting first: its first pass is the cold one, as in a run (the other stages would warm up the adapter).
const order = [names[2], names[0], names[1]];
for (let pass = 1; pass <= Number(args.passes); pass++) {
  const ms = {};
  for (const name of order) {
    const t0 = performance.now();
    stages[name]();
    ms[name] = performance.now() - t0;
  }
  const cell = (n) => `${ms[n].toFixed(0)} (${((ms[n] * 1000) / files.length).toFixed(1)})`.padStart(32);
  process.stdout.write(`${String(pass).padEnd(6)}${names.map(cell).join('')}\n`);
}
