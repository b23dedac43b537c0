/**
 * The FHIR R4 adapter: a Bundle (any type; nested Bundles are read too), a single resource, or
 * the resources of one patient assembled from a Bulk Data export become charts of the model,
 * one per patient, so every rule runs on them unchanged. Each element keeps the JSON pointer of
 * the FHIR element it came from (`/entry/6/resource/item/0`).
 */
import { ENGINE_RULES } from '../../finding.js';
import { ChartProblems, describe, type AdaptResult } from '../native.js';
import { buildChart } from './chart.js';
import type { Context } from './context.js';
import { LeftOut, reportOutside } from './left-out.js';
import type { ConceptMap } from './concept-map.js';
import { groupByPatient, type IdentifierCount } from './patient.js';
import { ResourceIndex, type ExternalLookup, type NotReadLookup } from './refs.js';
import { isObj, objects, text, typedId, type Entry, type Obj } from './types.js';
import { MEDICATION_TYPES, medicationCounts } from './medication.js';
import { drugCode } from './services.js';
import { NOTE_TYPES } from './notes.js';
import { shown } from './systems.js';
import { pushAll } from '../../core/arrays.js';
import { grouped } from '../../core/numbers.js';

export function isFhirResource(value: unknown): value is Obj {
  return isObj(value) && typeof value.resourceType === 'string' && value.resourceType !== '';
}

/**
 * A document `--input-format auto` reads as FHIR: a resource (a `resourceType`) that holds none of
 * a native chart's own keys. A native export may carry a `resourceType` of its own ("ChartExport"):
 * the spec ignores unknown fields, and read as FHIR such a chart was dropped. No FHIR R4 resource
 * has a `chartId` or an `encounters` element.
 */
export function isFhirDocument(value: unknown): value is Obj {
  return isFhirResource(value) && !Object.prototype.hasOwnProperty.call(value, 'chartId') && !Array.isArray(value.encounters);
}

/** A Bulk Data export manifest (the `$export` status response): it lists files and holds no chart. */
export function isBulkManifest(value: unknown): boolean {
  return isObj(value) && value.resourceType === undefined && typeof value.transactionTime === 'string' && Array.isArray(value.output);
}

/** A Bundle whose `entry` is not a list (FHIR R4 writes it as one): where, and what it is instead. */
interface NotAList {
  ptr: string;
  found: string;
}

/**
 * The resources of a document: a Bundle's entries (nested Bundles flattened), or the one resource.
 * A Bundle whose `entry` is not a list gives none, and is told in `notLists` (its resources are
 * not read: they must not vanish in silence).
 */
export function documentEntries(value: Obj, ptr = '', notLists: NotAList[] = []): Entry[] {
  if (value.resourceType !== 'Bundle') return [{ resource: value, type: String(value.resourceType), ptr }];
  const out: Entry[] = [];
  if (value.entry !== undefined && !Array.isArray(value.entry)) notLists.push({ ptr: `${ptr}/entry`, found: describe(value.entry) });
  for (const [e, i] of objects(value.entry)) {
    const resource = e.resource;
    if (!isFhirResource(resource)) continue; // a transaction's DELETE or GET entry has none
    const rptr = `${ptr}/entry/${i}/resource`;
    if (resource.resourceType === 'Bundle') {
      pushAll(out, documentEntries(resource, rptr, notLists));
      continue;
    }
    const entry: Entry = { resource, type: resource.resourceType as string, ptr: rptr };
    const fullUrl = text(e.fullUrl);
    if (fullUrl !== undefined) entry.fullUrl = fullUrl;
    out.push(entry);
  }
  return out;
}

export interface FhirOptions {
  map: ConceptMap;
  /** Where the resources came from, in messages: one file, or a Bulk Data export. */
  where: 'file' | 'export';
  /** Resources outside `entries` that references may need (a Bulk export's Medications). */
  external?: ExternalLookup;
  /** Why such a resource is there but not read (a Medication too large to share). */
  notRead?: NotReadLookup;
  /** How many Patients of the whole input hold an identifier, when `entries` are a part of it (a Bulk export's patient). */
  identifierCount?: IdentifierCount;
}

