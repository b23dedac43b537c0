/**
 * Jest's globalTeardown (jest.config.js): removes the test run's temporary folder and puts the
 * machine's `TMPDIR` back (global-setup.js).
 */
import { rmSync } from 'node:fs';
import { basename } from 'node:path';

export default function globalTeardown() {
  const dir = process.env.TMPDIR;
  if (dir && basename(dir).startsWith('b12lint-tests-')) rmSync(dir, { recursive: true, force: true });
  const original = globalThis.b12lintOriginalTmpdir;
  if (original === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = original;
}
