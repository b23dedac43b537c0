/**
 * Choosing the adapter for a parsed document. Native charts (docs/chart-format.md) are
 * the default; FHIR R4 (a Bundle or a resource, told by its `resourceType` and no native chart's
 * `chartId` or `encounters`) goes through the
 * FHIR adapter. Both produce the same chart model, so no rule ever knows where a chart came from.
 */
import { adaptFhirDocument, isBulkManifest, isFhirDocument } from './fhir/index.js';
import { defaultConceptMap, type ConceptMap } from './fhir/concept-map.js';
import { adaptDocument, type AdaptResult } from './native.js';
import { limitNotes } from './note-limit.js';

export type InputFormat = 'auto' | 'native' | 'fhir';
export const INPUT_FORMATS: readonly InputFormat[] = ['auto', 'native', 'fhir'];

export interface AdaptOptions {
  format?: InputFormat;
  /** The FHIR concept map (default: the built-in rulesets/fhir-concept-map.yaml). */
  conceptMap?: ConceptMap;
}

export function adapt(value: unknown, options: AdaptOptions = {}): AdaptResult {
  const format = options.format ?? 'auto';
  if (format === 'fhir' || (format === 'auto' && isFhirDocument(value)))
    return limitNotes(adaptFhirDocument(value, options.conceptMap ?? defaultConceptMap()));
  // A Bulk Data export's manifest sits beside its NDJSON files: it lists them and holds no chart.
  if (format === 'auto' && isBulkManifest(value)) return { charts: [], findings: [], refused: [] };
  return limitNotes(adaptDocument(value));
}
