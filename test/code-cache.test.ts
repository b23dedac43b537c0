/**
 * The CLI's code cache (bin/load.js, scripts/code-cache.mjs): the build makes one that V8 takes,
 * a cache is used only for the very bundle it was made from and only when whole, stack traces
 * name the bundle alike with it or without it, and a run whose cache V8 refuses (other V8 flags)
 * gives the same report and exit code. The cache makes a run start faster; how
 * much is measured by `npm run bench` (the cold start case), never here.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cli, ROOT } from './helpers/cli.js';
import { scratch } from './helpers/scratch.js';

/** Runs `code` after `import { loadCli } from '<root>/bin/load.js'`, in a child process with `flags`; its standard output. */
function withLoader(root: string, code: string, flags: readonly string[] = []): string {
  const r = spawnSync(
    process.execPath,
    [...flags, '--input-type=module', '-e', `import { loadCli } from ${JSON.stringify(join(root, 'bin', 'load.js'))}; ${code}`],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** Whether bin/load.js (of `root`) loaded the bundle with its code cache. */
function cacheUsed(root: string, flags: readonly string[] = []): string {
  return withLoader(root, 'process.stdout.write(String(loadCli().cacheUsed));', flags);
}

/** The first frame of an error thrown inside the bundle (main given no arguments), loaded with or without the cache. */
function firstFrame(root: string, cache: boolean): string {
  return withLoader(
    root,
    `loadCli({ cache: ${cache} }).cli.main(null).catch((e) => process.stdout.write(e.stack.split('\\n')[1].trim()));`,
  );
}

/** Runs `test` on a copy of bin/load.js and dist/bundle/main.{cjs,cache}, which it may change; the copy is removed after. */
function withCopy(test: (tmp: ReturnType<typeof copy>) => void): void {
  const tmp = copy();
  try {
    test(tmp);
  } finally {
    tmp.remove();
  }
}

function copy(): ReturnType<typeof scratch> & { bundle: string; cache: Buffer } {
  const tmp = scratch();
  mkdirSync(join(tmp.dir, 'bin'));
  mkdirSync(join(tmp.dir, 'dist', 'bundle'), { recursive: true });
  copyFileSync(join(ROOT, 'bin', 'load.js'), join(tmp.dir, 'bin', 'load.js'));
  writeFileSync(join(tmp.dir, 'package.json'), '{ "type": "module" }\n');
  const bundle = readFileSync(join(ROOT, 'dist', 'bundle', 'main.cjs'), 'utf8');
  const cache = readFileSync(join(ROOT, 'dist', 'bundle', 'main.cache'));
  writeFileSync(join(tmp.dir, 'dist', 'bundle', 'main.cjs'), bundle);
  writeFileSync(join(tmp.dir, 'dist', 'bundle', 'main.cache'), cache);
  return Object.assign(tmp, { bundle, cache });
}

/** This process's environment without FORCE_COLOR, as cli() runs the CLI. */
function withoutForcedColor(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  return env;
}

describe('the code cache', () => {
  test('the bundle is strict mode code, as the ES modules it was built from', () => {
    // The directive must be the script's first statement; the banner goes before esbuild's own.
    expect(readFileSync(join(ROOT, 'dist', 'bundle', 'main.cjs'), 'utf8')).toMatch(/^'use strict';\n/);
  });

  test('without a built bundle, the command says so and exits 2', () => {
    const tmp = scratch();
    try {
      mkdirSync(join(tmp.dir, 'bin'));
      copyFileSync(join(ROOT, 'bin', 'load.js'), join(tmp.dir, 'bin', 'load.js'));
      copyFileSync(BIN, join(tmp.dir, 'bin', 'b12lint.js'));
      writeFileSync(join(tmp.dir, 'package.json'), '{ "type": "module" }\n');
      const r = spawnSync(process.execPath, [join(tmp.dir, 'bin', 'b12lint.js'), 'charts'], { cwd: tmp.dir, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^b12lint: cannot load the CLI \(run npm run build\): ENOENT/);
    } finally {
      tmp.remove();
    }
  });

  test('the build makes one, for the bundle as built, and V8 takes it', () => {
    const cache = readFileSync(join(ROOT, 'dist', 'bundle', 'main.cache'));
    expect(cache.length).toBeGreaterThan(100_000);
    expect(cacheUsed(ROOT)).toBe('true');
  });

  test('a cache made for other bytes of the bundle is not used', () =>
    withCopy((tmp) => {
      // The same length, one character changed: V8's own check (the length) would take the cache.
      writeFileSync(join(tmp.dir, 'dist', 'bundle', 'main.cjs'), tmp.bundle.replace('internal error', 'internal errox'));
      expect(cacheUsed(tmp.dir)).toBe('false');
      // The untouched bundle beside the same cache: used.
      writeFileSync(join(tmp.dir, 'dist', 'bundle', 'main.cjs'), tmp.bundle);
      expect(cacheUsed(tmp.dir)).toBe('true');
    }));

  test('a damaged cache (one byte of its data changed, or cut short) is not used', () =>
    withCopy((tmp) => {
      const damaged = Buffer.from(tmp.cache);
      const at = Math.floor(damaged.length / 2);
      damaged[at] = damaged[at]! ^ 0xff;
      writeFileSync(join(tmp.dir, 'dist', 'bundle', 'main.cache'), damaged);
      expect(cacheUsed(tmp.dir)).toBe('false');
      writeFileSync(join(tmp.dir, 'dist', 'bundle', 'main.cache'), tmp.cache.subarray(0, tmp.cache.length - 1000));
      expect(cacheUsed(tmp.dir)).toBe('false');
    }));

  test('stack traces name the bundle the same way, with the cache or without it, wherever the package is', () =>
    withCopy((tmp) => {
      const frame = firstFrame(ROOT, true);
      expect(frame).toMatch(/^at .*\(b12lint\/dist\/bundle\/main\.cjs:\d+:\d+\)$/);
      expect(firstFrame(ROOT, false)).toBe(frame);
      expect(firstFrame(tmp.dir, true)).toBe(frame);
    }));

  test('refused by V8 (other flags), the run is the same: same report, same exit code', () => {
    expect(cacheUsed(ROOT, ['--no-opt'])).toBe('false');
    const args = ['fixtures/charts', '--no-config-lookup', '-f', 'json'];
    const plain = cli(args);
    const refused = spawnSync(process.execPath, ['--no-opt', BIN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...withoutForcedColor(), NO_COLOR: '1' },
    });
    expect(plain.code).toBe(1);
    expect(refused.status).toBe(plain.code);
    expect(refused.stdout).toBe(plain.stdout);
    expect(refused.stderr).toBe(plain.stderr);
  });
});
