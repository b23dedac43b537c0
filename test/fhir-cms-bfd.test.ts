/**
 * Medicare's claims APIs (Blue Button 2.0, BCDA, AB2D, DPC) as CMS's own server writes them
 * (../shared/corpora/fhir/cms-bfd, CC0; see its SOURCES.md): every file is read with no parse or
 * internal error, and yields, file by file, the charts, encounters and services counted by hand
 * from the files below, and a finding for each claim line, diagnosis and claim procedure it does
 * not put in a chart. The expectations were written by reading the JSON, not by running b12lint.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Chart } from '../src/chart/model.js';
import { looksLikeProcedureCode } from '../src/chart/normalize.js';
import type { Finding } from '../src/finding.js';
import { lintFile, type ChartLinter } from '../src/run/lint-file.js';
import { cliJson } from './helpers/cli.js';
import { describeShared } from './helpers/shared.js';

interface Expected {
  charts: number;
  encounters: number;
  /** The services' codes, in the chart's encounter order. */
  services: string[];
  /** Each thing a finding says is left out: "<severity> <code as written>" ("-" for no code). */
  leftOut: string[];
  /** The other chart-format findings, by the start of their message. */
  others?: string[];
  labs?: number;
}

const ORPHAN = 'warning Patient reference "Patient/567834" does not resolve';
const ANSWERS = 'info This ClaimResponse answers';

/** The FISS (institutional) claim f-123456: line 1 HCPCS 12345; line 2 has only an NDC detail; three ICD-9-CM diagnoses; two ICD-9 procedures. */
const FISS = { services: ['12345'], leftOut: ['info admitcd', 'info other', 'info princcd', 'warning -', 'info CODEABC', 'info CODECBA'] };
/** The MCS (professional) claim m-654323: lines FDSAE and FDAAA in HCPCS; diagnosis 2 in ICD-9-CM. */
const MCS_2 = { services: ['FDSAE', 'FDAAA'], leftOut: ['info HF3IJIG'] };
const CLAIM_SEARCH: Expected = {
  charts: 1,
  encounters: 2,
  services: [...FISS.services, ...MCS_2.services],
  leftOut: [...FISS.leftOut, ...MCS_2.leftOut],
};
/** The eight ExplanationOfBenefits of beneficiary 567834, one of each claim type, in date order. */
const ALL_EOBS: Expected = {
  charts: 1,
  encounters: 8,
  // carrier 1999, outpatient 2011, snf 2013, hospice 2014-01, dme 2014-02, pde 2015-05 (an NDC line only), hha 2015-06, inpatient 2016.
  services: ['92999', 'M99', 'MMM', 'A5C', '345', '2GGGG', 'M55'],
  leftOut: [
    'info CD1YYZZ', // outpatient: ICD-10-PCS procedure
    'info 6202',
    'info 3736',
    'info V0182',
    'info E9281',
    'info 3310',
    'info 9214', // snf: five ICD-9-CM diagnoses, an ICD-9 procedure
    'info 72761', // hospice: ICD-9-CM diagnosis 1
    'info 000000000', // pde: the line is an NDC
    'info 53081', // hha: ICD-9-CM diagnosis 1
    'info BQ0HZZZ',
    'info CD1YYZZ',
    'info 2W52X6Z',
    'info BP17ZZZ',
    'info D9YD8ZZ',
    'info F00ZCKZ', // inpatient: six ICD-10-PCS procedures
  ],
  others: [ORPHAN],
  labs: 2, // the carrier line's hemoglobin and the DME line's hematocrit, contained Observations
};
const PATIENT_ONLY: Expected = { charts: 1, encounters: 0, services: [], leftOut: [] };

