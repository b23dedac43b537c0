/**
 * The FHIR adapter on the cases of review 32 (a certified coder's FHIR probes): status codings
 * read from their HL7 code system, documents left out by status, a diagnosis's description from
 * the coding that gave its code, HTML notes, ChargeItems, administrations not given, Conditions
 * beside a claim, and dateTimes in other offsets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapt } from '../src/chart/adapt.js';
import { cliJson } from './helpers/cli.js';
import type { Chart } from '../src/chart/model.js';
import { stripXhtml } from '../src/chart/fhir/notes.js';

const VER = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CLIN = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const HCPCS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const CPT = 'http://www.ama-assn.org/go/cpt';

/** A collection Bundle of the given resources, with a Patient p1 and an AMB Encounter e1 on 2026-10-02 first. */
function bundle(...resources: Record<string, unknown>[]): unknown {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: { resourceType: 'Patient', id: 'p1' } },
      {
        resource: {
          resourceType: 'Encounter',
          id: 'e1',
          status: 'finished',
          class: { code: 'AMB' },
          subject: { reference: 'Patient/p1' },
          period: { start: '2026-10-02T10:00:00-04:00' },
        },
      },
      ...resources.map((resource) => ({ resource })),
    ],
  };
}

function condition(id: string, code: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    id,
    subject: { reference: 'Patient/p1' },
    encounter: { reference: 'Encounter/e1' },
    code: { coding: [{ system: ICD, code }] },
    ...extra,
  };
}

function one(doc: unknown): { chart: Chart; findings: ReturnType<typeof adapt>['findings'] } {
  const r = adapt(doc);
  expect(r.charts).toHaveLength(1);
  return { chart: r.charts[0]!, findings: r.findings };
}

/** The one finding a list holds, with these fields (its severity, pointer and message, as given). */
function expectOnlyFinding(findings: readonly object[], fields: Record<string, unknown>): void {
  expect(findings).toEqual([expect.objectContaining(fields)]);
}

describe('verificationStatus and clinicalStatus come from the HL7 coding, wherever it stands (P42)', () => {
  const local = { system: 'urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.10375', code: 'U', display: 'Unconfirmed' };

  test('a local coding first and condition-ver-status "unconfirmed" second: suspected', () => {
    const { chart, findings } = one(
      bundle(condition('c1', 'D51.0', { verificationStatus: { coding: [local, { system: VER, code: 'unconfirmed' }] } })),
    );
    expect(chart.encounters[0]!.diagnoses[0]).toMatchObject({ code: 'D51.0', status: 'suspected' });
    expect(findings).toEqual([]);
  });

  test('a local clinical coding first and condition-clinical "resolved" second: history from the abatement', () => {
    const { chart } = one(
      bundle(
        condition('c1', 'D51.0', {
          clinicalStatus: {
            coding: [
              { system: 'urn:oid:1.2.3', code: 'A' },
              { system: CLIN, code: 'resolved' },
            ],
          },
          abatementDateTime: '2026-01-01',
        }),
      ),
    );
    expect(chart.encounters[0]!.diagnoses[0]).toMatchObject({ status: 'history' });
  });

  test('entered-in-error in the HL7 coding, after a local one, leaves the Condition out', () => {
    const { chart, findings } = one(
      bundle(condition('c1', 'D51.0', { verificationStatus: { coding: [local, { system: VER, code: 'entered-in-error' }] } })),
    );
    expect(chart.encounters[0]!.diagnoses).toEqual([]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('left out by its status')]);
  });

  test('a status coded only in a local system is not read, with a warning at it (once)', () => {
    const c = condition('c1', 'D51.0', { verificationStatus: { coding: [local] } });
    const claim = {
      resourceType: 'Claim',
      id: 'cl1',
      status: 'active',
      use: 'claim',
      patient: { reference: 'Patient/p1' },
      diagnosis: [{ sequence: 1, diagnosisReference: { reference: 'Condition/c1' } }],
      item: [{ sequence: 1, productOrService: { coding: [{ system: HCPCS, code: 'J3420' }] }, encounter: [{ reference: 'Encounter/e1' }] }],
    };
    const { chart, findings } = one(bundle(c, claim));
    expect(chart.encounters[0]!.diagnoses[0]).toMatchObject({ code: 'D51.0', status: 'confirmed' });
    expectOnlyFinding(findings, {
      severity: 'warning',
      pointer: '/entry/2/resource/verificationStatus',
      message: expect.stringContaining(`has no coding in ${VER} (only urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.10375 "U")`),
    });
  });

  test("a coding with no system is read as the HL7 one; STU3's plain code is read", () => {
    const { chart } = one(
      bundle(
        condition('c1', 'D51.0', { verificationStatus: { coding: [{ code: 'provisional' }] } }),
        condition('c2', 'E53.8', { verificationStatus: 'refuted' }),
      ),
    );
    expect(chart.encounters[0]!.diagnoses.map((d) => d.status)).toEqual(['suspected', 'ruled-out']);
  });
});

