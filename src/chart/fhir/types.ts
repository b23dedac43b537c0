/**
 * FHIR JSON as the adapter reads it: resources are plain objects, read defensively (an export
 * may hold anything), and every resource the adapter uses is an `Entry` that knows where it
 * stands in its document, so each chart element can carry its JSON pointer.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, trimmed; numbers are read as text (ids and codes are sometimes written as numbers). */
export function text(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The objects of a list with their indexes (anything else in the list is skipped). */
export function objects(v: unknown): [Obj, number][] {
  const out: [Obj, number][] = [];
  list(v).forEach((x, i) => {
    if (isObj(x)) out.push([x, i]);
  });
  return out;
}

/** A resource and its place: a Bundle entry, a line of a Bulk Data file, or a contained resource. */
export interface Entry {
  resource: Obj;
  /** `resourceType`. */
  type: string;
  /** JSON pointer of the resource in its document: `/entry/6/resource`, or '' for a whole document. */
  ptr: string;
  fullUrl?: string;
  /** For a contained resource: the resource that contains it. */
  container?: Entry;
}

/** The resource's own id, as `Type/id`, when it has one. */
export function typedId(e: Entry): string | undefined {
  const id = text(e.resource.id);
  return id === undefined ? undefined : `${e.type}/${id}`;
}

/** The resource types charts are made of: one of them that belongs to no patient is reported, not dropped. */
export const CHART_TYPES: ReadonlySet<string> = new Set([
  'Encounter',
  'Condition',
  'Claim',
  'ExplanationOfBenefit',
  'ClaimResponse',
  'ChargeItem',
  'Procedure',
  'Observation',
  'MedicationRequest',
  'MedicationStatement',
  'MedicationAdministration',
  'MedicationDispense',
  'DocumentReference',
  'DiagnosticReport',
  'Composition',
  'ClinicalImpression',
]);

/** Statuses that mean "this resource does not count" in every resource type b12lint reads. */
export function enteredInError(resource: Obj): boolean {
  return resource.status === 'entered-in-error';
}
