/**
 * FHIR bundles that once cost the square of their size: each test builds one at a scale where
 * that showed (seconds), and counts the elements the adapter's array searches look at
 * (test/helpers/work.ts), not time. The bundles are the p-0002 fixture with one kind of resource
 * repeated.
 */
import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { adapt } from '../src/chart/adapt.js';
import { BulkIndex } from '../src/chart/fhir/bulk.js';
import { defaultConceptMap } from '../src/chart/fhir/concept-map.js';
import { adaptFhirEntries } from '../src/chart/fhir/index.js';
import { scratch } from './helpers/scratch.js';
import { ROOT } from './helpers/cli.js';
import { elementsLookedAt } from './helpers/work.js';

type Resource = Record<string, unknown>;
interface Bundle {
  entry: { fullUrl?: string; resource: Resource }[];
}

/** The p-0002 fixture: a Patient, an Encounter, a Condition, a Claim and its EOB, a Medication and its administration, a note, two labs. */
function fixture(): Bundle {
  return JSON.parse(readFileSync(resolve(ROOT, 'fixtures/fhir/p-0002.json'), 'utf8')) as Bundle;
}

function resource(b: Bundle, type: string): Resource {
  return b.entry.find((e) => e.resource.resourceType === type)!.resource;
}

/** The bundle with the resource of `type` replaced by `copies` of it. */
function repeated(b: Bundle, type: string, copies: Resource[]): Bundle {
  const at = b.entry.findIndex((e) => e.resource.resourceType === type);
  b.entry.splice(at, 1, ...copies.map((resource) => ({ resource })));
  return b;
}

const N = 2000;

test('2,000 administrations on a claimed encounter of 2,000 J3420 lines: each dose goes to the next line without one, through an index of the lines (each searched them all)', () => {
  const b = fixture();
  const claim = resource(b, 'Claim') as { item: Resource[] };
  claim.item = [...Array.from({ length: N }, (_, i) => ({ ...claim.item[0]!, sequence: i + 1 })), { ...claim.item[1]!, sequence: N + 1 }];
  const given = resource(b, 'MedicationAdministration') as { dosage: { dose: Resource } };
  repeated(
    b,
    'MedicationAdministration',
    Array.from({ length: N }, (_, i) => ({
      ...given,
      id: `MA-${i}`,
      dosage: { ...given.dosage, dose: { ...given.dosage.dose, value: i + 1 } },
    })),
  );
  const { result, looked } = elementsLookedAt(() => adapt(b));
  expect(looked).toBeLessThan(50 * N); // two million
  const doses = result.charts[0]!.encounters[0]!.services.filter((s) => s.code === 'J3420').map((s) => s.dose?.value);
  expect(doses).toEqual(Array.from({ length: N }, (_, i) => i + 1));
});

test('2,000 Conditions on one encounter: each is placed by its system and code, not compared with every diagnosis placed before it', () => {
  const b = fixture();
  const condition = resource(b, 'Condition');
  const copies = Array.from({ length: N }, (_, i) => ({
    ...condition,
    id: `CN-${i}`,
    code: {
      coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: `R${String(i % 100).padStart(2, '0')}.${Math.floor(i / 100)}` }],
    },
  }));
  // The claim lists every Condition (on an encounter a claim covers, the claim's diagnoses are
  // what is coded): each is placed from the claim, then found by each Condition, to lend its status.
  repeated(b, 'Condition', copies);
  for (const type of ['Claim', 'ExplanationOfBenefit'])
    (resource(b, type) as { diagnosis: Resource[] }).diagnosis = copies.map((c, i) => ({
      sequence: i + 1,
      diagnosisReference: { reference: `Condition/${String(c.id)}` },
    }));
  const { result, looked } = elementsLookedAt(() => adapt(b));
  expect(looked).toBeLessThan(50 * N); // two million
  expect(result.charts[0]!.encounters[0]!.diagnoses).toHaveLength(N);
});

test('an ExplanationOfBenefit of 2,000 lines: each is matched to its Claim’s line through a set, not a search of them', () => {
  const b = fixture();
  const lines = (item: Resource[]) => Array.from({ length: N }, (_, i) => ({ ...item[0]!, sequence: i + 1 }));
  const claim = resource(b, 'Claim') as { item: Resource[] };
  const eob = resource(b, 'ExplanationOfBenefit') as { item: Resource[] };
  claim.item = lines(claim.item);
  eob.item = [...lines(eob.item), { ...eob.item[0]!, sequence: N + 1 }];
  const { result, looked } = elementsLookedAt(() => adapt(b));
  expect(looked).toBeLessThan(50 * N); // two million
  // The one EOB line the Claim does not have is reported; the others match.
  const unmatched = result.findings.filter((f) => /ExplanationOfBenefit/.test(f.message));
  expect(unmatched).toHaveLength(1);
  expect(unmatched[0]!.message).toContain('line 2001');
});

