/**
 * One chart per patient: resources are grouped by the patient their `subject` (or `patient`)
 * references: a Patient in the input, or, when the Patient itself is not in the input, the
 * reference as written (the chart then has no birth date or sex). A Patient contained in the
 * resource that names it (`#patient`, as CMS's partially adjudicated Claims carry theirs) is the
 * same patient as every other contained Patient with the same first identifier (the Medicare
 * beneficiary identifier), so one beneficiary's claims are one chart, whose id is that
 * identifier's value. A patient whose resources hold no encounter is a chart too.
 * A logical reference (`patient: { identifier: { system, value } }`, no `reference`) names the
 * Patient of the input whose `identifier` list holds the same system and the same value (a
 * reference with no system matches only an identifier with no system): exactly one, else the
 * resource belongs to no chart (none has it, or several do: ambiguous).
 * Resources of the kinds a chart is made of that name no patient, or a Group or a Location
 * instead, belong to no chart: the caller reports them (`outside`). Resources of other kinds
 * (Organization, Practitioner, Coverage) are about no patient and are not chart content.
 */
import type { Patient } from '../model.js';
import { canonicalRef, refText, refType, type ResourceIndex } from './refs.js';
import { fhirDay, shown } from './systems.js';
import { CHART_TYPES, isObj, objects, text, typedId, type Entry, type Obj } from './types.js';
import { grouped } from '../../core/numbers.js';

export interface PatientGroup {
  /** The Patient resource, when the input holds it. */
  patient?: Entry;
  /** Other Patient resources of the same patient (contained Patients with the same identifier). */
  also: Entry[];
  /** The reference its resources use, when the Patient is not in the input. */
  orphan?: { ref: string; ptr: string };
  entries: Entry[];
}

/**
 * A resource of a chart's kind that belongs to no chart, and why. `notPatient` when its subject
 * says it is about something other than a patient (a Group, a Location): the one case where being
 * left out is not an error, since no patient's chart is linted without it.
 */
export interface Outside {
  entry: Entry;
  why: string;
  notPatient?: true;
}

/** The identity of a contained Patient: its first identifier (`system|value`), if it has one. */
export function containedIdentity(patient: { identifier?: unknown }): string | undefined {
  for (const [id] of objects(patient.identifier)) {
    const value = text(id.value);
    if (value !== undefined) return `${text(id.system) ?? ''}|${value}`;
  }
  return undefined;
}

/** The resource types whose patient is named by `patient` (the others' by `subject`). */
const BY_PATIENT: ReadonlySet<string> = new Set(['Claim', 'ExplanationOfBenefit', 'ClaimResponse']);

/** The element that names a resource's patient, as messages name it: the one it has, else the one its type has. */
export function patientField(type: string, r: Obj): 'subject' | 'patient' {
  if (r.subject !== undefined) return 'subject';
  return r.patient !== undefined || BY_PATIENT.has(type) ? 'patient' : 'subject';
}

/** A logical reference's identifier (`{ identifier: { system, value } }` with no `reference`), as a key; undefined when it is none. */
export function logicalIdentity(ref: unknown): string | undefined {
  if (!isObj(ref) || refText(ref) !== undefined || !isObj(ref.identifier)) return undefined;
  const value = text(ref.identifier.value);
  return value === undefined ? undefined : identityKey(text(ref.identifier.system), value);
}

/** The type a logical reference names (`type`: "Patient" or its canonical URL), if it names one. */
export function logicalType(ref: unknown): string | undefined {
  const t = isObj(ref) ? text(ref.type) : undefined;
  return t === undefined ? undefined : t.slice(t.lastIndexOf('/') + 1);
}

/** Every identifier of a Patient, as keys (`logicalIdentity`'s). */
export function identitiesOf(patient: Obj): string[] {
  const out: string[] = [];
  for (const [id] of objects(patient.identifier)) {
    const value = text(id.value);
    if (value !== undefined) out.push(identityKey(text(id.system), value));
  }
  return out;
}

/** System and value, both matched exactly: a value with no system matches only an identifier with no system. */
function identityKey(system: string | undefined, value: string): string {
  return JSON.stringify([system ?? null, value]);
}

/** How a message names an identifier: by its system only (its value is a patient's record number). */
function identifierSystem(identity: string): string {
  const [system] = JSON.parse(identity) as [string | null, string];
  return system === null ? 'an identifier with no system' : `an identifier of system "${shown(system)}"`;
}

/** How many Patients of the whole input hold an identifier (a Bulk export, whose patient is assembled alone). */
export type IdentifierCount = (identity: string) => number;

/** Why a resource whose patient is named by identifier belongs to no chart, when it does not resolve to exactly one Patient. */
export function unresolvedIdentifier(field: string, identity: string, count: number, where: string): string {
  const named = `its \`${field}\` names its patient by ${identifierSystem(identity)}`;
  if (count === 0) return `${named}, and no Patient in this ${where} has it`;
  if (count === 1) return `${named}, and the one Patient in this ${where} that has it is not in its chart`;
  return `${named}, and ${grouped(count)} Patients in this ${where} have it: it is ambiguous`;
}

