import type { Finding } from '../../src/finding.js';

/** A finding of chart C-1 with this message, at the start of its file, with no evidence: for redaction tests. */
export function findingOfC1(message: string): Finding {
  return {
    ruleId: 'some-rule',
    severity: 'warning',
    message,
    chartId: 'C-1',
    line: 1,
    column: 1,
    pointer: '',
    fingerprint: '0123456789abcdef',
    evidence: [],
  };
}
