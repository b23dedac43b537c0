/**
 * FHIR input through the built CLI: the twins give the rule ids of their native charts, findings
 * point at the FHIR elements, evidence says when it rests on a mapped code, `convert` shows the
 * native charts an input becomes, and `--input-format` / `--concept-map` behave as documented.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../src/finding.js';
import type { Report } from '../src/report/types.js';
import { cli, cliJson, ROOT } from './helpers/cli.js';
import { repoScratch } from './helpers/scratch.js';

const tmp = repoScratch('fhir-cli');
afterAll(() => tmp.remove());

function findings(report: Report): Finding[] {
  return report.results.flatMap((r) => r.findings);
}

function ruleIds(report: Report): string[] {
  return findings(report)
    .map((f) => f.ruleId)
    .sort();
}

/** Line and column of a character offset, counted here without b12lint's locator. */
function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

describe('FHIR twins give the rule ids of their native charts', () => {
  const natives = readdirSync(resolve(ROOT, 'fixtures/charts')).sort();
  /** The hand-written twin (fixtures/fhir/<base>.json), else the generated one (fixtures/fhir/twins/). */
  const twinOf = (native: string): string => {
    const base = basename(native, extname(native));
    return existsSync(resolve(ROOT, `fixtures/fhir/${base}.json`)) ? `fixtures/fhir/${base}.json` : `fixtures/fhir/twins/${base}.json`;
  };

  test('every native chart file has a FHIR twin (node fixtures/fhir/make-twins.mjs --write writes the missing ones)', () => {
    expect(natives.filter((n) => !existsSync(resolve(ROOT, twinOf(n))))).toEqual([]);
    expect(natives.length).toBeGreaterThanOrEqual(2);
  });

  test.each(natives)('%s', (native) => {
    const fhir = cliJson([twinOf(native)]);
    const nat = cliJson([`fixtures/charts/${native}`]);
    expect(fhir.stderr).toBe('');
    expect(fhir.code).toBe(nat.code);
    expect(ruleIds(fhir.report)).toEqual(ruleIds(nat.report));
    expect(fhir.report.summary).toMatchObject({ charts: nat.report.summary.charts, encounters: nat.report.summary.encounters });
  });

  test('every catalog fixture, through its FHIR twin, gives the rule ids of the native charts', () => {
    const dir = resolve(tmp.dir, 'catalog');
    const catalog = readdirSync(resolve(ROOT, 'fixtures/catalog')).filter((f) => f.endsWith('.yaml'));
    const gen = spawnSync(
      process.execPath,
      ['fixtures/fhir/make-twins.mjs', '--out', dir, ...catalog.map((f) => `fixtures/catalog/${f}`)],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(gen.stderr).toBe('');
    const byFile = (report: Report): Record<string, string[]> =>
      Object.fromEntries(report.results.map((r) => [basename(r.file, extname(r.file)), r.findings.map((f) => f.ruleId).sort()]));
    const nat = byFile(cliJson(['fixtures/catalog']).report);
    expect(Object.keys(nat)).toHaveLength(catalog.length);
    expect(byFile(cliJson([`${tmp.rel}/catalog`]).report)).toEqual(nat);
  });
});

describe('positions and evidence on FHIR input', () => {
  test('a finding on a claim line points at the Claim item: file, line, column and JSON pointer', () => {
    const text = readFileSync(resolve(ROOT, 'fixtures/fhir/p-0001.json'), 'utf8');
    const claim = text.indexOf('"resourceType": "Claim"');
    const item0 = text.indexOf('{', text.indexOf('"item": [', claim));
    const dx0 = text.indexOf('{', text.indexOf('"diagnosis": [', claim));
    const { report } = cliJson(['fixtures/fhir/p-0001.json']);
    const f = findings(report).find((x) => x.ruleId === 'b12-injection-blood-loss-dx')!;
    expect(report.results[0]!.file).toBe('fixtures/fhir/p-0001.json');
    expect(f).toMatchObject({
      chartId: 'P-0001',
      encounterId: 'enc-0001',
      pointer: '/entry/2/resource/item/0',
      ...positionAt(text, item0),
    });
    expect(f.evidence[0]).toEqual({ kind: 'diagnosis', code: 'D62', ...positionAt(text, dx0), pointer: '/entry/2/resource/diagnosis/0' });
    // Then what the rule's provider query cites, each at its resource in the Bundle.
    expect(f.evidence.slice(1).map((e) => [e.kind, e.pointer])).toEqual([
      ['lab', '/entry/5/resource'],
      ['note', '/entry/4/resource/content/0/attachment/text'],
      ['medication', '/entry/3/resource'],
    ]);
  });

  test('a finding that rests on a SNOMED CT code says so, in the JSON report and on the terminal', () => {
    const { report } = cliJson(['fixtures/fhir/p-0003-snomed.json']);
    const byRule = new Map(findings(report).map((f) => [f.ruleId, f]));
    const bloodLossDx = byRule.get('b12-injection-blood-loss-dx')!.evidence;
    expect(bloodLossDx[0]).toEqual(
      expect.objectContaining({ kind: 'diagnosis', code: 'D50.0', mappedFrom: 'SNOMED CT 724556004', pointer: '/entry/3/resource' }),
    );
    // The rest is what its provider query cites, none of it a diagnosis.
    expect(bloodLossDx.slice(1).filter((e) => e.kind === 'diagnosis')).toEqual([]);
    // Every finding about the mapped diagnosis itself (the Condition) cites it with its source.
    const onCondition = findings(report).filter((f) => f.pointer === '/entry/3/resource');
    expect(onCondition.length).toBeGreaterThan(0);
    for (const f of onCondition)
      expect(f.evidence[0]).toMatchObject({ kind: 'diagnosis', code: 'D50.0', mappedFrom: 'SNOMED CT 724556004' });
    const r = cli(['fixtures/fhir/p-0003-snomed.json']);
    expect(r.stdout).toMatch(/↳ diagnosis D50\.0 \(mapped from SNOMED CT 724556004\) at \d+:\d+/);
  });

  test('a finding about a mapped diagnosis cites it even when its rule cites nothing; a native one does not', () => {
    writeFileSync(
      resolve(tmp.dir, 'mapped-rule.yaml'),
      [
        'ruleset: test/mapped-evidence',
        'rules:',
        '  - { id: d50-coded, severity: warning, title: D50.0 is coded, on: diagnosis, match: { code: [D50.0] },',
        '      when: { not: { diagnosis: { code: [K92.1] } } }, message: "{{diagnosis.code}} is coded." }',
        '',
      ].join('\n'),
    );
    const { report } = cliJson([
      '-r',
      `${tmp.rel}/mapped-rule.yaml`,
      'fixtures/fhir/p-0003-snomed.json',
      'fixtures/charts/exports-2026-10-07.ndjson',
    ]);
    const byFile = new Map(report.results.map((r) => [r.file, r.findings]));
    expect(byFile.get('fixtures/fhir/p-0003-snomed.json')!.map((f) => f.evidence)).toEqual([
      [expect.objectContaining({ kind: 'diagnosis', code: 'D50.0', mappedFrom: 'SNOMED CT 724556004', pointer: '/entry/3/resource' })],
    ]);
    expect(byFile.get('fixtures/charts/exports-2026-10-07.ndjson')!.map((f) => f.evidence)).toEqual([[]]);
  });

  test('broken references are chart-format findings: the run goes on, exit 1, no internal error', () => {
    const r = cliJson(['fixtures/fhir/edge/broken-references.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const ids = ruleIds(r.report);
    expect(ids.filter((id) => id === 'chart-format')).toHaveLength(9);
    expect(ids).not.toContain('internal-error');
    expect(r.report.summary.charts).toBe(2);
  });

  test('a claim whose lines are written as one object fails the gate (exit 1) with a finding at the lines, not a clean pass', () => {
    const r = cli(['--no-config-lookup', 'fixtures/fhir/edge/broken-shapes.json']);
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.stdout).toMatch(
      /^ {2}\d+:\d+ +error +Claim\/one-line-no-list: `item` must be a list; found a mapping: it is not read\. +chart-format$/m,
    );
    expect(r.stdout).toContain('in 1 of 1 chart');
  });

  test('resources that belong to no chart count as a chart not linted: "in N of M charts" is never more than M', () => {
    const claim = (id: string, patient?: string) => ({
      resourceType: 'Claim',
      id,
      status: 'active',
      use: 'claim',
      billablePeriod: { start: '2026-10-02' },
      ...(patient ? { patient: { reference: `Patient/${patient}` } } : {}),
      diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' }] } }],
      item: [
        {
          sequence: 1,
          productOrService: { coding: [{ system: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'J3420' }] },
          diagnosisSequence: [1],
        },
      ],
    });
    const bundle = (...resources: object[]) =>
      JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });
    // The security review's case: the only resource a Claim that names no patient (it said "in 2 of 1 chart").
    writeFileSync(resolve(tmp.dir, 'no-patient.json'), bundle(claim('C1')));
    // A patient whose claim has a finding, and a claim that names no patient (it said "in 2 of 1 chart" too).
    writeFileSync(resolve(tmp.dir, 'orphan.json'), bundle({ resourceType: 'Patient', id: 'p1' }, claim('C1', 'p1'), claim('C2')));
    const lone = cli(['--no-config-lookup', '--no-color', `${tmp.rel}/no-patient.json`]);
    expect(lone.stdout).toMatch(/\n✖ 2 problems \(2 errors, 0 warnings\) in 2 of 2 charts\n$/);
    const both = cli(['--no-config-lookup', '--no-color', `${tmp.rel}/orphan.json`]);
    expect(both.stdout).toMatch(/\n✖ 3 problems \(2 errors, 0 warnings, 1 info\) in 2 of 2 charts\n$/);
    for (const file of ['no-patient.json', 'orphan.json']) {
      const { report } = cliJson(['--no-config-lookup', `${tmp.rel}/${file}`]);
      expect(report.summary.charts).toBe(2);
    }
  });
});

