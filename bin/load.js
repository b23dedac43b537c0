/**
 * Loads the bundled CLI (dist/bundle/main.cjs, made by scripts/bundle.mjs) with V8's code cache
 * (dist/bundle/main.cache, made at build time by scripts/code-cache.mjs). Start-up is mostly
 * compiling: the code cache holds the bytecode of the functions a run uses, so a run reads it
 * instead of compiling them again (about 40 ms of a cold start of 0.35 s; docs/performance.md).
 *
 * The bundle is CommonJS because only a script can be given a code cache on Node.js 20 (ES modules
 * cannot). The cache starts with the SHA-1 of the bundle it was made from, and is used only for
 * those very bytes (V8 itself checks no more than the source's length); V8 refuses a cache made
 * by another Node.js or V8 version or under other V8 flags. Without a cache that fits, the bundle
 * is compiled as usual: the cache changes how fast a run starts, never what it does. Both files
 * are part of the package, as trusted as its code; nothing is written here.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle');
export const CODE = join(BUNDLE, 'main.cjs');
export const CODE_CACHE = join(BUNDLE, 'main.cache');

/**
 * The CLI module's exports, and the compiled script (whose `createCachedData()` the build calls).
 * `cache: false` compiles without the code cache (the build, which makes it).
 */
export function loadCli({ cache = true } = {}) {
  const bytes = readFileSync(CODE);
  let cachedData;
  if (cache) {
    try {
      const made = readFileSync(CODE_CACHE);
      if (made.length > DIGEST && made.subarray(0, DIGEST).equals(digestOf(bytes))) cachedData = made.subarray(DIGEST);
    } catch {
      cachedData = undefined; // not built: compiled as usual
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`;
  const script = new Script(wrapped, { filename: CODE, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(CODE), module, CODE, BUNDLE);
  return { cli: module.exports, script, bytes, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

const DIGEST = 20;

/** The bundle's digest, which the code cache starts with. */
export function digestOf(bytes) {
  return createHash('sha1').update(bytes).digest();
}