export function groupByPatient(
  entries: readonly Entry[],
  index: ResourceIndex,
  where = 'file',
  identifierCount?: IdentifierCount,
): { groups: PatientGroup[]; outside: Outside[] } {
  const groups: PatientGroup[] = [];
  const outside: Outside[] = [];
  const byPatient = new Map<Entry, PatientGroup>();
  const byIdentity = new Map<string, PatientGroup>();
  const byRef = new Map<string, PatientGroup>();
  const groupOf = (patient: Entry): PatientGroup => {
    let g = byPatient.get(patient);
    if (g) return g;
    const identity = patient.container ? containedIdentity(patient.resource) : undefined;
    g = identity === undefined ? undefined : byIdentity.get(identity);
    if (g) g.also.push(patient);
    else {
      g = { patient, also: [], entries: [] };
      if (identity !== undefined) byIdentity.set(identity, g);
      groups.push(g);
    }
    byPatient.set(patient, g);
    return g;
  };
  const byIdentifier = patientsByIdentifier(entries);
  const patients = entries.filter((e) => e.type === 'Patient');
  for (const e of entries) {
    if (e.type === 'Patient') {
      groupOf(e);
      continue;
    }
    const field = patientField(e.type, e.resource);
    const written = refText(e.resource[field]);
    if (written === undefined) {
      if (!CHART_TYPES.has(e.type)) continue;
      const found = byLogical(e, field, { byIdentifier, patients }, where, identifierCount);
      if ('patient' in found) groupOf(found.patient).entries.push(e);
      else outside.push({ entry: e, ...found });
      continue;
    }
    const hit = index.resolve(e.resource[field], e);
    if (hit) {
      if (hit.type === 'Patient') groupOf(hit).entries.push(e);
      else if (CHART_TYPES.has(e.type))
        outside.push({ entry: e, why: `its \`${field}\` is ${article(hit.type)}, not a patient`, notPatient: true });
      continue;
    }
    if (written.startsWith('#')) {
      if (CHART_TYPES.has(e.type))
        outside.push({ entry: e, why: `its \`${field}\` "${shown(written)}" names a contained resource it does not contain` });
      continue;
    }
    const type = refType(written);
    if (type !== undefined && type !== 'Patient') {
      if (CHART_TYPES.has(e.type)) outside.push({ entry: e, why: `its \`${field}\` is ${article(type)}, not a patient`, notPatient: true });
      continue;
    }
    const key = canonicalRef(written);
    let g = byRef.get(key);
    if (!g) {
      g = { orphan: { ref: written, ptr: `${e.ptr}/${field}` }, also: [], entries: [] };
      byRef.set(key, g);
      groups.push(g);
    }
    g.entries.push(e);
  }
  return { groups, outside };
}

/** The top-level Patients of the input by each of their identifiers. */
function patientsByIdentifier(entries: readonly Entry[]): Map<string, Entry[]> {
  const byIdentifier = new Map<string, Entry[]>();
  for (const e of entries) {
    if (e.type !== 'Patient') continue;
    for (const identity of new Set(identitiesOf(e.resource))) {
      const all = byIdentifier.get(identity);
      if (all) all.push(e);
      else byIdentifier.set(identity, [e]);
    }
  }
  return byIdentifier;
}

/** The Patient a resource with no literal reference names by identifier, or why it belongs to no chart. */
function byLogical(
  e: Entry,
  field: string,
  { byIdentifier, patients }: { byIdentifier: ReadonlyMap<string, readonly Entry[]>; patients: readonly Entry[] },
  where: string,
  identifierCount?: IdentifierCount,
): { patient: Entry } | { why: string; notPatient?: true } {
  const identity = logicalIdentity(e.resource[field]);
  const type = logicalType(e.resource[field]);
  // A reference that names a type other than Patient (`type: "Group"`) says the resource is about no patient.
  if (type !== undefined && type !== 'Patient')
    return { why: `its \`${field}\` is ${article(shown(type))}, not a patient`, notPatient: true };
  if (identity === undefined) return { why: `it names no patient (\`${field}\`)` };
  const matches = byIdentifier.get(identity) ?? [];
  if (identifierCount === undefined)
    return matches.length === 1 ? { patient: matches[0]! } : { why: unresolvedIdentifier(field, identity, matches.length, where) };
  // In a Bulk export the patient is assembled alone: the export-wide count tells an ambiguous
  // identifier, and a resource that names the one Patient that has it was assembled with that
  // Patient (the first line of its id, which is the one read, may not hold the identifier).
  const count = identifierCount(identity);
  if (count === 1 && (matches.length === 1 || patients.length === 1)) return { patient: matches[0] ?? patients[0]! };
  return { why: unresolvedIdentifier(field, identity, Math.max(count, matches.length), where) };
}

function article(type: string): string {
  return `${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type}`;
}

/**
 * The chart id of a patient: the Patient's id (else its fullUrl); for a contained Patient, its
 * identifier's value (else the resource that contains it, `Claim/x#patient`); for a Patient not in
 * the input, the id its references use.
 */
export function chartIdOf(g: PatientGroup): string {
  const p = g.patient;
  if (p?.container) {
    const identity = containedIdentity(p.resource);
    if (identity !== undefined) return identity.slice(identity.indexOf('|') + 1);
    return `${typedId(p.container) ?? p.container.type}#${text(p.resource.id) ?? ''}`;
  }
  if (p) return text(p.resource.id) ?? p.fullUrl ?? p.ptr;
  const ref = canonicalRef(g.orphan!.ref);
  return ref.startsWith('Patient/') ? ref.slice('Patient/'.length) : ref;
}

const SEXES = new Set(['female', 'male', 'other', 'unknown']);

export function patientOf(g: PatientGroup): Patient {
  const id = chartIdOf(g);
  if (!g.patient) return { id, ptr: g.orphan!.ptr };
  const patient: Patient = { id, ptr: g.patient.ptr };
  // Contained copies of one patient may each carry part of the demographics: the first that has one counts.
  const all = [g.patient, ...g.also];
  const born = all.map((e) => fhirDay(e.resource.birthDate)).find((d) => d);
  if (born) {
    patient.birthDate = born.day;
    patient.birthDateText = born.text;
  }
  const gender = all.map((e) => text(e.resource.gender)).find((s) => s !== undefined && SEXES.has(s));
  if (gender !== undefined) patient.sex = gender as Patient['sex'];
  return patient;
}
