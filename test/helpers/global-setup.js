/**
 * Jest's globalSetup (jest.config.js): the environment every test process and every CLI child
 * process inherits. `XDG_CACHE_HOME` names a place where no folder can be made (a file), so no test
 * writes this user's cache key in the real home folder (src/run/cache-key.ts) and the cache is
 * sealed with the public key, as on a machine without a home, unless a test gives its own
 * `XDG_CACHE_HOME` (test/cache-key.test.ts).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  process.env.XDG_CACHE_HOME = join(fileURLToPath(new URL('../..', import.meta.url)), 'package.json');
}