describe('a superseded document is not the record of its encounter (P29)', () => {
  const note = (id: string, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    subject: { reference: 'Patient/p1' },
    type: { coding: [{ system: 'http://loinc.org', code: '51847-2' }] },
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text).toString('base64') } }],
    context: { encounter: [{ reference: 'Encounter/e1' }] },
    ...extra,
  });

  test('status superseded and docStatus entered-in-error are left out with an info, as entered-in-error is', () => {
    const { chart, findings } = one(
      bundle(
        note('n0', 'Assessment: Pernicious anemia.', { status: 'superseded' }),
        note('n1', 'Assessment: B12 deficiency due to metformin.', {
          relatesTo: [{ code: 'replaces', target: { reference: 'DocumentReference/n0' } }],
        }),
        note('n2', 'Assessment: wrong patient.', { docStatus: 'entered-in-error' }),
      ),
    );
    expect(chart.encounters[0]!.notes.map((n) => n.text)).toEqual(['Assessment: B12 deficiency due to metformin.']);
    expectOnlyFinding(findings, {
      severity: 'info',
      message:
        '2 resources not linted, left out by their status: DocumentReference/n0 (superseded: replaced by another document); DocumentReference/n2 (docStatus entered-in-error).',
    });
  });
});

describe("a diagnosis's description is the display of the coding that gave its code (P16)", () => {
  const snomedPA = { system: 'http://snomed.info/sct', code: '84027009', display: 'Pernicious anemia' };
  const described = (code: Record<string, unknown>): unknown =>
    one(bundle(condition('c1', 'x', { code }))).chart.encounters[0]!.diagnoses[0];

  test('SNOMED CT "Pernicious anemia" first and ICD-10-CM D51.9 with no display: D51.9 is not described as pernicious anemia', () => {
    const d = described({ coding: [snomedPA, { system: ICD, code: 'D51.9' }] });
    expect(d).toMatchObject({ code: 'D51.9' });
    expect(d).not.toHaveProperty('description');
  });

  test("the ICD-10-CM coding's display, else the concept's text", () => {
    expect(
      described({ coding: [snomedPA, { system: ICD, code: 'D51.9', display: 'Vitamin B12 deficiency anemia, unspecified' }] }),
    ).toMatchObject({
      code: 'D51.9',
      description: 'Vitamin B12 deficiency anemia, unspecified',
    });
    expect(described({ text: 'B12 deficiency anemia', coding: [snomedPA, { system: ICD, code: 'D51.9' }] })).toMatchObject({
      description: 'B12 deficiency anemia',
    });
  });

  test('a SNOMED CT code read through the concept map is described by its own display', () => {
    expect(described({ coding: [snomedPA] })).toMatchObject({ code: 'D51.0', description: 'Pernicious anemia' });
  });
});

describe('HTML notes: head, scripts and styles dropped; headings, rows and cells break; entities decoded (P28)', () => {
  test('an Epic-style progress note: the title does not run onto the heading, and &ndash; is a dash', () => {
    const html =
      '<html><head><meta charset="utf-8"><title>Progress note</title><style>p{color:red}</style></head><body>' +
      '<h2>Assessment</h2><p>Pernicious anemia &ndash; intrinsic factor antibody positive, B12 low.</p>' +
      '<script>var x = "Pernicious anemia";</script><h2>Plan</h2><p>Cyanocobalamin 1000&nbsp;mcg IM given today.</p></body></html>';
    expect(stripXhtml(html)).toBe(
      'Assessment\nPernicious anemia \u2013 intrinsic factor antibody positive, B12 low.\nPlan\nCyanocobalamin 1000 mcg IM given today.',
    );
  });

  test('a title with no head ends its line; headings open a line; rows are lines and cells are tabs', () => {
    expect(
      stripXhtml(
        '<title>Note</title>Text<h3>Labs</h3><table><tr><th>Test</th><th>Value</th></tr><tr><td>B12</td><td>150 pg/mL</td></tr></table>After',
      ),
    ).toBe('Note\nText\nLabs\nTest\tValue\nB12\t150 pg/mL\nAfter');
  });

  test('the named entities notes use, numeric ones, and unknown ones kept', () => {
    expect(
      stripXhtml(
        '&ldquo;B12&rdquo; &lsquo;low&rsquo; &mdash; 5&micro;g &plusmn;2 &deg;C 2&times;/wk&hellip; &#181; &#xB5; &Delta;Hgb &bogus; &constructor;',
      ),
    ).toBe(
      '\u201cB12\u201d \u2018low\u2019 \u2014 5\u00b5g \u00b12 \u00b0C 2\u00d7/wk\u2026 \u00b5 \u00b5 \u0394Hgb &bogus; &constructor;',
    );
  });

  test('a head whose end tag is left out ends at <body>; a script never closed is kept as text', () => {
    expect(stripXhtml('<head><title>T</title><body><p>Assessment</p>')).toBe('Assessment');
    expect(stripXhtml('<p>A</p><script>B')).toBe('A\nB');
  });
});

