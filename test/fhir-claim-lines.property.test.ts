/**
 * Property of the FHIR adapter (fast-check): no claim line is ever dropped in silence. For
 * generated ExplanationOfBenefits, Claims and Bundles of them (R4 and STU3 field names, every
 * kind of line code, diagnosis sequences from 0 or 1, contained or missing patients, statuses
 * that leave a claim out), every item of the input is exactly one of: a service of a chart
 * (pointing at the item), a thing a `chart-format` finding names as left out (the item, or its
 * whole claim), or a line of an ExplanationOfBenefit whose Claim is in the input with the same
 * line (read from the Claim). Items in = services out + items the findings account for.
 */
import fc from 'fast-check';
import { adapt } from '../src/chart/adapt.js';

type Obj = Record<string, unknown>;

const SYSTEMS = {
  hcpcs: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  bbHcpcs: 'https://bluebutton.cms.gov/resources/codesystem/hcpcs',
  cpt: 'http://www.ama-assn.org/go/cpt',
  snomed: 'http://snomed.info/sct',
  ndc: 'http://hl7.org/fhir/sid/ndc',
  revenue: 'https://www.nubc.org/CodeSystem/RevenueCodes',
  absent: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  local: 'https://ehr.example.org/fhir/CodeSystem/chargemaster',
};

/** A line's code: a CodeableConcept, or nothing at all. */
const lineConcept: fc.Arbitrary<Obj | undefined> = fc.oneof(
  fc
    .constantFrom('J3420', '96372', '99213', 'M55', '12345')
    .chain((code) => fc.constantFrom(SYSTEMS.hcpcs, SYSTEMS.bbHcpcs, SYSTEMS.cpt).map((system) => ({ coding: [{ system, code }] }))),
  fc.constantFrom('J3420', '96372').map((code) => ({ coding: [{ code }] })), // no system, HCPCS shape
  fc
    .constantFrom([SYSTEMS.snomed, '50849002'], [SYSTEMS.ndc, '00517003125'], [SYSTEMS.revenue, '0636'], [SYSTEMS.absent, 'not-applicable'])
    .map(([system, code]) => ({ coding: [{ system, code }] })),
  fc
    .constantFrom([SYSTEMS.local, 'CDM-88412'], [undefined, 'CDM-1'], ['urn:oid:1.2.3.4', 'J3420'])
    .map(([system, code]) => ({ coding: [system === undefined ? { code } : { system, code }] })),
  fc.constant({ text: 'injection' }), // text only: no coding
  fc.constant(undefined),
);

const diagnosisConcept: fc.Arbitrary<Obj> = fc.constantFrom(
  { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'D51.0' }] },
  { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'D62' }] },
  { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E538' }] },
  { coding: [{ system: 'http://hl7.org/fhir/sid/icd-9-cm', code: '2810' }] },
  {
    coding: [
      { system: 'http://hl7.org/fhir/sid/icd-9-cm', code: '2810' },
      { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'D51.0' },
    ],
  },
  { coding: [{ system: SYSTEMS.snomed, code: '84027009' }] },
  { text: 'no code' },
);

interface ClaimSpec {
  type: 'Claim' | 'ExplanationOfBenefit';
  stu3: boolean;
  status: string;
  use?: string;
  patient: 'ref' | 'contained' | 'contained-anonymous' | 'none';
  dated: boolean;
  firstSequence: number;
  diagnoses: Obj[];
  lines: { concept?: Obj; pointers: number[]; dated: boolean }[];
}

const claimSpec: fc.Arbitrary<ClaimSpec> = fc.record({
  type: fc.constantFrom('Claim' as const, 'ExplanationOfBenefit' as const),
  stu3: fc.boolean(),
  status: fc.constantFrom('active', 'active', 'active', 'cancelled', 'entered-in-error', 'draft'),
  use: fc.option(fc.constantFrom('claim', 'claim', 'complete', 'preauthorization', 'predetermination'), { nil: undefined }),
  patient: fc.constantFrom('ref' as const, 'ref' as const, 'contained' as const, 'contained-anonymous' as const, 'none' as const),
  dated: fc.boolean(),
  firstSequence: fc.constantFrom(0, 1),
  diagnoses: fc.array(diagnosisConcept, { maxLength: 4 }),
  lines: fc.array(fc.record({ concept: lineConcept, pointers: fc.array(fc.nat({ max: 4 }), { maxLength: 2 }), dated: fc.boolean() }), {
    maxLength: 6,
  }),
}) as fc.Arbitrary<ClaimSpec>;

