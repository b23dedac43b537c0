/** Unit conversion per analyte, known by LOINC code and name, and lab values written as text. */
import fc from 'fast-check';
import { AnalyteCatalog, CompiledLab, labNames, roundForDisplay } from '../src/rules/labs.js';
import { normalizeUnit } from '../src/chart/units.js';
import { loincCheckDigitValid } from '../src/rules/loinc.js';
import { baseDefinitions } from '../src/rules/load.js';
import { Problems } from '../src/read/problems.js';
import { afterNumber, parseLabValue } from '../src/chart/lab-value.js';
import { compileText, rulesetProblems } from './helpers/engine.js';

/** The built-in analytes (rulesets/analytes.yaml), as every ruleset starts with them. */
const builtin = (): AnalyteCatalog => {
  const problems = new Problems();
  const defs = baseDefinitions(problems);
  expect(problems.list).toEqual([]);
  return new AnalyteCatalog([...defs.analytes.values()].map((d) => d.value));
};
const analytes = builtin();

const convert = (def: ConstructorParameters<typeof CompiledLab>[1], value: number, unit?: string, catalog = analytes): number | string => {
  const c = new CompiledLab('t', def, catalog).convert(value, unit);
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
    ['iron µmol/L to µg/dL', { loinc: ['2498-4'], unit: 'ug/dL' }, 10, 'µmol/L', 55.9],
    ['CRP mg/dL to mg/L', { loinc: ['1988-5'], unit: 'mg/L' }, 1.2, 'mg/dL', 12],
    ['hs-CRP mg/dL to mg/L', { loinc: ['30522-7'], unit: 'mg/L' }, 0.3, 'mg/dL', 3],
    ['unit spelled in another case', { loinc: ['2132-9'], unit: 'pg/mL' }, 300, 'PG/ML', 300],
  ])('%s', (_name, def, value, unit, expected) => {
    expect(convert(def, value, unit)).toBe(expected);
  });

  test('a test known by name only (no LOINC) converts too', () => {
    expect(convert({ names: ['cobalamin'], unit: 'pg/mL' }, 100, 'pmol/L')).toBe(136);
  });

  test("without the analytes catalogue, only the test's own unit and factors convert", () => {
    const none = new AnalyteCatalog([]);
    expect(convert({ loinc: ['2132-9'], unit: 'pg/mL' }, 100, 'pmol/L', none)).toBe('unknown-unit');
    expect(convert({ loinc: ['2132-9'], unit: 'pg/mL' }, 100, 'pg/mL', none)).toBe(100);
  });

  test('an analyte a ruleset declares converts like a built-in one', () => {
    const own = new AnalyteCatalog([{ loinc: ['2345-7'], names: ['glucose'], unit: 'mg/dL', factors: { 'mmol/L': 18.016 } }]);
    expect(convert({ loinc: ['2345-7'], unit: 'mmol/L' }, 180.16, 'mg/dL', own)).toBe(10);
    expect(convert({ names: ['glucose'], unit: 'mg/dL' }, 5, 'mmol/L', own)).toBe(90.1);
  });

  test('a test may declare its own factors', () => {
    expect(convert({ names: ['widget'], unit: 'mg/dL', factors: { 'mmol/L': 18 } }, 5, 'mmol/L')).toBe(90);
  });

  test('a missing unit and an unknown unit are refused, not guessed', () => {
    expect(convert({ loinc: ['2132-9'], unit: 'pg/mL' }, 100)).toBe('no-unit');
    expect(convert({ loinc: ['2132-9'], unit: 'pg/mL' }, 100, 'mg/dL')).toBe('unknown-unit');
  });
});

describe('analytes a ruleset declares (`analytes:`)', () => {
  const ruleset = (analytes: string): string => `ruleset: t
analytes:
${analytes}
labs:
  glucose: { loinc: [2345-7], unit: mmol/L }
  b12: { loinc: [2132-9], unit: pg/mL }
rules: []
`;

  test("a ruleset's analyte converts its tests, and the built-in ones stay", () => {
    const rs = compileText(ruleset('  glucose: { loinc: [2345-7], unit: mg/dL, factors: { mmol/L: 18.016 } }'));
    const glucose = rs.labs.get('glucose')!.convert(90.08, 'mg/dL');
    expect(glucose.ok && roundForDisplay(glucose.value)).toBe(5);
    const b12 = rs.labs.get('b12')!.convert(100, 'pmol/L');
    expect(b12.ok && roundForDisplay(b12.value)).toBe(136);
  });

  test("a ruleset's analyte replaces the built-in one of its key", () => {
    const rs = compileText(ruleset('  b12: { loinc: [2132-9], unit: pg/mL }'));
    expect(rs.labs.get('b12')!.convert(100, 'pmol/L')).toEqual({ ok: false, reason: 'unknown-unit' });
  });

  test('an analyte without a base unit, or with a factor that is not positive, is refused with its place', () => {
    expect(rulesetProblems(ruleset('  glucose: { loinc: [2345-7] }'))).toEqual([expect.stringMatching(/^3:12 .*unit/)]);
    expect(rulesetProblems(ruleset('  glucose: { unit: mg/dL, factors: { mmol/L: 0 } }'))).toEqual([expect.stringMatching(/^3:46 /)]);
  });
});

