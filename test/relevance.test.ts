/**
 * Relevance (src/rules/relevance.ts): the engine skips a rule on a chart that holds nothing the
 * rule could fire on. The skip must be exact: over generated charts (B12 and anemia visits, routine
 * visits, and random mixes of the codes, statuses, settings, lines, labs and note sentences the
 * rules read), the engine with gates and the engine that asks every rule give the same findings,
 * and the same report, byte for byte, in every format.
 */
import fc from 'fast-check';
import { FORMATTERS } from '../src/report/index.js';
import { Engine } from '../src/rules/engine.js';
import { buildReport } from '../src/run/run.js';
import { lintText, type FileOutcome } from '../src/run/lint-file.js';
import { setupRuleset } from '../src/run/setup.js';

const ruleset = setupRuleset({ version: 'test' });
const gated = new Engine(ruleset, { stats: true });
const full = new Engine(ruleset, { relevance: false });
const OPTIONS = { maxFileSize: 64 * 1024 * 1024, debug: true };

// What the built-in rules read, and what routine visits hold instead.
const DX = [
  'D51.0',
  'D51.9',
  'D51',
  'D51.8',
  'D50.0',
  'D50.9',
  'D62',
  'D64.9',
  'D63.1',
  'D53.9',
  'D52.0',
  'E53.8',
  'E53',
  'K50.90',
  'K90.0',
  'Z98.84',
  'Z79.84',
  'Z86.39',
  'I10',
  'E11.9',
  'E78.5',
  'Z00.00',
  'J06.9',
  'M54.50',
  'XX9.9',
  'R53.83',
];
const STATUS = ['confirmed', 'suspected', 'ruled-out', 'history', undefined];
const SETTING = ['outpatient', 'inpatient', 'telehealth', 'emergency'];
const SERVICES = ['J3420', '96372', 'J3490', 'J0470', 'J3425', '99213', '99396', '90471', '36415'];
const LABS: [string, string, string, number, number][] = [
  ['2132-9', 'Vitamin B12', 'pg/mL', 80, 900],
  ['787-2', 'MCV', 'fL', 70, 120],
  ['718-7', 'Hemoglobin', 'g/dL', 7, 16],
  ['2276-4', 'Ferritin', 'ng/mL', 5, 300],
  ['2284-8', 'Folate', 'ng/mL', 1, 20],
  ['4548-4', 'Hemoglobin A1c', '%', 5, 9],
  ['2160-0', 'Creatinine', 'mg/dL', 0.5, 1.5],
];
const SENTENCES = [
  'Possible vitamin B12 deficiency given neuropathy.',
  'Denies melena, hematochezia or other bleeding.',
  'Mother had pernicious anemia.',
  'Gastric bypass in 2019.',
  'On metformin for years.',
  'Hypertension, well controlled on lisinopril.',
  'Rule out iron deficiency anemia.',
  'Anemia due to acute blood loss after GI bleed.',
  'B12 deficiency anemia, likely dietary.',
  'Fatigue and pallor.',
  'Annual physical, feels well.',
  "Crohn's disease in remission.",
  'History of B12 deficiency, resolved.',
  'Cyanocobalamin 1000 mcg IM given today.',
];
const MEDS = ['cyanocobalamin', 'hydroxocobalamin', 'methylcobalamin', 'lisinopril', 'metformin'];

const day = fc.integer({ min: 0, max: 400 }).map((n) => new Date(Date.UTC(2025, 6, 1) + n * 86400000).toISOString().slice(0, 10));
const diagnosis = fc
  .record({ code: fc.constantFrom(...DX), status: fc.constantFrom(...STATUS) })
  .map((d) => (d.status ? d : { code: d.code }));
const service = fc.record({
  code: fc.constantFrom(...SERVICES),
  units: fc.integer({ min: 1, max: 3 }),
  pointers: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
});
const encounter = fc.record({
  date: day,
  setting: fc.constantFrom(...SETTING),
  diagnoses: fc.array(diagnosis, { maxLength: 4 }),
  services: fc.array(service, { maxLength: 3 }),
  notes: fc.array(
    fc.record({
      section: fc.constantFrom('assessment', 'plan', 'hpi', 'family-history'),
      text: fc.array(fc.constantFrom(...SENTENCES), { minLength: 1, maxLength: 3 }).map((s) => s.join(' ')),
    }),
    { maxLength: 2 },
  ),
});
const lab = fc.record({ which: fc.constantFrom(...LABS), at: fc.double({ min: 0, max: 1, noNaN: true }), date: day });
const chartArb = fc.record({
  encounters: fc.array(encounter, { minLength: 1, maxLength: 3 }),
  labs: fc.array(lab, { maxLength: 4 }),
  meds: fc.array(fc.record({ name: fc.constantFrom(...MEDS), date: day }), { maxLength: 2 }),
});
type GenChart = typeof chartArb extends fc.Arbitrary<infer T> ? T : never;