/** The resource types b12lint reads, by their spelling in lower case without spaces. */
const READ_TYPES = new Map(
  [
    'Bundle',
    'Patient',
    'Encounter',
    'Claim',
    'ExplanationOfBenefit',
    'ClaimResponse',
    'ChargeItem',
    'Condition',
    'Procedure',
    'Observation',
    'Medication',
    ...MEDICATION_TYPES,
    ...NOTE_TYPES,
  ].map((t) => [t.toLowerCase(), t]),
);

/**
 * A resource whose `resourceType` is one b12lint reads, misspelled in case or spacing ("claim",
 * "Claim ", "ExplanationofBenefit"): an error at it, since its lines would be passed over with
 * the types b12lint does not read (a security review). FHIR resource types are case-sensitive.
 */
function misspelledType(e: Entry, p: ChartProblems): boolean {
  const meant = READ_TYPES.get(e.type.replace(/\s+/g, '').toLowerCase());
  if (meant === undefined || meant === e.type) return false;
  p.add(
    `${e.ptr}/resourceType`,
    `\`resourceType\` "${shown(e.type)}" is not "${meant}" (FHIR resource types are written exactly, in their case and with no spaces): the resource is not read.`,
  );
  return true;
}

/** Charts from resources, one per patient; resources of a chart's kind that belong to none are reported. */
export function adaptFhirEntries(entries: readonly Entry[], options: FhirOptions): AdaptResult {
  const p = new ChartProblems();
  const index = new ResourceIndex(options.external, options.notRead);
  const kept: Entry[] = [];
  for (const e of entries) {
    if (misspelledType(e, p)) continue;
    if (index.add(e))
      p.add(e.ptr, `${typedId(e) ?? e.fullUrl} appears more than once in this ${options.where}: only the first is read.`, 'warning');
    else kept.push(e);
  }
  const ctx: Context = { map: options.map, index, p, leftOut: new LeftOut(), where: options.where };
  const { groups, outside } = groupByPatient(kept, index, options.where, options.identifierCount);
  // An administration is billed as the adapter bills it in a chart: its drug by code, RxNorm or
  // name, in its own concept or in the Medication it names.
  const billsDrug = (e: Entry): boolean => {
    if (!medicationCounts(e)) return false;
    const r = e.resource;
    const med = r.medicationCodeableConcept === undefined ? index.resolve(r.medicationReference, e) : undefined;
    const concept = med ? (med.type === 'Medication' ? med.resource.code : undefined) : r.medicationCodeableConcept;
    return drugCode(concept, options.map) !== undefined;
  };
  reportOutside(ctx.leftOut, outside, billsDrug);
  ctx.leftOut.report(p);
  const charts = groups.map((g) => buildChart(g, ctx));
  return { charts, findings: p.findings, refused: [], derivedIds: true };
}

/** How many values `nestedResource` looks at, at most: a Parameters of a million values is not searched whole. */
const MAX_NESTED_VISITS = 100_000;

/**
 * A resource nested in one b12lint does not read (a Parameters' `parameter[0].resource`, at any
 * depth): its type and pointer, the shallowest first; 'unsearched' when the value is too large to
 * search whole and none was found in its first MAX_NESTED_VISITS values. Breadth first, through a
 * queue read by index (shifting an array took time in the square of its length).
 */
function nestedResource(value: Obj): { type: string; ptr: string } | 'unsearched' | undefined {
  const queue: { v: object; ptr: string }[] = [{ v: value, ptr: '' }];
  let full = false;
  for (let i = 0; i < queue.length; i++) {
    const { v, ptr } = queue[i]!;
    if (i > 0 && isFhirResource(v)) return { type: v.resourceType as string, ptr };
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x !== 'object' || x === null) continue;
      if (queue.length >= MAX_NESTED_VISITS) {
        full = true;
        break;
      }
      queue.push({ v: x, ptr: `${ptr}/${k}` });
    }
  }
  return full ? 'unsearched' : undefined;
}

