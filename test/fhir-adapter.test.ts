/**
 * The FHIR adapter on the FHIR fixtures: what each resource becomes in the chart model, and the
 * chart-format findings for what cannot be read. The charts are compared with the native twins
 * read by the native adapter, so the two adapters are held to the same model.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { adapt } from '../src/chart/adapt.js';
import { defaultConceptMap, loadConceptMap } from '../src/chart/fhir/concept-map.js';
import type { Chart } from '../src/chart/model.js';
import { toNative } from '../src/chart/write-native.js';
import { parseText } from '../src/read/parse.js';
import { RulesetError } from '../src/read/problems.js';
import { ROOT } from './helpers/cli.js';
import { scratch } from './helpers/scratch.js';

function read(rel: string): unknown {
  return JSON.parse(readFileSync(resolve(ROOT, rel), 'utf8'));
}

function nativeChart(rel: string): Chart {
  const text = readFileSync(resolve(ROOT, rel), 'utf8');
  const doc = [...parseText(text, rel.endsWith('.json') ? 'json' : 'yaml').docs][0]!;
  return adapt(doc.value, { format: 'native' }).charts[0]!;
}

/** A collection Bundle of the given resources, in order, with a Patient p1 first (`Patient/p1` resolves to it). */
function withPatient(...resources: Record<string, unknown>[]): unknown {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ resource: { resourceType: 'Patient', id: 'p1' } }, ...resources.map((resource) => ({ resource }))],
  };
}

/** The encounters as the native format writes them: what a rule sees, without ids and pointers. */
function clinical(chart: Chart): unknown {
  return (toNative(chart).encounters as Record<string, unknown>[]).map(({ id: _id, diagnoses, ...rest }) => ({
    ...rest,
    diagnoses: (diagnoses as Record<string, unknown>[]).map(({ code, status }) => ({ code, status })),
  }));
}

describe('FHIR twins read as the same clinical facts as their native charts', () => {
  test.each([
    ['fixtures/fhir/p-0001.json', 'fixtures/charts/p-0001.yaml'],
    ['fixtures/fhir/p-0002.json', 'fixtures/charts/p-0002.json'],
  ])('%s has the encounters of %s', (fhir, native) => {
    const r = adapt(read(fhir));
    expect(r.findings).toEqual([]);
    expect(r.charts).toHaveLength(1);
    expect(clinical(r.charts[0]!)).toEqual(clinical(nativeChart(native)));
  });

  test('patient demographics come from the Patient resource', () => {
    const chart = adapt(read('fixtures/fhir/p-0001.json')).charts[0]!;
    expect(chart.chartId).toBe('P-0001');
    expect(chart.patient).toMatchObject({ id: 'P-0001', birthDateText: '1961-05-20', sex: 'female', ptr: '/entry/0/resource' });
  });

  test('a lab in pmol/L keeps its value, unit, range and flag as written', () => {
    const labs = adapt(read('fixtures/fhir/p-0002.json')).charts[0]!.labs;
    expect(labs[0]).toMatchObject({
      loinc: '14685-2',
      value: 104.8,
      valueText: '104.8',
      unit: 'pmol/L',
      dateText: '2026-09-28',
      referenceRange: { low: 148, high: 664 },
      interpretation: 'low',
    });
  });

  test('the note is read only from the base64 DocumentReference attachment, as an assessment', () => {
    const enc = adapt(read('fixtures/fhir/p-0001.json')).charts[0]!.encounters[0]!;
    expect(enc.notes).toEqual([
      {
        section: 'assessment',
        text: expect.stringContaining('Denies melena, hematochezia'),
        ptr: '/entry/4/resource/content/0/attachment',
      },
    ]);
  });

  test("claim lines point at the Claim items; diagnosis sequences become the lines' pointers", () => {
    const enc = adapt(read('fixtures/fhir/p-0001.json')).charts[0]!.encounters[0]!;
    expect(enc.services.map((s) => [s.code, s.ptr, s.linked?.map((d) => d.code)])).toEqual([
      ['J3420', '/entry/2/resource/item/0', ['D62']],
      ['96372', '/entry/2/resource/item/1', ['D62']],
    ]);
    expect(enc.diagnoses[0]!.ptr).toBe('/entry/2/resource/diagnosis/0');
  });

  test('an ExplanationOfBenefit that adjudicates a Claim in the input adds no second copy of its lines', () => {
    const enc = adapt(read('fixtures/fhir/p-0002.json')).charts[0]!.encounters[0]!;
    expect(enc.services.map((s) => s.ptr)).toEqual(['/entry/3/resource/item/0', '/entry/3/resource/item/1']);
  });
});

