/** The native adapter: normalization, pointers, dates and positions. */
import { adaptChart } from '../src/chart/native.js';
import { normalizeIcd10, parseDay, formatDay, addMonths } from '../src/chart/normalize.js';
import { JsonLocator } from '../src/read/json-locate.js';
import { parseText } from '../src/read/parse.js';

describe('code normalization', () => {
  test.each([
    ['D510', 'D51.0'],
    ['d51.0', 'D51.0'],
    [' D51 0 ', 'D51.0'],
    ['D62', 'D62'],
    ['e538', 'E53.8'],
    ['K2941', 'K29.41'],
    ['Z9884', 'Z98.84'],
    ['D51', 'D51'],
    // A category with a trailing dot is the category (a header), not a subcode of it.
    ['D51.', 'D51'],
    ['e53. ', 'E53'],
  ])('%p is %p', (raw, code) => {
    expect(normalizeIcd10(raw)).toBe(code);
  });

  test('HCPCS and CPT codes are upper-cased; numbers written without quotes become text', () => {
    const { charts } = adaptChart(
      { chartId: 'C', encounters: [{ id: 'E1', date: '2026-10-01', services: [{ code: 'j3420' }, { code: 96372 }] }] },
      '',
    );
    expect(charts[0]!.encounters[0]!.services.map((s) => s.code)).toEqual(['J3420', '96372']);
  });

  test('a modifier written into a service code is split off with a warning; any other text not shaped like HCPCS or CPT is an error at the code, the line kept', () => {
    const read = (code: string) => adaptChart({ chartId: 'C', encounters: [{ id: 'E1', date: '2026-10-01', services: [{ code }] }] }, '');
    for (const [code, base, mods] of [
      ['J3420-JW', 'J3420', 'a modifier (JW)'],
      ['J3420 JW', 'J3420', 'a modifier (JW)'],
      ['96372-59:25', '96372', 'modifiers (59, 25)'],
    ] as const) {
      const r = read(code);
      expect(r.charts[0]!.encounters[0]!.services.map((s) => [s.code, s.codeText])).toEqual([[base, code]]);
      expect(r.findings.map((f) => [f.pointer, f.severity, f.message])).toEqual([
        [
          '/encounters/0/services/0/code',
          'warning',
          `Service code "${code}" carries ${mods}: read as ${base}; b12lint does not read modifiers.`,
        ],
      ]);
    }
    // Invisible characters of every kind: a combining grapheme joiner, a variation selector, a
    // Khmer inherent vowel, the Hangul fillers, the Braille blank, a control (a security review).
    for (const code of [
      'J3420.',
      'J3420\u200b',
      'J 3420',
      '"J3420"',
      'J\u034f3420',
      'J3420\ufe0f',
      'J3420\u17b4',
      'J\u31643420',
      'J3420\uffa0',
      'J3420\u2800',
      'J34\u000720',
    ]) {
      const r = read(code);
      expect(r.charts[0]!.encounters[0]!.services).toHaveLength(1);
      expect(r.findings.map((f) => [f.pointer, f.severity])).toEqual([['/encounters/0/services/0/code', 'error']]);
      expect(r.findings[0]!.message).toContain('is J3420 with other characters in it');
    }
    // A Cyrillic Je for the J, an Arabic-Indic digit: shaped like a code to the eye, an error.
    for (const [code, points] of [
      ['\u04083420', 'U+0408'],
      ['J342\u0660', 'U+0660'],
    ] as const) {
      const r = read(code);
      expect(r.charts[0]!.encounters[0]!.services).toHaveLength(1);
      expect(r.findings.map((f) => [f.pointer, f.severity])).toEqual([['/encounters/0/services/0/code', 'error']]);
      expect(r.findings[0]!.message).toContain(`not a Latin letter or an ASCII digit (${points}): no rule reads this line`);
    }
    // A code's shape at the start, then other characters: "J3420 (cyanocobalamin)", a Cyrillic Je
    // and a terminal's escape sequence.
    for (const code of ['J3420 (cyanocobalamin)', '\u04083420\u001b[2K']) {
      const r = read(code);
      expect(r.charts[0]!.encounters[0]!.services).toHaveLength(1);
      expect(r.findings.map((f) => [f.pointer, f.severity])).toEqual([['/encounters/0/services/0/code', 'error']]);
      expect(r.findings[0]!.message).toContain('begins like a HCPCS Level II or CPT code and goes on with other characters');
    }
    for (const code of ['\u0408420', 'J342', '345', 'NDC 00009-0123-01']) {
      const r = read(code);
      expect(r.charts[0]!.encounters[0]!.services).toHaveLength(1);
      expect(r.findings.map((f) => [f.pointer, f.severity])).toEqual([['/encounters/0/services/0/code', 'warning']]);
      expect(r.findings[0]!.message).toContain('is not shaped like a HCPCS Level II or CPT code');
    }
    expect(['G0008', '0001U', '0500T', '3008F'].map((code) => read(code).findings)).toEqual([[], [], [], []]);
  });
});

