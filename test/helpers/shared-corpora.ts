/**
 * ../shared/corpora is test data every developer and CI has. A test that reads it says clearly
 * when it is absent and passes over it, except under CI=true, where its absence is a failure.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED } from './cli.js';

/** The path of a folder under ../shared, or undefined (with a warning) when it is absent outside CI. */
export function sharedFolder(rel: string): string | undefined {
  const p = resolve(SHARED, rel);
  if (existsSync(p)) return p;
  if (process.env.CI === 'true') throw new Error(`../shared/${rel} is absent, and CI=true requires it`);
  console.warn(`skipped: ../shared/${rel} absent`);
  return undefined;
}