describe('a ChargeItem is a billed line, never passed over (P34)', () => {
  const charge = (id: string, code: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    resourceType: 'ChargeItem',
    id,
    status: 'billable',
    code: { coding: [{ system: code.startsWith('J') ? HCPCS : CPT, code }] },
    subject: { reference: 'Patient/p1' },
    context: { reference: 'Encounter/e1' },
    occurrenceDateTime: '2026-10-02',
    quantity: { value: 1 },
    reason: [{ coding: [{ system: ICD, code: 'I10' }] }],
    ...extra,
  });
  const claim = {
    resourceType: 'Claim',
    id: 'cl1',
    status: 'active',
    use: 'claim',
    patient: { reference: 'Patient/p1' },
    diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: ICD, code: 'D51.0' }] } }],
    item: [
      {
        sequence: 1,
        productOrService: { coding: [{ system: HCPCS, code: 'J3420' }] },
        diagnosisSequence: [1],
        encounter: [{ reference: 'Encounter/e1' }],
      },
    ],
  };
  const admin = {
    resourceType: 'MedicationAdministration',
    id: 'ma1',
    status: 'completed',
    medicationCodeableConcept: { text: 'cyanocobalamin 1000 mcg/mL injection' },
    subject: { reference: 'Patient/p1' },
    context: { reference: 'Encounter/e1' },
    effectiveDateTime: '2026-10-02T09:50:00-04:00',
    dosage: { dose: { value: 1000, unit: 'mcg' } },
  };

  test('where no Claim covers the encounter: code, units from quantity, date from occurrence, reasons as pointers', () => {
    const { chart, findings } = one(bundle(charge('ch1', 'J3420', { quantity: { value: 2 } }), charge('ch2', '96372')));
    const enc = chart.encounters[0]!;
    expect(enc.diagnoses.map((d) => d.code)).toEqual(['I10']);
    expect(enc.services).toEqual([
      expect.objectContaining({ code: 'J3420', units: 2, dateText: '2026-10-02', ptr: '/entry/2/resource', linked: [enc.diagnoses[0]] }),
      expect.objectContaining({ code: '96372', units: 1, ptr: '/entry/3/resource', linked: [enc.diagnoses[0]] }),
    ]);
    expect(findings).toEqual([]);
  });

  test('an administration of the same drug lends its dose to the charged line instead of billing a second one', () => {
    const { chart } = one(bundle(charge('ch1', 'J3420'), admin));
    expect(chart.encounters[0]!.services).toEqual([expect.objectContaining({ code: 'J3420', dose: { value: 1000, unit: 'mcg' } })]);
  });

  test("where a Claim covers the encounter, the claim's lines are read and the ChargeItem is named (info)", () => {
    const { chart, findings } = one(bundle(claim, charge('ch1', 'J3420')));
    expect(chart.encounters[0]!.services.map((s) => s.ptr)).toEqual(['/entry/2/resource/item/0']);
    expectOnlyFinding(findings, {
      severity: 'info',
      message:
        "1 charge item not linted as a line: a Claim covers its encounter, and the claim's lines are read: ChargeItem/ch1 (J3420 in HCPCS).",
    });
  });

  test('left out by status (aborted, not-billable), a chargemaster code (warning), no encounter to go to (error)', () => {
    const { chart, findings } = one(
      bundle(
        charge('ch1', 'J3420', { status: 'aborted' }),
        charge('ch2', 'x', { code: { coding: [{ system: 'https://ehr.example.org/cdm', code: 'CDM-88412' }] } }),
        charge('ch3', '96372', { context: undefined, occurrenceDateTime: '2026-11-05' }),
      ),
    );
    expect(chart.encounters[0]!.services).toEqual([]);
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['info', '1 resource not linted, left out by its status: ChargeItem/ch1 (aborted).'],
      [
        'warning',
        '1 charge item not linted, coded in a system b12lint does not know (not HCPCS or CPT): ChargeItem/ch2 (CDM-88412 in https://ehr.example.org/cdm).',
      ],
      [
        'error',
        '1 service not linted, with no encounter to place it on: ChargeItem/ch3 (96372: it names no encounter, and none is on 2026-11-05).',
      ],
    ]);
  });

  test('a ChargeItem that belongs to no chart is an error counting its service line', () => {
    const r = adapt(bundle(charge('ch1', 'J3420', { subject: { reference: 'Group/g1' } }), charge('ch2', '96372', { subject: {} })));
    expect(r.findings.map((f) => [f.severity, f.message])).toEqual([
      [
        'error',
        '2 resources not linted, belonging to no chart, with 2 service lines not read: ChargeItem/ch1 (its `subject` is a Group, not a patient; 1 service line); ChargeItem/ch2 (it names no patient (`subject`); 1 service line).',
      ],
    ]);
  });
});