/**
 * What a document that gives no chart says, worded as the native format's empty file ("expected
 * one or more charts"), and true of what the document holds: a Bundle's resources (or an `entry`
 * that is not a list), a resource of a type b12lint reads that names no patient, or a resource
 * b12lint does not read (and what it wraps).
 */
function noChart(value: Obj, entries: number): string {
  const type = shown(String(value.resourceType));
  if (value.resourceType === 'Bundle') {
    if (value.entry !== undefined && !Array.isArray(value.entry))
      return `This Bundle holds no chart: its \`entry\` must be a list; found ${describe(value.entry)}: its resources are not read (expected one or more charts).`;
    return entries === 0
      ? 'This Bundle is empty (it holds no resource): expected one or more charts.'
      : `This Bundle holds no chart: ${entries === 1 ? 'its one resource belongs to no patient' : `none of its ${grouped(entries)} resources belongs to a patient`} (expected one or more charts).`;
  }
  if (READ_TYPES.get(type.toLowerCase()) === type)
    return `This ${type} holds no chart: it belongs to no patient (expected one or more charts).`;
  const inner = nestedResource(value);
  if (inner === undefined) return `This ${type} holds no chart: b12lint does not read its type (expected one or more charts).`;
  if (inner === 'unsearched')
    return `This ${type} holds no chart: b12lint does not read its type, and it is too large to search whole for a resource it wraps (none is in its first ${grouped(MAX_NESTED_VISITS)} values), so none is named (expected one or more charts).`;
  return `This ${type} holds no chart: b12lint does not read its type, and the ${shown(inner.type)} it wraps (at \`${shown(inner.ptr)}\`) is not read inside it; lint that ${shown(inner.type)} as a file of its own (expected one or more charts).`;
}

/** Charts from a parsed FHIR document (a Bundle or one resource). */
export function adaptFhirDocument(value: unknown, map: ConceptMap): AdaptResult {
  if (!isFhirResource(value)) {
    return {
      charts: [],
      refused: [''],
      derivedIds: true,
      findings: [
        {
          ruleId: ENGINE_RULES.chartFormat,
          severity: 'error',
          pointer: '',
          evidence: [],
          message: 'Not a FHIR resource: a FHIR document is a JSON object with a `resourceType`.',
        },
      ],
    };
  }
  const notLists: NotAList[] = [];
  const entries = documentEntries(value, '', notLists);
  const result = adaptFhirEntries(entries, { map, where: 'file' });
  // A nested Bundle whose `entry` is not a list: an error at it (the document's own is told below, when it gives no chart).
  for (const n of notLists)
    if (n.ptr !== '/entry' || result.charts.length > 0)
      result.findings.push({
        ruleId: ENGINE_RULES.chartFormat,
        severity: 'error',
        pointer: n.ptr,
        evidence: [],
        message: `Bundle: \`entry\` must be a list; found ${n.found}: its resources are not read.`,
      });
  if (result.charts.length === 0) {
    // An error, as a native file with no chart is (a failed export must not pass a pre-billing
    // gate). Counted as one chart, not linted (as a Bulk Data export with none is): "1 problem in
    // 1 of 1 chart", not "in 1 of 0 charts".
    result.findings.push({
      ruleId: ENGINE_RULES.chartFormat,
      severity: 'error',
      pointer: '',
      evidence: [],
      message: noChart(value, entries.length),
    });
  }
  // Each place outside every patient's chart that has a finding (the resources that name no
  // patient, a resource given twice, the document that holds no patient) stands for a chart that
  // was not linted, and counts in the file's charts, as in a Bulk Data export
  // (src/run/bulk-findings.ts): the summary's charts with findings count these places
  // (src/report/charts.ts placeOf), and without them in the total a Bundle of one orphan Claim said
  // "2 problems in 2 of 1 chart".
  const places = new Set<string>();
  for (const f of result.findings) if (f.chartId === undefined) places.add(f.pointer);
  pushAll(result.refused, places);
  return result;
}
