/**
 * Medicare's claims exports through the built CLI, on fixtures in their shapes
 * (fixtures/fhir/medicare/): a Blue Button 2.0 ExplanationOfBenefit billing J3420 for D62, a
 * BCDA-style Bulk export (ExplanationOfBenefit, Patient, Coverage, and a partially adjudicated
 * Claim with its Patient contained and diagnosis sequences from 0, billing J3420 for I10), and a
 * claim with a line in a local chargemaster. Each gives the findings its native twin
 * (fixtures/fhir/medicare/native/) gives, plus the chart-format findings that name what was left
 * out; `convert` shows the same charts as the twin, and every line or why not.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../src/finding.js';
import type { Report } from '../src/report/types.js';
import { cli, cliJson, ROOT } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';
import { testShared } from './helpers/shared.js';

const DIR = 'fixtures/fhir/medicare';
const scratch = scratches('b12lint-medicare-');

function findings(report: Report): Finding[] {
  return report.results.flatMap((r) => r.findings);
}

/** What the rules say, without where: the FHIR input and its twin hold the same facts at other lines. */
function said(report: Report): string[] {
  return findings(report)
    .filter((f) => f.ruleId !== 'chart-format')
    .map((f) =>
      JSON.stringify({
        ruleId: f.ruleId,
        severity: f.severity,
        chartId: f.chartId,
        encounterId: f.encounterId,
        message: f.message,
        evidence: f.evidence.map((e) => e.code),
      }),
    )
    .sort();
}

function chartFormat(report: Report): string[] {
  return findings(report)
    .filter((f) => f.ruleId === 'chart-format')
    .map((f) => `${f.severity}: ${f.message}`);
}

/** The charts `convert --to json` prints, without descriptions (the native twins leave them out). */
function converted(path: string): unknown[] {
  const r = cli(['convert', path, '--to', 'json']);
  const charts = JSON.parse(r.stdout) as { encounters: { diagnoses: Record<string, unknown>[] }[] }[];
  for (const c of charts) for (const e of c.encounters) for (const d of e.diagnoses) delete d.description;
  return charts;
}

const CASES: [string, string, string[]][] = [
  [
    `${DIR}/eob-bluebutton-j3420-d62.json`,
    `${DIR}/native/eob-bluebutton-j3420-d62.yaml`,
    [
      'warning: Patient reference "Patient/-10000010254656" does not resolve: the Patient is not in this file, so the chart has no birth date or sex.',
      'info: 1 diagnosis not linted, coded only in ICD-9-CM (b12lint reads ICD-10-CM): diagnosis 3 (2851).',
    ],
  ],
  [`${DIR}/bcda`, `${DIR}/native/bcda.yaml`, ['info: 1 line not linted, not coded in HCPCS or CPT: line 1 (00071015523 in NDC).']],
  [
    `${DIR}/unknown-system-line.json`,
    `${DIR}/native/unknown-system-line.yaml`,
    [
      'warning: 1 line not linted, coded in a system b12lint does not know (not HCPCS or CPT): line 2 (CDM-88412 in https://ehr.example.org/fhir/CodeSystem/chargemaster).',
    ],
  ],
];