describe('end to end: a ChargeItem export with no Claim is linted, not passed (fixtures/fhir/p-0004-chargeitem.json)', () => {
  test('J3420 charged for hypertension is b12-injection-unsupported-dx; the administration lends its dose', () => {
    const { code, report } = cliJson(['fixtures/fhir/p-0004-chargeitem.json']);
    expect(code).toBe(1);
    const findings = report.results.flatMap((r) => r.findings);
    expect(findings.map((f) => [f.ruleId, f.pointer])).toEqual([['b12-injection-unsupported-dx', '/entry/3/resource']]);
  });
});

describe('a medication not given is named, never dropped in silence (P32)', () => {
  test('a not-done administration on an encounter a Claim covers: info with its statusReason; on-hold and not-taken too', () => {
    const claim = {
      resourceType: 'Claim',
      id: 'cl1',
      status: 'active',
      use: 'claim',
      patient: { reference: 'Patient/p1' },
      diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: ICD, code: 'D51.0' }] } }],
      item: [{ sequence: 1, productOrService: { coding: [{ system: HCPCS, code: 'J3420' }] }, encounter: [{ reference: 'Encounter/e1' }] }],
    };
    const med = (type: string, id: string, status: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      resourceType: type,
      id,
      status,
      medicationCodeableConcept: { text: 'cyanocobalamin 1000 mcg/mL injection' },
      subject: { reference: 'Patient/p1' },
      ...extra,
    });
    const { chart, findings } = one(
      bundle(
        claim,
        med('MedicationAdministration', 'ma1', 'not-done', {
          context: { reference: 'Encounter/e1' },
          statusReason: [{ text: 'Patient declined injection today' }],
        }),
        med('MedicationAdministration', 'ma2', 'on-hold', { context: { reference: 'Encounter/e1' } }),
        med('MedicationStatement', 'ms1', 'not-taken'),
      ),
    );
    expect(chart.medications).toEqual([]);
    expect(chart.encounters[0]!.services).toHaveLength(1);
    expectOnlyFinding(findings, {
      severity: 'info',
      message:
        '3 resources not linted, left out by their status: MedicationAdministration/ma1 (not-done: Patient declined injection today); MedicationAdministration/ma2 (on-hold); MedicationStatement/ms1 (not-taken).',
    });
  });
});

