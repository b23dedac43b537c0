/**
 * Tests that need ../shared (the public parser and FHIR corpora, the official SARIF and JUnit
 * schemas). The project's machines and CI have it beside the checkout; a clone elsewhere does
 * not. Declare such tests with `describeShared` or `testShared`:
 *
 * - present: they run, and get the absolute path;
 * - absent: jest reports them as skipped (not passed), with the reason (test/helpers/skip.ts);
 * - absent under CI=true: one failing test says what is missing. CI never skips them.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED } from './cli.js';
import { describeUnless, testUnless } from './skip.js';

/** The absolute path of ../shared/<rel>, and why tests that need it cannot run, if they cannot. */
function locate(rel: string): { path: string; absent?: string } {
  const path = resolve(SHARED, rel);
  return existsSync(path) ? { path } : { path, absent: `../shared/${rel} is absent` };
}

/**
 * The absolute path of ../shared/<rel>, or undefined when it is absent; under CI=true its absence
 * is an error. For a check inside a test about something else (test/helpers/validate.ts).
 */
export function sharedFile(rel: string): string | undefined {
  const { path, absent } = locate(rel);
  if (!absent) return path;
  if (process.env.CI === 'true') throw new Error(`${absent}, and CI=true requires it`);
  console.warn(`not checked: ${absent}`);
  return undefined;
}

/** Under CI=true, what is absent is a failing test instead of a skipped one. */
function failInCi(name: string, absent: string): boolean {
  if (process.env.CI !== 'true') return false;
  test(`${name}: needs ../shared`, () => {
    throw new Error(`${absent}, and CI=true requires it: CI must not skip these tests`);
  });
  return true;
}

/** A describe block whose tests need ../shared/<rel>; the body gets its absolute path. */
export function describeShared(rel: string, name: string, body: (path: string) => void): void {
  const { path, absent } = locate(rel);
  if (absent && failInCi(name, absent)) return;
  describeUnless(absent, name, () => body(path));
}

/** A test that needs ../shared/<rel>; it gets its absolute path. */
export function testShared(rel: string, name: string, fn: (path: string) => void | Promise<void>, timeout?: number): void {
  const { path, absent } = locate(rel);
  if (absent && failInCi(name, absent)) return;
  testUnless(absent, name, () => fn(path), timeout);
}
