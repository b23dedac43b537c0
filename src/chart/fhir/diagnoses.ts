/**
 * Reading a diagnosis where leaving it out must be said (condition.ts maps what is read). ICD-9-CM
 * is never read as ICD-10-CM: claims before October 2015 are coded in it, and CMS's APIs export
 * such codings beside ICD-10 ones, some of them shaped like ICD-10 codes (V0182, E9281). A
 * diagnosis coded only in ICD-9-CM is left out with an `info` finding; a Condition entered in
 * error is left out by its status.
 */
import { conditionDiagnosis, verificationStatus, type DiagnosisDraft } from './condition.js';
import type { Context } from './context.js';
import { leftOutByStatus, leftOutResource, quoted, several } from './left-out.js';
import { codings, type Coding } from './systems.js';
import { enteredInError, type Entry } from './types.js';

/** The ICD-9-CM coding of a concept coded in ICD-9-CM and nothing else. */
export function icd9Only(concept: unknown): Coding | undefined {
  const all = codings(concept);
  return all.length > 0 && all.every((c) => c.name === 'icd-9-cm') ? all[0] : undefined;
}

export const ICD9_LEFT_OUT = (n: number): string =>
  `${several(n, 'diagnosis', 'diagnoses')} not linted, coded only in ICD-9-CM (b12lint reads ICD-10-CM)`;

/** A Condition as a diagnosis, or undefined, having said why it is left out. */
export function readCondition(entry: Entry, ctx: Context): DiagnosisDraft | undefined {
  const r = entry.resource;
  if (enteredInError(r) || verificationStatus(r) === 'entered-in-error') {
    leftOutByStatus(entry, 'entered-in-error', ctx);
    return undefined;
  }
  const icd9 = icd9Only(r.code);
  if (icd9) {
    ctx.leftOut.add('icd-9', 'info', ICD9_LEFT_OUT, leftOutResource(entry, `${quoted(icd9.code)} in ICD-9-CM`, icd9.code));
    return undefined;
  }
  const d = conditionDiagnosis(entry, ctx);
  if (d) ctx.leftOut.markRead(entry);
  return d;
}
