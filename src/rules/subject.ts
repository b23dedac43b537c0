/**
 * What a finding is about, as content rather than place: the kind of element a rule looked at,
 * its code and its date. It feeds the finding's fingerprint (src/finding.ts), so that a finding
 * keeps its identity when an export shifts lines or reorders keys.
 */
import type { Scope } from './types.js';

export function subjectOf(scope: Scope): string {
  const parts: string[] = [scope.kind];
  if (scope.kind === 'service' && scope.service) parts.push(scope.service.code, scope.service.dateText);
  else if (scope.kind === 'diagnosis' && scope.diagnosis) parts.push(scope.diagnosis.code, scope.encounter?.dateText ?? '');
  else if (scope.kind === 'lab' && scope.lab) parts.push(scope.lab.loinc ?? scope.lab.test ?? '', scope.lab.dateText ?? '');
  else if (scope.kind === 'encounter' && scope.encounter) parts.push(scope.encounter.dateText);
  return parts.join('\u0000');
}
