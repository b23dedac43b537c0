import { APART_CLAUSE, APART_REACH, clauseAround, clauseEnd, clauseStart, CUE_CLAUSE, PLAN_CLAUSE } from '../src/rules/clauses.js';

/** The clause around the first occurrence of `word` in `text` (the whole text one sentence), as `stops` read it. */
function clauseOf(text: string, word: string, stops: typeof CUE_CLAUSE): string {
  const at = text.indexOf(word);
  return text.slice(clauseStart(text, at, 0, stops), clauseEnd(text, at + word.length, text.length, stops)).trim();
}

describe('clauses: one scanner, three readings', () => {
  test('a backward cue reads over "and" but stops at commas, brackets, columns and spaced dashes', () => {
    expect(clauseOf('Fatigue, melena and hematochezia denied', 'hematochezia', CUE_CLAUSE)).toBe('melena and hematochezia denied');
    expect(clauseOf('Indication: pernicious anemia   Complications none', 'Complications', CUE_CLAUSE)).toBe('Complications none');
    expect(clauseOf('Macrocytosis - B12 deficiency vs MDS', 'deficiency', CUE_CLAUSE)).toBe('B12 deficiency vs MDS');
    expect(clauseOf('B12 low (recheck) today', 'recheck', CUE_CLAUSE)).toBe('recheck');
  });

  test('a hyphen inside a word parts nothing', () => {
    expect(clauseOf('non-tarry stool, no melena', 'tarry', CUE_CLAUSE)).toBe('non-tarry stool');
  });

  test('a plan keeps its bracketed aside but ends at "and" and commas', () => {
    expect(clauseOf('will start IM B12 for pernicious anemia (IF Ab pending), recheck', 'start', PLAN_CLAUSE)).toBe(
      'will start IM B12 for pernicious anemia (IF Ab pending)',
    );
    expect(clauseOf('will start IM B12 and recheck if low', 'start', PLAN_CLAUSE)).toBe('will start IM B12');
  });

  test('apart: reads one clause of a dose plan', () => {
    const text = 'IM weekly x4, then transition to oral B12 daily';
    const at = text.indexOf('weekly');
    expect(clauseAround(text, [0, text.length], at, at + 'weekly'.length)).toBe('IM weekly x4');
    const and = 'B12 1000 mcg IM weekly and oral B12 daily';
    const k = and.indexOf('weekly');
    expect(clauseAround(and, [0, and.length], k, k + 'weekly'.length)).toBe('B12 1000 mcg IM weekly');
    expect(clauseOf('IM monthly (oral B12 failed)', 'monthly', APART_CLAUSE)).toBe('IM monthly');
  });

  test('apart: reads at most APART_REACH characters on each side of the mention, however long the clause', () => {
    const text = `${'word '.repeat(20_000)}melena ${'word '.repeat(20_000)}`;
    const at = text.indexOf('melena');
    const clause = clauseAround(text, [0, text.length], at, at + 'melena'.length);
    expect(clause).toContain('melena');
    expect(clause.length).toBeLessThanOrEqual(2 * APART_REACH + 'melena'.length);
  });

  test('a scan stays within its limits', () => {
    const text = 'no melena. Hematochezia and bleeding';
    const at = text.indexOf('bleeding');
    expect(clauseStart(text, at, text.indexOf('Hematochezia'), APART_CLAUSE)).toBe(text.indexOf('bleeding'));
    expect(clauseStart(text, at, text.indexOf('and') + 1, APART_CLAUSE)).toBe(text.indexOf('and') + 1);
    expect(clauseEnd(text, 0, 5, PLAN_CLAUSE)).toBe(5);
  });
});
