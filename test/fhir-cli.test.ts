/**
 * FHIR input through the built CLI: the twins give the rule ids of their native charts, findings
 * point at the FHIR elements, evidence says when it rests on a mapped code, `convert` shows the
 * native charts an input becomes, and `--input-format` / `--concept-map` behave as documented.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../src/finding.js';
import type { Report } from '../src/report/types.js';
import { cli, cliJson, ROOT } from './helpers/cli.js';

const TMP = resolve(ROOT, 'test/.tmp/fhir-cli');

function findings(report: Report): Finding[] {
  return report.results.flatMap((r) => r.findings);
}

function ruleIds(report: Report): string[] {
  return findings(report).map((f) => f.ruleId).sort();
}

/** Line and column of a character offset, counted here without b12lint's locator. */
function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
});

describe('FHIR twins give the rule ids of their native charts', () => {
  const twins = readdirSync(resolve(ROOT, 'fixtures/fhir'))
    .map((f) => /^(p-\d{4})\.json$/.exec(f)?.[1])
    .filter((base): base is string => base !== undefined)
    .map((base) => [base, readdirSync(resolve(ROOT, 'fixtures/charts')).find((n) => n.startsWith(`${base}.`))] as const);

  test('every twin has its native chart', () => {
    expect(twins.length).toBeGreaterThanOrEqual(2);
    for (const [, native] of twins) expect(native).toBeDefined();
  });

  test.each(twins)('%s', (base, native) => {
    const fhir = cliJson([`fixtures/fhir/${base}.json`]);
    const nat = cliJson([`fixtures/charts/${native}`]);
    expect(fhir.stderr).toBe('');
    expect(fhir.code).toBe(nat.code);
    expect(ruleIds(fhir.report)).toEqual(ruleIds(nat.report));
    expect(fhir.report.summary).toMatchObject({ charts: 1, encounters: nat.report.summary.encounters });
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
    expect(f).toMatchObject({ chartId: 'P-0001', encounterId: 'enc-0001', pointer: '/entry/2/resource/item/0', ...positionAt(text, item0) });
    expect(f.evidence).toEqual([{ kind: 'diagnosis', code: 'D62', ...positionAt(text, dx0), pointer: '/entry/2/resource/diagnosis/0' }]);
  });

  test('a finding that rests on a SNOMED CT code says so, in the JSON report and on the terminal', () => {
    const { report } = cliJson(['fixtures/fhir/p-0003-snomed.json']);
    const byRule = new Map(findings(report).map((f) => [f.ruleId, f]));
    expect(byRule.get('b12-injection-blood-loss-dx')!.evidence).toEqual([
      expect.objectContaining({ kind: 'diagnosis', code: 'D50.0', mappedFrom: 'SNOMED CT 724556004', pointer: '/entry/3/resource' }),
    ]);
    expect(byRule.get('blood-loss-anemia-undocumented')).toMatchObject({
      pointer: '/entry/3/resource',
      evidence: [expect.objectContaining({ code: 'D50.0', mappedFrom: 'SNOMED CT 724556004' })],
    });
    const r = cli(['fixtures/fhir/p-0003-snomed.json']);
    expect(r.stdout).toMatch(/↳ diagnosis D50\.0 \(mapped from SNOMED CT 724556004\) at \d+:\d+/);
  });

  test('broken references are chart-format findings: the run goes on, exit 1, no internal error', () => {
    const r = cliJson(['fixtures/fhir/edge/broken-references.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const ids = new Set(ruleIds(r.report));
    expect(ids).toEqual(new Set(['chart-format']));
    expect(r.report.summary.charts).toBe(2);
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
      writeFileSync(resolve(TMP, `${base}.yaml`), r.stdout);
      expect(ruleIds(cliJson([`test/.tmp/fhir-cli/${base}.yaml`]).report)).toEqual(ruleIds(cliJson([`fixtures/fhir/${base}.json`]).report));
    }
  });

  test('shows the mapped code, the lent dose and the claim\'s pointers', () => {
    const r = cli(['convert', 'fixtures/fhir/p-0002.json']);
    const chart = parseAllDocuments(r.stdout) as unknown as { toJS(): Record<string, any> }[];
    const enc = chart[0]!.toJS().encounters[0];
    expect(enc.diagnoses).toEqual([{ code: 'D51.0', description: 'Pernicious anemia', status: 'confirmed', mappedFrom: { system: 'SNOMED CT', code: '84027009', display: 'Pernicious anemia (disorder)' } }]);
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
    expect(r.stderr).toMatch(/^fixtures\/fhir\/edge\/broken-references\.json:\d+:\d+: error: Reference "Condition\/missing" does not resolve/m);
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

  test('an unknown input format is exit 2 with one line', () => {
    const r = cli(['--input-format', 'hl7v2', 'fixtures/fhir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('b12lint: --input-format takes auto, native, fhir; got "hl7v2".\n');
  });

  test('the config may set inputFormat and conceptMap', () => {
    const dir = resolve(TMP, 'config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'map.yaml'), 'snomed:\n  "84027009": { icd10: D62, display: deliberately wrong }\n');
    writeFileSync(resolve(dir, 'b12lint.config.yaml'), 'conceptMap: map.yaml\n');
    writeFileSync(resolve(dir, 'p.json'), readFileSync(resolve(ROOT, 'fixtures/fhir/p-0002.json')));
    const r = cliJson(['p.json'], { cwd: dir });
    expect(findings(r.report).find((f) => f.ruleId === 'b12-injection-blood-loss-dx')!.evidence[0]).toMatchObject({ code: 'D62', mappedFrom: 'SNOMED CT 84027009' });
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
