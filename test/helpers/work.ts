/**
 * Work counted, not timed: how many elements the array searches (`find`, `some`, `filter`) look
 * at while `run` runs. A search of all of a list for each of its elements shows as the square of
 * its length, whatever the machine's speed.
 */
import { jest } from '@jest/globals';

type Search = 'find' | 'some' | 'filter';

export function elementsLookedAt<T>(run: () => T, searches: readonly Search[] = ['find', 'some', 'filter']): { result: T; looked: number } {
  let looked = 0;
  const spies = searches.map((name) => {
    const original = Array.prototype[name] as (this: unknown[], test: (v: unknown, i: number, a: unknown[]) => unknown) => unknown;
    return jest.spyOn(Array.prototype, name).mockImplementation(function (
      this: unknown[],
      test: (v: unknown, i: number, a: unknown[]) => unknown,
    ) {
      return original.call(this, (v: unknown, i: number, a: unknown[]) => {
        looked++;
        return test(v, i, a);
      });
    } as never);
  });
  try {
    return { result: run(), looked };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