describe("where a Claim covers the encounter, only the claim's diagnoses are coded (P09, P13, P45)", () => {
  const claimOf = (...codes: string[]): Record<string, unknown> => ({
    resourceType: 'Claim',
    id: 'cl1',
    status: 'active',
    use: 'claim',
    patient: { reference: 'Patient/p1' },
    diagnosis: codes.map((code, i) => ({ sequence: i + 1, diagnosisCodeableConcept: { coding: [{ system: ICD, code }] } })),
    item: [
      {
        sequence: 1,
        productOrService: { coding: [{ system: HCPCS, code: 'J3420' }] },
        diagnosisSequence: [1],
        encounter: [{ reference: 'Encounter/e1' }],
      },
    ],
  });
  const ver = (code: string): Record<string, unknown> => ({ verificationStatus: { coding: [{ system: VER, code }] } });
  const category = (code: string): Record<string, unknown> => ({
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code }] }],
  });

  test('a refuted Condition not on the claim is not coded: named (info), no diagnosis of the encounter', () => {
    const { chart, findings } = one(
      bundle(claimOf('D51.0'), condition('cd9', 'D62', { ...ver('refuted'), ...category('encounter-diagnosis') })),
    );
    expect(chart.encounters[0]!.diagnoses.map((d) => [d.code, d.status])).toEqual([['D51.0', 'confirmed']]);
    expectOnlyFinding(findings, {
      severity: 'info',
      message:
        '1 Condition not linted as coded, not on the claim of its encounter (where a claim covers an encounter, its diagnoses are what is coded): Condition/cd9 (D62).',
    });
  });

  test('the claim bills D62 and the Condition for D62 is refuted: the claim’s D62 is ruled out, at the claim', () => {
    const { chart } = one(bundle(claimOf('D51.0', 'D62'), condition('cd9', 'D62', ver('refuted'))));
    expect(chart.encounters[0]!.diagnoses.map((d) => [d.code, d.status, d.ptr])).toEqual([
      ['D51.0', 'confirmed', '/entry/2/resource/diagnosis/0'],
      ['D62', 'ruled-out', '/entry/2/resource/diagnosis/1'],
    ]);
  });

  test('resolved with an abatement date before the visit lends history; provisional lends suspected; confirmed changes nothing', () => {
    const { chart } = one(
      bundle(
        claimOf('D51.0', 'D62', 'E53.8'),
        condition('c1', 'D51.0'),
        condition('c2', 'D62', { clinicalStatus: { coding: [{ system: CLIN, code: 'resolved' }] }, abatementDateTime: '2026-05-01' }),
        condition('c3', 'E53.8', ver('provisional')),
      ),
    );
    expect(chart.encounters[0]!.diagnoses.map((d) => d.status)).toEqual(['confirmed', 'history', 'suspected']);
  });

  test('a Condition for a billed code entered in error is a warning at the claim’s diagnosis', () => {
    const { chart, findings } = one(bundle(claimOf('D51.0'), condition('c1', 'D51.0', ver('entered-in-error'))));
    expect(chart.encounters[0]!.diagnoses.map((d) => d.status)).toEqual(['confirmed']);
    expectOnlyFinding(findings, {
      severity: 'warning',
      pointer: '/entry/2/resource/diagnosis/0',
      message:
        'D51.0 is on the claim of encounter e1, but the Condition recorded for it there (Condition/c1) is entered in error: check that the code is documented.',
    });
  });

  test('a problem-list-item Condition codes no encounter, claimed or not; one also an encounter-diagnosis does', () => {
    const { chart, findings } = one(
      bundle(
        condition('pl1', 'D50.0', category('problem-list-item')),
        condition('c2', 'D51.0', {
          category: [...(category('problem-list-item').category as unknown[]), ...(category('encounter-diagnosis').category as unknown[])],
        }),
      ),
    );
    expect(chart.encounters[0]!.diagnoses.map((d) => d.code)).toEqual(['D51.0']);
    expect(findings.map((f) => f.message)).toEqual([
      '1 Condition not linted, of category problem-list-item (a problem-list entry codes no encounter, not even the one it was recorded at): Condition/pl1 (D50.0 in ICD-10-CM).',
    ]);
    const claimed = one(bundle(claimOf('D51.0'), condition('pl1', 'D50.0', category('problem-list-item'))));
    expect(claimed.chart.encounters[0]!.diagnoses.map((d) => d.code)).toEqual(['D51.0']);
  });

  test('with no Claim, the Conditions of the encounter are its diagnoses, as before', () => {
    const { chart } = one(bundle(condition('c1', 'D51.0'), condition('c2', 'D62', ver('refuted'))));
    expect(chart.encounters[0]!.diagnoses.map((d) => [d.code, d.status])).toEqual([
      ['D51.0', 'confirmed'],
      ['D62', 'ruled-out'],
    ]);
  });
});

