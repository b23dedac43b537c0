/**
 * Loads the bundled CLI (dist/bundle/main.cjs, made by scripts/bundle.mjs) with V8's code cache
 * (dist/bundle/main.cache, made at build time by scripts/code-cache.mjs). Start-up is mostly
 * compiling: the code cache holds the bytecode of the functions a run uses, so a run reads it
 * instead of compiling them again (about 40 ms of a cold start of 0.35 s; docs/performance.md).
 *
 * The bundle is CommonJS because only a script can be given a code cache on Node.js 20 (ES modules
 * cannot). The cache starts with the SHA-1 of the bundle it was made from and the SHA-1 of its own
 * data, and is used only for those very bundle bytes and only when whole: V8 itself checks no more
 * than the source's length, and a release build of V8 does not check the data (a damaged cache it
 * takes can crash the process). V8 refuses a cache made by another Node.js or V8 version or under
 * other V8 flags. Without a cache that fits, the bundle is compiled as usual: the cache changes how
 * fast a run starts, never what it does. The script is named `b12lint/dist/bundle/main.cjs` in
 * stack traces, with the cache or without it (V8 keeps the name a cache was made under). Both files
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
      cachedData = dataOf(readFileSync(CODE_CACHE), bytes);
    } catch {
      cachedData = undefined; // not built: compiled as usual
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`;
  const script = new Script(wrapped, { filename: SHOWN_NAME, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(CODE), module, CODE, BUNDLE);
  return { cli: module.exports, script, bytes, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/** The script's name in stack traces: the same wherever the package is, and with or without the cache. */
const SHOWN_NAME = 'b12lint/dist/bundle/main.cjs';
const DIGEST = 20;

function sha1(bytes) {
  return createHash('sha1').update(bytes).digest();
}

/** The code cache file for V8's `data`, made from the bundle `bytes`: both digests, then the data. */
export function cacheFile(bytes, data) {
  return Buffer.concat([sha1(bytes), sha1(data), data]);
}

/** V8's data in a code cache file, if the file was made from the bundle `bytes` and is whole. */
function dataOf(file, bytes) {
  if (file.length <= 2 * DIGEST) return undefined;
  const data = file.subarray(2 * DIGEST);
  return file.subarray(0, DIGEST).equals(sha1(bytes)) && file.subarray(DIGEST, 2 * DIGEST).equals(sha1(data)) ? data : undefined;
}