describe('a claim that belongs to no chart, and an input with no chart, fail the gate (a security review)', () => {
  const HCPCS = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
  const claim = (id: string, patient?: object): object => ({
    resourceType: 'Claim',
    id,
    status: 'active',
    use: 'claim',
    billablePeriod: { start: '2026-10-02' },
    ...(patient ? { patient } : {}),
    diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' }] } }],
    item: [
      { sequence: 1, productOrService: { coding: [{ system: HCPCS, code: 'J3420' }] }, diagnosisSequence: [1] },
      { sequence: 2, productOrService: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '96372' }] }, diagnosisSequence: [1] },
    ],
  });
  const patient = (id: string, ...mrns: object[]): object => ({ resourceType: 'Patient', id, identifier: mrns });
  const MRN = { system: 'urn:mrn', value: 'MRN1' };
  const byMrn = { identifier: MRN };
  const bundle = (...resources: object[]): string =>
    JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });
  const at = (text: string, needle: string): string => {
    const p = positionAt(text, text.indexOf(needle));
    return `${p.line}:${p.column}`;
  };
  const lintPath = (name: string, text: string): string => {
    writeFileSync(resolve(tmp.dir, name), text);
    return `${tmp.rel}/${name}`;
  };
  const lint = (name: string, text: string): { code: number; stdout: string; stderr: string } => {
    writeFileSync(resolve(tmp.dir, name), text);
    const r = cli(['--no-config-lookup', '--no-color', `${tmp.rel}/${name}`]);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };

  test('a Claim that names no patient: exit 1, an error at the claim naming its 2 lines not read, and one for the Bundle', () => {
    const text = bundle(claim('C1'));
    const r = lint('q1-nopatient.json', text);
    expect([r.code, r.stderr]).toEqual([1, '']);
    const pos = at(text, '{"resourceType":"Claim"');
    expect(r.stdout).toContain(
      `  ${pos}  error  1 resource not linted, belonging to no chart, with 2 service lines not read: Claim/C1 (it names no patient (\`patient\`); 2 service lines).  chart-format`,
    );
    expect(r.stdout).toMatch(
      /^ {2}1:1 +error {2}This Bundle holds no chart: its one resource belongs to no patient \(expected one or more charts\)\. {2}chart-format$/m,
    );
    expect(r.stdout).toMatch(/\n✖ 2 problems \(2 errors, 0 warnings\) in 2 of 2 charts\n$/);
  });

  test('a Claim whose `patient` is a logical reference by identifier is the chart of the Patient that holds it: its J3420 line is linted', () => {
    const text = bundle(patient('p1', { system: 'urn:other', value: 'X9' }, MRN), claim('C1', byMrn));
    const r = lint('q1-byidentifier.json', text);
    expect([r.code, r.stderr]).toEqual([1, '']);
    // The J3420 line, at its position in the claim, is judged against the claim's I10.
    const line = at(text, '{"sequence":1,"productOrService"');
    expect(r.stdout).toMatch(new RegExp(`^ {2}${line} +error {2}J3420 is linked to I10: .* {2}b12-injection-unsupported-dx$`, 'm'));
    expect(r.stdout).not.toMatch(/chart-format/);
    expect(r.stdout).toMatch(/\n✖ 1 problem \(1 error, 0 warnings\) in 1 of 1 chart\n$/);
  });

  test('an identifier is matched by system and value: the same value in another system, or with no system, is not the patient; a reference with no system matches only an identifier with none', () => {
    const text = bundle(patient('p1', { system: 'urn:other', value: 'MRN1' }), patient('p2', { value: 'MRN1' }), claim('C1', byMrn));
    const r = lint('q1-othersystem.json', text);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `  ${at(text, '{"resourceType":"Claim"')}  error  1 resource not linted, belonging to no chart, with 2 service lines not read: Claim/C1 (its \`patient\` names its patient by an identifier of system "urn:mrn", and no Patient in this file has it; 2 service lines).  chart-format`,
    );
    // The identifier's value (a record number) is not in the finding.
    expect(r.stdout).not.toContain('MRN1');
    // A reference with no system matches the identifier with no system (p2's): the claim is p2's chart, and linted.
    const bare = bundle(
      patient('p1', { system: 'urn:other', value: 'MRN1' }),
      patient('p2', { value: 'MRN1' }),
      claim('C1', { identifier: { value: 'MRN1' } }),
    );
    const b = cliJson(['--no-config-lookup', lintPath('q1-nosystem.json', bare)]);
    expect(b.code).toBe(1);
    expect(findings(b.report).map((f) => [f.ruleId, f.chartId])).toEqual([['b12-injection-unsupported-dx', 'p2']]);
  });

  test('an identifier two Patients hold is ambiguous: an error at the claim, and neither chart gets its lines', () => {
    const text = bundle(patient('p1', MRN), patient('p2', MRN), claim('C1', byMrn));
    const r = lint('q1-ambiguous.json', text);
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.stdout).toContain(
      `  ${at(text, '{"resourceType":"Claim"')}  error  1 resource not linted, belonging to no chart, with 2 service lines not read: Claim/C1 (its \`patient\` names its patient by an identifier of system "urn:mrn", and 2 Patients in this file have it: it is ambiguous; 2 service lines).  chart-format`,
    );
    expect(r.stdout).not.toMatch(/b12-injection-unsupported-dx/);
  });

  test('an empty Bundle is exit 1, as an empty native file is', () => {
    const r = lint('q1-empty-bundle.json', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [] }));
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.stdout).toMatch(
      /^ {2}1:1 {2}error {2}This Bundle is empty \(it holds no resource\): expected one or more charts\. {2}chart-format$/m,
    );
    expect(r.stdout).toMatch(/\n✖ 1 problem \(1 error, 0 warnings\) in 1 of 1 chart\n$/);
  });

  test('a Parameters that wraps a Bundle says what it holds, and is exit 1', () => {
    const inner = JSON.parse(bundle(patient('p1', MRN), claim('C1', byMrn))) as object;
    const r = lint('q1-parameters.json', JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'return', resource: inner }] }));
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.stdout).toContain(
      '  1:1  error  This Parameters holds no chart: b12lint does not read its type, and the Bundle it wraps (at `/parameter/0/resource`) is not read inside it; lint that Bundle as a file of its own (expected one or more charts).  chart-format',
    );
    expect(r.stdout).not.toMatch(/about a patient/);
  });

  test('a Bulk export: a claim by identifier joins the Patient of another file; an ambiguous or unknown one, or none, is an error at its line', () => {
    const dir = resolve(tmp.dir, 'q1-bulk');
    mkdirSync(dir, { recursive: true });
    const ndjson = (...rs: object[]): string => rs.map((x) => `${JSON.stringify(x)}\n`).join('');
    writeFileSync(
      resolve(dir, 'Claim.ndjson'),
      ndjson(
        claim('C1', byMrn),
        claim('C2', { identifier: { system: 'urn:mrn', value: 'MRN2' } }),
        claim('C3'),
        claim('C4', { identifier: { system: 'urn:mrn', value: 'MRN3' } }),
      ),
    );
    writeFileSync(
      resolve(dir, 'Patient.ndjson'),
      ndjson(patient('p1', MRN), patient('p2', { system: 'urn:mrn', value: 'MRN2' }), patient('p3', { system: 'urn:mrn', value: 'MRN2' })),
    );
    const r = cliJson(['--no-config-lookup', `${tmp.rel}/q1-bulk`]);
    expect(r.code).toBe(1);
    const claims = r.report.results.find((x) => x.file.endsWith('Claim.ndjson'))!.findings;
    expect(claims.map((f) => [f.line, f.severity, f.ruleId, f.chartId ?? null])).toEqual([
      [1, 'error', 'b12-injection-unsupported-dx', 'p1'],
      [2, 'error', 'chart-format', null],
      [3, 'error', 'chart-format', null],
      [4, 'error', 'chart-format', null],
    ]);
    expect(claims.slice(1).map((f) => f.message)).toEqual([
      '1 resource not linted, belonging to no chart, with 2 service lines not read: Claim/C2 (its `patient` names its patient by an identifier of system "urn:mrn", and 2 Patients in this export have it: it is ambiguous; 2 service lines).',
      'Claim/C3 is not linted, belonging to no chart: it names no patient (`patient`); its 2 service lines are not read.',
      '1 resource not linted, belonging to no chart, with 2 service lines not read: Claim/C4 (its `patient` names its patient by an identifier of system "urn:mrn", and no Patient in this export has it; 2 service lines).',
    ]);
  });
});

