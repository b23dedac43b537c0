/**
 * Pairs of diagnosis codes that may not be coded together (Excludes1 notes), each with the dates
 * of service it is in force: instructional notes change with the code set every 1 October and
 * sometimes on 1 April, so a pair is a conflict only for the dates its note was in force.
 */
import type { Day } from '../chart/model.js';
import type { CodeMatcher } from './codes.js';

export interface CodePair {
  code: CodeMatcher;
  with: CodeMatcher;
  codeText: string;
  withText: string;
  from?: Day;
  until?: Day;
  note: string;
}

export function inForce(pair: CodePair, day: Day): boolean {
  return (pair.from === undefined || day >= pair.from) && (pair.until === undefined || day <= pair.until);
}
