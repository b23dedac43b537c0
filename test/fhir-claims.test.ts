/**
 * The FHIR adapter on claims as exported in the wild (Blue Button 2.0, BCDA, AB2D, DPC, CARIN
 * Blue Button, STU3), and what it says about everything it does not put in a chart: each case a
 * small Bundle written here, read by `adapt` and looked at in the chart model and its findings.
 */
import { adapt } from '../src/chart/adapt.js';
import type { Chart } from '../src/chart/model.js';
import type { UnlocatedFinding } from '../src/finding.js';

type Obj = Record<string, unknown>;

const PATIENT = { resourceType: 'Patient', id: 'P', gender: 'female', birthDate: '1950-01-02' };
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const ICD9 = 'http://hl7.org/fhir/sid/icd-9-cm';
const HCPCS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const SNOMED = 'http://snomed.info/sct';

function bundle(...resources: Obj[]): Obj {
  return { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) };
}

function claim(fields: Obj = {}): Obj {
  return {
    resourceType: 'Claim',
    id: 'C',
    status: 'active',
    use: 'claim',
    patient: { reference: 'Patient/P' },
    billablePeriod: { start: '2026-10-02' },
    ...fields,
  };
}

function line(system: string | undefined, code: string, more: Obj = {}): Obj {
  return { productOrService: { coding: [system === undefined ? { code } : { system, code }] }, ...more };
}

function dx(system: string, code: string, more: Obj = {}): Obj {
  return { diagnosisCodeableConcept: { coding: [{ system, code }] }, ...more };
}

function read(doc: Obj): { charts: Chart[]; findings: UnlocatedFinding[] } {
  const r = adapt(doc);
  return { charts: r.charts, findings: r.findings };
}

const services = (c: Chart): string[] => c.encounters.flatMap((e) => e.services.map((s) => s.code));
const said = (findings: UnlocatedFinding[]): string[] => findings.map((f) => `${f.severity}: ${f.message}`);

