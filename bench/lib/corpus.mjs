/**
 * The benchmark corpus: deterministic charts (the same seed gives the same bytes on every machine),
 * written as native JSON files, YAML files, one NDJSON file and a FHIR Bulk Data export. Charts have
 * one to three encounters and the usual share of findings: most are well-coded B12 therapy or
 * visits with nothing to do with B12; about a quarter carry a coding problem the catalog reports.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { stringify } from 'yaml';

/** Bump when the generator changes, so a cached corpus is not reused (bench/run.mjs names its folders with it). */
export const CORPUS_VERSION = 3;

/** A small, fast, seedable PRNG (mulberry32): the corpus must not depend on Math.random. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    round: (lo, hi, digits = 0) => Number((lo + next() * (hi - lo)).toFixed(digits)),
  };
}

const DAY = 86400000;
const BASE = Date.UTC(2026, 4, 1); // encounters from May 2026 on (after the April 2026 code update)
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

/** Scenarios and their weights; `finding` marks those the catalog reports. */
const SCENARIOS = [
  ['pernicious', 30],
  ['b12-no-anemia', 14],
  ['hypertension', 20],
  ['bariatric', 8],
  ['unsupported', 7],
  ['blood-loss', 5],
  ['no-lab', 5],
  ['uncertain', 4],
  ['units', 3],
  ['frequent', 4],
];
const TOTAL = SCENARIOS.reduce((s, [, w]) => s + w, 0);

function scenario(r) {
  let x = r.next() * TOTAL;
  for (const [name, w] of SCENARIOS) if ((x -= w) < 0) return name;
  return SCENARIOS[0][0];
}

const CLINICIANS = ['Dr. Patel', 'Dr. Nguyen', 'Dr. Okafor', 'Dr. Schmidt', 'Dr. Alvarez', 'Dr. Kim'];

/**
 * The vital signs of a visit, a sentence of the assessment: real notes differ from chart to chart,
 * so that no note of the corpus is read from a memo made for another chart's note.
 */
const vitals = (r) => `BP ${r.int(108, 152)}/${r.int(64, 94)}, pulse ${r.int(56, 98)}, weight ${r.int(48, 124)} kg.`;

/** The encounter, its assessment (if it has one) ending with the visit's vital signs. */
function withVitals(e, r) {
  const assessment = e.notes.find((n) => n.section === 'assessment');
  if (assessment) assessment.text += ` ${vitals(r)}`;
  return e;
}
const B12_DX = { code: 'D51.0', description: 'Vitamin B12 deficiency anemia due to intrinsic factor deficiency' };

function injection(units = 1, dose = 1000, dx = [1]) {
  return [
    { code: 'J3420', units, dose: { value: dose, unit: 'mcg' }, diagnoses: dx },
    { code: '96372', diagnoses: [dx[0]] },
  ];
}

function b12Labs(r, day, low = true) {
  const d = iso(day - r.int(3, 20) * DAY);
  return [
    {
      loinc: '2132-9',
      test: 'Vitamin B12',
      value: low ? r.int(90, 190) : r.int(350, 800),
      unit: 'pg/mL',
      date: d,
      referenceRange: { low: 200, high: 900 },
    },
    { loinc: '787-2', test: 'MCV', value: r.int(101, 116), unit: 'fL', date: d },
    { loinc: '718-7', test: 'Hemoglobin', value: r.round(8.9, 11.6, 1), unit: 'g/dL', date: d },
  ];
}

/**
 * Visits that bill no B12, code no anemia and draw no lab a B12 rule reads: what most of a
 * practice's day is. Each has notes, labs, medications and services like a real chart; none holds
 * a code, lab or term the built-in ruleset can match (test/relevance.test.ts checks that).
 */
