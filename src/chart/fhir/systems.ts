/**
 * Code systems and data types as FHIR writes them. Which coding of a CodeableConcept is ICD-10-CM,
 * SNOMED CT, LOINC, CPT, HCPCS, RxNorm, ... is told by its `system`, looked up in one table
 * (SYSTEMS, below): each system with the URIs and OIDs exports write it under, the Blue Button and
 * CARIN spellings of CMS's claims APIs among them. Adding a spelling is adding a string to the
 * table. FHIR dates and dateTimes are read as calendar days (the date as written, in its own
 * time zone; a dateTime in UTC in the local offset of the chart's encounters: fhirDay).
 */
import { looksLikeProcedureCode, parseDay } from '../normalize.js';
import { isObj, objects, text, type Obj } from './types.js';

export type SystemName =
  | 'icd-10-cm'
  | 'icd-10'
  | 'icd-9-cm'
  | 'icd-10-pcs'
  | 'snomed'
  | 'loinc'
  | 'cpt'
  | 'hcpcs'
  | 'rxnorm'
  | 'ndc'
  | 'cvx'
  | 'revenue'
  | 'hipps'
  | 'cdt'
  | 'data-absent'
  | 'place-of-service'
  | 'ucum';

export interface SystemEntry {
  /** How messages name the system. */
  label: string;
  /** Canonical URLs, OIDs and the other spellings exports use (compared case-insensitively, without a trailing slash). */
  uris: readonly string[];
}

/** The code systems b12lint knows. A claim line is linted when it is coded in HCPCS or CPT. */
export const SYSTEMS: Readonly<Record<SystemName, SystemEntry>> = {
  'icd-10-cm': {
    label: 'ICD-10-CM',
    uris: ['http://hl7.org/fhir/sid/icd-10-cm', 'urn:oid:2.16.840.1.113883.6.90', 'ICD-10-CM', 'ICD10CM'],
  },
  // WHO ICD-10's URI: CMS's claims APIs (Blue Button, BCDA, AB2D, DPC) write ICD-10-CM codes under it too.
  'icd-10': { label: 'ICD-10', uris: ['http://hl7.org/fhir/sid/icd-10', 'urn:oid:2.16.840.1.113883.6.3'] },
  'icd-9-cm': {
    label: 'ICD-9-CM',
    uris: [
      'http://hl7.org/fhir/sid/icd-9-cm',
      'http://hl7.org/fhir/sid/icd-9',
      'urn:oid:2.16.840.1.113883.6.103',
      'urn:oid:2.16.840.1.113883.6.104',
      'urn:oid:2.16.840.1.113883.6.42',
      'http://www.cms.gov/Medicare/Coding/ICD9',
      'ICD-9-CM',
      'ICD9CM',
    ],
  },
  'icd-10-pcs': { label: 'ICD-10-PCS', uris: ['http://www.cms.gov/Medicare/Coding/ICD10', 'urn:oid:2.16.840.1.113883.6.4', 'ICD-10-PCS'] },
  snomed: {
    label: 'SNOMED CT',
    uris: ['http://snomed.info/sct', 'urn:oid:2.16.840.1.113883.6.96', 'SNOMED', 'SNOMED-CT', 'SNOMEDCT', 'SCT'],
  },
  loinc: { label: 'LOINC', uris: ['http://loinc.org', 'urn:oid:2.16.840.1.113883.6.1', 'LOINC', 'LN'] },
  cpt: { label: 'CPT', uris: ['http://www.ama-assn.org/go/cpt', 'urn:oid:2.16.840.1.113883.6.12', 'CPT', 'CPT-4', 'CPT4'] },
  hcpcs: {
    label: 'HCPCS',
    uris: [
      'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
      'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
      'http://terminology.hl7.org/CodeSystem/HCPCS-all-codes',
      'http://terminology.hl7.org/CodeSystem/HCPCS',
      // Blue Button 2.0 and the BFD-based APIs (BCDA, AB2D, DPC): HCPCS, CPT included, under one system.
      'https://bluebutton.cms.gov/resources/codesystem/hcpcs',
      'https://bluebutton.cms.gov/resources/variables/hcpcs_cd',
      'urn:oid:2.16.840.1.113883.6.285',
      'urn:oid:2.16.840.1.113883.6.14',
      'HCPCS',
    ],
  },
  rxnorm: { label: 'RxNorm', uris: ['http://www.nlm.nih.gov/research/umls/rxnorm', 'urn:oid:2.16.840.1.113883.6.88', 'RxNorm'] },
  ndc: { label: 'NDC', uris: ['http://hl7.org/fhir/sid/ndc', 'urn:oid:2.16.840.1.113883.6.69', 'NDC'] },
  cvx: { label: 'CVX', uris: ['http://hl7.org/fhir/sid/cvx', 'urn:oid:2.16.840.1.113883.12.292', 'CVX'] },
  revenue: {
    label: 'NUBC revenue codes',
    uris: [
      'https://www.nubc.org/CodeSystem/RevenueCodes',
      'urn:oid:2.16.840.1.113883.13.18',
      'urn:oid:2.16.840.1.113883.6.301.3',
      'https://bluebutton.cms.gov/resources/variables/rev_cntr',
    ],
  },
  hipps: {
    label: 'HIPPS',
    uris: [
      'https://www.cms.gov/Medicare/Medicare-Fee-for-Service-Payment/ProspMedicareFeeSvcPmtGen/HIPPSCodes',
      'urn:oid:2.16.840.1.113883.6.301.13',
    ],
  },
  cdt: { label: 'CDT (dental)', uris: ['http://www.ada.org/cdt', 'http://ada.org/cdt', 'urn:oid:2.16.840.1.113883.6.13'] },
  'data-absent': { label: 'data-absent-reason', uris: ['http://terminology.hl7.org/CodeSystem/data-absent-reason'] },
  'place-of-service': {
    label: 'place of service',
    uris: [
      'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set',
      'https://bluebutton.cms.gov/resources/variables/line_place_of_srvc_cd',
      'http://terminology.hl7.org/CodeSystem/ex-serviceplace',
    ],
  },
  ucum: { label: 'UCUM', uris: ['http://unitsofmeasure.org'] },
};

