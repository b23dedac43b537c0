/**
 * Code systems and data types as FHIR writes them: which coding of a CodeableConcept is ICD-10,
 * SNOMED CT, LOINC, CPT, HCPCS or RxNorm (by canonical URL or OID), and FHIR dates and
 * dateTimes read as calendar days (the date as written, in its own time zone).
 */
import { parseDay } from '../normalize.js';
import { isObj, objects, text, type Obj } from './types.js';

export type SystemName = 'icd-10-cm' | 'icd-10' | 'snomed' | 'loinc' | 'cpt' | 'hcpcs' | 'rxnorm' | 'ucum';

const SYSTEMS: Record<SystemName, readonly string[]> = {
  'icd-10-cm': ['http://hl7.org/fhir/sid/icd-10-cm', 'urn:oid:2.16.840.1.113883.6.90'],
  'icd-10': ['http://hl7.org/fhir/sid/icd-10', 'urn:oid:2.16.840.1.113883.6.3'],
  snomed: ['http://snomed.info/sct', 'urn:oid:2.16.840.1.113883.6.96'],
  loinc: ['http://loinc.org', 'urn:oid:2.16.840.1.113883.6.1'],
  cpt: ['http://www.ama-assn.org/go/cpt', 'urn:oid:2.16.840.1.113883.6.12'],
  hcpcs: [
    'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
    'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
    'http://terminology.hl7.org/CodeSystem/HCPCS-all-codes',
    'urn:oid:2.16.840.1.113883.6.285',
    'urn:oid:2.16.840.1.113883.6.14',
  ],
  rxnorm: ['http://www.nlm.nih.gov/research/umls/rxnorm', 'urn:oid:2.16.840.1.113883.6.88'],
  ucum: ['http://unitsofmeasure.org'],
};

const BY_URI = new Map<string, SystemName>();
for (const [name, uris] of Object.entries(SYSTEMS) as [SystemName, readonly string[]][]) {
  for (const uri of uris) BY_URI.set(uri.toLowerCase(), name);
}

function systemName(uri: string | undefined): SystemName | undefined {
  return uri === undefined ? undefined : BY_URI.get(uri.replace(/\/+$/, '').toLowerCase());
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

const HCPCS_SHAPE = /^[A-V][0-9]{4}$/;
const CPT_SHAPE = /^[0-9]{4}[0-9AFMTU]$/;

/** A billable procedure code (HCPCS Level II or CPT): by system, or by shape when no system is given. */
export function procedureCoding(concept: unknown): Coding | undefined {
  const known = codingIn(concept, ['hcpcs', 'cpt']);
  if (known) return known;
  return codings(concept).find((c) => c.system === undefined && (HCPCS_SHAPE.test(c.code.toUpperCase()) || CPT_SHAPE.test(c.code)));
}

export interface FhirDay {
  day: number;
  /** YYYY-MM-DD, as the native format writes dates. */
  text: string;
}

/** A FHIR date or dateTime as a calendar day; partial dates (YYYY, YYYY-MM) are not days. */
export function fhirDay(v: unknown): FhirDay | undefined {
  const t = text(v);
  if (t === undefined) return undefined;
  const day = parseDay(t, true);
  return day === undefined ? undefined : { day, text: t.slice(0, 10) };
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
