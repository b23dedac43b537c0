/**
 * Dates written in a note's sentences (src/rules/written-dates.ts): what each covers, and what is
 * no date. A `text` condition with `within` drops a mention its own sentence dates outside the
 * window (the catalog's BLM-F-IVIRON-2023 and BLM-Q-IVIRON-DATED hold the rule to it).
 */
import { formatDay, parseDay } from '../src/chart/normalize.js';
import { datedOutside, writtenSpans } from '../src/rules/written-dates.js';

const spans = (text: string): string[] => writtenSpans(text).map((s) => `${formatDay(s.from)}..${formatDay(s.to)}`);

describe('dates written in a sentence', () => {
  test('a day, a month or a year, as precise as written', () => {
    expect(spans('IV iron 9/14/2026.')).toEqual(['2026-09-14..2026-09-14']);
    expect(spans('Ferritin on 2026-09-14')).toEqual(['2026-09-14..2026-09-14']);
    expect(spans('Venofer in 9/2026')).toEqual(['2026-09-01..2026-09-30']);
    expect(spans('Injectafer March 14, 2026 and Feb. 2024')).toEqual(['2026-03-14..2026-03-14', '2024-02-01..2024-02-29']);
    expect(spans('Iron infusions in 2023, during 2019')).toEqual(['2023-01-01..2023-12-31', '2019-01-01..2019-12-31']);
  });

  test('no date: a dose, a number with no dating word, an impossible day, two-digit years', () => {
    expect(spans('Vitamin D 2000 units daily, EBL 2000 mL')).toEqual([]);
    expect(spans('Injectafer x2 last month, ferritin up (1950)')).toEqual([]); // a value in parentheses
    expect(spans('Venofer last week after 2019 colonoscopy')).toEqual([]); // "after" is relative
    expect(spans('IV iron 13/2026, 2/30/2026, 9/14/26')).toEqual([]);
    expect(spans('No dates here.')).toEqual([]);
  });

  test('dated outside a window: only when every date written is outside it', () => {
    const from = parseDay('2026-07-16')!;
    const to = parseDay('2026-12-31')!;
    expect(datedOutside('Iron infusion in 2023.', from, to)).toBe(true);
    expect(datedOutside('Iron infusion 9/14/2026.', from, to)).toBe(false);
    expect(datedOutside('Iron infusions in 2023 and 9/2026.', from, to)).toBe(false);
    expect(datedOutside('Iron infusion last week.', from, to)).toBe(false); // no date written
    expect(datedOutside('Iron infusion in 2026.', from, to)).toBe(false); // the year overlaps the window
    expect(datedOutside('On Venofer infusions since 2023.', from, to)).toBe(false); // since: from then on
    expect(datedOutside('Venofer weekly from 2024 to present.', from, to)).toBe(false);
  });
});