describe('SNOMED CT through the concept map', () => {
  test('a Condition coded only in SNOMED CT is read as its ICD-10-CM code and remembers where it came from', () => {
    const d = adapt(read('fixtures/fhir/p-0002.json')).charts[0]!.encounters[0]!.diagnoses[0]!;
    expect(d).toMatchObject({
      code: 'D51.0',
      codeText: '84027009',
      mappedFrom: { system: 'SNOMED CT', code: '84027009' },
      ptr: '/entry/2/resource',
    });
    expect(d.system).toBeUndefined();
  });

  test('a SNOMED CT concept the map does not know is kept with its system', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', id: 'x' } },
        { resource: { resourceType: 'Encounter', id: 'e', subject: { reference: 'Patient/x' }, period: { start: '2026-01-02' } } },
        {
          resource: {
            resourceType: 'Condition',
            id: 'c',
            subject: { reference: 'Patient/x' },
            encounter: { reference: 'Encounter/e' },
            code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension' }] },
          },
        },
      ],
    };
    const d = adapt(bundle).charts[0]!.encounters[0]!.diagnoses[0]!;
    expect(d).toMatchObject({ code: '38341003', system: 'snomed', description: 'Hypertension' });
    expect(d.mappedFrom).toBeUndefined();
  });

  test('the built-in map is the YAML file, and a map with a mistake is refused with its place', () => {
    expect(defaultConceptMap().snomed.get('84027009')).toEqual({ icd10: 'D51.0', display: 'Pernicious anemia (disorder)' });
    let err: unknown;
    try {
      loadConceptMap(resolve(ROOT, 'fixtures/fhir/edge/bad-concept-map.yaml'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RulesetError);
    expect((err as RulesetError).problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'SNOMED CT 84027009 needs `icd10:` with an ICD-10-CM code (D51.0)'],
      [5, '`pernicious` is not a SNOMED CT concept id (6 to 18 digits)'],
      [7, '`names` takes a list of text'],
      [9, 'LOINC 51848-0 needs a note section: assessment, plan, hpi, ros, exam, family-history, past-history, other'],
      [10, '`51848` is not a LOINC code (digits, a hyphen and a check digit)'],
    ]);
  });

  test("note sections by LOINC code are the map's `noteSections`; a map without them keeps the built-in ones", () => {
    expect(defaultConceptMap().noteSections.get('51848-0')).toBe('assessment');
    const own = loadConceptMap(resolve(ROOT, 'fixtures/fhir/edge/note-sections-concept-map.yaml'));
    expect([...own.noteSections]).toEqual([['10164-2', 'ros']]);
    // The section's code wins over its title ("History of present illness").
    const sections = (map: ReturnType<typeof loadConceptMap>): string[] =>
      adapt(read('fixtures/fhir/p-0003-snomed.json'), { conceptMap: map }).charts[0]!.encounters[0]!.notes.map((n) => n.section);
    expect(sections(own)).toEqual(['ros', 'assessment']);
    const s = scratch();
    try {
      const without = loadConceptMap(s.write('map.yaml', 'snomed:\n  "84027009": { icd10: D62 }\n'));
      expect(without.noteSections).toBe(defaultConceptMap().noteSections);
      expect(sections(without)).toEqual(['hpi', 'assessment']);
    } finally {
      s.remove();
    }
  });
});

