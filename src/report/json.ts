import type { Formatter } from './types.js';

/** The JSON report (docs/reports.md), byte-identical across runs. */
export const json: Formatter = (report) => `${JSON.stringify(report, null, 2)}\n`;
