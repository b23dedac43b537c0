/**
 * The FHIR R4 adapter: a Bundle (any type; nested Bundles are read too), a single resource, or
 * the resources of one patient assembled from a Bulk Data export become charts of the model,
 * one per patient, so every rule runs on them unchanged. Each element keeps the JSON pointer of
 * the FHIR element it came from (`/entry/6/resource/item/0`).
 */
import { ENGINE_RULES } from '../../finding.js';
import { ChartProblems, type AdaptResult } from '../native.js';
import { buildChart } from './chart.js';
import type { Context } from './context.js';
import { billedLines, LeftOut, leftOutResource, several } from './left-out.js';
import type { ConceptMap } from './concept-map.js';
import { groupByPatient, type IdentifierCount } from './patient.js';
import { ResourceIndex, type ExternalLookup, type NotReadLookup } from './refs.js';
import { isObj, objects, text, typedId, type Entry, type Obj } from './types.js';
import { MEDICATION_TYPES } from './medication.js';
import { NOTE_TYPES } from './notes.js';
import { shown } from './systems.js';
import { pushAll } from '../../core/arrays.js';

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

/** The resources of a document: a Bundle's entries (nested Bundles flattened), or the one resource. */
export function documentEntries(value: Obj, ptr = ''): Entry[] {
  if (value.resourceType !== 'Bundle') return [{ resource: value, type: String(value.resourceType), ptr }];
  const out: Entry[] = [];
  for (const [e, i] of objects(value.entry)) {
    const resource = e.resource;
    if (!isFhirResource(resource)) continue; // a transaction's DELETE or GET entry has none
    const rptr = `${ptr}/entry/${i}/resource`;
    if (resource.resourceType === 'Bundle') {
      pushAll(out, documentEntries(resource, rptr));
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

const OUTSIDE = (n: number): string => `${several(n, 'resource')} not linted, belonging to no chart`;

/** The resource types b12lint reads, by their spelling in lower case without spaces. */
const READ_TYPES = new Map(
  [
    'Bundle',
    'Patient',
    'Encounter',
    'Claim',
    'ExplanationOfBenefit',
    'ClaimResponse',
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
  // Resources that bill (a Claim's lines) and belong to no chart: an error, with the lines not read.
  const lines = outside.map((o) => billedLines(o.entry.type, o.entry.resource));
  const unread = lines.reduce<number>((n, k) => n + (k ?? 0), 0);
  const billedOutside = (n: number): string => `${OUTSIDE(n)}, with ${several(unread, 'service line')} not read`;
  outside.forEach((o, i) => {
    const k = lines[i];
    if (k === undefined) ctx.leftOut.add('outside', 'warning', OUTSIDE, leftOutResource(o.entry, o.why));
    else ctx.leftOut.add('outside-billed', 'error', billedOutside, leftOutResource(o.entry, `${o.why}; ${several(k, 'service line')}`));
  });
  ctx.leftOut.report(p);
  const charts = groups.map((g) => buildChart(g, ctx));
  return { charts, findings: p.findings, refused: [], derivedIds: true };
}

/** A resource nested in one b12lint does not read (a Parameters' `parameter[0].resource`): its type and pointer. */
function nestedResource(value: Obj): { type: string; ptr: string } | undefined {
  const stack: { v: unknown; ptr: string; depth: number }[] = [{ v: value, ptr: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, ptr, depth } = stack.shift()!;
    if (depth > 0 && isFhirResource(v)) return { type: v.resourceType as string, ptr };
    if (depth >= 4 || typeof v !== 'object' || v === null) continue;
    for (const [k, x] of Object.entries(v))
      if (typeof x === 'object' && x !== null) stack.push({ v: x, ptr: `${ptr}/${k}`, depth: depth + 1 });
  }
  return undefined;
}

/**
 * What a document that gives no chart says, worded as the native format's empty file ("expected
 * one or more charts"), and true of what the document holds: a Bundle's resources, a resource of a
 * type b12lint reads that names no patient, or a resource b12lint does not read (and what it wraps).
 */
function noChart(value: Obj, entries: number): string {
  const type = shown(String(value.resourceType));
  if (value.resourceType === 'Bundle') {
    return entries === 0
      ? 'This Bundle is empty (it holds no resource): expected one or more charts.'
      : `This Bundle holds no chart: ${entries === 1 ? 'its one resource belongs to no patient' : `none of its ${entries.toLocaleString('en-US')} resources belongs to a patient`} (expected one or more charts).`;
  }
  if (READ_TYPES.get(type.toLowerCase()) === type)
    return `This ${type} holds no chart: it belongs to no patient (expected one or more charts).`;
  const inner = nestedResource(value);
  if (inner === undefined) return `This ${type} holds no chart: b12lint does not read its type (expected one or more charts).`;
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
  const entries = documentEntries(value);
  const result = adaptFhirEntries(entries, { map, where: 'file' });
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
