import { grouped } from '../src/core/numbers.js';

describe('grouped: a count as en-US writes it, without loading ICU', () => {
  const same = [0, 1, 7, 12, 999, 1000, 1001, 19191, 100000, 999999, 1000000, 1048576, 123456789, 2 ** 31, 2 ** 53 - 1, 1e20, 1e21, 5e22];
  it.each(same.flatMap((n) => [n, -n]))('%d is written as toLocaleString("en-US") writes it', (n) => {
    expect(grouped(n)).toBe(n.toLocaleString('en-US'));
  });
  it('groups every length of number by threes', () => {
    for (let digits = 1; digits <= 21; digits++) {
      const n = Number('9'.repeat(digits));
      expect(grouped(n)).toBe(n.toLocaleString('en-US'));
    }
  });
  it('leaves a number that is not whole, or not finite, to toLocaleString', () => {
    for (const n of [1.5, 1234.5678, -0.25, Number.NaN, Number.POSITIVE_INFINITY]) expect(grouped(n)).toBe(n.toLocaleString('en-US'));
  });
});
