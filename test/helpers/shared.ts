/**
 * Files from ../shared (schemas, corpora). They are absent outside the project's machines: a test
 * that needs one skips with a message there, but fails under CI, where ../shared must be present.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED } from './cli.js';

export function sharedFile(rel: string): string | undefined {
  const path = resolve(SHARED, rel);
  if (existsSync(path)) return path;
  if (process.env.CI === 'true') throw new Error(`../shared/${rel} is absent, and CI needs it`);
  console.warn(`skipped: ../shared/${rel} absent`);
  return undefined;
}