describe('units as written', () => {
  test.each([
    ['µg/L', 'ug/l'],
    ['mcg/L', 'ug/l'],
    ['fL', 'fl'],
    ['µm³', 'um3'],
    ['g/dL', 'g/dl'],
    ['gm/dL', 'g/dl'],
    ['GM/DL', 'g/dl'],
    ['pmol/L', 'pmol/l'],
    ['{cells}/uL', '/ul'],
  ])('%s is %s', (u, n) => {
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
    // An exponent, as JSON reads a number (a spec audit: "2.5e2" was read as 2.5).
    ['2.5e2', { value: 250 }],
    ['2.5E2 pg/mL', { value: 250, unit: 'pg/mL' }],
    // A laboratory's flag after the number is a flag, not a unit.
    ['150 (L)', { value: 150, flag: 'low' }],
    ['980 H', { value: 980, flag: 'high' }],
    ['10*3/uL', { value: 10 }], // "*3/uL" is no unit
    ['5.2 10*3/uL', { value: 5.2, unit: '10*3/uL' }],
    ['142 see note', { value: 142 }], // words that say neither
    ['180 pmol/L (L)', { value: 180, unit: 'pmol/L', flag: 'low' }], // a unit, then a flag
    ['500 pmol/L H', { value: 500, unit: 'pmol/L', flag: 'high' }],
    // A laboratory's note after the number is no unit (a review): the lab's `unit` stands.
    ['150 A', { value: 150 }],
    ['150 ABN', { value: 150 }],
    ['150 Final', { value: 150 }],
    ['150 hemolyzed', { value: 150 }],
    ['150 L*', { value: 150, flag: 'low' }],
    ['150 Lo', { value: 150, flag: 'low' }],
    ['104 fL', { value: 104, unit: 'fL' }],
    ['31 %', { value: 31, unit: '%' }],
    ['pending', {}],
    ['', {}],
  ])('%p', (raw, expected) => {
    expect(parseLabValue(raw)).toEqual(expected);
  });

  test('any text is read as the earlier pattern read it (kept here as the reference; its runs of spaces were quadratic)', () => {
    const OLD = /^\s*(?:(<=|>=|≤|≥|<|>)\s*)?([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)\s*(.*?)\s*$/;
    const reference = (raw: string): ReturnType<typeof parseLabValue> => {
      const m = OLD.exec(raw);
      if (!m) return {};
      const value = Number(m[2]!.replace(/,/g, ''));
      if (!Number.isFinite(value)) return {};
      const out: ReturnType<typeof parseLabValue> = { value };
      const cmp = m[1];
      if (cmp) out.comparator = cmp === '≤' ? '<=' : cmp === '≥' ? '>=' : (cmp as '<' | '<=' | '>' | '>=');
      // What follows the number is then read as a flag, a unit or neither (afterNumber).
      if (m[3]) Object.assign(out, afterNumber(m[3]));
      return out;
    };
    const pieces = [
      '1',
      '42',
      '1,200',
      '.5',
      '-',
      '+',
      ',',
      '.',
      ' ',
      '  ',
      '\t',
      '\n',
      '\u00a0',
      '\u2028',
      '<',
      '<=',
      '≥',
      '>',
      'mg',
      'x',
      '/dL',
      '\r\n',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 10 }), (parts) => {
        const raw = parts.join('');
        expect(parseLabValue(raw)).toEqual(reference(raw));
      }),
      { numRuns: 5000, seed: 20261205 },
    );
  });
});

describe('LOINC check digits', () => {
  test.each([
    ['2132-9', true],
    ['14685-2', true],
    ['718-7', true],
    ['2132-8', false],
    ['2132', false],
  ])('%s valid: %s', (code, ok) => {
    expect(loincCheckDigitValid(code)).toBe(ok);
  });
});

test('a value is rounded to three significant digits for messages, three decimals at most; a whole number stays as it is, as the rounding writes it', () => {
  const rounded = (v: number): number => Number(v.toFixed(Math.min(Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v)))), 3)));
  expect([roundForDisplay(136.0478), roundForDisplay(0.04567), roundForDisplay(-2.345), roundForDisplay(245), roundForDisplay(-0)]).toEqual(
    [136, 0.046, -2.35, 245, -0],
  );
  fc.assert(
    fc.property(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).map(Math.round)), (v) => {
      fc.pre(v !== 0);
      expect(roundForDisplay(v)).toBe(rounded(v));
    }),
    { numRuns: 2000 },
  );
});

test("a laboratory's test name is known without its specimen and qualifiers, by its bracketed other name, and as a panel's member", () => {
  const b12 = new CompiledLab('b12', { names: ['vitamin b12', 'vitamin b-12', 'b12', 'cobalamin'] });
  const iron = new CompiledLab('iron', { names: ['iron', 'serum iron'] });
  const takes = (t: CompiledLab, test: string): boolean => t.takes({ test, valueText: '', ptr: '' });
  for (const name of [
    'Vitamin B-12 Level, Serum',
    'VITAMIN B12 (COBALAMIN)',
    'B12 & Folate Panel - Vitamin B12',
    'Vitamin B12, Serum/Plasma',
    'B12 level',
  ])
    expect([name, takes(b12, name)]).toEqual([name, true]);
  for (const name of ['Vitamin B12 binding capacity, unsaturated', 'Folate, RBC', 'B12 antibody'])
    expect([name, takes(b12, name)]).toEqual([name, false]);
  expect([
    takes(iron, 'Iron, Total'),
    takes(iron, 'Iron Binding Capacity, Total (TIBC)'),
    takes(iron, 'Iron binding capacity, total'),
  ]).toEqual([true, false, false]);
  expect(labNames('Vitamin B-12 Level, Serum')).toContain('vitamin b-12');
});