/** Systems whose codes are billed procedures b12lint lints: a claim line coded otherwise is left out. */
export const PROCEDURE_SYSTEMS: readonly SystemName[] = ['hcpcs', 'cpt'];

const BY_URI = new Map<string, SystemName>();
for (const [name, entry] of Object.entries(SYSTEMS) as [SystemName, SystemEntry][]) {
  for (const uri of entry.uris) BY_URI.set(uri.toLowerCase(), name);
}

function systemName(uri: string | undefined): SystemName | undefined {
  // The trailing slashes from the first of them only: from each one, a long run was read again.
  return uri === undefined ? undefined : BY_URI.get(uri.replace(/(?<!\/)\/+$/, '').toLowerCase());
}

/** How messages name a system: its label when b12lint knows it, else the URI as written. */
export function systemLabel(c: Pick<Coding, 'name' | 'system'>): string {
  if (c.name !== undefined) return SYSTEMS[c.name].label;
  return c.system === undefined ? 'no system' : shown(c.system, 80);
}

export interface Coding {
  system?: string;
  name?: SystemName;
  code: string;
  display?: string;
  /** Position in the CodeableConcept's `coding` list. */
  index: number;
}

/** The codings of a CodeableConcept (or of a single Coding, as Encounter.class is in R4). */
export function codings(concept: unknown): Coding[] {
  if (!isObj(concept)) return [];
  const raw: [Obj, number][] = Array.isArray(concept.coding) ? objects(concept.coding) : concept.code !== undefined ? [[concept, 0]] : [];
  const out: Coding[] = [];
  for (const [c, index] of raw) {
    const code = text(c.code);
    if (code === undefined) continue;
    const coding: Coding = { code, index };
    const system = text(c.system);
    if (system !== undefined) coding.system = system;
    const name = systemName(system);
    if (name !== undefined) coding.name = name;
    const display = text(c.display);
    if (display !== undefined) coding.display = display;
    out.push(coding);
  }
  return out;
}

/** The first coding in one of the systems, in the order the systems are given. */
export function codingIn(concept: unknown, names: readonly SystemName[]): Coding | undefined {
  const all = codings(concept);
  for (const n of names) {
    const hit = all.find((c) => c.name === n);
    if (hit) return hit;
  }
  return undefined;
}

/** What a person would read: the concept's text, else its first display. */
export function conceptText(concept: unknown): string | undefined {
  if (!isObj(concept)) return undefined;
  return text(concept.text) ?? codings(concept).find((c) => c.display)?.display;
}

export { looksLikeProcedureCode };

/** A billable procedure code (HCPCS Level II or CPT): by system, or by shape when no system is given. */
export function procedureCoding(concept: unknown): Coding | undefined {
  const known = codingIn(concept, PROCEDURE_SYSTEMS);
  if (known) return known;
  return codings(concept).find((c) => c.system === undefined && looksLikeProcedureCode(c.code));
}

/**
 * What a claim line's (or a Procedure's) code is to b12lint: a billed procedure it lints; a code
 * of a system it knows that is not a billed procedure (SNOMED CT, NDC, a revenue code); a code of
 * a system it does not know; or no code at all.
 */
