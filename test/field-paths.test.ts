/**
 * The fields a rule's `field:` condition and `{{field.*}}` placeholders may name (SUBJECT_FIELDS)
 * are the fields the chart model holds: every field the adapters give a subject of the project's
 * example charts (native and FHIR) is listed, and every listed field is given by some chart. A
 * ruleset naming another field is refused, since the condition could never hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { adapt } from '../src/chart/adapt.js';
import { SUBJECT_FIELDS, type Chart } from '../src/chart/model.js';
import { ROOT } from './helpers/cli.js';
import { rulesetProblems } from './helpers/engine.js';

/** Fields of the model that say where an element stands, not what the chart holds. */
const PLACES = new Set(['ptr', 'index']);

/** Every dotted path with a value in `v`, down through plain objects (not into lists). */
function paths(v: object, prefix = '', out = new Set<string>()): Set<string> {
  for (const [k, x] of Object.entries(v)) {
    if (PLACES.has(k) || x === undefined) continue;
    out.add(prefix + k);
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) paths(x, `${prefix}${k}.`, out);
  }
  return out;
}

function chartsOf(folder: string): Chart[] {
  const out: Chart[] = [];
  for (const f of readdirSync(folder, { recursive: true }) as string[]) {
    const file = join(folder, f);
    const docs =
      f.endsWith('.json') && !f.includes('bulk')
        ? [JSON.parse(readFileSync(file, 'utf8'))]
        : f.endsWith('.yaml')
          ? parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS())
          : [];
    for (const d of docs) out.push(...adapt(d).charts);
  }
  return out;
}

// A FHIR diagnosis whose SNOMED CT concept the concept map does not map keeps its system.
const unmapped = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: { resourceType: 'Patient', id: 'p1' } },
    {
      resource: {
        resourceType: 'Encounter',
        id: 'e1',
        status: 'finished',
        subject: { reference: 'Patient/p1' },
        period: { start: '2026-10-01' },
      },
    },
    {
      resource: {
        resourceType: 'Condition',
        id: 'c1',
        subject: { reference: 'Patient/p1' },
        encounter: { reference: 'Encounter/e1' },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
      },
    },
  ],
};
const charts = [
  ...chartsOf(join(ROOT, 'fixtures', 'catalog')),
  ...chartsOf(join(ROOT, 'fixtures', 'charts')),
  ...chartsOf(join(ROOT, 'fixtures', 'fhir')),
  ...adapt(unmapped).charts,
];
const seen: Record<keyof typeof SUBJECT_FIELDS, Set<string>> = {
  chart: new Set(),
  encounter: new Set(),
  diagnosis: new Set(),
  service: new Set(),
  lab: new Set(),
};
for (const c of charts) {
  paths(c, '', seen.chart);
  for (const e of c.encounters) {
    paths(e, '', seen.encounter);
    for (const d of e.diagnoses) paths(d, '', seen.diagnosis);
    for (const s of e.services) paths(s, '', seen.service);
  }
  for (const l of c.labs) paths(l, '', seen.lab);
}

test.each(Object.keys(SUBJECT_FIELDS) as (keyof typeof SUBJECT_FIELDS)[])(
  'the fields of a %s are the fields the model gives it',
  (subject) => {
    expect(charts.length).toBeGreaterThan(300);
    expect([...seen[subject]].filter((p) => !SUBJECT_FIELDS[subject].includes(p)).sort()).toEqual([]);
    expect(SUBJECT_FIELDS[subject].filter((p) => !seen[subject].has(p))).toEqual([]);
  },
);

test('a field no subject holds is refused, placed and suggested, in a condition and in a placeholder', () => {
  const rs = `ruleset: t
rules:
  - { id: r1, severity: error, title: t, on: service, when: { field: { path: unitz, gt: 1 } }, message: m }
  - { id: r2, severity: error, title: t, on: lab, when: { field: { path: vlue, gt: 1 } }, message: m }
  - { id: r3, severity: error, title: t, on: service, when: { field: { path: dose.valu, gt: 1 } }, message: m }
  - { id: r4, severity: error, title: t, on: service, when: { field: { path: units, gt: 1 } }, message: "{{field.unit}} {{service.cod}}" }
  - { id: r5, severity: error, title: t, on: diagnosis, when: { field: { path: status, eq: history } }, message: "{{field.status}} {{diagnosis.description}}" }
`;
  expect(rulesetProblems(rs)).toEqual([
    '3:78 unknown field "unitz" of a service. Did you mean `units`?',
    '4:74 unknown field "vlue" of a lab. Did you mean `value`?',
    '5:78 unknown field "dose.valu" of a service. Did you mean `dose.value`?',
    '6:105 placeholder {{field.unit}} names no field of a service. Did you mean `units`?',
    '6:105 unknown placeholder {{service.cod}}: service has code, codeText, units, date, dateText, dose. Did you mean `code`?',
  ]);
});
