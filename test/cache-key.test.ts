/**
 * This user's cache key (src/run/cache-key.ts): without B12LINT_CACHE_KEY, the cache and its replay
 * are sealed with a random key kept outside the checkout, so a cache folder someone committed
 * (sealed with the public key, or with their own) is not taken: its files are linted, and a gate
 * that should fail still fails. The other tests run with nowhere to keep a key (test/helpers/global-setup.js).
 */
import { chmodSync, cpSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_FILE } from '../src/run/cache.js';
import { forgeCache } from './helpers/cache-forge.js';
import { cli, ROOT } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';

const scratch = scratches('b12lint-cache-key-');

/** The example charts in a scratch folder; `home` is where this user's key is kept (XDG_CACHE_HOME), or none. */
function project(home: 'own' | 'none') {
  const dir = scratch().dir;
  cpSync(join(ROOT, 'fixtures', 'charts'), join(dir, 'charts'), { recursive: true });
  const xdg = join(dir, 'xdg');
  const env: Record<string, string> = home === 'own' ? { XDG_CACHE_HOME: xdg } : {};
  const run = (...extra: string[]) => cli(['charts', '--cache-location', 'cache', '--stats', ...extra], { cwd: dir, env });
  return { dir, key: join(xdg, 'b12lint', 'cache-key'), cacheFile: join(dir, 'cache', CACHE_FILE), run, env };
}

const fromCache = (stderr: string): number => Number(/(\d+) files \((\d+) from the cache\)/.exec(stderr)?.[2] ?? NaN);
/** Every finding taken out, as a forger who wants the gate to pass would. */
const clean = (entry: unknown[]): void => {
  entry[6] = [];
};

test("the first cached run makes this user's key, readable by its owner only, outside the checkout", () => {
  const p = project('own');
  expect(p.run('-f', 'json').code).toBe(1);
  expect(readFileSync(p.key, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  expect(statSync(p.key).mode & 0o777).toBe(0o600);
  expect(statSync(join(p.key, '..')).mode & 0o777).toBe(0o700);
  expect(fromCache(p.run('-f', 'json').stderr)).toBe(6);
});

test('a cache forged with the public key (every finding taken out) is not taken: the files are linted and the gate fails', () => {
  const p = project('own');
  const first = p.run('-f', 'json');
  expect(first.code).toBe(1);
  forgeCache(p.cacheFile, clean);
  const again = p.run('-f', 'json');
  expect(fromCache(again.stderr)).toBe(0);
  expect([again.code, again.stdout]).toEqual([first.code, first.stdout]);
});

test('with nowhere to keep a key, the public key seals the cache, and the same forgery passes (the documented limit)', () => {
  const p = project('none');
  expect(p.run('-f', 'json').code).toBe(1);
  forgeCache(p.cacheFile, clean);
  const forged = p.run('-f', 'json');
  expect(fromCache(forged.stderr)).toBe(6);
  expect(forged.code).toBe(0);
});

test.each([
  ['readable by others', (key: string) => chmodSync(key, 0o644)],
  ['empty (a run stopped as it wrote it)', (key: string) => writeFileSync(key, '')],
  [
    'a link, even to a good key',
    (key: string) => {
      const real = `${key}.real`;
      renameSync(key, real);
      symlinkSync(real, key);
    },
  ],
  ['in a folder others can write in', (key: string) => chmodSync(join(key, '..'), 0o777)],
])('a key file %s is not used, nor is the public key: no cache is taken, and a warning says why', (_name, spoil) => {
  const p = project('own');
  const first = p.run('-f', 'json');
  spoil(p.key);
  forgeCache(p.cacheFile, clean);
  const again = p.run('-f', 'json');
  expect(again.stderr).toMatch(
    /^b12lint: warning: the cache key .* is not used \(.+\): no cache is taken; remove it and a new one is made$/m,
  );
  expect(fromCache(again.stderr)).toBe(0);
  expect([again.code, again.stdout]).toEqual([first.code, first.stdout]);
});

test('under this user key, formats another program interprets (CSV, GitHub, SARIF, query drafts) are replayed, as under B12LINT_CACHE_KEY', () => {
  for (const format of ['csv', 'github', 'sarif', 'queries']) {
    const p = project('own');
    const first = p.run('-f', format);
    const again = p.run('-f', format);
    expect(again.stderr).toMatch(/nothing changed, the last run's outputs written again/);
    expect([again.code, again.stdout]).toEqual([first.code, first.stdout]);
  }
});
