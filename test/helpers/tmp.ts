/** Scratch folders under test/.tmp (ignored by git), one per test file, removed after it. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './cli.js';

export function scratch(prefix: string): { abs: string; rel: string; remove: () => void } {
  mkdirSync(join(ROOT, 'test', '.tmp'), { recursive: true });
  const abs = mkdtempSync(join(ROOT, 'test', '.tmp', `${prefix}-`));
  return { abs, rel: relative(ROOT, abs), remove: () => rmSync(abs, { recursive: true, force: true }) };
}