describe('Medicare claims shapes give the findings of the native charts with the same content', () => {
  test.each(CASES)('%s', (fhir, native, leftOut) => {
    const f = cliJson([fhir]);
    const n = cliJson([native]);
    expect([f.stderr, n.stderr]).toEqual(['', '']);
    expect(said(f.report)).toEqual(said(n.report));
    expect(said(f.report).length).toBeGreaterThan(0);
    expect(f.code).toBe(n.code);
    expect(chartFormat(f.report)).toEqual(leftOut);
    expect(chartFormat(n.report)).toEqual([]);
    expect(f.report.summary).toMatchObject({ charts: n.report.summary.charts, encounters: n.report.summary.encounters });
    expect(converted(fhir)).toEqual(converted(native));
  });

  test("J3420 for D62 in Blue Button's HCPCS system is the blood-loss error, at the ExplanationOfBenefit line; the run fails", () => {
    const { code, report } = cliJson([`${DIR}/eob-bluebutton-j3420-d62.json`]);
    expect(code).toBe(1);
    const f = findings(report).find((x) => x.ruleId === 'b12-injection-blood-loss-dx')!;
    expect(f).toMatchObject({ severity: 'error', pointer: '/item/0', encounterId: 'ExplanationOfBenefit/carrier-10000930038101' });
    expect(f.evidence).toEqual([expect.objectContaining({ kind: 'diagnosis', code: 'D62', pointer: '/diagnosis/0' })]);
  });

  test('the BCDA-style partially adjudicated Claim: one chart named by the MBI, J3420 linked to I10 by diagnosis sequence 0', () => {
    const { report } = cliJson([`${DIR}/bcda`]);
    const f = findings(report).find((x) => x.ruleId === 'b12-injection-unsupported-dx')!;
    expect(f).toMatchObject({ chartId: '1S00E00AA11', severity: 'error' });
    expect(f.evidence.map((e) => [e.kind, e.code, e.pointer])).toEqual([['diagnosis', 'I10', '/diagnosis/0']]);
    expect(report.results.find((r) => r.file.endsWith('Claim.ndjson'))!.findings.map((x) => x.ruleId)).toEqual([
      'b12-injection-unsupported-dx',
    ]);
  });

  test('a Claim NDJSON alone, its Patient contained, is a chart: never "No problems in 0 charts"', () => {
    const s = scratch();
    cpSync(`${DIR}/bcda/Claim.ndjson`, join(s.dir, 'Claim.ndjson'));
    const r = cliJson(['--no-config-lookup', '.'], { cwd: s.dir });
    expect(r.report.summary).toMatchObject({ files: 1, charts: 1, encounters: 1 });
    expect(findings(r.report).map((f) => f.ruleId)).toEqual(['b12-injection-unsupported-dx']);
  });

  test('an export with no resource about a patient is an error; a claim that names no patient is an error at its line', () => {
    const s = scratch();
    s.write('Organization.ndjson', `${JSON.stringify({ resourceType: 'Organization', id: 'o1', name: 'Clinic' })}\n`);
    const none = cli(['--no-config-lookup', '.'], { cwd: s.dir });
    expect(none.stdout).not.toMatch(/No problems in 0 charts/);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(
      /error {2}This Bulk Data export \(1 file\) holds no chart: no resource of it belongs to a patient \(expected one or more charts\)\. {2}chart-format/,
    );
    mkdirSync(join(s.dir, 'claims'));
    writeFileSync(
      join(s.dir, 'claims', 'Claim.ndjson'),
      `${JSON.stringify({ resourceType: 'Claim', id: 'c1', status: 'active', use: 'claim', item: [{ sequence: 1, productOrService: { coding: [{ system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'J3420' }] } }] })}\n`,
    );
    const lost = cliJson(['--no-config-lookup', 'claims'], { cwd: s.dir });
    expect(lost.code).toBe(1);
    expect(findings(lost.report).map((f) => [f.severity, f.line, f.message])).toEqual([
      ['error', 1, 'Claim/c1 is not linted, belonging to no chart: it names no patient (`patient`); its 1 service line is not read.'],
      ['error', 1, 'This Bulk Data export (1 file) holds no chart: no resource of it belongs to a patient (expected one or more charts).'],
    ]);
  });
});