describe('a dateTime written in UTC is read in the local offset of the chart’s encounters (P26)', () => {
  const encounter = (id: string, start: string): Record<string, unknown> => ({
    resourceType: 'Encounter',
    id,
    status: 'finished',
    class: { code: 'EMER' },
    subject: { reference: 'Patient/p1' },
    period: { start },
  });
  const lab = (id: string, effectiveDateTime: string): Record<string, unknown> => ({
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: { reference: 'Patient/p1' },
    code: { coding: [{ system: 'http://loinc.org', code: '2132-9' }] },
    valueQuantity: { value: 150, unit: 'pg/mL' },
    effectiveDateTime,
  });
  const labDays = (...resources: Record<string, unknown>[]): string[] =>
    one({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'Patient', id: 'p1' } }, ...resources.map((resource) => ({ resource }))],
    }).chart.labs.map((l) => l.dateText!);

  test('a lab at 03:10Z, 20 minutes before a visit at 23:30-04:00, is on the day of the visit', () => {
    expect(labDays(encounter('e1', '2026-10-02T23:30:00-04:00'), lab('o1', '2026-10-03T03:10:00Z'))).toEqual(['2026-10-02']);
  });

  test('the offset is that of the encounter nearest in time (daylight saving followed); a local offset, a date, or a chart of UTC encounters: as written', () => {
    expect(
      labDays(
        encounter('e1', '2026-10-02T09:00:00-04:00'),
        encounter('e2', '2026-12-10T09:00:00-05:00'),
        lab('o1', '2026-12-10T04:30:00Z'), // 23:30 -05:00 on 12-09
        lab('o2', '2026-10-03T03:30:00+00:00'), // 23:30 -04:00 on 10-02
        lab('o3', '2026-10-02T23:50:00-07:00'), // written in a local offset: its own day
        lab('o4', '2026-10-03'),
      ),
    ).toEqual(['2026-12-09', '2026-10-02', '2026-10-02', '2026-10-03']);
    expect(labDays(encounter('e1', '2026-10-02T23:30:00Z'), lab('o1', '2026-10-03T03:10:00Z'))).toEqual(['2026-10-03']);
  });
});

describe("a ClinicalImpression is the provider's assessment (P30)", () => {
  test('its description, summary and findings are assessment notes of its encounter; one entered in error is left out', () => {
    const { chart, findings } = one(
      bundle(
        {
          resourceType: 'ClinicalImpression',
          id: 'ci1',
          status: 'completed',
          subject: { reference: 'Patient/p1' },
          encounter: { reference: 'Encounter/e1' },
          summary: 'Pernicious anemia, intrinsic factor antibody positive, B12 150.',
          finding: [{ itemCodeableConcept: { text: 'Pernicious anemia' }, basis: 'IF antibody positive' }],
        },
        { resourceType: 'ClinicalImpression', id: 'ci2', status: 'entered-in-error', subject: { reference: 'Patient/p1' }, summary: 'x' },
      ),
    );
    expect(chart.encounters[0]!.notes).toEqual([
      { section: 'assessment', text: 'Pernicious anemia, intrinsic factor antibody positive, B12 150.', ptr: '/entry/2/resource/summary' },
      { section: 'assessment', text: 'Pernicious anemia: IF antibody positive', ptr: '/entry/2/resource/finding/0' },
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      '1 resource not linted, left out by its status: ClinicalImpression/ci2 (entered-in-error).',
    ]);
  });
});

