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
import { LeftOut, leftOutResource, several } from './left-out.js';
import type { ConceptMap } from './concept-map.js';
import { groupByPatient } from './patient.js';
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
  const { groups, outside } = groupByPatient(kept, index);
  for (const o of outside) ctx.leftOut.add('outside', 'warning', OUTSIDE, leftOutResource(o.entry, o.why));
  ctx.leftOut.report(p);
  const charts = groups.map((g) => buildChart(g, ctx));
  return { charts, findings: p.findings, refused: [], derivedIds: true };
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
  const result = adaptFhirEntries(documentEntries(value), { map, where: 'file' });
  if (result.charts.length === 0) {
    // Counted as one chart, not linted (as a Bulk Data export with none is): "1 problem in 1 of 1 chart", not "in 1 of 0 charts".
    result.findings.push({
      ruleId: ENGINE_RULES.chartFormat,
      severity: 'warning',
      pointer: '',
      evidence: [],
      message: `This ${value.resourceType} holds no resource about a patient: there is no chart to lint.`,
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