describe('a Bulk export of partially adjudicated claims', () => {
  test('claims whose contained Patients carry the same MBI are one chart across lines and files; another MBI is another chart', () => {
    const s = scratch();
    const line = readFileSync(`${DIR}/bcda/Claim.ndjson`, 'utf8').trim();
    const other = (id: string, mbi: string, day: string): string =>
      line.replace('"id":"m-2026101400001"', `"id":"${id}"`).replaceAll('1S00E00AA11', mbi).replaceAll('2026-10-14', day);
    s.write('Claim.000.ndjson', `${line}\n${other('m-2', '1S00E00AA99', '2026-10-20')}\n`);
    s.write('Claim.001.ndjson', `${other('m-3', '1S00E00AA11', '2026-11-14')}\n`);
    const r = cli(['convert', '.', '--to', 'json'], { cwd: s.dir });
    expect(r.stderr).toBe('');
    const charts = JSON.parse(r.stdout) as { chartId: string; encounters: { id: string }[] }[];
    expect(charts.map((c) => [c.chartId, c.encounters.map((e) => e.id)])).toEqual([
      ['1S00E00AA11', ['Claim/m-2026101400001', 'Claim/m-3']],
      ['1S00E00AA99', ['Claim/m-2']],
    ]);
  });

  test('an export log alone says that the export it logs is not there: an error, as an input with no chart is', () => {
    const s = scratch();
    s.write('log.ndjson', `${JSON.stringify({ exportId: 'x', timestamp: '2026-11-02T02:00:00Z', eventId: 'kickoff', eventDetail: {} })}\n`);
    const r = cli(['--no-config-lookup', '.'], { cwd: s.dir });
    expect(r.stdout).not.toMatch(/No problems/);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /error {2}This is a Bulk Data export log: it holds no chart, and no file of the export it logs is in its folder \(expected one or more charts\)\./,
    );
  });
});

describe('b12lint convert shows every line, or says why not', () => {
  test('the line in a local chargemaster is named on stderr with its position, code and system; the J3420 line is printed', () => {
    const r = cli(['convert', `${DIR}/unknown-system-line.json`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/- code: J3420\n/);
    expect(r.stdout).not.toMatch(/CDM-88412/);
    expect(r.stderr).toMatch(
      /^fixtures\/fhir\/medicare\/unknown-system-line\.json:\d+:\d+: warning: 1 line not linted, coded in a system b12lint does not know \(not HCPCS or CPT\): line 2 \(CDM-88412 in https:\/\/ehr\.example\.org\/fhir\/CodeSystem\/chargemaster\)\. \(chart-format\)\n$/,
    );
  });

  testShared('corpora/fhir/cms-bfd', 'a Blue Button carrier claim of seven lines prints seven services (cms-bfd)', (corpus) => {
    const r = cli(['convert', join(corpus, 'eobReadCarrierWithMultipleLines.json'), '--to', 'json']);
    const charts = JSON.parse(r.stdout) as { encounters: { services: { code: string }[] }[] }[];
    expect(charts[0]!.encounters[0]!.services.map((s) => s.code)).toEqual(['92999', '92998', '92997', '92996', '92995', '92994', '92993']);
  });
});

describe('the Medicare claims recipe of docs/fhir.md', () => {
  test('its config, on the BCDA-shaped export, reports what the page shows, and exits 1', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'fhir.md'), 'utf8');
    const recipe = doc.slice(doc.indexOf('## A Medicare claims recipe'));
    const config = /`b12lint\.config\.yaml`, beside the script:\n\n```yaml\n([\s\S]*?)```/.exec(recipe)![1]!;
    const shown = /What it reports[\s\S]*?\n```\n([\s\S]*?)```/.exec(recipe)![1]!;
    const s = scratch();
    mkdirSync(join(s.dir, 'codes'));
    cpSync(join(ROOT, 'fixtures', 'icd10', 'icd10cm_order_2026.txt'), join(s.dir, 'codes', 'icd10cm_order_2026.txt'));
    s.write('b12lint.config.yaml', config);
    cpSync(join(ROOT, DIR, 'bcda'), join(s.dir, 'exports', '2026-11-02'), { recursive: true });
    const r = cli(['exports/2026-11-02'], { cwd: s.dir });
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.stdout).toBe(shown);
  });
});