const ROUTINE = [
  {
    name: 'hypertension and diabetes follow-up',
    dx: [
      { code: 'I10', description: 'Essential (primary) hypertension' },
      { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' },
      { code: 'E78.5', description: 'Hyperlipidemia, unspecified' },
    ],
    services: (r) => [
      { code: r.next() < 0.6 ? '99213' : '99214', diagnoses: [1, 2, 3] },
      { code: '36415', diagnoses: [2] },
    ],
    notes: (who, r) => [
      {
        section: 'hpi',
        text: `Follow-up of blood pressure, diabetes and cholesterol. No chest pain, no shortness of breath, no edema. Home readings in the ${r.pick(['120', '130', '140'])}s over ${r.pick(['70', '80', '90'])}s. Walking ${r.int(10, 60)} minutes most days.`,
      },
      {
        section: 'assessment',
        text: `Hypertension, well controlled on lisinopril. Type 2 diabetes, A1c near goal on glipizide. Hyperlipidemia on atorvastatin. Seen by ${who}. ${vitals(r)}`,
      },
      {
        section: 'plan',
        text: 'Continue current medications. Repeat A1c and lipid panel in three months. Diabetic foot exam done, normal.',
      },
    ],
    labs: (r, d) => [
      { loinc: '4548-4', test: 'Hemoglobin A1c', value: r.round(6.2, 7.8, 1), unit: '%', date: d, referenceRange: { high: 5.6 } },
      { loinc: '13457-7', test: 'LDL cholesterol', value: r.int(70, 160), unit: 'mg/dL', date: d },
      { loinc: '2160-0', test: 'Creatinine', value: r.round(0.7, 1.3, 2), unit: 'mg/dL', date: d, referenceRange: { low: 0.6, high: 1.3 } },
      { loinc: '2823-3', test: 'Potassium', value: r.round(3.6, 5.0, 1), unit: 'mmol/L', date: d, referenceRange: { low: 3.5, high: 5.1 } },
    ],
    meds: [
      { name: 'lisinopril', code: '29046', system: 'rxnorm' },
      { name: 'glipizide', code: '4821', system: 'rxnorm' },
      { name: 'atorvastatin', code: '83367', system: 'rxnorm' },
    ],
  },
  {
    name: 'annual wellness visit',
    dx: [
      { code: 'Z00.00', description: 'Encounter for general adult medical examination without abnormal findings' },
      { code: 'Z23', description: 'Encounter for immunization' },
    ],
    services: () => [
      { code: '99396', diagnoses: [1] },
      { code: '90686', diagnoses: [2] },
      { code: '90471', diagnoses: [2] },
    ],
    notes: (who, r) => [
      {
        section: 'hpi',
        text: `Annual physical. Feels well. Exercises ${r.pick(['two', 'three', 'four'])} times a week, non-smoker, drinks socially.`,
      },
      {
        section: 'assessment',
        text: `Healthy adult. Age-appropriate screening reviewed; influenza vaccine given today. Seen by ${who}. ${vitals(r)}`,
      },
      { section: 'plan', text: 'Screening colonoscopy referral. Return in one year or as needed.' },
    ],
    labs: (r, d) => [
      { loinc: '2093-3', test: 'Cholesterol, total', value: r.int(150, 230), unit: 'mg/dL', date: d },
      { loinc: '2345-7', test: 'Glucose', value: r.int(78, 105), unit: 'mg/dL', date: d, referenceRange: { low: 70, high: 99 } },
    ],
    meds: [],
  },
  {
    name: 'upper respiratory infection',
    dx: [{ code: 'J06.9', description: 'Acute upper respiratory infection, unspecified' }],
    services: () => [{ code: '99212', diagnoses: [1] }],
    notes: (who, r) => [
      { section: 'hpi', text: `Sore throat, runny nose and cough for ${r.int(2, 6)} days. No fever at home. Eating and drinking well.` },
      { section: 'assessment', text: `Viral upper respiratory infection. Lungs clear, rapid strep negative. Seen by ${who}. ${vitals(r)}` },
      { section: 'plan', text: 'Fluids, rest, honey for cough. Return if fever or symptoms beyond ten days.' },
    ],
    labs: () => [],
    meds: [],
  },
  {
    name: 'low back pain',
    dx: [{ code: 'M54.50', description: 'Low back pain, unspecified' }],
    services: () => [
      { code: '99213', diagnoses: [1] },
      { code: '97110', diagnoses: [1] },
    ],
    notes: (who, r) => [
      {
        section: 'hpi',
        text: `Low back pain for ${r.int(2, 12)} days after moving furniture. No radiation to the legs, no bladder or bowel change.`,
      },
      { section: 'assessment', text: `Mechanical low back strain. Straight leg raise negative. Seen by ${who}. ${vitals(r)}` },
      { section: 'plan', text: 'Ibuprofen as needed, home exercises, physical therapy referral.' },
    ],
    labs: () => [],
    meds: [{ name: 'ibuprofen', code: '5640', system: 'rxnorm' }],
  },
];

/** A routine visit (ROUTINE), number `i` of the corpus: the same shape as makeChart's charts. */
function makeRoutineChart(i, r, idPrefix) {
  const kind = r.pick(ROUTINE);
  const sex = r.next() < 0.52 ? 'female' : 'male';
  const birth = iso(Date.UTC(r.int(1940, 2004), r.int(0, 11), r.int(1, 28)));
  const day = BASE + r.int(0, 150) * DAY;
  const who = r.pick(CLINICIANS);
  const e = {
    id: 'E1',
    date: iso(day),
    setting: 'outpatient',
    diagnoses: kind.dx.map((d) => ({ ...d })),
    services: kind.services(r),
    notes: kind.notes(who, r),
  };
  const chart = {
    chartId: `${idPrefix}-${String(i).padStart(7, '0')}`,
    patient: { id: `P-${String(i).padStart(7, '0')}`, birthDate: birth, sex },
    encounters: [e],
  };
  const labs = kind.labs(r, iso(day - r.int(2, 10) * DAY));
  if (labs.length) chart.labs = labs;
  if (kind.meds.length) chart.medications = kind.meds.map((m) => ({ ...m }));
  return chart;
}

/**
 * One chart of the native format, number `i` of the corpus. With `relevantShare` under 1, that
 * share of charts are B12 or anemia visits (the scenarios above) and the others routine visits.
 */
export function makeChart(i, r, idPrefix = 'ENC-B', relevantShare = 1) {
  // The all-relevant corpus draws no extra number, so it stays what it was.
  if (relevantShare < 1 && r.next() >= relevantShare) return makeRoutineChart(i, r, idPrefix);
  const kind = scenario(r);
  const sex = r.next() < 0.56 ? 'female' : 'male';
  const birth = iso(Date.UTC(r.int(1936, 1990), r.int(0, 11), r.int(1, 28)));
  const start = BASE + r.int(0, 150) * DAY;
  const visits = kind === 'frequent' ? 2 : r.int(1, 3);
  const gap = kind === 'frequent' ? r.int(7, 20) : r.int(28, 35);
  const encounters = [];
  let labs = [];
  const who = r.pick(CLINICIANS);
  for (let v = 0; v < visits; v++) {
    const day = start + v * gap * DAY;
    const e = { id: `E${v + 1}`, date: iso(day), setting: 'outpatient', diagnoses: [], services: [], notes: [] };
    switch (kind) {
      case 'pernicious':
      case 'frequent':
      case 'units':
        e.diagnoses.push({ ...B12_DX });
        e.services.push(...injection(kind === 'units' && v === 0 ? 2 : 1));
        e.notes.push({
          section: 'assessment',
          text: `Pernicious anemia, intrinsic factor antibodies positive. Monthly cyanocobalamin maintenance injection given. Denies melena or other bleeding. Seen by ${who}.`,
        });
        e.notes.push({ section: 'plan', text: 'Continue cyanocobalamin 1000 mcg IM monthly. Recheck CBC and B12 in three months.' });
        if (v === 0) labs = b12Labs(r, day);
        break;
      case 'b12-no-anemia':
        e.diagnoses.push({ code: 'E53.8', description: 'Deficiency of other specified B group vitamins' });
        e.services.push(...injection());
        e.notes.push({
          section: 'assessment',
          text: `Vitamin B12 deficiency without anemia, on metformin for years. Numbness in feet. Monthly B12 injection given by ${who}.`,
        });
        e.notes.push({ section: 'plan', text: 'Cyanocobalamin 1000 mcg IM today. Review metformin dose at next visit.' });
        e.diagnoses.push({ code: 'Z79.84', description: 'Long term (current) use of oral hypoglycemic drugs' });
        if (v === 0)
          labs = [
            { loinc: '2132-9', test: 'Vitamin B12', value: r.int(120, 195), unit: 'pg/mL', date: iso(day - 10 * DAY) },
            { loinc: '718-7', test: 'Hemoglobin', value: r.round(12.5, 15.5, 1), unit: 'g/dL', date: iso(day - 10 * DAY) },
          ];
        break;
      case 'hypertension':
        e.diagnoses.push(
          { code: 'I10', description: 'Essential (primary) hypertension' },
          { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' },
        );
        e.services.push({ code: '99213', diagnoses: [1, 2] });
        e.notes.push({
          section: 'hpi',
          text: 'Follow-up of blood pressure and diabetes. No chest pain, no shortness of breath. Home readings 130s over 80s.',
        });
        e.notes.push({
          section: 'assessment',
          text: `Hypertension, well controlled on lisinopril. Type 2 diabetes, A1c at goal. Seen by ${who}.`,
        });
        if (v === 0)
          labs = [
            { loinc: '718-7', test: 'Hemoglobin', value: r.round(12.6, 15.8, 1), unit: 'g/dL', date: iso(day - 5 * DAY) },
            { loinc: '4548-4', test: 'Hemoglobin A1c', value: r.round(5.9, 6.9, 1), unit: '%', date: iso(day - 5 * DAY) },
          ];
        break;
      case 'bariatric':
        e.diagnoses.push(
          { code: 'D51.8', description: 'Other vitamin B12 deficiency anemias' },
          { code: 'Z98.84', description: 'Bariatric surgery status' },
        );
        e.services.push(...injection(1, 1000, [1, 2]));
        e.notes.push({
          section: 'assessment',
          text: 'B12 deficiency anemia after gastric bypass in 2019. Malabsorption of oral B12. Injection given today.',
        });
        if (v === 0) labs = b12Labs(r, day);
        break;
      case 'unsupported':
        e.diagnoses.push({ code: 'I10', description: 'Essential (primary) hypertension' });
        e.services.push(...injection(1, 1000, ['I10']));
        e.notes.push({ section: 'assessment', text: `Hypertension. Fatigue, requests a B12 shot for energy. Seen by ${who}.` });
        break;
      case 'blood-loss':
        e.diagnoses.push({ code: 'D62', description: 'Acute posthemorrhagic anemia' });
        e.services.push(...injection(1, 1000, ['D62']));
        e.notes.push({
          section: 'assessment',
          text: 'Fatigue and pallor. Hemoglobin low. Denies melena, hematochezia or other bleeding. Plan B12 injection today.',
        });
        if (v === 0) labs = [{ loinc: '718-7', test: 'Hemoglobin', value: r.round(8.5, 10.5, 1), unit: 'g/dL', date: iso(day - 4 * DAY) }];
        break;
      case 'no-lab':
        e.diagnoses.push({ ...B12_DX });
        e.services.push(...injection());
        e.notes.push({
          section: 'assessment',
          text: 'Pernicious anemia, stable on monthly B12 injections. Denies melena or other bleeding.',
        });
        break;
      case 'uncertain':
        e.setting = r.next() < 0.5 ? 'telehealth' : 'outpatient';
        e.diagnoses.push({ code: 'E53.8', status: 'suspected' });
        e.notes.push({ section: 'assessment', text: 'Possible vitamin B12 deficiency given neuropathy; check level.' });
        break;
    }
    encounters.push(withVitals(e, r));
  }
  const chart = {
    chartId: `${idPrefix}-${String(i).padStart(7, '0')}`,
    patient: { id: `P-${String(i).padStart(7, '0')}`, birthDate: birth, sex },
    encounters,
  };
  if (labs.length) chart.labs = labs;
  if (kind !== 'hypertension' && kind !== 'uncertain') chart.medications = [{ name: 'cyanocobalamin', code: '1234', system: 'rxnorm' }];
  return chart;
}

/** Writes `count` charts, one file each, 1,000 to a folder, each chart turned into text by `render`. */
function writeChartFiles(dir, count, seed, extension, render, relevantShare = 1) {
  const r = prng(seed);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `batch-${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    const text = render(makeChart(i, r, 'ENC-B', relevantShare));
    bytes += Buffer.byteLength(text);
    writeFileSync(join(sub, `chart-${String(i).padStart(6, '0')}.${extension}`), text);
  }
  return { files: count, charts: count, bytes };
}

/** Writes `count` charts as pretty-printed JSON files; `relevantShare` of them about B12 or anemia (default all). */
export function writeJsonCorpus(dir, count, seed = 1, relevantShare = 1) {
  return writeChartFiles(dir, count, seed, 'json', (chart) => `${JSON.stringify(chart, null, 2)}\n`, relevantShare);
}

/** The same charts as YAML files (block style, as people write them). */
export function writeYamlCorpus(dir, count, seed = 1) {
  return writeChartFiles(dir, count, seed, 'yaml', (chart) => stringify(chart, { lineWidth: 0 }));
}

/** Writes lines to a file with backpressure, so generating a 1 GB file needs no 1 GB of memory. */
export class LineWriter {
  constructor(path) {
    this.out = createWriteStream(path);
    this.bytes = 0;
  }
  async write(line) {
    this.bytes += Buffer.byteLength(line) + 1;
    if (!this.out.write(`${line}\n`)) await once(this.out, 'drain');
  }
  async close() {
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** One NDJSON file of compact charts, up to `megabytes` MB. */
export async function writeNdjsonCorpus(path, megabytes, seed = 2) {
  const r = prng(seed);
  const w = new LineWriter(path);
  let charts = 0;
  while (w.bytes < megabytes * 1024 * 1024) await w.write(JSON.stringify(makeChart(charts++, r, 'ENC-N')));
  await w.close();
  return { files: 1, charts, bytes: w.bytes };
}

const SYS = {
  icd10: 'http://hl7.org/fhir/sid/icd-10-cm',
  loinc: 'http://loinc.org',
  hcpcs: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  cpt: 'http://www.ama-assn.org/go/cpt',
  ucum: 'http://unitsofmeasure.org',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
};
const CLASS = {
  outpatient: ['AMB', 'ambulatory'],
  telehealth: ['VR', 'virtual'],
  emergency: ['EMER', 'emergency'],
  inpatient: ['IMP', 'inpatient encounter'],
};
const SECTION_LOINC = { assessment: '51848-0', plan: '18776-5', hpi: '10164-2' };
const VER = { confirmed: 'confirmed', suspected: 'provisional' };

/**
 * A FHIR Bulk Data export (one NDJSON file per resource type, as the Bulk Data Access IG writes
 * them) of the same charts: Patient, Encounter, Condition, Observation, Claim, and the notes as
 * DocumentReference (the catalog reads notes; without them every note-based rule would fire).
 */
export async function writeFhirBulkCorpus(dir, megabytes, seed = 3) {
  mkdirSync(dir, { recursive: true });
  const types = ['Patient', 'Encounter', 'Condition', 'Observation', 'Claim', 'DocumentReference'];
  const out = Object.fromEntries(types.map((t) => [t, new LineWriter(join(dir, `${t}.ndjson`))]));
  const total = () => types.reduce((s, t) => s + out[t].bytes, 0);
  const r = prng(seed);
  let charts = 0;
  while (total() < megabytes * 1024 * 1024) {
    const c = makeChart(charts, r, 'ENC-F');
    const pid = `p${charts}`;
    const subject = { reference: `Patient/${pid}` };
    await out.Patient.write(
      JSON.stringify({
        resourceType: 'Patient',
        id: pid,
        identifier: [{ system: 'urn:example:mrn', value: c.patient.id }],
        gender: c.patient.sex,
        birthDate: c.patient.birthDate,
      }),
    );
    let n = 0;
    for (const e of c.encounters) {
      const eid = `${pid}-${e.id}`;
      const [code, display] = CLASS[e.setting];
      await out.Encounter.write(
        JSON.stringify({
          resourceType: 'Encounter',
          id: eid,
          status: 'finished',
          class: { system: SYS.actCode, code, display },
          subject,
          period: { start: `${e.date}T09:30:00-04:00` },
        }),
      );
      const encounter = { reference: `Encounter/${eid}` };
      for (const [k, d] of e.diagnoses.entries()) {
        await out.Condition.write(
          JSON.stringify({
            resourceType: 'Condition',
            id: `${eid}-c${k}`,
            verificationStatus: {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: VER[d.status ?? 'confirmed'] }],
            },
            category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
            code: { coding: [{ system: SYS.icd10, code: d.code, ...(d.description ? { display: d.description } : {}) }] },
            subject,
            encounter,
            recordedDate: e.date,
          }),
        );
      }
      if (e.services.length) {
        const seq = (p) => (typeof p === 'number' ? p : e.diagnoses.findIndex((d) => d.code === p) + 1);
        await out.Claim.write(
          JSON.stringify({
            resourceType: 'Claim',
            id: `${eid}-claim`,
            status: 'active',
            use: 'claim',
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
            patient: subject,
            created: e.date,
            provider: { display: 'Example Clinic' },
            priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
            insurance: [{ sequence: 1, focal: true, coverage: { display: 'Medicare Part B' } }],
            diagnosis: e.diagnoses.map((d, k) => ({
              sequence: k + 1,
              diagnosisCodeableConcept: { coding: [{ system: SYS.icd10, code: d.code }] },
            })),
            item: e.services.map((s, k) => ({
              sequence: k + 1,
              productOrService: { coding: [{ system: s.code.startsWith('J') ? SYS.hcpcs : SYS.cpt, code: s.code }] },
              servicedDate: e.date,
              encounter: [encounter],
              ...(s.diagnoses ? { diagnosisSequence: s.diagnoses.map(seq) } : {}),
              ...(s.units !== undefined ? { quantity: { value: s.units } } : {}),
            })),
          }),
        );
      }
      for (const note of e.notes) {
        await out.DocumentReference.write(
          JSON.stringify({
            resourceType: 'DocumentReference',
            id: `${eid}-n${n++}`,
            status: 'current',
            type: { coding: [{ system: SYS.loinc, code: SECTION_LOINC[note.section] ?? '11506-3' }] },
            subject,
            date: `${e.date}T10:30:00-04:00`,
            content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(note.text).toString('base64') } }],
            context: { encounter: [encounter] },
          }),
        );
      }
    }
    for (const [k, lab] of (c.labs ?? []).entries()) {
      const obs = {
        resourceType: 'Observation',
        id: `${pid}-o${k}`,
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
        code: { coding: [{ system: SYS.loinc, code: lab.loinc, display: lab.test }], text: lab.test },
        subject,
        effectiveDateTime: lab.date,
        valueQuantity: { value: lab.value, unit: lab.unit, system: SYS.ucum, code: lab.unit },
      };
      if (lab.referenceRange)
        obs.referenceRange = [
          { low: { value: lab.referenceRange.low, unit: lab.unit }, high: { value: lab.referenceRange.high, unit: lab.unit } },
        ];
      await out.Observation.write(JSON.stringify(obs));
    }
    charts++;
  }
  for (const t of types) await out[t].close();
  return { files: types.length, charts, bytes: total() };
}
