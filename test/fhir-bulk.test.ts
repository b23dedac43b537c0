/**
 * FHIR Bulk Data exports through the built CLI: an NDJSON folder gives the same findings as the
 * equivalent Bundles; findings point at the file and line of their resource; resources of one
 * patient are joined across files (several per type); the streaming reader copes with long lines,
 * BOMs and CRLF, a broken line, and the export's log.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Evidence, Finding } from '../src/finding.js';
import type { Report } from '../src/report/types.js';
import { cli, cliJson, ROOT } from './helpers/cli.js';
import { repoScratch } from './helpers/scratch.js';

const tmp = repoScratch('fhir-bulk');
afterAll(() => tmp.remove());
const BULK = 'fixtures/fhir/bulk';

function findings(report: Report): (Finding & { file: string })[] {
  return report.results.flatMap((r) => r.findings.map((f) => ({ ...f, file: r.file })));
}

/** A finding without its place: what it says, about which chart, on what evidence. */
function meaning(f: Finding): unknown {
  const evidence = f.evidence.map(({ line: _l, column: _c, pointer: _p, file: _f, ...rest }: Evidence) => rest);
  return { chartId: f.chartId, encounterId: f.encounterId, ruleId: f.ruleId, severity: f.severity, message: f.message, evidence };
}

function meanings(report: Report): string[] {
  return findings(report)
    .map((f) => JSON.stringify(meaning(f)))
    .sort();
}

/** A copy of the fixture export to change. */
function exportCopy(name: string): string {
  const dir = resolve(tmp.dir, name);
  cpSync(resolve(ROOT, BULK), dir, { recursive: true });
  return dir;
}

describe('a Bulk Data export is linted like the equivalent Bundles', () => {
  test('same findings, charts and encounters as p-0001.json and p-0002.json', () => {
    const bulk = cliJson([BULK]);
    const bundles = cliJson(['fixtures/fhir/p-0001.json', 'fixtures/fhir/p-0002.json']);
    expect(bulk.stderr).toBe('');
    expect(bulk.code).toBe(bundles.code);
    expect(meanings(bulk.report)).toEqual(meanings(bundles.report));
    expect(meanings(bulk.report).length).toBeGreaterThan(0);
    const { charts, encounters } = bundles.report.summary;
    expect(bulk.report.summary).toMatchObject({ files: 10, charts, encounters });
    // One chart's findings may stand in several files; it is still one chart with findings.
    expect(cli([BULK]).stdout).toMatch(/in 1 of 2 charts\n$/);
  });

  test('findings point at the file and line of the resource, and the element inside it', () => {
    const line = readFileSync(resolve(ROOT, BULK, 'Claim.000.ndjson'), 'utf8').split('\n')[0]!;
    const f = findings(cliJson([BULK]).report).find((x) => x.ruleId === 'b12-injection-blood-loss-dx')!;
    expect(f).toMatchObject({
      file: `${BULK}/Claim.000.ndjson`,
      line: 1,
      column: line.indexOf('{"sequence":1,"productOrService"') + 1,
      pointer: '/item/0',
    });
    expect(f.evidence[0]).toEqual({
      kind: 'diagnosis',
      code: 'D62',
      line: 1,
      column: line.indexOf('{"sequence":1,"diagnosisCodeableConcept"') + 1,
      pointer: '/diagnosis/0',
    });
    // Then what the rule's provider query cites, each in the file and on the line of its resource.
    expect(f.evidence.slice(1).map((e) => [e.kind, e.file, e.line])).toEqual([
      ['lab', `${BULK}/Observation.000.ndjson`, 1],
      ['note', `${BULK}/DocumentReference.000.ndjson`, 1],
      ['medication', `${BULK}/MedicationAdministration.000.ndjson`, 1],
    ]);
  });

  test('resources are joined across files: evidence in another file names that file', () => {
    const dir = resolve(tmp.dir, 'map');
    mkdirSync(dir);
    writeFileSync(resolve(dir, 'map.yaml'), 'snomed:\n  "84027009": { icd10: D62 }\n');
    const r = cliJson(['--concept-map', `${tmp.rel}/map/map.yaml`, BULK]);
    const f = findings(r.report).find((x) => x.ruleId === 'b12-injection-blood-loss-dx' && x.chartId === 'P-0002')!;
    expect(f).toMatchObject({ file: `${BULK}/Claim.001.ndjson`, line: 1, pointer: '/item/0' });
    expect(f.evidence[0]).toEqual({
      kind: 'diagnosis',
      code: 'D62',
      mappedFrom: 'SNOMED CT 84027009',
      file: `${BULK}/Condition.000.ndjson`,
      line: 1,
      column: 1,
      pointer: '',
    });
    // The labs, note and medication its provider query cites stand in other files, and name them.
    expect(f.evidence.slice(1).map((e) => [e.kind, e.file])).toEqual([
      ['lab', `${BULK}/Observation.000.ndjson`],
      ['lab', `${BULK}/Observation.000.ndjson`],
      ['note', `${BULK}/DocumentReference.000.ndjson`],
      ['medication', `${BULK}/MedicationAdministration.000.ndjson`],
    ]);
    const stylish = cli(['--concept-map', `${tmp.rel}/map/map.yaml`, BULK]).stdout;
    expect(stylish).toContain(`↳ diagnosis D62 (mapped from SNOMED CT 84027009) at ${BULK}/Condition.000.ndjson:1:1`);
  });
});

