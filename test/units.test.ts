/** Unit conversion per analyte, known by LOINC code and name, and lab values written as text. */
import { CompiledTest, roundForDisplay } from '../src/rules/tests.js';
import { normalizeUnit, loincCheckDigitValid } from '../src/rules/analytes.js';
import { parseLabValue } from '../src/chart/lab-value.js';

const convert = (def: ConstructorParameters<typeof CompiledTest>[1], value: number, unit?: string): number | string => {
  const c = new CompiledTest('t', def).convert(value, unit);
  return c.ok ? roundForDisplay(c.value) : c.reason;
};

describe('conversions a user-written test gets from its LOINC code, without declaring factors', () => {
  test.each([
    ['B12 pmol/L to pg/mL', { loinc: ['2132-9'], unit: 'pg/mL' }, 100, 'pmol/L', 136],
    ['B12 ng/L to pg/mL', { loinc: ['2132-9'], unit: 'pg/mL' }, 250, 'ng/L', 250],
    ['B12 pg/mL to pmol/L (a test in moles)', { loinc: ['14685-2'], unit: 'pmol/L' }, 271, 'pg/mL', 200],
    ['ferritin ug/L to ng/mL', { loinc: ['2276-4'], unit: 'ng/mL' }, 45, 'ug/L', 45],
    ['ferritin µg/L (micro sign) to ng/mL', { loinc: ['2276-4'], unit: 'ng/mL' }, 45, 'µg/L', 45],
    ['ferritin μg/L (Greek mu) to ng/mL', { loinc: ['2276-4'], unit: 'ng/mL' }, 45, 'μg/L', 45],
    ['hemoglobin g/L to g/dL', { loinc: ['718-7'], unit: 'g/dL' }, 128, 'g/L', 12.8],
    ['hemoglobin mmol/L to g/dL', { loinc: ['718-7'], unit: 'g/dL' }, 8, 'mmol/L', 12.9],
    ['MCV µm3 to fL', { loinc: ['787-2'], unit: 'fL' }, 104, 'µm3', 104],
    ['MCV um^3 to fL', { loinc: ['30428-7'], unit: 'fL' }, 104, 'um^3', 104],
    ['MMA nmol/L to µmol/L', { loinc: ['13964-2'], unit: 'umol/L' }, 620, 'nmol/L', 0.62],
    ['folate nmol/L to ng/mL', { loinc: ['2284-8'], unit: 'ng/mL' }, 22.66, 'nmol/L', 10],
    ['unit spelled in another case', { loinc: ['2132-9'], unit: 'pg/mL' }, 300, 'PG/ML', 300],
  ])('%s', (_name, def, value, unit, expected) => {
    expect(convert(def, value, unit)).toBe(expected);
  });

  test('a test known by name only (no LOINC) converts too', () => {
    expect(convert({ names: ['cobalamin'], unit: 'pg/mL' }, 100, 'pmol/L')).toBe(136);
  });

  test('a test may declare its own factors', () => {
    expect(convert({ names: ['widget'], unit: 'mg/dL', factors: { 'mmol/L': 18 } }, 5, 'mmol/L')).toBe(90);
  });

  test('a missing unit and an unknown unit are refused, not guessed', () => {
    expect(convert({ loinc: ['2132-9'], unit: 'pg/mL' }, 100)).toBe('no-unit');
    expect(convert({ loinc: ['2132-9'], unit: 'pg/mL' }, 100, 'mg/dL')).toBe('unknown-unit');
  });
});

describe('units as written', () => {
  test.each([['µg/L', 'ug/l'], ['mcg/L', 'ug/l'], ['fL', 'fl'], ['µm³', 'um3'], ['g/dL', 'g/dl'], ['pmol/L', 'pmol/l'], ['{cells}/uL', '/ul']])('%s is %s', (u, n) => {
    expect(normalizeUnit(u)).toBe(n);
  });
});

describe('lab values written as text', () => {
  test.each([
    [142, { value: 142 }],
    ['142', { value: 142 }],
    ['<50', { value: 50, comparator: '<' }],
    ['< 50 pg/mL', { value: 50, comparator: '<', unit: 'pg/mL' }],
    ['>2000', { value: 2000, comparator: '>' }],
    ['≥ 1,200 pg/mL', { value: 1200, comparator: '>=', unit: 'pg/mL' }],
    ['142 pg/mL', { value: 142, unit: 'pg/mL' }],
    ['0.62 umol/L', { value: 0.62, unit: 'umol/L' }],
    ['pending', {}],
    ['', {}],
  ])('%p', (raw, expected) => {
    expect(parseLabValue(raw)).toEqual(expected);
  });
});

describe('LOINC check digits', () => {
  test.each([['2132-9', true], ['14685-2', true], ['718-7', true], ['2132-8', false], ['2132', false]])('%s valid: %s', (code, ok) => {
    expect(loincCheckDigitValid(code)).toBe(ok);
  });
});