describe('list keys written another way', () => {
  test('"Services", "service", "services " or a zero-width space in the key is an error at that key, never a claim line passed over; a chart as the format writes it has none', () => {
    for (const key of ['Services', 'service', 'services ', 'services\u200b', 'SERVICES']) {
      const r = adaptChart({ chartId: 'C', encounters: [{ id: 'E1', date: '2026-10-01', [key]: [{ code: 'J3420' }] }] }, '');
      expect(r.findings.map((f) => [f.pointer, f.severity])).toEqual([[`/encounters/0/${key}`, 'error']]);
      expect(r.findings[0]!.message).toContain('is not `services`');
    }
    const labs = adaptChart({ chartId: 'C', encounters: [{ id: 'E1', date: '2026-10-01' }], Labs: [] }, '');
    expect(labs.findings.map((f) => f.pointer)).toEqual(['/Labs']);
    const fine = adaptChart({ chartId: 'C', encounters: [{ id: 'E1', date: '2026-10-01', services: [{ code: 'J3420' }], extra: 1 }] }, '');
    expect(fine.findings).toEqual([]);
  });
});

describe('diagnosis pointers', () => {
  const chart = (pointers: unknown) =>
    adaptChart(
      {
        chartId: 'C',
        encounters: [
          {
            id: 'E1',
            date: '2026-10-01',
            diagnoses: [{ code: 'D62' }, { code: 'd510' }],
            services: [{ code: 'J3420', diagnoses: pointers }],
          },
        ],
      },
      '',
    );

  test('codes (normalized) and 1-based positions resolve to the diagnoses', () => {
    expect(chart(['D51.0', 1]).charts[0]!.encounters[0]!.services[0]!.linked!.map((d) => d.code)).toEqual(['D51.0', 'D62']);
    expect(chart(['D510']).charts[0]!.encounters[0]!.services[0]!.linked!.map((d) => d.code)).toEqual(['D51.0']);
  });

  test("no pointers leaves the line linked to nothing in particular (the rules take all of the encounter's)", () => {
    expect(chart(undefined).charts[0]!.encounters[0]!.services[0]!.linked).toBeUndefined();
  });

  test('a pointer to a diagnosis that is not on the encounter is a finding, not a crash', () => {
    const r = chart([3, 'E53.8', 0, true]);
    expect(r.findings.map((f) => [f.pointer, f.message])).toEqual([
      ['/encounters/0/services/0/diagnoses/0', 'Diagnosis pointer 3 does not point at a diagnosis of this encounter (it has 2).'],
      ['/encounters/0/services/0/diagnoses/1', 'Diagnosis pointer "E53.8" is not among this encounter\'s diagnoses.'],
      ['/encounters/0/services/0/diagnoses/2', 'Diagnosis pointer 0 does not point at a diagnosis of this encounter (it has 2).'],
      ['/encounters/0/services/0/diagnoses/3', 'A diagnosis pointer must be a code or a 1-based position; found the boolean true.'],
    ]);
    expect(r.charts[0]!.encounters[0]!.services[0]!.linked).toEqual([]);
  });
});