describe('reading an export', () => {
  test('a line longer than the read buffer is read whole; BOM and CRLF are accepted; the log is passed over', () => {
    const dir = exportCopy('long');
    // 960 KB of note (under the 1 MiB a note is read to), 1.3 MB of base64: the line spans two 1 MB read chunks.
    const filler = 'Stable. '.repeat(120_000);
    const note = Buffer.from(`${filler}Recent melena reported today.`).toString('base64');
    const doc = {
      resourceType: 'DocumentReference',
      id: 'DR-LONG',
      status: 'current',
      subject: { reference: 'Patient/P-0001' },
      content: [{ attachment: { contentType: 'text/plain', data: note } }],
      context: { encounter: [{ reference: 'Encounter/enc-0001' }] },
    };
    writeFileSync(resolve(dir, 'DocumentReference.001.ndjson'), `${JSON.stringify(doc)}\n`);
    const patients = readFileSync(resolve(dir, 'Patient.000.ndjson'), 'utf8');
    writeFileSync(resolve(dir, 'Patient.000.ndjson'), `\uFEFF${patients.replace(/\n/g, '\r\n')}`);
    writeFileSync(resolve(dir, 'log.ndjson'), '{"exportId":"x","timestamp":"2026-10-21T08:00:00Z","eventId":"kickoff","eventDetail":{}}\n');
    const r = cliJson([`${tmp.rel}/long`]);
    expect(r.stderr).toBe('');
    const ids = findings(r.report).map((f) => `${f.chartId} ${f.ruleId}`);
    // The affirmed bleeding at the end of the long note documents the blood loss.
    expect(ids).toEqual(['P-0001 b12-injection-blood-loss-dx']);
    expect(r.report.summary).toMatchObject({ files: 12, charts: 2 });
  });

  test('a line over --max-file-size is a read-error at that line; the rest is still linted', () => {
    const dir = exportCopy('limit');
    const doc = {
      resourceType: 'DocumentReference',
      id: 'DR-BIG',
      status: 'current',
      subject: { reference: 'Patient/P-0001' },
      content: [{ attachment: { contentType: 'text/plain', data: 'A'.repeat(1_500_000) } }],
    };
    writeFileSync(resolve(dir, 'DocumentReference.001.ndjson'), `${JSON.stringify(doc)}\n`);
    const r = cliJson(['--max-file-size', '1', `${tmp.rel}/limit`]);
    const big = findings(r.report).filter((f) => f.file.endsWith('DocumentReference.001.ndjson'));
    expect(big.map((f) => [f.ruleId, f.line])).toEqual([['read-error', 1]]);
    expect(meanings(r.report).filter((m) => !m.includes('read-error'))).toEqual(meanings(cliJson([BULK]).report));
  });

  test('a shared Medication over 64 KB is reported at its line and not followed; the patients that point to it are still linted', () => {
    const dir = exportCopy('huge-medication');
    const med = JSON.parse(readFileSync(resolve(dir, 'Medication.000.ndjson'), 'utf8')) as Record<string, unknown>;
    writeFileSync(resolve(dir, 'Medication.000.ndjson'), `${JSON.stringify({ ...med, note: [{ text: 'x'.repeat(70_000) }] })}\n`);
    const r = cliJson([`${tmp.rel}/huge-medication`]);
    expect(r.stderr).toBe('');
    const at = findings(r.report).filter((f) => f.file.endsWith('Medication.000.ndjson'));
    expect(at.map((f) => [f.ruleId, f.severity, f.line, f.column, f.message])).toEqual([
      [
        'chart-format',
        'warning',
        1,
        1,
        'Medication/MED-CYANO-1000 is 70,175 bytes, more than the 65,536 a resource that patients share may be: it is not read, and what points to it is not followed.',
      ],
    ]);
    // What points to it says why it is not followed (not that the export lacks it); the rest of the chart is linted.
    const pointing = findings(r.report).filter((f) => /does not resolve to a Medication/.test(f.message));
    expect(pointing.length).toBeGreaterThan(0);
    expect(
      pointing.every((f) => f.message.includes('Medication/MED-CYANO-1000 is in this export but too large to read (70,175 bytes')),
    ).toBe(true);
    expect(findings(r.report).some((f) => f.message.includes('no Medication with that id'))).toBe(false);
    expect(findings(r.report).some((f) => f.ruleId === 'b12-injection-blood-loss-dx')).toBe(true);
  });

  test('a Medication id given twice, the first line over 64 KB: the first line is the one, left out; the second is not read either', () => {
    const dir = exportCopy('huge-then-small');
    const line = readFileSync(resolve(dir, 'Medication.000.ndjson'), 'utf8').trim();
    const med = JSON.parse(line) as Record<string, unknown>;
    writeFileSync(resolve(dir, 'Medication.000.ndjson'), `${JSON.stringify({ ...med, note: [{ text: 'x'.repeat(70_000) }] })}\n${line}\n`);
    const r = cliJson([`${tmp.rel}/huge-then-small`]);
    const pointing = findings(r.report).filter((f) => /does not resolve to a Medication/.test(f.message));
    expect(pointing.length).toBeGreaterThan(0);
    expect(pointing.every((f) => f.message.includes('too large to read'))).toBe(true);
  });

  test('a broken line is a parse-error at its line; the other lines are still read', () => {
    const dir = exportCopy('broken');
    const obs = readFileSync(resolve(dir, 'Observation.000.ndjson'), 'utf8');
    writeFileSync(resolve(dir, 'Observation.000.ndjson'), `${obs}{"resourceType":"Observation","id":\n["not a resource"]\n`);
    const r = cliJson([`${tmp.rel}/broken`]);
    const bad = findings(r.report).filter((f) => f.file.endsWith('Observation.000.ndjson'));
    expect(bad.map((f) => [f.ruleId, f.line])).toEqual([
      ['parse-error', 4],
      ['chart-format', 5],
    ]);
    // The two patients, and the places outside them that could not be read (the broken line, the
    // line that is no resource), each a chart that was not linted, as in native NDJSON.
    expect(r.report.summary.charts).toBe(4);
    expect(findings(r.report).some((f) => f.ruleId === 'b12-injection-blood-loss-dx')).toBe(true);
  });

  test('the charts with findings are never more than the charts: unreadable lines count in both', () => {
    const dir = exportCopy('broken-count');
    const cond = readFileSync(resolve(dir, 'Condition.000.ndjson'), 'utf8');
    writeFileSync(resolve(dir, 'Condition.000.ndjson'), `${cond}{"resourceType":"Condition", broken\n{"resourceType":"Condition",\n`);
    const r = cli([`${tmp.rel}/broken-count`]);
    // It said "in 3 of 2 charts": the two lines counted as charts with findings, not as charts.
    expect(r.stdout).toMatch(/\(3 errors, 1 warning\) in 3 of 4 charts\n$/);
    expect(r.code).toBe(1);
    expect(cliJson([`${tmp.rel}/broken-count`]).report.summary).toMatchObject({ charts: 4, errors: 3 });
  });

  test("an empty resource file in an export (a type with no resource) is one of its files: no finding, the export's counts", () => {
    const dir = exportCopy('empty-type');
    writeFileSync(resolve(dir, 'Procedure.000.ndjson'), '');
    const rel = `${tmp.rel}/empty-type`;
    const r = cliJson([rel]);
    const plain = cliJson([BULK]);
    expect(r.code).toBe(plain.code);
    expect(r.report.results.find((x) => x.file === `${rel}/Procedure.000.ndjson`)?.findings ?? []).toEqual([]);
    expect(r.report.summary).toMatchObject({ charts: plain.report.summary.charts, errors: plain.report.summary.errors });
  });

  test('an export with no resource about a patient is one chart, with its error', () => {
    const dir = resolve(tmp.dir, 'no-patient');
    mkdirSync(dir, { recursive: true });
    cpSync(resolve(ROOT, BULK, 'Medication.000.ndjson'), resolve(dir, 'Medication.000.ndjson'));
    const r = cli([`${tmp.rel}/no-patient`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/holds no chart: no resource of it belongs to a patient \(expected one or more charts\)/);
    // It said "in 1 of 0 charts".
    expect(r.stdout).toMatch(/\(1 error, 0 warnings\) in 1 of 1 chart\n$/);
  });

  test('a resource nested deeper than b12lint reads is a parse-error at its bracket; the patients are still linted', () => {
    const dir = exportCopy('deep');
    const obs = readFileSync(resolve(dir, 'Observation.000.ndjson'), 'utf8');
    // A MedicationAdministration's status nested 5,000 lists deep once overflowed the stack when
    // it was turned into text, and its whole patient was lost.
    const deep = `{"resourceType":"Observation","id":"deep","status":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    writeFileSync(resolve(dir, 'Observation.000.ndjson'), `${obs}${deep}\n`);
    const r = cliJson([`${tmp.rel}/deep`]);
    expect(r.stderr).toBe('');
    const bad = findings(r.report).filter((f) => f.file.endsWith('Observation.000.ndjson'));
    expect(bad.map((f) => [f.ruleId, f.line, f.column, f.message])).toEqual([
      [
        'parse-error',
        4,
        2051,
        'Unreadable JSON: the document is nested too deeply to be read (more than 2,000 levels of lists and mappings).',
      ],
    ]);
    expect(findings(r.report).some((f) => f.ruleId === 'internal-error')).toBe(false);
    // The two patients, and the line nested too deeply: a chart that was not linted.
    expect(r.report.summary.charts).toBe(3);
    expect(findings(r.report).some((f) => f.ruleId === 'b12-injection-blood-loss-dx')).toBe(true);
  });

  test('a patient whose Patient line is missing still gets a chart, with a warning at the resource that names it', () => {
    const dir = exportCopy('orphan');
    const patients = readFileSync(resolve(dir, 'Patient.000.ndjson'), 'utf8').split('\n');
    writeFileSync(resolve(dir, 'Patient.000.ndjson'), `${patients[1]}\n`);
    const r = cliJson([`${tmp.rel}/orphan`]);
    expect(r.report.summary.charts).toBe(2);
    const w = findings(r.report).find((f) => f.message.startsWith('Patient reference "Patient/P-0001"'))!;
    expect(w).toMatchObject({ severity: 'warning', chartId: 'P-0001', file: `${tmp.rel}/orphan/Claim.000.ndjson`, pointer: '/patient' });
  });
});

describe('resources that belong to no chart, and patients named by identifier (security review 28)', () => {
  const ndjson = (...rs: object[]): string => rs.map((x) => `${JSON.stringify(x)}\n`).join('');
  const lines = (dir: string, file: string): Record<string, unknown>[] =>
    readFileSync(resolve(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  test('an administration billed by name or through a Medication of another file, about a Group or no one, is an error with its line; a note that names no patient is an error, a lab about a Group a warning', () => {
    const dir = exportCopy('s28-orphans');
    const [ma1, ma2] = lines(dir, 'MedicationAdministration.000.ndjson');
    // MA-0001 names its drug by name; MA-0002 through Medication/MED-CYANO-1000, whose file is read after this one.
    writeFileSync(resolve(dir, 'MedicationAdministration.000.ndjson'), ndjson({ ...ma1, subject: { reference: 'Group/g1' } }));
    const { subject: _s, ...none } = ma2!;
    writeFileSync(resolve(dir, 'Administration.orphan.ndjson'), ndjson(none));
    const [dr] = lines(dir, 'DocumentReference.000.ndjson');
    const { subject: _d, ...noSubject } = dr!;
    writeFileSync(resolve(dir, 'DocumentReference.000.ndjson'), ndjson(noSubject));
    const [obs] = lines(dir, 'Observation.000.ndjson');
    writeFileSync(resolve(dir, 'Observation.001.ndjson'), ndjson({ ...obs, id: 'OBS-G', subject: { reference: 'Group/g1' } }));
    const r = cliJson(['--no-config-lookup', `${tmp.rel}/s28-orphans`]);
    expect(r.code).toBe(1);
    const byFile = (name: string): [string, string][] =>
      r.report.results
        .find((x) => x.file.endsWith(name))!
        .findings.filter((f) => f.ruleId === 'chart-format')
        .map((f) => [f.severity, f.message]);
    expect(byFile('MedicationAdministration.000.ndjson')).toEqual([
      [
        'error',
        'MedicationAdministration/MA-0001 is not linted, belonging to no chart: its `subject` is a Group, not a patient; its 1 service line is not read.',
      ],
    ]);
    expect(byFile('Administration.orphan.ndjson')).toEqual([
      [
        'error',
        'MedicationAdministration/MA-0002 is not linted, belonging to no chart: it names no patient (`subject`); its 1 service line is not read.',
      ],
    ]);
    expect(byFile('DocumentReference.000.ndjson')).toEqual([
      [
        'error',
        "DocumentReference/DR-0001 is not linted, belonging to no chart: it names no patient (`subject`). A resource about a patient that no chart holds is an error: its patient's chart is linted without it.",
      ],
    ]);
    expect(byFile('Observation.001.ndjson')).toEqual([
      ['warning', 'Observation/OBS-G is not linted, belonging to no chart: its `subject` is a Group, not a patient.'],
    ]);
  });

  test('a Patient given on two lines is one patient: a claim by an identifier only its second line holds is its chart, not "ambiguous"', () => {
    const dir = exportCopy('s28-dup-patient');
    const [p1, p2] = lines(dir, 'Patient.000.ndjson');
    const other = { ...p1, identifier: [{ system: 'urn:example:mrn', value: 'OTHER' }] };
    writeFileSync(resolve(dir, 'Patient.000.ndjson'), ndjson(other, p2!));
    writeFileSync(resolve(dir, 'Patient.001.ndjson'), ndjson(p1!, p1!));
    const claims = lines(dir, 'Claim.000.ndjson').map((c) =>
      c.id === 'C-0001' ? { ...c, patient: { identifier: { system: 'urn:example:mrn', value: 'P-0001' } } } : c,
    );
    writeFileSync(resolve(dir, 'Claim.000.ndjson'), ndjson(...claims));
    const r = cliJson(['--no-config-lookup', `${tmp.rel}/s28-dup-patient`]);
    expect(r.code).toBe(1);
    const all = findings(r.report);
    expect(all.filter((f) => /ambiguous|belonging to no chart/.test(f.message))).toEqual([]);
    expect(all.find((f) => f.ruleId === 'b12-injection-blood-loss-dx')).toMatchObject({
      chartId: 'P-0001',
      file: `${tmp.rel}/s28-dup-patient/Claim.000.ndjson`,
    });
  });

  test('20,000 Patients sharing one identifier, each on two lines: a condition that names it is ambiguous, counted once each', () => {
    const dir = resolve(tmp.dir, 's28-shared');
    mkdirSync(dir, { recursive: true });
    const shared = [{ system: 's', value: 'X' }];
    const patients = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ resourceType: 'Patient', id: `p${i}`, identifier: shared }));
    writeFileSync(resolve(dir, 'Patient.000.ndjson'), `${patients.join('\n')}\n${patients.join('\n')}\n`);
    writeFileSync(
      resolve(dir, 'Condition.000.ndjson'),
      ndjson({ resourceType: 'Condition', id: 'c0', subject: { identifier: { system: 's', value: 'X' } }, code: { text: 'anemia' } }),
    );
    const r = cliJson(['--no-config-lookup', `${tmp.rel}/s28-shared`]);
    expect(r.code).toBe(1);
    const f = r.report.results.find((x) => x.file.endsWith('Condition.000.ndjson'))!.findings;
    expect(f.map((x) => [x.severity, x.message])).toEqual([
      [
        'error',
        `1 resource not linted, belonging to no chart: Condition/c0 (its \`subject\` names its patient by an identifier of system "s", and 20,000 Patients in this export have it: it is ambiguous). A resource about a patient that no chart holds is an error: its patient's chart is linted without it.`,
      ],
    ]);
  });
});
