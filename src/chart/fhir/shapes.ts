/**
 * FHIR R4 writes every element of cardinality 0..* as a JSON array, and the adapter reads only
 * arrays (types.ts `list`, `objects`): a Claim whose `item` is written as one object, a line that
 * is a bare string, a CodeableConcept whose `coding` is one object, would each be dropped with no
 * word. A pre-billing gate must not pass because a claim line vanished, so every such element of
 * the lists the adapter reads is a `chart-format` error that names it and says it is not read.
 * The check looks only where the adapter looks (the table below), each list once: its cost is that
 * of the elements, not of the resource's depth.
 */
import { describe, type ChartProblems } from '../native.js';
import { resourceName } from './left-out.js';
import { isObj, type Entry, type Obj } from './types.js';

/** The lists of each resource type the adapter reads, whose entries are objects (0..* in FHIR R4). */
const LISTS: Readonly<Record<string, readonly string[]>> = {
  Claim: ['item', 'diagnosis', 'procedure', 'addItem'],
  ExplanationOfBenefit: ['item', 'diagnosis', 'procedure', 'addItem'],
  ClaimResponse: ['item', 'addItem'],
  DocumentReference: ['content'],
  DiagnosticReport: ['result', 'presentedForm'],
  Composition: ['section'],
  Observation: ['component', 'referenceRange', 'interpretation'],
  MedicationAdministration: ['reasonCode', 'reasonReference'],
  MedicationRequest: ['reasonCode', 'reasonReference'],
  MedicationStatement: ['reasonCode', 'reasonReference'],
  Procedure: ['reasonCode', 'reasonReference'],
  ChargeItem: ['reason'],
};

/** The lists inside each entry of a claim's `item` (and an EOB's). */
const ITEM_LISTS: readonly string[] = ['detail', 'encounter'];

/** The CodeableConcepts the adapter reads the codes of, by resource type ('item.' and 'diagnosis.': in each entry of that list). */
const CONCEPTS: Readonly<Record<string, readonly string[]>> = {
  Claim: ['item.productOrService', 'item.service', 'diagnosis.diagnosisCodeableConcept', 'procedure.procedureCodeableConcept'],
  ExplanationOfBenefit: [
    'item.productOrService',
    'item.service',
    'diagnosis.diagnosisCodeableConcept',
    'procedure.procedureCodeableConcept',
  ],
  Condition: ['code'],
  Observation: ['code'],
  Procedure: ['code'],
  ChargeItem: ['code'],
  MedicationAdministration: ['medicationCodeableConcept'],
  MedicationRequest: ['medicationCodeableConcept'],
  MedicationStatement: ['medicationCodeableConcept'],
  MedicationDispense: ['medicationCodeableConcept'],
  Medication: ['code'],
};

/** Reports the lists of a resource that are not lists, or hold entries that are not objects. */
export function checkShapes(e: Entry, p: ChartProblems): void {
  const r = e.resource;
  const name = resourceName(e);
  for (const key of LISTS[e.type] ?? []) {
    const entries = listAt(r, key, `${e.ptr}/${key}`, name, p);
    if (key !== 'item') continue;
    for (const [item, k] of entries) for (const inner of ITEM_LISTS) listAt(item, inner, `${e.ptr}/item/${k}/${inner}`, name, p);
  }
  for (const path of CONCEPTS[e.type] ?? []) {
    const dot = path.indexOf('.');
    if (dot < 0) {
      codingAt(r[path], `${e.ptr}/${path}`, name, p);
      continue;
    }
    const list = r[path.slice(0, dot)];
    if (!Array.isArray(list)) continue; // said above
    const field = path.slice(dot + 1);
    list.forEach((x, k) => {
      if (isObj(x)) codingAt(x[field], `${e.ptr}/${path.slice(0, dot)}/${k}/${field}`, name, p);
    });
  }
}

/** The object entries of `holder[key]` with their indexes, each other entry (or a value that is no list) reported. */
function listAt(holder: Obj, key: string, ptr: string, name: string, p: ChartProblems): [Obj, number][] {
  const v = holder[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    p.add(ptr, `${name}: \`${key}\` must be a list; found ${describe(v)}: it is not read.`);
    return [];
  }
  const out: [Obj, number][] = [];
  v.forEach((x, k) => {
    if (isObj(x)) out.push([x, k]);
    else p.add(`${ptr}/${k}`, `${name}: \`${key}\` entry ${k + 1} must be a mapping; found ${describe(x)}: it is not read.`);
  });
  return out;
}

/** Reports a CodeableConcept whose `coding` is not a list of mappings. */
function codingAt(concept: unknown, ptr: string, name: string, p: ChartProblems): void {
  if (isObj(concept)) listAt(concept, 'coding', `${ptr}/coding`, name, p);
}