describe('services no claim bills, notes, labs', () => {
  const chart = adapt(read('fixtures/fhir/p-0003-snomed.json')).charts[0]!;
  const enc = chart.encounters[0]!;

  test('a Procedure in CPT and a cyanocobalamin MedicationAdministration are the services, linked by their reasons', () => {
    expect(enc.services.map((s) => ({ code: s.code, ptr: s.ptr, dose: s.dose, linked: s.linked?.map((d) => d.code) }))).toEqual([
      { code: '96372', ptr: '/entry/5/resource', dose: undefined, linked: ['D50.0'] },
      { code: 'J3420', ptr: '/entry/4/resource', dose: { value: 1000, unit: 'mcg' }, linked: ['D50.0'] },
    ]);
  });

  test('Composition sections are notes: XHTML stripped, section from the LOINC code', () => {
    expect(enc.notes).toEqual([
      { section: 'hpi', text: 'Fatigue for two months.\nNo melena & no hematochezia.', ptr: '/entry/0/resource/section/0' },
      { section: 'assessment', text: 'Iron deficiency anemia. Plan: B12 injection today.', ptr: '/entry/0/resource/section/1' },
    ]);
  });

  test('a reference range with a bound that is no number, or its low above its high, is not read, with a warning at it (as in a native chart)', () => {
    const obs = (range: unknown): unknown =>
      withPatient({
        resourceType: 'Observation',
        status: 'final',
        subject: { reference: 'Patient/p1' },
        effectiveDateTime: '2026-10-01',
        code: { coding: [{ system: 'http://loinc.org', code: '2132-9' }] },
        valueQuantity: { value: 190, unit: 'pg/mL' },
        referenceRange: [range],
      });
    const swapped = adapt(obs({ low: { value: 900 }, high: { value: 200 } }));
    expect(swapped.charts[0]!.labs[0]!.referenceRange).toBeUndefined();
    expect(swapped.findings.map((f) => [f.severity, f.pointer, f.message])).toEqual([
      ['warning', '/entry/1/resource/referenceRange/0', 'Reference range has its low (900) above its high (200): the range is not read.'],
    ]);
    const text = adapt(obs({ low: { value: '2OO' }, high: { value: 900 } }));
    expect(text.charts[0]!.labs[0]!.referenceRange).toBeUndefined();
    expect(text.findings.map((f) => [f.severity, f.pointer])).toEqual([['warning', '/entry/1/resource/referenceRange/0/low']]);
    const fine = adapt(obs({ low: { value: 180 }, high: { value: 900 } }));
    expect(fine.findings).toEqual([]);
    expect(fine.charts[0]!.labs[0]!.referenceRange).toEqual({ low: 180, high: 900 });
  });

  test('a claim line coded "J3420-JW" is read as J3420 with a warning; "J3420" with a zero-width space is an error at the line', () => {
    const claim = (code: string): unknown =>
      withPatient({
        resourceType: 'Claim',
        id: 'C1',
        status: 'active',
        use: 'claim',
        patient: { reference: 'Patient/p1' },
        billablePeriod: { start: '2026-10-02' },
        diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' }] } }],
        item: [
          {
            sequence: 1,
            productOrService: { coding: [{ system: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code }] },
            diagnosisSequence: [1],
          },
        ],
      });
    const modifier = adapt(claim('J3420-JW'));
    expect(modifier.charts[0]!.encounters[0]!.services.map((x) => x.code)).toEqual(['J3420']);
    expect(modifier.findings.map((f) => [f.severity, f.pointer])).toEqual([['warning', '/entry/1/resource/item/0/productOrService']]);
    const hidden = adapt(claim('J3420\u200b'));
    expect(hidden.findings.map((f) => [f.severity, f.pointer])).toEqual([['error', '/entry/1/resource/item/0/productOrService']]);
    expect(hidden.findings[0]!.message).toContain('is J3420 with other characters in it');
  });

  test("a panel's components are results of their own; a valueString is parsed", () => {
    expect(chart.labs.map((l) => [l.loinc, l.value, l.unit, l.ptr, l.interpretation, l.referenceRange])).toEqual([
      ['718-7', 9.8, 'g/dL', '/entry/6/resource/component/0', 'low', undefined],
      ['787-2', 76, 'fL', '/entry/6/resource/component/1', undefined, { low: 80, high: 100 }],
      ['2132-9', 412, 'pg/mL', '/entry/7/resource', undefined, undefined],
    ]);
  });

  test('the administration is a medication of the chart too', () => {
    expect(chart.medications).toEqual([
      { name: 'Cyanocobalamin 1000 mcg/mL injection', date: expect.any(Number), dateText: '2026-11-03', ptr: '/entry/4/resource' },
    ]);
  });
});