describe('code systems as exported', () => {
  test.each([
    ['https://bluebutton.cms.gov/resources/codesystem/hcpcs'],
    ['https://bluebutton.cms.gov/resources/variables/hcpcs_cd'],
    ['https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets'],
    ['http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets/'],
    ['http://terminology.hl7.org/CodeSystem/HCPCS-all-codes'],
    ['urn:oid:2.16.840.1.113883.6.285'],
    ['HCPCS'],
    ['http://www.ama-assn.org/go/cpt'],
    ['urn:oid:2.16.840.1.113883.6.12'],
  ])('a line in %s is a service', (system) => {
    const { charts, findings } = read(bundle(PATIENT, claim({ item: [line(system, 'j3420')] })));
    expect(services(charts[0]!)).toEqual(['J3420']);
    expect(findings).toEqual([]);
  });

  test('ICD-10-CM under http://hl7.org/fhir/sid/icd-10, written without the dot, is read with the dot', () => {
    const { charts } = read(
      bundle(PATIENT, claim({ diagnosis: [dx(ICD10, 'D510', { sequence: 1 }), dx(ICD10, 'E538', { sequence: 2 })] })),
    );
    expect(charts[0]!.encounters[0]!.diagnoses.map((d) => [d.code, d.codeText, d.system])).toEqual([
      ['D51.0', 'D510', undefined],
      ['E53.8', 'E538', undefined],
    ]);
  });

  test('an ICD-9-CM coding beside an ICD-10 one is passed over; a diagnosis only in ICD-9-CM is left out with a note, never read as ICD-10', () => {
    const { charts, findings } = read(
      bundle(
        PATIENT,
        claim({
          diagnosis: [
            {
              sequence: 1,
              diagnosisCodeableConcept: {
                coding: [
                  { system: ICD9, code: '2662' },
                  { system: ICD10CM, code: 'E53.8' },
                ],
              },
            },
            dx(ICD9, 'V0182', { sequence: 2 }), // shaped like ICD-10 V01.82
          ],
          item: [line(HCPCS, 'J3420', { sequence: 1, diagnosisSequence: [1, 2] })],
        }),
      ),
    );
    const enc = charts[0]!.encounters[0]!;
    expect(enc.diagnoses.map((d) => d.code)).toEqual(['E53.8']);
    expect(enc.services[0]!.linked!.map((d) => d.code)).toEqual(['E53.8']); // the pointer to the left-out diagnosis is not a second finding
    expect(said(findings)).toEqual([
      'info: 1 diagnosis not linted, coded only in ICD-9-CM (b12lint reads ICD-10-CM): diagnosis 2 (V0182).',
    ]);
    expect(findings[0]).toMatchObject({
      pointer: '/entry/1/resource/diagnosis/1',
      evidence: [{ kind: 'diagnosis', code: 'V0182', pointer: '/entry/1/resource/diagnosis/1' }],
    });
  });

  test('STU3: item.service, diagnosisLinkId, servicedDate, and use "complete"', () => {
    const { charts, findings } = read(
      bundle(
        PATIENT,
        claim({
          use: 'complete',
          diagnosis: [dx(ICD10, 'D62', { sequence: 1 })],
          item: [
            {
              sequence: 1,
              service: { coding: [{ system: 'https://bluebutton.cms.gov/resources/codesystem/hcpcs', code: 'J3420' }] },
              diagnosisLinkId: [1],
              servicedDate: '2026-10-05',
            },
          ],
        }),
      ),
    );
    expect(findings).toEqual([]);
    const s = charts[0]!.encounters[0]!.services[0]!;
    expect([s.code, s.dateText, s.linked!.map((d) => d.code)]).toEqual(['J3420', '2026-10-05', ['D62']]);
  });

  test('servicedPeriod gives the line its date (its start, else its end); diagnosis sequences may start at 0', () => {
    const { charts, findings } = read(
      bundle(
        PATIENT,
        claim({
          diagnosis: [dx(ICD10CM, 'I10', { sequence: 0 }), dx(ICD10CM, 'D51.0', { sequence: 1 })],
          item: [
            line(HCPCS, 'J3420', { sequence: 1, diagnosisSequence: [0], servicedPeriod: { start: '2026-10-03', end: '2026-10-03' } }),
            line(HCPCS, '96372', { sequence: 2, diagnosisSequence: [1], servicedPeriod: { end: '2026-10-04' } }),
          ],
        }),
      ),
    );
    expect(findings).toEqual([]);
    expect(charts[0]!.encounters[0]!.services.map((s) => [s.code, s.dateText, s.linked!.map((d) => d.code)])).toEqual([
      ['J3420', '2026-10-03', ['I10']],
      ['96372', '2026-10-04', ['D51.0']],
    ]);
  });

  test('the principal diagnosis is listed first, whatever its sequence (an institutional claim numbers its admitting diagnosis first)', () => {
    const type = (code: string): Obj[] => [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype', code }] }];
    const { charts } = read(
      bundle(
        PATIENT,
        claim({
          diagnosis: [
            dx(ICD10CM, 'R53.83', { sequence: 1, type: type('admitting') }),
            dx(ICD10CM, 'D51.0', { sequence: 2, type: type('principal') }),
            dx(ICD10CM, 'I10', { sequence: 3, type: type('other') }),
          ],
        }),
      ),
    );
    expect(charts[0]!.encounters[0]!.diagnoses.map((d) => [d.code, d.rank])).toEqual([
      ['D51.0', 1],
      ['R53.83', 2],
      ['I10', 3],
    ]);
  });
});

describe('claims that reference no encounter', () => {
  const place = (system: string, code: string): Obj => ({
    item: [line(HCPCS, 'J3420', { locationCodeableConcept: { coding: [{ system, code }] } })],
  });
  test.each([
    [
      'Blue Button eob-type INPATIENT',
      'inpatient',
      { type: { coding: [{ system: 'https://bluebutton.cms.gov/resources/codesystem/eob-type', code: 'INPATIENT' }] } },
    ],
    [
      'CARIN institutional subType inpatient',
      'inpatient',
      { subType: { coding: [{ system: 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBInstitutionalClaimSubType', code: 'inpatient' }] } },
    ],
    ['lines at place of service 23', 'emergency', place('https://bluebutton.cms.gov/resources/variables/line_place_of_srvc_cd', '23')],
    [
      'lines at place of service 02',
      'telehealth',
      place('https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set', '02'),
    ],
    ['lines at place of service 11', 'outpatient', place('https://bluebutton.cms.gov/resources/variables/line_place_of_srvc_cd', '11')],
    ['neither', 'outpatient', {}],
  ])('a claim with %s is an encounter of its own, dated by its billablePeriod, %s', (_what, setting, fields) => {
    const { charts } = read(bundle(PATIENT, claim(fields as Obj)));
    expect(charts[0]!.encounters[0]).toMatchObject({ id: 'Claim/C', dateText: '2026-10-02', setting });
  });

  test("with no billablePeriod, the first line's date places the claim", () => {
    const { charts } = read(
      bundle(
        PATIENT,
        claim({ billablePeriod: undefined, item: [line(HCPCS, 'A1'), line(HCPCS, 'J3420', { servicedDate: '2026-11-09' })] }),
      ),
    );
    expect(charts[0]!.encounters[0]!.dateText).toBe('2026-11-09');
  });
});

describe('patients contained in claims (BCDA, Blue Button partially adjudicated claims)', () => {
  const contained = (id: string, mbi: string | undefined, more: Obj = {}): Obj =>
    claim({
      id,
      patient: { reference: '#patient' },
      provider: { reference: '#provider-org' },
      contained: [
        {
          resourceType: 'Patient',
          id: 'patient',
          ...(mbi ? { identifier: [{ system: 'http://hl7.org/fhir/sid/us-mbi', value: mbi }] } : {}),
          ...more,
        },
        { resourceType: 'Organization', id: 'provider-org', name: 'Clinic' },
      ],
      item: [line(HCPCS, 'J3420')],
    });

  test('claims whose contained Patients carry the same identifier are one chart, named by it, with the demographics each carries', () => {
    const { charts, findings } = read(
      bundle(
        contained('C1', '1S00E00AA00', { gender: 'male' }),
        contained('C2', '1S00E00AA00', { birthDate: '1944-02-03' }),
        contained('C3', '9S00E00AA99'),
      ),
    );
    expect(findings).toEqual([]);
    expect(charts.map((c) => [c.chartId, c.patient.sex, c.patient.birthDateText, c.encounters.map((e) => e.id)])).toEqual([
      ['1S00E00AA00', 'male', '1944-02-03', ['Claim/C1', 'Claim/C2']],
      ['9S00E00AA99', undefined, undefined, ['Claim/C3']],
    ]);
  });

  test('a contained Patient with no identifier is named by the claim that contains it', () => {
    const { charts } = read(bundle(contained('C1', undefined), contained('C2', undefined)));
    expect(charts.map((c) => c.chartId)).toEqual(['Claim/C1#patient', 'Claim/C2#patient']);
  });
});

describe('nothing is dropped in silence', () => {
  test('lines coded in SNOMED CT share one info finding, listing each; a line in an unknown system is a warning; a line with no code too', () => {
    const { charts, findings } = read(
      bundle(
        PATIENT,
        claim({
          item: [
            line(SNOMED, '50849002', { sequence: 1 }),
            line(HCPCS, 'J3420', { sequence: 2 }),
            line(SNOMED, '430193006', { sequence: 3 }),
            line('http://billing.example.org/cdm', 'CDM-88412', { sequence: 4 }),
            line('http://billing.example.org/cdm', '96372', { sequence: 5 }),
            { sequence: 6, productOrService: { text: 'Injection' } },
          ],
        }),
      ),
    );
    expect(services(charts[0]!)).toEqual(['J3420']);
    expect(said(findings)).toEqual([
      'info: 2 lines not linted, not coded in HCPCS or CPT: line 1 (50849002 in SNOMED CT); line 3 (430193006 in SNOMED CT).',
      'warning: 2 lines not linted, coded in a system b12lint does not know (not HCPCS or CPT): line 4 (CDM-88412 in http://billing.example.org/cdm); line 5 (96372 in http://billing.example.org/cdm). If a code is HCPCS or CPT, export it under https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets or http://www.ama-assn.org/go/cpt.',
      'warning: 1 line not linted, with no procedure code: line 6 (no code).',
    ]);
    expect(findings[0]!.evidence.map((e) => [e.kind, e.code, e.pointer])).toEqual([
      ['service', '50849002', '/entry/1/resource/item/0'],
      ['service', '430193006', '/entry/1/resource/item/2'],
    ]);
  });

  test('a claim left out by its status or use says so, with its lines', () => {
    const { charts, findings } = read(
      bundle(
        PATIENT,
        claim({ id: 'X1', status: 'cancelled', item: [line(HCPCS, 'J3420'), line(HCPCS, '96372')] }),
        claim({ id: 'X2', use: 'preauthorization', item: [line(HCPCS, 'J3420')] }),
      ),
    );
    expect(charts[0]!.encounters).toEqual([]);
    expect(said(findings)).toEqual([
      'info: 2 resources not linted, left out by their status: Claim/X1 (cancelled; 2 lines); Claim/X2 (use preauthorization: not a billed claim; 1 line).',
    ]);
  });

  test('an ExplanationOfBenefit of a Claim in the input adds the lines the Claim lacks as a finding, not as a second copy', () => {
    const c = claim({ item: [line(HCPCS, 'J3420', { sequence: 1 })] });
    const eob = {
      ...c,
      resourceType: 'ExplanationOfBenefit',
      id: 'E',
      claim: { reference: 'Claim/C' },
      item: [line(HCPCS, 'J3420', { sequence: 1 }), line(HCPCS, '96372', { sequence: 2 })],
    };
    const { charts, findings } = read(bundle(PATIENT, c, eob));
    expect(services(charts[0]!)).toEqual(['J3420']);
    expect(said(findings)).toEqual([
      'warning: 1 line not linted: this ExplanationOfBenefit adjudicates Claim/C, whose lines are read, and it is not among them: line 2 (96372 in HCPCS).',
    ]);
  });

  test('a ClaimResponse adds nothing when its Claim is in the input, and says so when it is not', () => {
    const response = {
      resourceType: 'ClaimResponse',
      id: 'R',
      status: 'active',
      use: 'claim',
      patient: { reference: 'Patient/P' },
      request: { reference: 'Claim/C' },
      item: [{ itemSequence: 1, adjudication: [] }],
    };
    expect(read(bundle(PATIENT, claim({ item: [line(HCPCS, 'J3420', { sequence: 1 })] }), response)).findings).toEqual([]);
    expect(said(read(bundle(PATIENT, response)).findings)).toEqual([
      'info: 1 line not linted: this ClaimResponse answers "Claim/C", which is not in this file, and names the lines it adjudicates by number only: line 1.',
    ]);
  });

  test("a claim's procedure list is reported, not read as services", () => {
    const { charts, findings } = read(
      bundle(
        PATIENT,
        claim({
          procedure: [
            {
              sequence: 1,
              procedureCodeableConcept: { coding: [{ system: 'http://www.cms.gov/Medicare/Coding/ICD10', code: 'BQ0HZZZ' }] },
            },
          ],
        }),
      ),
    );
    expect(services(charts[0]!)).toEqual([]);
    expect(said(findings)).toEqual([
      "info: 1 claim procedure not linted (a claim's procedure codes are not its billed lines): procedure 1 (BQ0HZZZ in ICD-10-PCS).",
    ]);
  });

  test('a patient with no encounter is a chart; problem-list Conditions are named, except one a claim points to', () => {
    const cond = (id: string, code: string): Obj => ({
      resourceType: 'Condition',
      id,
      subject: { reference: 'Patient/P' },
      code: { coding: [{ system: ICD10CM, code }] },
    });
    const only = read(bundle(PATIENT, cond('c1', 'D51.0')));
    expect(only.charts.map((c) => [c.chartId, c.encounters])).toEqual([['P', []]]);
    expect(said(only.findings)).toEqual([
      'info: 1 Condition not linted, naming no encounter (a problem-list entry codes no encounter): Condition/c1 (D51.0 in ICD-10-CM).',
    ]);
    const used = read(
      bundle(PATIENT, cond('c1', 'D51.0'), claim({ diagnosis: [{ sequence: 1, diagnosisReference: { reference: 'Condition/c1' } }] })),
    );
    expect(used.findings).toEqual([]);
    expect(used.charts[0]!.encounters[0]!.diagnoses.map((d) => d.code)).toEqual(['D51.0']);
  });

  test("an Observation with no value is named; a panel that only groups its members is not; a DiagnosticReport's contained results are labs on its date", () => {
    const { charts, findings } = read(
      bundle(
        PATIENT,
        {
          resourceType: 'Observation',
          id: 'o1',
          status: 'final',
          subject: { reference: 'Patient/P' },
          code: { coding: [{ system: 'http://loinc.org', code: '2132-9' }] },
          effectiveDateTime: '2026-10-01',
          dataAbsentReason: { text: 'Specimen hemolyzed' },
        },
        {
          resourceType: 'Observation',
          id: 'o2',
          status: 'final',
          subject: { reference: 'Patient/P' },
          code: { coding: [{ system: 'http://loinc.org', code: '58410-2' }] },
          hasMember: [{ reference: 'Observation/o1' }],
        },
        {
          resourceType: 'DiagnosticReport',
          id: 'r1',
          status: 'final',
          subject: { reference: 'Patient/P' },
          effectiveDateTime: '2026-09-30',
          code: { coding: [{ system: 'http://loinc.org', code: '58410-2' }] },
          result: [{ reference: '#hgb' }],
          contained: [
            {
              resourceType: 'Observation',
              id: 'hgb',
              status: 'final',
              code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] },
              valueQuantity: { value: 9.1, unit: 'g/dL' },
            },
          ],
        },
      ),
    );
    expect(charts[0]!.labs.map((l) => [l.loinc, l.value, l.dateText, l.ptr])).toEqual([
      ['718-7', 9.1, '2026-09-30', '/entry/3/resource/contained/0'],
    ]);
    expect(said(findings)).toEqual(['info: 1 Observation not read as a lab: Observation/o1 (2132-9: no value: Specimen hemolyzed).']);
  });

  test('a note with no encounter to go to, and a document b12lint cannot read, are named', () => {
    const text = Buffer.from('Pernicious anemia.').toString('base64');
    const doc = (id: string, attachment: Obj, date = '2026-10-09'): Obj => ({
      resourceType: 'DocumentReference',
      id,
      status: 'current',
      subject: { reference: 'Patient/P' },
      date,
      content: [{ attachment }],
    });
    const { findings } = read(
      bundle(
        PATIENT,
        { resourceType: 'Encounter', id: 'e1', status: 'finished', subject: { reference: 'Patient/P' }, period: { start: '2026-10-02' } },
        doc('d1', { contentType: 'text/plain', data: text }),
        doc('d2', { contentType: 'application/pdf', data: text }, '2026-10-02'),
        doc('d3', { contentType: 'text/plain', url: 'https://ehr.example.org/d3' }, '2026-10-02'),
      ),
    );
    expect(said(findings)).toEqual([
      'warning: 1 document not linted, with no encounter to place its notes on: DocumentReference/d1 (it names no encounter, and none is on 2026-10-09).',
      'info: 2 documents not read as notes, holding no text b12lint reads: DocumentReference/d2 (attachment of type application/pdf, not text); DocumentReference/d3 (attachment given by url only: nothing is fetched).',
    ]);
  });

  test('a Procedure in SNOMED CT is named on an encounter no claim covers, and passed over where a claim bills the encounter', () => {
    const proc = (id: string, enc: string): Obj => ({
      resourceType: 'Procedure',
      id,
      status: 'completed',
      subject: { reference: 'Patient/P' },
      encounter: { reference: `Encounter/${enc}` },
      code: { coding: [{ system: SNOMED, code: '430193006' }] },
    });
    const enc = (id: string): Obj => ({
      resourceType: 'Encounter',
      id,
      status: 'finished',
      subject: { reference: 'Patient/P' },
      period: { start: '2026-10-02' },
    });
    const billed = claim({ item: [line(HCPCS, 'J3420', { encounter: [{ reference: 'Encounter/e2' }] })] });
    const { findings } = read(bundle(PATIENT, enc('e1'), enc('e2'), proc('p1', 'e1'), proc('p2', 'e2'), billed));
    expect(said(findings)).toEqual([
      'info: 1 procedure not linted as a service, not coded in HCPCS or CPT: Procedure/p1 (430193006 in SNOMED CT).',
    ]);
  });

  test("resources of a chart's kind that belong to no patient are named (a claim's lines an error); an input with no chart is an error", () => {
    const { charts, findings } = read(
      bundle(
        { resourceType: 'Claim', id: 'n1', status: 'active', item: [line(HCPCS, 'J3420')] },
        {
          resourceType: 'Observation',
          id: 'g1',
          status: 'final',
          subject: { reference: 'Group/cohort' },
          code: { text: 'b12' },
          valueQuantity: { value: 100, unit: 'pg/mL' },
        },
      ),
    );
    expect(charts).toEqual([]);
    expect(said(findings)).toEqual([
      'error: 1 resource not linted, belonging to no chart, with 1 service line not read: Claim/n1 (it names no patient (`patient`); 1 service line).',
      'warning: 1 resource not linted, belonging to no chart: Observation/g1 (its `subject` is a Group, not a patient).',
      'error: This Bundle holds no chart: none of its 2 resources belongs to a patient (expected one or more charts).',
    ]);
  });

  test('an encounter entered in error is named as left out by its status', () => {
    const { charts, findings } = read(
      bundle(PATIENT, {
        resourceType: 'Encounter',
        id: 'e1',
        status: 'entered-in-error',
        subject: { reference: 'Patient/P' },
        period: { start: '2026-10-02' },
      }),
    );
    expect(charts[0]!.encounters).toEqual([]);
    expect(said(findings)).toEqual(['info: 1 resource not linted, left out by its status: Encounter/e1 (entered-in-error).']);
  });
});
