/**
 * Choosing the adapter for a parsed document. Native charts (shared/spec/chart-format.md) are
 * the default; other formats plug in here and produce the same chart model, so no rule ever
 * knows where a chart came from.
 */
import { adaptDocument, type AdaptResult } from './native.js';

export type InputFormat = 'auto' | 'native' | 'fhir';

export function adapt(value: unknown, _format: InputFormat = 'auto'): AdaptResult {
  return adaptDocument(value);
}