test('2,000 encounters and 2,000 notes that name none: each note is placed by the encounters of its day, counted as they were added, not by a filter of them all', () => {
  const b = fixture();
  const encounter = resource(b, 'Encounter');
  const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
  repeated(
    b,
    'Encounter',
    Array.from({ length: N }, (_, i) => ({
      ...encounter,
      id: i === 0 ? 'enc-0002' : `enc-${i}`,
      period: { start: `${day(i)}T10:00:00Z` },
    })),
  );
  const note = resource(b, 'DocumentReference');
  const { context: _context, ...unplaced } = note;
  repeated(
    b,
    'DocumentReference',
    Array.from({ length: N }, (_, i) => ({ ...unplaced, id: `DR-${i}`, date: `${day(i)}T11:00:00Z` })),
  );
  const { result, looked } = elementsLookedAt(() => adapt(b));
  expect(looked).toBeLessThan(50 * N); // four million
  expect(result.charts[0]!.encounters.reduce((n, e) => n + e.notes.length, 0)).toBe(N);
});

/** A Bulk Data export: one Medication line of about `bytes`, and `patients` patients, each with a MedicationRequest for it. */
function sharedMedicationExport(dir: string, bytes: number, patients: number): string[] {
  const medication = { resourceType: 'Medication', id: 'm', code: { text: 'cyanocobalamin' }, note: [{ text: 'x'.repeat(bytes) }] };
  const files = {
    'Medication.000.ndjson': [medication],
    'Patient.000.ndjson': Array.from({ length: patients }, (_, i) => ({ resourceType: 'Patient', id: `p${i}` })),
    'MedicationRequest.000.ndjson': Array.from({ length: patients }, (_, i) => ({
      resourceType: 'MedicationRequest',
      id: `r${i}`,
      status: 'active',
      subject: { reference: `Patient/p${i}` },
      medicationReference: { reference: 'Medication/m' },
    })),
  };
  return Object.entries(files).map(([name, lines]) => {
    const path = join(dir, name);
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return path;
  });
}

test('a Medication of 60 KB that 2,000 patients of a Bulk export point to is parsed once, not once for each patient', () => {
  const s = scratch();
  try {
    const files = sharedMedicationExport(s.dir, 60_000, N);
    const index = new BulkIndex(files, 64 * 1024 * 1024);
    const parse = jest.spyOn(JSON, 'parse');
    const names: (string | undefined)[] = [];
    try {
      for (const patient of index.patients()) {
        const { entries, external } = index.assemble(patient);
        const adapted = adaptFhirEntries(entries, { map: defaultConceptMap(), where: 'export', external });
        names.push(adapted.charts[0]!.medications[0]?.name);
      }
      // Once when the export is indexed (before the spy), once at the first patient's reference.
      expect(parse.mock.calls.filter(([text]) => (text as string).length > 50_000)).toHaveLength(1);
    } finally {
      parse.mockRestore();
      index.close();
    }
    expect(names).toEqual(Array.from({ length: N }, () => 'cyanocobalamin'));
  } finally {
    s.remove();
  }
});

test('25 Observations left out for one reason: one finding names and cites 20 and counts the rest (12,000 made one finding of 67 MB)', () => {
  const b = fixture();
  const observation = resource(b, 'Observation');
  const { valueQuantity: _value, ...noValue } = observation;
  repeated(
    b,
    'Observation',
    Array.from({ length: 25 }, (_, i) => ({ ...noValue, id: `OB-${i}` })),
  );
  const leftOut = adapt(b).findings.filter((f) => f.message.includes('not read as labs'));
  expect(leftOut).toHaveLength(1);
  const [f] = leftOut;
  expect(f!.evidence).toHaveLength(20);
  expect(f!.moreEvidence).toBe(5);
  expect(f!.message).toMatch(/^25 Observations not read as labs: Observation\/OB-0 \(.*\); .*Observation\/OB-19 \([^)]*\); and 5 more\.$/);
  expect(f!.message).not.toContain('OB-20');
});