function claimResource(spec: ClaimSpec, id: string): Obj {
  const r: Obj = { resourceType: spec.type, id, status: spec.status };
  if (spec.use !== undefined) r.use = spec.use;
  if (spec.patient === 'ref') r.patient = { reference: 'Patient/P1' };
  if (spec.patient === 'contained' || spec.patient === 'contained-anonymous') {
    const p: Obj = { resourceType: 'Patient', id: 'patient', gender: 'female' };
    if (spec.patient === 'contained') p.identifier = [{ system: 'http://hl7.org/fhir/sid/us-mbi', value: '1S00E00AA00' }];
    r.contained = [p];
    r.patient = { reference: '#patient' };
  }
  if (spec.dated) r.billablePeriod = { start: '2026-10-02', end: '2026-10-02' };
  r.diagnosis = spec.diagnoses.map((c, i) => ({ sequence: spec.firstSequence + i, diagnosisCodeableConcept: c }));
  r.item = spec.lines.map((l, i) => {
    const item: Obj = { sequence: i + 1 };
    if (l.concept !== undefined) item[spec.stu3 ? 'service' : 'productOrService'] = l.concept;
    if (l.pointers.length) item[spec.stu3 ? 'diagnosisLinkId' : 'diagnosisSequence'] = l.pointers.map((p) => spec.firstSequence + p);
    if (l.dated)
      item[spec.stu3 ? 'servicedDate' : 'servicedPeriod'] = spec.stu3 ? '2026-10-03' : { start: '2026-10-03', end: '2026-10-03' };
    return item;
  });
  return r;
}

interface Input {
  doc: Obj;
  /** Pointers of the items the adapter must account for, with the pointer of their resource. */
  items: { ptr: string; resource: string }[];
  /** Items read from the Claim an ExplanationOfBenefit adjudicates (the same line is on the Claim). */
  covered: Set<string>;
}

/** A Bundle: a Patient, claims, and ExplanationOfBenefits of some of its Claims (a copy, or a changed copy). */
const bundleInput: fc.Arbitrary<Input> = fc
  .record({
    withPatient: fc.boolean(),
    claims: fc.array(claimSpec, { minLength: 1, maxLength: 4 }),
    adjudications: fc.array(fc.record({ of: fc.nat(), changed: fc.boolean() }), { maxLength: 2 }),
  })
  .map(({ withPatient, claims, adjudications }) => {
    const entry: Obj[] = [];
    if (withPatient) entry.push({ resource: { resourceType: 'Patient', id: 'P1', gender: 'male', birthDate: '1950-01-01' } });
    const resources = claims.map((spec, i) => claimResource(spec, `C${i}`));
    for (const [k, a] of adjudications.entries()) {
      const claim = resources[a.of % resources.length]!;
      if (claim.resourceType !== 'Claim') continue;
      const eob = structuredClone(claim);
      eob.resourceType = 'ExplanationOfBenefit';
      eob.id = `EOB${k}`;
      eob.status = 'active';
      eob.use = 'claim';
      eob.claim = { reference: `Claim/${String(claim.id)}` };
      if (a.changed) (eob.item as Obj[]).push({ sequence: 99, productOrService: { coding: [{ system: SYSTEMS.hcpcs, code: 'J3420' }] } });
      resources.push(eob);
    }
    entry.push(...resources.map((resource) => ({ resource })));
    const doc = { resourceType: 'Bundle', type: 'collection', entry };
    const items: Input['items'] = [];
    const covered = new Set<string>();
    const offset = withPatient ? 1 : 0;
    resources.forEach((r, i) => {
      const rptr = `/entry/${i + offset}/resource`;
      (r.item as Obj[]).forEach((item, k) => {
        items.push({ ptr: `${rptr}/item/${k}`, resource: rptr });
        // The line of an ExplanationOfBenefit of a Claim in the input, when that Claim has the same line.
        if (r.claim !== undefined && item.sequence !== 99) covered.add(`${rptr}/item/${k}`);
      });
    });
    return { doc, items, covered };
  });

