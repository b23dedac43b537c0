/**
 * Public FHIR data no one here wrote (../shared/corpora/fhir: Synthea Bundles, HL7 R4 examples,
 * a Synthea Bulk Data export; see its SOURCES.md): b12lint lints all of it without a parse error
 * or an internal error, and counts one chart per patient. The patients are counted here from the
 * raw JSON, independently of the adapter: every Patient resource (in a Bundle, alone, contained,
 * or a line of a Bulk file), plus every patient that resources reference but the input lacks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson } from './helpers/cli.js';
import { describeShared } from './helpers/shared.js';

type Json = Record<string, any>;

/** Patients in a set of resources: Patient resources, plus distinct patients referenced but absent. */
function countPatients(resources: { r: Json; fullUrl?: string }[]): number {
  const known = new Set<string>();
  let patients = 0;
  const patient = (r: Json, fullUrl?: string): void => {
    patients++;
    if (fullUrl) known.add(fullUrl);
    if (r.id) known.add(`Patient/${r.id}`);
  };
  for (const { r, fullUrl } of resources) {
    if (r.resourceType === 'Patient') patient(r, fullUrl);
    for (const c of r.contained ?? []) if (c.resourceType === 'Patient') patients++;
  }
  const absent = new Set<string>();
  for (const { r } of resources) {
    const ref: string | undefined = (r.subject ?? r.patient)?.reference;
    if (!ref || ref.startsWith('#') || known.has(ref)) continue;
    const typed = /([A-Z][A-Za-z]+)\/([^/]+)$/.exec(ref);
    if (typed && typed[1] !== 'Patient') continue;
    const key = typed ? `Patient/${typed[2]}` : ref;
    if (!known.has(key)) absent.add(key);
  }
  return patients + absent.size;
}

function bundleResources(doc: Json): { r: Json; fullUrl?: string }[] {
  if (doc.resourceType !== 'Bundle') return [{ r: doc }];
  return (doc.entry ?? [])
    .filter((e: Json) => e.resource)
    .flatMap((e: Json) => (e.resource.resourceType === 'Bundle' ? bundleResources(e.resource) : [{ r: e.resource, fullUrl: e.fullUrl }]));
}

function patientsInCorpus(corpus: string): number {
  let n = 0;
  for (const part of ['synthea', 'hl7-r4-examples']) {
    for (const f of readdirSync(join(corpus, part)).filter((x) => x.endsWith('.json') && x !== 'package.json')) {
      n += countPatients(bundleResources(JSON.parse(readFileSync(join(corpus, part, f), 'utf8'))));
    }
  }
  const lines = readdirSync(join(corpus, 'bulk'))
    .filter((x) => x.endsWith('.ndjson'))
    .flatMap((f) =>
      readFileSync(join(corpus, 'bulk', f), 'utf8')
        .split('\n')
        .filter((l) => l.trim()),
    )
    .map((l) => JSON.parse(l) as Json)
    .filter((r) => r.resourceType);
  return n + countPatients(lines.map((r) => ({ r })));
}

describeShared('corpora/fhir', 'the public FHIR corpus', (corpus) => {
  test('lints without parse-error or internal-error, one chart per patient', () => {
    const parts = ['synthea', 'hl7-r4-examples', 'bulk'].map((p) => join(corpus, p));
    const { code, report, stderr } = cliJson(parts);
    expect(stderr).toBe('');
    expect(code).not.toBe(2);
    const engineFailures = report.results.flatMap((r) =>
      r.findings.filter((f) => f.ruleId === 'parse-error' || f.ruleId === 'internal-error').map((f) => `${r.file}:${f.line}: ${f.message}`),
    );
    expect(engineFailures).toEqual([]);
    const patients = patientsInCorpus(corpus);
    expect(patients).toBeGreaterThan(20);
    expect(report.summary.charts).toBe(patients);
  });
});