describe('a claim line billed as remote (place of service 02 or 10, modifier 95) makes an office encounter a telehealth visit (P25)', () => {
  const POS = 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set';
  const claimWith = (...lines: Record<string, unknown>[]): Record<string, unknown> => ({
    resourceType: 'Claim',
    id: 'cl1',
    status: 'active',
    use: 'claim',
    patient: { reference: 'Patient/p1' },
    diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: ICD, code: 'D51.0' }] } }],
    item: lines.map((extra, i) => ({
      sequence: i + 1,
      productOrService: { coding: [{ system: i === 0 ? HCPCS : CPT, code: i === 0 ? 'J3420' : '96372' }] },
      diagnosisSequence: [1],
      encounter: [{ reference: 'Encounter/e1' }],
      ...extra,
    })),
  });

  test('place of service 02 on the drug line: telehealth, with an info at the line that says why', () => {
    const { chart, findings } = one(bundle(claimWith({ locationCodeableConcept: { coding: [{ system: POS, code: '02' }] } }, {})));
    expect(chart.encounters[0]!.setting).toBe('telehealth');
    expect(findings.filter((f) => f.message.includes('bills this line as remote'))).toEqual([
      expect.objectContaining({
        severity: 'info',
        pointer: '/entry/2/resource/item/0/locationCodeableConcept',
        message:
          'The claim bills this line as remote (place of service 02) on encounter e1, whose class says an office visit: the encounter is read as a telehealth visit.',
      }),
    ]);
  });

  test('modifier 95 on the administration line alone: telehealth too; place of service 11 and no modifier: an office visit', () => {
    const remote = one(bundle(claimWith({}, { modifier: [{ coding: [{ system: CPT, code: '95' }] }] })));
    expect(remote.chart.encounters[0]!.setting).toBe('telehealth');
    expect(remote.findings.map((f) => f.message)).toContain(
      'The claim bills this line as remote (modifier 95) on encounter e1, whose class says an office visit: the encounter is read as a telehealth visit.',
    );
    const office = one(bundle(claimWith({ locationCodeableConcept: { coding: [{ system: POS, code: '11' }] } }, {})));
    expect(office.chart.encounters[0]!.setting).toBe('outpatient');
    expect(office.findings.some((f) => f.message.includes('as remote'))).toBe(false);
  });

  test('end to end: the injection billed remotely is reported on both lines by injection-billed-on-telehealth', () => {
    const dir = mkdtempSync(join(tmpdir(), 'b12lint-fhir-remote-'));
    try {
      const file = join(dir, 'remote.json');
      const pos = { locationCodeableConcept: { coding: [{ system: POS, code: '02' }] } };
      writeFileSync(file, JSON.stringify(bundle(claimWith(pos, pos))));
      const { report } = cliJson(['--no-config-lookup', file]);
      const findings = report.results.flatMap((r) => r.findings);
      expect(findings.filter((f) => f.ruleId === 'injection-billed-on-telehealth').map((f) => f.pointer)).toEqual([
        '/entry/2/resource/item/0',
        '/entry/2/resource/item/1',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an administration the patient or a caregiver gave is no dose the practice gave (P40)', () => {
  const admin = (performer: Record<string, unknown>[] | undefined): Record<string, unknown> => ({
    resourceType: 'MedicationAdministration',
    id: 'ma1',
    status: 'completed',
    medicationCodeableConcept: { text: 'cyanocobalamin 1000 mcg/mL injection' },
    subject: { reference: 'Patient/p1' },
    context: { reference: 'Encounter/e1' },
    effectiveDateTime: '2026-10-02T10:05:00-04:00',
    dosage: { dose: { value: 1000, unit: 'mcg' } },
    ...(performer ? { performer } : {}),
  });
  const claim = {
    resourceType: 'Claim',
    id: 'cl1',
    status: 'active',
    use: 'claim',
    patient: { reference: 'Patient/p1' },
    diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: ICD, code: 'D51.0' }] } }],
    item: [{ sequence: 1, productOrService: { coding: [{ system: HCPCS, code: 'J3420' }] }, encounter: [{ reference: 'Encounter/e1' }] }],
  };

  test('with no Claim: the patient as performer bills no J3420 line; named with an info, and still a medication', () => {
    const { chart, findings } = one(bundle(admin([{ actor: { reference: 'Patient/p1' } }])));
    expect(chart.encounters[0]!.services).toEqual([]);
    expect(chart.medications).toHaveLength(1);
    expectOnlyFinding(findings, {
      severity: 'info',
      pointer: '/entry/2/resource',
      message:
        '1 administration given by the patient or a caregiver (`performer`), not read as a dose the practice gave: the practice does not bill a drug the patient gives themself, and a line that bills it is to be checked: MedicationAdministration/ma1 (J3420, given by the patient, Patient/p1).',
    });
  });

  test("a Claim's J3420 line takes no dose from it, and a RelatedPerson is a caregiver; a practitioner's administration stays a dose", () => {
    const caregiver = one(
      bundle(
        claim,
        { resourceType: 'RelatedPerson', id: 'rp1', patient: { reference: 'Patient/p1' } },
        admin([{ actor: { reference: 'RelatedPerson/rp1' } }]),
      ),
    );
    expect(caregiver.chart.encounters[0]!.services).toEqual([expect.objectContaining({ code: 'J3420' })]);
    expect(caregiver.chart.encounters[0]!.services[0]!.dose).toBeUndefined();
    expect(caregiver.findings.map((f) => f.message)).toContainEqual(
      expect.stringContaining('MedicationAdministration/ma1 (J3420, given by a caregiver, RelatedPerson/rp1)'),
    );
    const nurse = one(bundle(claim, admin([{ actor: { reference: 'Practitioner/n1' } }])));
    expect(nurse.chart.encounters[0]!.services[0]!.dose).toEqual({ value: 1000, unit: 'mcg' });
    expect(nurse.findings.some((f) => f.message.includes('given by'))).toBe(false);
  });

  test('end to end: the claimed J3420 keeps its rule finding and the administration is named beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'b12lint-fhir-self-'));
    try {
      const file = join(dir, 'self.json');
      writeFileSync(file, JSON.stringify(bundle(claim, admin([{ actor: { reference: 'Patient/p1' } }]))));
      const { report } = cliJson(['--no-config-lookup', file]);
      const ids = report.results.flatMap((r) => r.findings).map((f) => f.ruleId);
      expect(ids).toContain('b12-drug-without-admin');
      expect(report.results.flatMap((r) => r.findings).filter((f) => f.message.includes('given by the patient'))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a MedicationDispense is read: a supply handed to the patient is a medication, and one of a billed drug is named (P31)', () => {
  const dispense = (id: string, status: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    resourceType: 'MedicationDispense',
    id,
    status,
    medicationCodeableConcept: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1647', display: 'cyanocobalamin' }],
    },
    subject: { reference: 'Patient/p1' },
    context: { reference: 'Encounter/e1' },
    quantity: { value: 3, unit: 'vial' },
    whenHandedOver: '2026-10-02T10:30:00-04:00',
    ...extra,
  });

  test('a completed dispense of cyanocobalamin on an encounter: a medication of the chart, no billed line, an info with its quantity and day', () => {
    const { chart, findings } = one(bundle(dispense('md1', 'completed')));
    expect(chart.medications).toEqual([expect.objectContaining({ name: 'cyanocobalamin', code: '1647', dateText: '2026-10-02' })]);
    expect(chart.encounters[0]!.services).toEqual([]);
    expectOnlyFinding(findings, {
      severity: 'info',
      pointer: '/entry/2/resource',
      message:
        '1 supply of a drug b12lint bills handed to the patient (MedicationDispense), not read as a dose the practice gave: a supply the patient takes away is not billed as a drug given, and a line that bills it is to be checked: MedicationDispense/md1 (J3420, 3 vial, handed over 2026-10-02).',
    });
  });

  test('a cancelled or declined dispense is left out by its status; a pharmacy dispense of another drug is a medication only', () => {
    const { chart, findings } = one(
      bundle(
        dispense('md1', 'cancelled'),
        dispense('md2', 'declined'),
        dispense('md3', 'completed', { medicationCodeableConcept: { text: 'lisinopril 10 mg tablet' }, context: undefined }),
      ),
    );
    expect(chart.medications.map((m) => m.name)).toEqual(['lisinopril 10 mg tablet']);
    expect(findings.map((f) => f.message)).toEqual([
      '2 resources not linted, left out by their status: MedicationDispense/md1 (cancelled); MedicationDispense/md2 (declined).',
    ]);
  });
});