describe('dates', () => {
  test('strict YYYY-MM-DD calendar dates', () => {
    expect(parseDay('2026-02-28')).toBeDefined();
    expect(parseDay('2026-02-29')).toBeUndefined();
    expect(parseDay('2028-02-29')).toBeDefined();
    expect(parseDay('10/02/2026')).toBeUndefined();
    expect(formatDay(parseDay('2026-10-02')!)).toBe('2026-10-02');
  });

  test('only ten ASCII characters in the YYYY-MM-DD shape are a date, as the pattern /^\\d{4}-\\d{2}-\\d{2}$/ read them', () => {
    for (const text of [
      '2026-10-02\n', // the pattern's $ never let a line break end a date
      ' 2026-10-02',
      '2026-1-02',
      '2026-10-2',
      '2026/10/02',
      '20261002',
      '２０２６-10-02', // full-width digits are no ASCII digits
      '2026-1٠-02', // nor are Arabic-Indic ones
      '+202-10-02',
      '-026-10-02',
      '2026-10-0 ',
      '2026-:0-02', // the character after 9
      '2026-/0-02', // the character before 0
      '2026-13-02',
      '2026-00-02',
      '2026-10-00',
      '2026-04-31',
      '0099-12-31', // years before 100 are refused
      '',
    ])
      expect([text, parseDay(text)]).toEqual([text, undefined]);
    expect(formatDay(parseDay('0100-01-01')!)).toBe('0100-01-01');
    expect(formatDay(parseDay('9999-12-31')!)).toBe('9999-12-31');
    expect(formatDay(parseDay('2000-02-29')!)).toBe('2000-02-29');
    expect(parseDay('1900-02-29')).toBeUndefined();
    // Every day of four centuries, read back as written.
    for (let day = parseDay('1900-01-01')!; day <= parseDay('2300-12-31')!; day++) {
      const text = formatDay(day);
      if (parseDay(text) !== day) throw new Error(`${text} read as ${parseDay(text)}, not ${day}`);
    }
  });

  test("calendar months clamp to the month's end", () => {
    expect(formatDay(addMonths(parseDay('2026-03-31')!, -1))).toBe('2026-02-28');
    expect(formatDay(addMonths(parseDay('2026-10-02')!, -12))).toBe('2025-10-02');
  });

  test('a missing or invalid encounter date is a finding, and the encounter is left out', () => {
    const r = adaptChart({ chartId: 'C', encounters: [{ id: 'E1' }, { id: 'E2', date: '2026-10-01' }] }, '');
    expect(r.findings.map((f) => f.message)).toEqual(['Missing encounter date: expected a date written YYYY-MM-DD.']);
    expect(r.charts[0]!.encounters.map((e) => e.id)).toEqual(['E2']);
  });
});

describe('positions', () => {
  const json =
    '{\n  "chartId": "C",\n  "encounters": [\n    {"id": "E1", "date": "2026-10-01",\n     "services": [ {"code": "J3420"}, {"code": "96372", "diagnoses": [1]} ]}\n  ]\n}\n';

  test('JSON pointers are located lazily by one scan of the text', () => {
    const loc = new JsonLocator(json);
    expect(loc.locate('/encounters/0/services/1')).toEqual({ line: 5, column: 39 });
    expect(loc.locate('/encounters/0/services/1/diagnoses/0')).toEqual({ line: 5, column: 71 });
    expect(loc.locate('/chartId')).toEqual({ line: 2, column: 14 });
    expect(loc.locate('')).toEqual({ line: 1, column: 1 });
  });

  test('a pointer to a missing member falls back to its nearest ancestor', () => {
    expect(new JsonLocator(json).locate('/encounters/0/setting')).toEqual({ line: 4, column: 5 });
  });

  test('keys with escapes, / and ~ are handled', () => {
    const loc = new JsonLocator('{"a/b": {"c~d": [1, {"e\\"f": 2}]}}');
    expect(loc.locate('/a~1b/c~0d/1/e"f')).toEqual({ line: 1, column: 30 });
  });

  test("YAML positions come from the yaml package's nodes, per document of a stream", () => {
    const docs = [
      ...parseText('chartId: A\nencounters: []\n---\nchartId: B\nencounters:\n  - id: E1\n    date: 2026-10-01\n', 'yaml').docs,
    ];
    expect(docs).toHaveLength(2);
    expect(docs[1]!.locator.locate('/encounters/0')).toEqual({ line: 6, column: 5 });
    expect(docs[1]!.locator.locate('/encounters/0/date')).toEqual({ line: 7, column: 11 });
  });

  test('NDJSON positions are lines of the file', () => {
    const docs = [...parseText('{"chartId":"A"}\n\n{"chartId":"B","encounters":[{"id":"E1"}]}\n', 'ndjson').docs];
    expect(docs[1]!.locator.locate('/encounters/0')).toEqual({ line: 3, column: 30 });
  });
});