describe('a resource about a patient that belongs to no chart fails the gate; one about a Group does not (security review 28)', () => {
  const MRN = { system: 'urn:mrn', value: 'MRN1' };
  const NOPE = { identifier: { system: 'urn:mrn', value: 'NOPE' } };
  const bundle = (...resources: object[]): string =>
    JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });
  const patient = { resourceType: 'Patient', id: 'p1', identifier: [MRN] };
  const encounter = {
    resourceType: 'Encounter',
    id: 'e1',
    status: 'finished',
    subject: { reference: 'Patient/p1' },
    period: { start: '2026-10-02T09:00:00Z', end: '2026-10-02T10:00:00Z' },
  };
  /** An administration of cyanocobalamin the adapter bills (no claim covers its encounter): by name, or through a Medication. */
  const administration = (id: string, subject: object | undefined, drug: object): object => ({
    resourceType: 'MedicationAdministration',
    id,
    status: 'completed',
    ...(subject ? { subject } : {}),
    context: { reference: 'Encounter/e1' },
    effectiveDateTime: '2026-10-02T09:30:00Z',
    ...drug,
  });
  const byName = { medicationCodeableConcept: { text: 'cyanocobalamin 1000 mcg/mL injection' } };
  const byMedication = { medicationReference: { reference: 'Medication/m1' } };
  const medication = { resourceType: 'Medication', id: 'm1', code: { text: 'Cyanocobalamin 1000 MCG/ML Injectable Solution' } };
  const lint = (name: string, text: string): { code: number; stdout: string; stderr: string } => {
    writeFileSync(resolve(tmp.dir, name), text);
    const r = cli(['--no-config-lookup', '--no-color', `${tmp.rel}/${name}`]);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  const at = (text: string, needle: string): string => {
    const p = positionAt(text, text.indexOf(needle));
    return `${p.line}:${p.column}`;
  };

  test('an administration billed by its drug name, or through its Medication, that belongs to no chart is an error naming its service line', () => {
    const text = bundle(
      patient,
      encounter,
      medication,
      administration('MA1', NOPE, byName),
      administration('MA2', { reference: 'Group/g1' }, byMedication),
    );
    const r = lint('s28-ma.json', text);
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.stdout).toContain(
      `  ${at(text, '{"resourceType":"MedicationAdministration","id":"MA1"')}  error  2 resources not linted, belonging to no chart, with 2 service lines not read: MedicationAdministration/MA1 (its \`subject\` names its patient by an identifier of system "urn:mrn", and no Patient in this file has it; 1 service line); MedicationAdministration/MA2 (its \`subject\` is a Group, not a patient; 1 service line).  chart-format`,
    );
    expect(r.stdout).toMatch(/\n✖ 1 problem \(1 error, 0 warnings\) in 1 of 2 charts\n$/);
  });

  test('a note, a condition or a lab that names a patient no chart is of is an error; one about a Group stays a warning', () => {
    const note = {
      resourceType: 'DocumentReference',
      id: 'DR1',
      status: 'current',
      subject: NOPE,
      content: [
        { attachment: { contentType: 'text/plain', data: Buffer.from('Folate deficiency. Plan B12 injection today.').toString('base64') } },
      ],
    };
    const condition = { resourceType: 'Condition', id: 'c1', code: { text: 'anemia' } };
    const contained = { resourceType: 'Observation', id: 'o1', status: 'final', subject: { reference: '#pat' }, code: { text: 'B12' } };
    const group = { resourceType: 'Observation', id: 'o2', status: 'final', subject: { reference: 'Group/g1' }, code: { text: 'B12' } };
    const text = bundle(patient, encounter, note, condition, contained, group);
    const r = lint('s28-notes.json', text);
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.stdout).toContain(
      `  ${at(text, '{"resourceType":"DocumentReference"')}  error    3 resources not linted, belonging to no chart: DocumentReference/DR1 (its \`subject\` names its patient by an identifier of system "urn:mrn", and no Patient in this file has it); Condition/c1 (it names no patient (\`subject\`)); Observation/o1 (its \`subject\` "#pat" names a contained resource it does not contain). A resource about a patient that no chart holds is an error: its patient's chart is linted without it.  chart-format`,
    );
    expect(r.stdout).toContain(
      `  ${at(text, '{"resourceType":"Observation","id":"o2"')}  warning  1 resource not linted, belonging to no chart: Observation/o2 (its \`subject\` is a Group, not a patient).  chart-format`,
    );
    // Alone, the Group's Observation is still only a warning: the run passes (the Patient's chart is linted whole).
    const g = lint('s28-group.json', bundle(patient, encounter, group));
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/warning +1 resource not linted, belonging to no chart: Observation\/o2/);
  });

  test('a Bundle whose `entry` is one object, not a list, says so and fails: its Patient is not read', () => {
    const r = lint('s28-entry-object.json', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: { resource: patient } }));
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.stdout).toContain(
      '  1:1  error  This Bundle holds no chart: its `entry` must be a list; found a mapping: its resources are not read (expected one or more charts).  chart-format',
    );
    expect(r.stdout).not.toMatch(/empty/);
    // Nested in a Bundle that gives a chart: an error at it.
    const nested = bundle(patient, encounter, { resourceType: 'Bundle', type: 'collection', entry: { resource: encounter } });
    const n = lint('s28-entry-nested.json', nested);
    expect(n.code).toBe(1);
    expect(n.stdout).toMatch(/ error {2}Bundle: `entry` must be a list; found a mapping: its resources are not read\. {2}chart-format\n/);
  });

  test('a Parameters names the resource it wraps at any depth; one too large to search whole says it names none', () => {
    const deep = {
      resourceType: 'Parameters',
      parameter: [{ name: 'a', part: [{ name: 'b', part: [{ name: 'c', resource: JSON.parse(bundle(patient)) as object }] }] }],
    };
    const r = lint('s28-deep.json', JSON.stringify(deep));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('and the Bundle it wraps (at `/parameter/0/part/0/part/0/resource`) is not read inside it');
    // 40,000 parameters of four values each (searching them took time in their square): the Bundle after them is
    // named, breadth first; nested deeper, it is past the values searched, and none is named.
    const many = (last: object): string =>
      JSON.stringify({
        resourceType: 'Parameters',
        parameter: [...Array.from({ length: 40_000 }, () => ({ name: 'a', part: [{ x: {} }] })), last],
      });
    const inner = JSON.parse(bundle(patient)) as object;
    const b = lint('s28-big.json', many({ name: 'z', resource: inner }));
    expect([b.code, b.stderr]).toEqual([1, '']);
    expect(b.stdout).toContain('and the Bundle it wraps (at `/parameter/40000/resource`) is not read inside it');
    const d = lint('s28-big-deep.json', many({ name: 'z', part: [{ name: 'y', part: [{ name: 'x', resource: inner }] }] }));
    expect([d.code, d.stderr]).toEqual([1, '']);
    expect(d.stdout).toContain(
      '  1:1  error  This Parameters holds no chart: b12lint does not read its type, and it is too large to search whole for a resource it wraps (none is in its first 100,000 values), so none is named (expected one or more charts).  chart-format',
    );
  });
});

