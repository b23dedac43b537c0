/**
 * Makes the CLI's code cache (dist/bundle/main.cache), run by `npm run build` after the bundle:
 * the CLI is loaded without a cache and lints the example charts once, in one thread, with the
 * stylish and JSON reports, so that the functions a run uses are compiled; then V8 writes the
 * bytecode of everything compiled so far (`script.createCachedData()`), after the SHA-1 of the
 * bundle and of that data. bin/load.js gives it to V8 at every start, for that bundle only; V8
 * refuses a cache that does not fit this Node.js or its flags.
 *
 * The training run is a child process (`--train`), so that its report goes nowhere, with no
 * NODE_OPTIONS (V8 flags given there at build time would make the cache unfit for a plain run),
 * and at most two minutes. If it fails, the build says so and goes on without a cache: a run is
 * then only slower to start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_CACHE, cacheFile, loadCli } from '../bin/load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[2] === '--train') {
  const out = mkdtempSync(join(tmpdir(), 'b12lint-code-cache-'));
  try {
    const { cli, script, bytes } = loadCli({ cache: false });
    const argv = [
      process.argv[0],
      'b12lint',
      'fixtures/charts',
      '--no-config-lookup',
      '--jobs',
      '1',
      '-f',
      'stylish',
      '-f',
      `json:${join(out, 'report.json')}`,
    ];
    const code = await cli.main(argv);
    if (code !== 0 && code !== 1) throw new Error(`the training run exited with ${code}`);
    writeFileSync(CODE_CACHE, cacheFile(bytes, script.createCachedData()));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
} else {
  rmSync(CODE_CACHE, { force: true });
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--train'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) {
    const why = r.error?.message ?? (r.signal ? `stopped by ${r.signal}` : r.stderr.trim() || `exit ${r.status}`);
    process.stderr.write(`code-cache: no code cache made (a run only starts slower): ${why}\n`);
  }
}