describe('an observation stay, a short stay and a pre-admission visit are outpatient, quietly (P24)', () => {
  const withClass = (code: string): unknown => {
    const b = bundle() as { entry: { resource: Record<string, unknown> }[] };
    b.entry[1]!.resource.class = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code };
    return b;
  };

  test.each(['OBSENC', 'SS', 'PRENC'])('class %s: outpatient, with no warning', (code) => {
    const { chart, findings } = one(withClass(code));
    expect(chart.encounters[0]!.setting).toBe('outpatient');
    expect(findings).toEqual([]);
  });

  test('home health (HH) is still read as outpatient with a warning that names the classes read', () => {
    const { chart, findings } = one(withClass('HH'));
    expect(chart.encounters[0]!.setting).toBe('outpatient');
    expectOnlyFinding(findings, {
      severity: 'warning',
      message: 'Encounter class "HH" is none of AMB, OBSENC, SS, PRENC, IMP, ACUTE, NONAC, EMER, VR: the encounter is read as outpatient.',
    });
  });
});

describe('a Condition resolved or inactive at export with no abatement date is current, and the coder is told (P14)', () => {
  test('inactive, no abatement: current on its encounter, with one info at its clinicalStatus; with an abatement date: history, no info', () => {
    const inactive = { clinicalStatus: { coding: [{ system: CLIN, code: 'inactive' }] } };
    const current = one(bundle(condition('c1', 'D62', inactive)));
    expect(current.chart.encounters[0]!.diagnoses[0]).toMatchObject({ code: 'D62', status: 'confirmed' });
    expectOnlyFinding(current.findings, {
      severity: 'info',
      pointer: '/entry/2/resource/clinicalStatus',
      message:
        'Condition `clinicalStatus` is "inactive" with no abatement date: the diagnosis is read as current on its encounter; if it had ended by then, an abatement date makes it history there.',
    });
    const ended = one(bundle(condition('c1', 'D62', { ...inactive, abatementDateTime: '2026-09-01' })));
    expect(ended.chart.encounters[0]!.diagnoses[0]).toMatchObject({ code: 'D62', status: 'history' });
    expect(ended.findings).toEqual([]);
  });
});
