import type { Formatter } from './types.js';

/** The JSON report exactly as shared/spec/cli.md shows it, byte-identical across runs. */
export const json: Formatter = (report) => `${JSON.stringify(report, null, 2)}\n`;
