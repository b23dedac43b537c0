/**
 * Jest's globalSetup (jest.config.js): the environment every test process and every CLI child
 * process inherits.
 * - `XDG_CACHE_HOME` names a place where no folder can be made (a file), so no test writes this
 *   user's cache key in the real home folder (src/run/cache-key.ts) and the cache is sealed with
 *   the public key, as on a machine without a home, unless a test gives its own `XDG_CACHE_HOME`
 *   (test/cache-key.test.ts).
 * - `TMPDIR` is a folder of this test run's own, removed by global-teardown.js: the tests' scratch
 *   folders and the spool folders of test processes (which jest ends without their exit handlers)
 *   leave nothing in the machine's temporary folder. Like /tmp, anyone may make a folder in it
 *   (sticky): some tests run b12lint as the user nobody.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  process.env.XDG_CACHE_HOME = join(fileURLToPath(new URL('../..', import.meta.url)), 'package.json');
  // Kept for global-teardown.js, which puts it back (jest --watch runs both again for every run).
  globalThis.b12lintOriginalTmpdir = process.env.TMPDIR;
  const tmp = mkdtempSync(join(tmpdir(), 'b12lint-tests-'));
  chmodSync(tmp, 0o1777); // as /tmp is: the tests that run b12lint as the user nobody need it too
  process.env.TMPDIR = tmp;
}