/** A Bundle: `e` Encounters and one Claim of `d` diagnoses whose line k references Encounter k. */
function spreadClaim(d: number, e: number): unknown {
  const entry: { resource: Resource }[] = [{ resource: { resourceType: 'Patient', id: 'P' } }];
  for (let k = 0; k < e; k++)
    entry.push({
      resource: { resourceType: 'Encounter', id: `e${k}`, subject: { reference: 'Patient/P' }, period: { start: '2026-10-02' } },
    });
  const item = Array.from({ length: e }, (_, k) => ({
    sequence: k + 1,
    productOrService: { coding: [{ system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'J3420' }] },
    encounter: [{ reference: `Encounter/e${k}` }],
  }));
  const diagnosis = Array.from({ length: d }, (_, i) => ({
    sequence: i + 1,
    diagnosisCodeableConcept: {
      coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: `R${String(i % 90).padStart(2, '0')}.${Math.floor(i / 90)}` }],
    },
  }));
  entry.push({ resource: { resourceType: 'Claim', id: 'c', use: 'claim', patient: { reference: 'Patient/P' }, diagnosis, item } });
  return { resourceType: 'Bundle', entry };
}

test('a Claim that would put 40,000 diagnoses on its encounters (200 on each of 200) is left out with a finding that says so; 20,000 are placed', () => {
  const over = adapt(spreadClaim(200, 200));
  const said = over.findings.filter((f) => f.message.startsWith('Claim puts its 200 diagnoses on each of the 200 encounters'));
  expect(said).toHaveLength(1);
  expect(said[0]!.message).toBe(
    'Claim puts its 200 diagnoses on each of the 200 encounters its lines reference, more than the 25,000 diagnoses b12lint places from one claim: it is left out, with its diagnoses and 200 lines.',
  );
  expect(over.charts[0]!.encounters.every((e) => e.diagnoses.length === 0 && e.services.length === 0)).toBe(true);
  const under = adapt(spreadClaim(100, 200));
  expect(under.charts[0]!.encounters.every((e) => e.diagnoses.length === 100 && e.services.length === 1)).toBe(true);
});

test('a Claim of 25,001 diagnoses that names no encounter is left out with no encounter made from it: what has no encounter stays unplaced, and its EOB says the Claim is left out', () => {
  const diagnosis = Array.from({ length: 25_001 }, (_, i) => ({
    sequence: i + 1,
    diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'D51.0' }] },
  }));
  const j3420 = { coding: [{ system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'J3420' }] };
  const item = [{ sequence: 1, productOrService: j3420 }];
  const bundle = {
    resourceType: 'Bundle',
    entry: [
      { resource: { resourceType: 'Patient', id: 'P' } },
      {
        resource: {
          resourceType: 'ExplanationOfBenefit',
          id: 'x',
          status: 'active',
          use: 'claim',
          patient: { reference: 'Patient/P' },
          claim: { reference: 'Claim/c' },
          item: [...item, { sequence: 2, productOrService: j3420 }],
        },
      },
      {
        resource: {
          resourceType: 'Claim',
          id: 'c',
          status: 'active',
          use: 'claim',
          patient: { reference: 'Patient/P' },
          billablePeriod: { start: '2026-10-01' },
          diagnosis,
          item,
          procedure: [{ sequence: 1, procedureCodeableConcept: j3420 }],
        },
      },
      {
        resource: {
          resourceType: 'Procedure',
          id: 'pr',
          status: 'completed',
          subject: { reference: 'Patient/P' },
          code: j3420,
          performedDateTime: '2026-10-01',
        },
      },
    ],
  };
  const out = adapt(bundle);
  expect(out.charts[0]!.encounters).toEqual([]);
  const messages = out.findings.map((f) => f.message);
  expect(messages).toContain(
    'Claim has 25,001 diagnoses, more than the 25,000 b12lint places from one claim: it is left out, with its diagnoses, 1 line and 1 procedure.',
  );
  // Its line 1 is the Claim's (left out with it); its line 2 is not among the Claim's lines.
  expect(messages).toContainEqual(
    expect.stringMatching(
      /^1 line not linted: this ExplanationOfBenefit adjudicates Claim\/c, which is left out, and it is not among its lines: line 2 /,
    ),
  );
  expect(messages.some((m) => m.includes('whose lines are read'))).toBe(false);
  // The Procedure has no encounter to go to (none is made from the Claim), and says so.
  expect(messages.some((m) => /Procedure\/pr/.test(m) && /no encounter/.test(m))).toBe(true);
});