export type LineCode =
  { kind: 'procedure'; coding: Coding } | { kind: 'other'; coding: Coding } | { kind: 'unknown'; coding: Coding } | { kind: 'none' };

export function lineCode(concept: unknown): LineCode {
  const procedure = procedureCoding(concept);
  if (procedure) return { kind: 'procedure', coding: procedure };
  const all = codings(concept);
  const known = all.find((c) => c.name !== undefined);
  if (known) return { kind: 'other', coding: known };
  return all[0] ? { kind: 'unknown', coding: all[0] } : { kind: 'none' };
}

/** Chart text as a message quotes it: one line, at most `max` characters. */
export function shown(s: string, max = 40): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export interface FhirDay {
  day: number;
  /** YYYY-MM-DD, as the native format writes dates. */
  text: string;
}

/** A dateTime with a time and a time zone, as FHIR requires one with hours and minutes to have. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** A dateTime's instant (ms since the epoch) and its offset from UTC in minutes. */
function instantOf(t: string): { instant: number; offset: number } | undefined {
  const m = DATE_TIME.exec(t);
  if (!m) return undefined;
  const offset = m[7] === 'Z' ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isFinite(local) ? { instant: local - offset * 60_000, offset } : undefined;
}

/**
 * The local offsets of the chart being built: each of its encounters' `period.start` written with
 * a time in an offset other than UTC, by instant. Undefined outside a chart, or when none is.
 */
let localOffsets: { instant: number; offset: number }[] | undefined;

/**
 * Runs `build` with the local offsets of a chart's encounters (their `period.start` values), so
 * that a dateTime written in UTC is read as a day where the patient was seen (fhirDay).
 */
export function withLocalOffsets<T>(starts: readonly unknown[], build: () => T): T {
  const previous = localOffsets;
  const offsets: { instant: number; offset: number }[] = [];
  for (const v of starts) {
    const t = text(v);
    const at = t === undefined ? undefined : instantOf(t);
    if (at && at.offset !== 0) offsets.push(at);
  }
  offsets.sort((a, b) => a.instant - b.instant);
  localOffsets = offsets.length > 0 ? offsets : undefined;
  try {
    return build();
  } finally {
    localOffsets = previous;
  }
}

/** The offset of the encounter nearest in time to an instant (found by halving). */
function localOffsetAt(instant: number, offsets: readonly { instant: number; offset: number }[]): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]!.instant < instant) lo = mid + 1;
    else hi = mid;
  }
  const before = offsets[lo - 1];
  const at = offsets[lo]!;
  return before && instant - before.instant < at.instant - instant ? before.offset : at.offset;
}

/**
 * A FHIR date or dateTime as a calendar day; partial dates (YYYY, YYYY-MM) are not days. The day
 * of a dateTime is the date as written, in its own offset, except one written in UTC (`Z`,
 * `+00:00`) in a chart whose encounters are written in a local offset: EHRs write Observations in
 * UTC and Encounters in local time, and a lab drawn at 23:10 local time (03:10Z the next day) was
 * drawn the day of a visit at 23:30. Such a dateTime is moved to the offset of the chart's
 * encounter nearest to it in time (so a daylight-saving change between visits is followed) before
 * its day is taken. A dateTime in any other offset is local already, and is taken as written.
 */
export function fhirDay(v: unknown): FhirDay | undefined {
  const t = text(v);
  if (t === undefined) return undefined;
  const day = parseDay(t, true);
  if (day === undefined) return undefined;
  const offsets = localOffsets;
  if (offsets && t.length > 10) {
    const at = instantOf(t);
    if (at && at.offset === 0) {
      const local = new Date(at.instant + localOffsetAt(at.instant, offsets) * 60_000).toISOString().slice(0, 10);
      const localDay = parseDay(local);
      if (localDay !== undefined) return { day: localDay, text: local };
    }
  }
  return { day, text: t.slice(0, 10) };
}

/** The first of several FHIR date fields that holds a full date (`effectiveDateTime`, `effectivePeriod.start`, ...). */
export function firstDay(resource: Obj, paths: readonly string[]): FhirDay | undefined {
  for (const path of paths) {
    let v: unknown = resource;
    for (const k of path.split('.')) v = isObj(v) ? v[k] : undefined;
    const d = fhirDay(v);
    if (d) return d;
  }
  return undefined;
}

/** A Quantity's unit as written: the human `unit`, else the coded one. */
export function quantityUnit(q: Obj): string | undefined {
  return text(q.unit) ?? text(q.code);
}