/** One claim alone, as a file holding one resource. */
const singleInput: fc.Arbitrary<Input> = claimSpec.map((spec) => {
  const doc = claimResource(spec, 'ONE');
  return { doc, items: (doc.item as Obj[]).map((_, k) => ({ ptr: `/item/${k}`, resource: '' })), covered: new Set<string>() };
});

/**
 * How many times each item is accounted for: as a service, as a thing a finding names (the item,
 * or its whole resource), or, for a line of an ExplanationOfBenefit that is read, through its Claim.
 */
function accounting(input: Input): Map<string, number> {
  const result = adapt(input.doc);
  const services = new Map<string, number>();
  for (const chart of result.charts)
    for (const e of chart.encounters) for (const s of e.services) services.set(s.ptr, (services.get(s.ptr) ?? 0) + 1);
  const cited = new Set(
    result.findings.filter((f) => f.ruleId === 'chart-format').flatMap((f) => [f.pointer, ...f.evidence.map((e) => e.pointer)]),
  );
  const count = new Map<string, number>();
  for (const it of input.items) {
    const whole = cited.has(it.resource);
    const n = (services.get(it.ptr) ?? 0) + (cited.has(it.ptr) ? 1 : 0) + (whole ? 1 : 0) + (input.covered.has(it.ptr) && !whole ? 1 : 0);
    count.set(it.ptr, n);
  }
  return count;
}

describe('no claim line is dropped in silence', () => {
  test.each([
    ['a Claim or an ExplanationOfBenefit alone', singleInput],
    ['Bundles of Claims and ExplanationOfBenefits, some adjudicating a Claim of the Bundle', bundleInput],
  ])('%s: every item is a service, or is named by a finding, exactly once', (_name, input) => {
    fc.assert(
      fc.property(input, (inp) => {
        const count = accounting(inp);
        const wrong = [...count].filter(([, n]) => n !== 1);
        expect({ doc: inp.doc, wrong }).toEqual({ doc: inp.doc, wrong: [] });
      }),
      { numRuns: 300 },
    );
  });

  test('items in = services out + items named by findings, on a known mix', () => {
    const doc = {
      resourceType: 'ExplanationOfBenefit',
      id: 'X',
      status: 'active',
      use: 'claim',
      patient: { reference: 'Patient/P' },
      billablePeriod: { start: '2026-10-02' },
      diagnosis: [{ sequence: 0, diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'D62' }] } }],
      item: [
        { sequence: 1, productOrService: { coding: [{ system: SYSTEMS.bbHcpcs, code: 'J3420' }] }, diagnosisSequence: [0] },
        { sequence: 2, productOrService: { coding: [{ system: SYSTEMS.snomed, code: '50849002' }] } },
        { sequence: 3, productOrService: { coding: [{ system: SYSTEMS.local, code: 'CDM-88412' }] } },
        { sequence: 4 },
      ],
    };
    const r = adapt(doc);
    const services = r.charts.flatMap((c) => c.encounters.flatMap((e) => e.services));
    const named = r.findings.flatMap((f) => f.evidence.map((e) => e.pointer)).filter((p) => /^\/item\/\d+$/.test(p));
    expect(services.map((s) => s.ptr)).toEqual(['/item/0']);
    expect(services[0]!.linked!.map((d) => d.code)).toEqual(['D62']);
    expect(named.sort()).toEqual(['/item/1', '/item/2', '/item/3']);
    expect(services.length + named.length).toBe(doc.item.length);
  });
});