const EXPECTED: Record<string, Expected> = {
  'claimFissRead.json': { charts: 1, encounters: 1, ...FISS },
  'claimFissReadWithTaxNumbers.json': { charts: 1, encounters: 1, ...FISS },
  'claimMcsRead.json': { charts: 1, encounters: 1, services: ['FDSAE'], leftOut: ['info HF3IJIG'] },
  'claimMcsReadWithTaxNumbers.json': { charts: 1, encounters: 1, services: ['FDSAE'], leftOut: ['info HF3IJIG'] },
  // A ClaimResponse names the lines it answers by number only; its Claim is not in the file.
  'claimResponseFissRead.json': { charts: 1, encounters: 0, services: [], leftOut: ['info -'] },
  'claimResponseMcsRead.json': { charts: 1, encounters: 0, services: [], leftOut: [], others: [ANSWERS] },
  'claimResponseSearch.json': { charts: 1, encounters: 0, services: [], leftOut: ['info -'], others: [ANSWERS] },
  'claimResponseSearchPaginated.json': { charts: 1, encounters: 0, services: [], leftOut: [], others: [ANSWERS] },
  'claimResponseSearchPost.json': { charts: 1, encounters: 0, services: [], leftOut: ['info -'], others: [ANSWERS] },
  // Two claims whose contained Patients carry the same MBI: one beneficiary, one chart.
  'claimSearch.json': CLAIM_SEARCH,
  'claimSearchPaginated.json': { charts: 1, encounters: 1, ...MCS_2 },
  'claimSearchPost.json': CLAIM_SEARCH,
  'claimSearchWithTaxNumbers.json': CLAIM_SEARCH,
  'eobByPatientIdAll.json': ALL_EOBS,
  'eobByPatientIdPaged.json': ALL_EOBS,
  'eobReadByPatientWithSamhsa.json': {
    charts: 1,
    encounters: 2,
    services: ['92999'],
    leftOut: ['info 291', 'info A05', 'info 000000000'],
    others: [ORPHAN],
    labs: 1,
  },
  'eobReadCarrier.json': { charts: 1, encounters: 1, services: ['92999'], leftOut: [], others: [ORPHAN], labs: 1 },
  'eobReadCarrierWithMultipleLines.json': {
    charts: 1,
    encounters: 1,
    services: ['92999', '92998', '92997', '92996', '92995', '92994', '92993'],
    leftOut: [],
    others: [ORPHAN],
    labs: 7,
  },
  'eobReadCarrierWithTaxNumbers.json': { charts: 1, encounters: 1, services: ['92999'], leftOut: [], others: [ORPHAN], labs: 1 },
  'eobReadDme.json': { charts: 1, encounters: 1, services: ['345'], leftOut: [], others: [ORPHAN], labs: 1 },
  'eobReadDmeWithTaxNumbers.json': { charts: 1, encounters: 1, services: ['345'], leftOut: [], others: [ORPHAN], labs: 1 },
  'eobReadHha.json': { charts: 1, encounters: 1, services: ['2GGGG'], leftOut: ['info 53081'], others: [ORPHAN] },
  'eobReadHospice.json': { charts: 1, encounters: 1, services: ['A5C'], leftOut: ['info 72761'], others: [ORPHAN] },
  'eobReadInpatient.json': {
    charts: 1,
    encounters: 1,
    services: ['M55'],
    leftOut: ['info BQ0HZZZ', 'info CD1YYZZ', 'info 2W52X6Z', 'info BP17ZZZ', 'info D9YD8ZZ', 'info F00ZCKZ'],
    others: [ORPHAN],
  },
  'eobReadOutpatient.json': { charts: 1, encounters: 1, services: ['M99'], leftOut: ['info CD1YYZZ'], others: [ORPHAN] },
  'eobReadPde.json': { charts: 1, encounters: 1, services: [], leftOut: ['info 000000000'], others: [ORPHAN] },
  'eobReadSnf.json': {
    charts: 1,
    encounters: 1,
    services: ['MMM'],
    leftOut: ['info 6202', 'info 3736', 'info V0182', 'info E9281', 'info 3310', 'info 9214'],
    others: [ORPHAN],
  },
  // A Patient alone is a chart with no encounter.
  'patientByIdentifier.json': PATIENT_ONLY,
  'patientByIdentifierWithIncludeIdentifiers.json': PATIENT_ONLY,
  'patientByIdentifierWithoutReferenceYear.json': PATIENT_ONLY,
  'patientRead.json': PATIENT_ONLY,
  'patientReadWithIncludeIdentifiers.json': PATIENT_ONLY,
  'patientSearchById.json': PATIENT_ONLY,
  'patientSearchByIdWithIncludeIdentifiers.json': PATIENT_ONLY,
};