let serial = 0;
function chartText(c: GenChart): string {
  serial++;
  const doc: Record<string, unknown> = {
    chartId: `REL-${serial}`,
    patient: { id: `P-${serial}`, birthDate: '1960-05-01', sex: serial % 2 ? 'female' : 'male' },
    encounters: c.encounters.map((e, i) => ({
      id: `E${i + 1}`,
      date: e.date,
      setting: e.setting,
      diagnoses: e.diagnoses,
      services: e.services.map((s) => ({
        code: s.code,
        units: s.units,
        ...(s.code === 'J3420' ? { dose: { value: 1000 * s.units, unit: 'mcg' } } : {}),
        diagnoses: s.pointers.filter((p) => p <= e.diagnoses.length),
      })),
      notes: e.notes,
    })),
  };
  if (c.labs.length) {
    doc.labs = c.labs.map((l) => {
      const [loinc, test, unit, lo, hi] = l.which;
      return { loinc, test, value: Math.round((lo + l.at * (hi - lo)) * 10) / 10, unit, date: l.date };
    });
  }
  if (c.meds.length) doc.medications = c.meds.map((m) => ({ name: m.name, date: m.date }));
  return JSON.stringify(doc, null, 2);
}

function outcomes(engine: Engine, texts: readonly string[]): FileOutcome[] {
  return texts.map((text, i) => lintText(text, 'json', `charts/rel-${i}.json`, engine, OPTIONS));
}

describe('the relevance skip is exact', () => {
  test('over generated charts the engine with gates finds what the engine that asks every rule finds, chart by chart', () => {
    fc.assert(
      fc.property(chartArb, (c) => {
        const text = chartText(c);
        const [a] = outcomes(gated, [text]);
        const [b] = outcomes(full, [text]);
        expect(a!.findings.filter((f) => f.ruleId === 'internal-error')).toEqual([]);
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      }),
      { numRuns: 400, seed: 20261204 },
    );
  });

  test("a run's report is byte-identical with and without the skip, in every format", () => {
    const texts = fc.sample(chartArb, { numRuns: 150, seed: 17 }).map(chartText);
    const version = { ruleset, version: 'test' };
    const withSkip = buildReport(outcomes(gated, texts), version);
    const without = buildReport(outcomes(full, texts), version);
    expect(withSkip.summary.errors + withSkip.summary.warnings).toBeGreaterThan(50); // the sample has findings to compare
    for (const [name, format] of FORMATTERS) {
      const options = {
        color: false,
        rules: ruleset.rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, docs: r.docs })),
        timestamp: '2026-12-04T00:00:00',
      };
      expect({ name, text: format(withSkip, options) }).toEqual({ name, text: format(without, options) });
    }
  });
});

describe('relevance is worked out from the ruleset', () => {
  test('on a routine visit (hypertension, diabetes, no B12 line, no anemia code, no B12 lab) the rules about B12 lines and anemia codes are not asked', () => {
    const before = new Map([...gated.stats!].map(([id, s]) => [id, s.evaluations]));
    const routine = JSON.stringify({
      chartId: 'ROUTINE-1',
      patient: { id: 'P-R1', birthDate: '1958-02-11', sex: 'male' },
      encounters: [
        {
          id: 'E1',
          date: '2026-06-02',
          setting: 'outpatient',
          diagnoses: [
            { code: 'I10', description: 'Essential (primary) hypertension' },
            { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' },
          ],
          services: [{ code: '99213', diagnoses: [1, 2] }],
          notes: [{ section: 'assessment', text: 'Hypertension, well controlled on lisinopril. Type 2 diabetes, A1c at goal.' }],
        },
      ],
      labs: [{ loinc: '4548-4', test: 'Hemoglobin A1c', value: 6.8, unit: '%', date: '2026-05-28' }],
    });
    const [o] = outcomes(gated, [routine]);
    expect(o!.findings).toEqual([]);
    const asked = [...gated.stats!]
      .filter(([id, s]) => s.evaluations > before.get(id)!)
      .map(([id]) => id)
      .sort();
    // Only the rules about any diagnosis remain: whether the code exists and is billable,
    // whether an outpatient diagnosis is documented as uncertain, and whether the notes state it
    // ruled out or past.
    expect(asked).toEqual(['diagnosis-not-current', 'non-billable-icd10-code', 'uncertain-dx-coded-outpatient', 'unknown-icd10-code']);
    for (const id of [
      'b12-injection-unsupported-dx',
      'b12-deficiency-no-lab',
      'blood-loss-anemia-undocumented',
      'excludes1-conflict',
      'etiology-documented-not-coded',
    ]) {
      expect(ruleset.rules.find((r) => r.id === id)!.gate).toBeDefined();
    }
  });
});