describe('one chart per patient', () => {
  test('a transaction with two patients (POST, no ids) is two charts; statuses and settings are mapped', () => {
    const r = adapt(read('fixtures/fhir/edge/two-patients.json'));
    expect(r.findings).toEqual([]);
    expect(r.charts.map((c) => [c.chartId, c.patient.sex, c.encounters[0]!.setting, c.encounters[0]!.diagnoses[0]!.status])).toEqual([
      ['urn:uuid:0f3c1c52-7a4e-4c55-9d0e-1b8a4c2f0a01', 'female', 'emergency', 'suspected'],
      ['urn:uuid:0f3c1c52-7a4e-4c55-9d0e-1b8a4c2f0a02', 'male', 'telehealth', 'ruled-out'],
    ]);
  });

  test('a single resource is read as a one-entry bundle; contained resources resolve by #id', () => {
    const r = adapt(read('fixtures/fhir/edge/contained-claim.json'));
    expect(r.findings).toEqual([]);
    const c = r.charts[0]!;
    // A contained Patient with no identifier is named by the resource that contains it.
    expect(c.chartId).toBe('Claim/C-0950#pat');
    expect(c.patient).toMatchObject({ id: 'Claim/C-0950#pat', sex: 'female', ptr: '/contained/0' });
    expect(c.encounters[0]).toMatchObject({ id: 'Claim/C-0950', dateText: '2026-02-10', ptr: '' });
    expect(c.encounters[0]!.diagnoses[0]).toMatchObject({ code: 'E53.8', ptr: '/contained/1' });
    expect(c.encounters[0]!.services[0]!.linked!.map((d) => d.code)).toEqual(['E53.8']);
  });
});

describe('a resolved Condition is history on the encounters from the day it abated', () => {
  const bundle = (condition: Record<string, unknown>) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: { resourceType: 'Patient', id: 'p' } },
      {
        resource: {
          resourceType: 'Encounter',
          id: 'e1',
          status: 'finished',
          subject: { reference: 'Patient/p' },
          period: { start: '2026-10-20' },
        },
      },
      {
        resource: {
          resourceType: 'Condition',
          id: 'c',
          subject: { reference: 'Patient/p' },
          encounter: { reference: 'Encounter/e1' },
          code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'D62' }] },
          ...condition,
        },
      },
    ],
  });
  const resolved = { clinicalStatus: { coding: [{ code: 'resolved' }] } };
  const status = (condition: Record<string, unknown>): string => adapt(bundle(condition)).charts[0]!.encounters[0]!.diagnoses[0]!.status;

  test('abated on or before the encounter: history; abated later, or no abatement date: as its verification says', () => {
    expect(status({ ...resolved, abatementDateTime: '2026-03-01' })).toBe('history');
    expect(status({ ...resolved, abatementDateTime: '2026-10-20T09:00:00Z' })).toBe('history');
    expect(status({ clinicalStatus: { coding: [{ code: 'inactive' }] }, abatementPeriod: { start: '2025-01-01' } })).toBe('history');
    expect(status({ ...resolved, abatementDateTime: '2026-11-01' })).toBe('confirmed'); // still present at the encounter
    expect(status(resolved)).toBe('confirmed');
    expect(status({ clinicalStatus: { coding: [{ code: 'remission' }] }, abatementDateTime: '2026-03-01' })).toBe('confirmed');
    expect(status({ ...resolved, abatementDateTime: '2026-03-01', verificationStatus: { coding: [{ code: 'refuted' }] } })).toBe(
      'ruled-out',
    );
  });
});