describe('lab values', () => {
  const labs = (lab: Record<string, unknown>) =>
    adaptChart({ chartId: 'C', encounters: [{ id: 'E1', date: '2026-10-01' }], labs: [{ test: 'b12', date: '2026-09-28', ...lab }] }, '');

  test("a unit in the value that is not the `unit` field's: the value is read in its own unit, with a warning at the value", () => {
    const r = labs({ value: '180 pmol/L', unit: 'pg/mL' });
    expect(r.charts[0]!.labs[0]).toMatchObject({ valueText: '180 pmol/L', value: 180, unit: 'pmol/L' });
    expect(r.findings.map((f) => [f.pointer, f.severity, f.message])).toEqual([
      [
        '/labs/0/value',
        'warning',
        'Lab value the text "180 pmol/L" names another unit than its `unit` (the text "pg/mL"): it is read in its own unit.',
      ],
    ]);
    // The same unit spelled two ways is one unit.
    expect(labs({ value: '0.2 µmol/L', unit: 'umol/L' }).findings).toEqual([]);
  });

  test('a reference range with a bound that is not a number ("2OO") or its low above its high is not read, with a warning at it; numbers written as text are read', () => {
    const range = (rr: unknown) => labs({ value: 150, unit: 'pg/mL', referenceRange: rr });
    expect(range({ low: '2 OO', high: 900 }).charts[0]!.labs[0]!.referenceRange).toBeUndefined();
    const typo = range({ low: '2OO', high: 900 });
    expect(typo.charts[0]!.labs[0]!.referenceRange).toBeUndefined();
    expect(typo.findings.map((f) => [f.pointer, f.severity, f.message])).toEqual([
      ['/labs/0/referenceRange/low', 'warning', 'Reference range `low` must be a number; found the text "2OO": the range is not read.'],
    ]);
    const inverted = range({ low: 900, high: 200 });
    expect(inverted.charts[0]!.labs[0]!.referenceRange).toBeUndefined();
    expect(inverted.findings.map((f) => [f.pointer, f.message])).toEqual([
      ['/labs/0/referenceRange', 'Reference range has its low (900) above its high (200): the range is not read.'],
    ]);
    for (const [rr, read] of [
      [
        { low: '200', high: '900' },
        { low: 200, high: 900 },
      ],
      [
        { low: '200 pg/mL', high: 900 },
        { low: 200, high: 900 },
      ],
      [{ low: 200 }, { low: 200 }],
      [{ low: null, high: 900 }, { high: 900 }],
      [{ low: '', high: 900 }, { high: 900 }],
      [{ low: '-', high: '900 pg/mL' }, { high: 900 }],
    ] as const) {
      const r = range(rr);
      expect([r.charts[0]!.labs[0]!.referenceRange, r.findings]).toEqual([read, []]);
    }
  });

  test('the same unit written twice, an exponent, and a flag written after the number are read', () => {
    expect(labs({ value: '180 PG/ML', unit: 'pg/mL' }).charts[0]!.labs[0]!.value).toBe(180);
    expect(labs({ value: '2.5e2', unit: 'pg/mL' }).charts[0]!.labs[0]!.value).toBe(250);
    expect(labs({ value: '150 (L)', unit: 'pg/mL' }).charts[0]!.labs[0]).toMatchObject({
      value: 150,
      unit: 'pg/mL',
      interpretation: 'low',
    });
    expect(labs({ value: '150 (L)', unit: 'pg/mL', flag: 'H' }).charts[0]!.labs[0]!.interpretation).toBe('high'); // the flag field holds
    expect(labs({ value: '150 (L)', unit: 'pg/mL' }).findings).toEqual([]);
  });
});

test('a chartId written as a number is read as its digits, with a warning at the id; text is read as it is', () => {
  const r = adaptChart({ chartId: 123, encounters: [{ id: 'E1', date: '2026-10-01' }] }, '');
  expect(r.charts[0]!.chartId).toBe('123');
  expect(r.findings.map((f) => [f.pointer, f.severity, f.message])).toEqual([
    [
      '/chartId',
      'warning',
      '`chartId` is the number 123, not text: read as "123". Export ids as text: a number loses leading zeros and digits beyond 15.',
    ],
  ]);
  expect(adaptChart({ chartId: '00123', encounters: [{ id: 'E1', date: '2026-10-01' }] }, '').findings).toEqual([]);
});