describe('b12lint convert', () => {
  test('prints the native charts a Bundle becomes; linted as native charts they give the same rule ids', () => {
    for (const base of ['p-0001', 'p-0002', 'p-0003-snomed']) {
      const r = cli(['convert', `fixtures/fhir/${base}.json`, '--to', 'yaml']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const docs = parseAllDocuments(r.stdout);
      expect(Array.isArray(docs) && docs.length).toBe(1);
      writeFileSync(resolve(tmp.dir, `${base}.yaml`), r.stdout);
      expect(ruleIds(cliJson([`${tmp.rel}/${base}.yaml`]).report)).toEqual(ruleIds(cliJson([`fixtures/fhir/${base}.json`]).report));
    }
  });

  test("shows the mapped code, the lent dose and the claim's pointers", () => {
    const r = cli(['convert', 'fixtures/fhir/p-0002.json']);
    const chart = parseAllDocuments(r.stdout) as unknown as { toJS(): Record<string, any> }[];
    const enc = chart[0]!.toJS().encounters[0];
    expect(enc.diagnoses).toEqual([
      {
        code: 'D51.0',
        description: 'Pernicious anemia',
        status: 'confirmed',
        mappedFrom: { system: 'SNOMED CT', code: '84027009', display: 'Pernicious anemia (disorder)' },
      },
    ]);
    expect(enc.services[0]).toEqual({ code: 'J3420', units: 1, dose: { value: 1000, unit: 'mcg' }, diagnoses: [1] });
  });

  test('--to json prints a JSON array; a Bulk export folder is one chart per patient', () => {
    const r = cli(['convert', 'fixtures/fhir/bulk', '--to', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { chartId: string }[]).map((c) => c.chartId)).toEqual(['P-0001', 'P-0002']);
  });

  test('what cannot be read goes to stderr with its place, and the exit code says so', () => {
    const r = cli(['convert', 'fixtures/fhir/edge/broken-references.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^fixtures\/fhir\/edge\/broken-references\.json:\d+:\d+: error: Reference "Condition\/missing" does not resolve/m,
    );
    expect(parseAllDocuments(r.stdout)).toHaveLength(2);
    expect(cli(['convert', 'no/such/file.json']).code).toBe(2);
    expect(cli(['convert', 'fixtures/fhir/p-0001.json', '--to', 'xml']).code).toBe(2);
  });
});

describe('--input-format and --concept-map', () => {
  test('native reads a Bundle as a native chart (and finds it broken); fhir refuses a native chart', () => {
    const asNative = cliJson(['--input-format', 'native', 'fixtures/fhir/p-0001.json']);
    expect(findings(asNative.report).map((f) => f.message)).toContain('Chart has no `chartId`.');
    const asFhir = cliJson(['--input-format', 'fhir', 'fixtures/charts/p-0002.json']);
    expect(findings(asFhir.report).map((f) => [f.ruleId, f.message])).toEqual([
      ['chart-format', 'Not a FHIR resource: a FHIR document is a JSON object with a `resourceType`.'],
    ]);
  });

  test('auto reads a native chart that carries a resourceType of its own as native (JSON, and NDJSON whose first line has one): linted, not dropped', () => {
    const dir = resolve(tmp.dir, 'own-resource-type');
    mkdirSync(dir, { recursive: true });
    const native = JSON.parse(readFileSync(resolve(ROOT, 'fixtures/charts/batch-2026-10-08.json'), 'utf8')) as Record<string, unknown>;
    const charts = (Array.isArray(native) ? native : [native]) as Record<string, unknown>[];
    const tagged = charts.map((c) => ({ resourceType: 'ChartExport', ...c }));
    writeFileSync(resolve(dir, 'one.json'), JSON.stringify(tagged[0]));
    writeFileSync(resolve(dir, 'one-plain.json'), JSON.stringify(charts[0]));
    writeFileSync(resolve(dir, 'lines.ndjson'), `${tagged.map((c) => JSON.stringify(c)).join('\n')}\n`);
    const lint = (f: string) => cliJson(['--no-config-lookup', f.includes('/') ? f : `${tmp.rel}/own-resource-type/${f}`]);
    for (const [tagged, plain] of [
      ['one.json', 'one-plain.json'],
      ['lines.ndjson', 'fixtures/charts/batch-2026-10-08.json'],
    ] as const) {
      const native = lint(plain);
      const want = ruleIds(native.report);
      expect(want.length).toBeGreaterThan(0);
      expect(want).not.toContain('chart-format');
      const r = lint(tagged);
      expect(r.code).toBe(native.code);
      expect(ruleIds(r.report)).toEqual(want);
    }
  });

  test('an unknown input format is exit 2 with one line', () => {
    const r = cli(['--input-format', 'hl7v2', 'fixtures/fhir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('b12lint: --input-format takes auto, native, fhir; got "hl7v2".\n');
  });

  test('the config may set inputFormat and conceptMap', () => {
    const dir = resolve(tmp.dir, 'config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'map.yaml'), 'snomed:\n  "84027009": { icd10: D62, display: deliberately wrong }\n');
    writeFileSync(resolve(dir, 'b12lint.config.yaml'), 'conceptMap: map.yaml\n');
    writeFileSync(resolve(dir, 'p.json'), readFileSync(resolve(ROOT, 'fixtures/fhir/p-0002.json')));
    const r = cliJson(['p.json'], { cwd: dir });
    expect(findings(r.report).find((f) => f.ruleId === 'b12-injection-blood-loss-dx')!.evidence[0]).toMatchObject({
      code: 'D62',
      mappedFrom: 'SNOMED CT 84027009',
    });
    writeFileSync(resolve(dir, 'b12lint.config.yaml'), 'inputFormat: native\n');
    expect(findings(cliJson(['p.json'], { cwd: dir }).report).map((f) => f.message)).toContain('Chart has no `chartId`.');
  });

  test('a concept map with a mistake stops the run before any chart is read (exit 2, with its place)', () => {
    const r = cli(['--concept-map', 'fixtures/fhir/edge/bad-concept-map.yaml', 'fixtures/fhir/p-0002.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^fixtures\/fhir\/edge\/bad-concept-map\.yaml:4:15: SNOMED CT 84027009 needs `icd10:`/m);
  });
});