// The corpus's synthetic lines ("FDSAE", "345" in HCPCS) are named with a warning each, after the
// other findings of their file: no rule reads them (src/chart/normalize.ts procedureCodeOf).
for (const want of new Set(Object.values(EXPECTED))) {
  const odd = want.services.filter((c) => !looksLikeProcedureCode(c));
  if (odd.length > 0)
    want.others = [
      ...(want.others ?? []),
      ...odd.map((c) => `warning Service code "${c}" is not shaped like a HCPCS Level II or CPT code`),
    ];
}

/** What one file yields through the real pipeline (read, parse, adapt), charts kept. */
function read(corpus: string, file: string): { charts: Chart[]; findings: Finding[]; encounters: number } {
  const charts: Chart[] = [];
  const collector: ChartLinter = {
    lint: (chart) => {
      charts.push(chart);
      return [];
    },
  };
  const out = lintFile(join(corpus, file), file, collector, { maxFileSize: 64 * 1024 * 1024, debug: true });
  return { charts, findings: out.findings, encounters: out.encounters };
}

function leftOutOf(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.ruleId === 'chart-format' && f.evidence.length > 0)
    .flatMap((f) => f.evidence.map((e) => `${f.severity} ${e.code ?? '-'}`));
}

function othersOf(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.evidence.length === 0).map((f) => `${f.severity} ${f.message}`);
}

describeShared('corpora/fhir/cms-bfd', 'CMS claims API responses (cms-bfd)', (corpus) => {
  const files = Object.keys(EXPECTED).sort();

  test('every file of the corpus has its expectations here', () => {
    expect(
      readdirSync(corpus)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(files);
  });

  test.each(files)('%s: charts, encounters, services and what is left out', (file) => {
    const want = EXPECTED[file]!;
    const got = read(corpus, file);
    expect(got.findings.filter((f) => f.ruleId !== 'chart-format')).toEqual([]);
    expect(got.charts).toHaveLength(want.charts);
    expect(got.encounters).toBe(want.encounters);
    expect(got.charts.flatMap((c) => c.encounters.flatMap((e) => e.services.map((s) => s.code)))).toEqual(want.services);
    expect(leftOutOf(got.findings).sort()).toEqual([...want.leftOut].sort());
    const others = othersOf(got.findings);
    expect(others).toHaveLength((want.others ?? []).length);
    // Each expected start matches one finding of its own, in any order (a file's lines are
    // reported in the file's order, its services listed in the chart's encounter order).
    const unmatched = [...others];
    for (const start of want.others ?? []) {
      const i = unmatched.findIndex((m) => m.startsWith(start));
      expect({ start, found: i >= 0 }).toEqual({ start, found: true });
      unmatched.splice(i, 1);
    }
    expect(got.charts.reduce((n, c) => n + c.labs.length, 0)).toBe(want.labs ?? 0);
  });

  test('through the CLI: no parse, read or internal error, no stderr, and the charts counted above', () => {
    const { code, report, stderr } = cliJson([corpus]);
    expect(stderr).toBe('');
    expect(code).toBe(0); // what is left out is a warning or an info, and nothing here breaks a rule
    const broken = report.results.flatMap((r) =>
      r.findings.filter((f) => ['parse-error', 'read-error', 'internal-error'].includes(f.ruleId)),
    );
    expect(broken).toEqual([]);
    expect(report.summary.charts).toBe(Object.values(EXPECTED).reduce((n, e) => n + e.charts, 0));
    expect(report.summary.encounters).toBe(Object.values(EXPECTED).reduce((n, e) => n + e.encounters, 0));
  });

  test('each left-out line names its position, code and system', () => {
    const pde = read(corpus, 'eobReadPde.json').findings.find((f) => f.evidence.length > 0)!;
    expect(pde.message).toBe('1 line not linted, not coded in HCPCS or CPT: line 1 (000000000 in NDC).');
    const fiss = read(corpus, 'claimFissRead.json')
      .findings.filter((f) => f.evidence.length > 0)
      .map((f) => f.message);
    expect(fiss).toContain('1 line not linted, with no procedure code: line 2 (only its detail is coded: 00777310502 in NDC).');
    expect(fiss).toContain(
      '3 diagnoses not linted, coded only in ICD-9-CM (b12lint reads ICD-10-CM): diagnosis 1 (admitcd); diagnosis 2 (other); diagnosis 3 (princcd).',
    );
  });
});
