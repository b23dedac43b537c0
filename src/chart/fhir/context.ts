/**
 * What every resource mapping of one chart shares: the concept map, the reference index, the
 * chart's problem list, what the chart leaves out (reported when it is built), and a word for
 * where the resources came from ("file" or "export"), so that a reference that does not resolve
 * is reported in the user's terms.
 */
import type { Severity } from '../../finding.js';
import type { ChartProblems } from '../native.js';
import type { ConceptMap } from './concept-map.js';
import type { LeftOut } from './left-out.js';
import { refText, refType, type ResourceIndex } from './refs.js';
import type { Entry } from './types.js';

export interface Context {
  map: ConceptMap;
  index: ResourceIndex;
  p: ChartProblems;
  leftOut: LeftOut;
  where: 'file' | 'export';
}

/**
 * Resolves a reference that the chart needs; one that is written but does not resolve (or
 * resolves to another type) is a finding at `ptr`, saying what is lost (`consequence`).
 */
export function follow(
  ctx: Context,
  ref: unknown,
  from: Entry,
  ptr: string,
  type: string,
  consequence: string,
  severity: Severity = 'error',
): Entry | undefined {
  const written = refText(ref);
  if (written === undefined) return undefined;
  const hit = ctx.index.resolve(ref, from);
  if (hit && hit.type === type) return hit;
  const found = hit
    ? `it points to ${article(hit.type)}`
    : (ctx.index.whyNotRead(ref) ?? `no ${refType(written) ?? type} with that id is in this ${ctx.where}`);
  ctx.p.add(ptr, `Reference "${written}" does not resolve to ${article(type)}: ${found}; ${consequence}.`, severity);
  return undefined;
}

function article(type: string): string {
  return `${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type}`;
}
