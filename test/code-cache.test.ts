/**
 * The CLI's code cache (bin/load.js, scripts/code-cache.mjs): the build makes one that V8 takes,
 * a cache is used only for the very bundle it was made from, and a run whose cache V8 refuses
 * (other V8 flags) gives the same report and exit code. The cache makes a run start faster; how
 * much is measured by `npm run bench` (the cold start case), never here.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cli, ROOT } from './helpers/cli.js';
import { scratch } from './helpers/scratch.js';

/** Whether bin/load.js (of `root`) loaded the bundle with its code cache, in a child process with `flags`. */
function cacheUsed(root: string, flags: readonly string[] = []): string {
  const r = spawnSync(
    process.execPath,
    [
      ...flags,
      '--input-type=module',
      '-e',
      `import { loadCli } from ${JSON.stringify(join(root, 'bin', 'load.js'))}; process.stdout.write(String(loadCli().cacheUsed));`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('the code cache', () => {
  test('the build makes one, for the bundle as built, and V8 takes it', () => {
    const cache = readFileSync(join(ROOT, 'dist', 'bundle', 'main.cache'));
    expect(cache.length).toBeGreaterThan(100_000);
    expect(cacheUsed(ROOT)).toBe('true');
  });

  test('a cache made for other bytes of the bundle is not used', () => {
    const tmp = scratch();
    try {
      mkdirSync(join(tmp.dir, 'bin'));
      mkdirSync(join(tmp.dir, 'dist', 'bundle'), { recursive: true });
      copyFileSync(join(ROOT, 'bin', 'load.js'), join(tmp.dir, 'bin', 'load.js'));
      writeFileSync(join(tmp.dir, 'package.json'), '{ "type": "module" }\n');
      copyFileSync(join(ROOT, 'dist', 'bundle', 'main.cache'), join(tmp.dir, 'dist', 'bundle', 'main.cache'));
      const bundle = readFileSync(join(ROOT, 'dist', 'bundle', 'main.cjs'), 'utf8');
      // The same length, one character changed: V8's own check (the length) would take the cache.
      writeFileSync(join(tmp.dir, 'dist', 'bundle', 'main.cjs'), bundle.replace('internal error', 'internal errox'));
      expect(cacheUsed(tmp.dir)).toBe('false');
      // The untouched bundle beside the same cache: used.
      writeFileSync(join(tmp.dir, 'dist', 'bundle', 'main.cjs'), bundle);
      expect(cacheUsed(tmp.dir)).toBe('true');
    } finally {
      tmp.remove();
    }
  });

  test('refused by V8 (other flags), the run is the same: same report, same exit code', () => {
    expect(cacheUsed(ROOT, ['--no-opt'])).toBe('false');
    const args = ['fixtures/charts', '--no-config-lookup', '-f', 'json'];
    const plain = cli(args);
    const refused = spawnSync(process.execPath, ['--no-opt', BIN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(plain.code).toBe(1);
    expect(refused.status).toBe(plain.code);
    expect(refused.stdout).toBe(plain.stdout);
    expect(refused.stderr).toBe(plain.stderr);
  });
});
