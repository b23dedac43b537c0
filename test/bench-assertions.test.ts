/**
 * `npm run bench:assertions` runs against the build: a module it imports that moved (Problems
 * left rules/load.js for read/problems.js) broke it with no test noticing. This runs it as a user
 * does and checks that it reads every assertion class. What it measures (its scores and its
 * time) is reported by the script, never asserted here.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';

test('bench/assertions.mjs runs on the build and prints a score for each assertion class', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'assertions.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  for (const cls of ['affirmed', 'negated', 'possible', 'hypothetical', 'historical', 'family'])
    expect(r.stdout).toMatch(new RegExp(`^${cls}\\s+\\d+\\s+[01]\\.\\d{3}`, 'm'));
});