describe('what cannot be read is a chart-format finding, never a crash', () => {
  const r = adapt(read('fixtures/fhir/edge/broken-references.json'));

  test('each broken reference and missing field is reported at its element', () => {
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.pointer, f.chartId])).toEqual([
      ['chart-format', 'error', '/entry/2/resource', 'P-0901'],
      ['chart-format', 'warning', '/entry/3/resource/class', 'P-0901'],
      ['chart-format', 'error', '/entry/4/resource/diagnosis/0/diagnosisReference', 'P-0901'],
      ['chart-format', 'error', '/entry/4/resource/item/0/encounter/0', 'P-0901'],
      ['chart-format', 'error', '/entry/4/resource/item/0/diagnosisSequence/2', 'P-0901'],
      ['chart-format', 'error', '/entry/5/resource/encounter', 'P-0901'],
      ['chart-format', 'warning', '/entry/8/resource/medicationReference', 'P-0901'],
      ['chart-format', 'warning', '/entry/6/resource', 'P-0901'],
      ['chart-format', 'warning', '/entry/9/resource/subject', 'P-0999'],
    ]);
    expect(r.findings[2]!.message).toBe(
      'Reference "Condition/missing" does not resolve to a Condition: no Condition with that id is in this file; the diagnosis is left out of the claim.',
    );
  });

  test('a list written as one object, or holding what is no entry, is an error that names it: no claim line vanishes in silence', () => {
    const shapes = adapt(read('fixtures/fhir/edge/broken-shapes.json'));
    expect(shapes.findings.map((f) => [f.severity, f.pointer, f.message])).toEqual(
      expect.arrayContaining([
        ['error', '/entry/1/resource/item', 'Claim/one-line-no-list: `item` must be a list; found a mapping: it is not read.'],
        ['error', '/entry/2/resource/diagnosis', 'Claim/lines-not-objects: `diagnosis` must be a list; found a mapping: it is not read.'],
        ['error', '/entry/2/resource/item/0', 'Claim/lines-not-objects: `item` entry 1 must be a mapping; found null: it is not read.'],
        [
          'error',
          '/entry/2/resource/item/1',
          'Claim/lines-not-objects: `item` entry 2 must be a mapping; found the text "J3420": it is not read.',
        ],
        [
          'error',
          '/entry/2/resource/item/2/detail',
          'Claim/lines-not-objects: `detail` must be a list; found the text "NDC": it is not read.',
        ],
        [
          'error',
          '/entry/2/resource/item/2/productOrService/coding',
          'Claim/lines-not-objects: `coding` must be a list; found a mapping: it is not read.',
        ],
        [
          'error',
          '/entry/3/resource/medicationCodeableConcept/coding',
          'MedicationAdministration/coding-no-list: `coding` must be a list; found a mapping: it is not read.',
        ],
      ]),
    );
    expect(shapes.findings.every((f) => f.chartId === 'P-0801')).toBe(true);
  });

  test('a diagnosis sequence that is not a number is named by its kind, never written out whole', () => {
    const bundle = read('fixtures/fhir/edge/broken-references.json') as { entry: { resource: { item: Record<string, unknown>[] } }[] };
    let deep: unknown = 1;
    for (let i = 0; i < 1500; i++) deep = [deep];
    bundle.entry[4]!.resource.item[0]!.diagnosisSequence = [deep, { a: 'x'.repeat(500) }, 'y'.repeat(500)];
    const messages = adapt(bundle)
      .findings.filter((f) => f.pointer.includes('/diagnosisSequence/'))
      .map((f) => f.message.replace(/ is not among.*/, ''));
    expect(messages).toEqual(['Diagnosis sequence a list', 'Diagnosis sequence a mapping', `Diagnosis sequence "${'y'.repeat(30)}..."`]);
  });

  test('the rest of the chart is still read: the claim line stands on an encounter made from the claim', () => {
    const c = r.charts[0]!;
    expect(c.encounters.map((e) => e.id)).toEqual(['enc-ok', 'Claim/C-0901', 'enc-home']);
    expect(c.encounters[1]!.services[0]!.linked!.map((d) => d.code)).toEqual(['D51.0']);
    expect(r.charts[1]!.patient).toEqual({ id: 'P-0999', ptr: '/entry/9/resource/subject' });
  });

  test('a document that is not FHIR, read with --input-format fhir, is refused with a finding', () => {
    const n = adapt({ chartId: 'X', encounters: [] }, { format: 'fhir' });
    expect(n.charts).toEqual([]);
    expect(n.refused).toEqual(['']);
    expect(n.findings[0]!.message).toMatch(/^Not a FHIR resource/);
  });

  test('a resource type b12lint reads, misspelled in its case or spacing ("claim", "Claim ", "ExplanationofBenefit"), is an error at it, not passed over', () => {
    for (const type of ['claim', 'Claim ', 'ExplanationofBenefit']) {
      const r = adapt(withPatient({ resourceType: type, id: 'C1', patient: { reference: 'Patient/p1' } }));
      expect(r.findings.map((f) => [f.severity, f.pointer])).toEqual([['error', '/entry/1/resource/resourceType']]);
      expect(r.findings[0]!.message).toContain('the resource is not read');
    }
    // A type b12lint does not read stays passed over, as before.
    const other = adapt(withPatient({ resourceType: 'Coverage', id: 'v1' }));
    expect(other.findings).toEqual([]);
  });

  test('a Bundle with no patient data is an error, as a native file with no chart is, instead of giving no chart silently', () => {
    const n = adapt({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Organization', id: 'o' } }] });
    expect(n.charts).toEqual([]);
    // One chart, not linted: the summary says "1 of 1 chart", not "1 of 0 charts".
    expect(n.refused).toEqual(['']);
    expect(n.findings.map((f) => [f.severity, f.message])).toEqual([
      ['error', 'This Bundle holds no chart: its one resource belongs to no patient (expected one or more charts).'],
    ]);
  });
});
