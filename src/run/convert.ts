/**
 * `b12lint convert`: the native charts an input becomes, so a user can see what b12lint read.
 * The input is read exactly as a lint run reads it (same discovery, parsing, adapters and Bulk
 * Data joining); each chart is written out as soon as it is built, so a large export streams.
 * What could not be read comes back as findings (parse-error, chart-format), as in a lint run.
 */
import type { InputFormat } from '../chart/adapt.js';
import type { ConceptMap } from '../chart/fhir/concept-map.js';
import type { Chart } from '../chart/model.js';
import { toNative } from '../chart/write-native.js';
import type { Finding } from '../finding.js';
import { jsonSafe, yamlText } from '../core/printable.js';
import { discoverAll, displayPath } from './discover.js';
import { lintInputs } from './lint-bulk.js';
import { DEFAULT_MAX_FILE_SIZE, unreachedOutcome, type ChartLinter } from './lint-file.js';
import { findingsOf } from './spool.js';

export const CONVERT_FORMATS = ['yaml', 'json'] as const;
export type ConvertFormat = (typeof CONVERT_FORMATS)[number];

export interface ConvertOptions {
  cwd: string;
  to: ConvertFormat;
  inputFormat?: InputFormat;
  conceptMap?: ConceptMap;
  maxFileSize?: number;
}

export interface ConvertResult {
  charts: number;
  /** What could not be read, by file. */
  findings: { file: string; finding: Finding }[];
}

/** Writes the charts of the inputs to `write`, one YAML document (or JSON array item) each. */
export async function convert(inputs: readonly string[], options: ConvertOptions, write: (s: string) => void): Promise<ConvertResult> {
  const { files, unreached } = await discoverAll(inputs, { cwd: options.cwd });
  let charts = 0;
  const emit = (chart: Chart): void => {
    const native = toNative(chart);
    // Chart text goes to a terminal or a CI log: escaped so that it drives neither (src/core/printable.ts).
    if (options.to === 'json') write(`${charts === 0 ? '[\n' : ',\n'}${jsonSafe(JSON.stringify(native, null, 2))}`);
    else write(`${charts === 0 ? '' : '---\n'}${yamlText(native)}`);
    charts++;
  };
  const collector: ChartLinter = {
    lint: (chart) => {
      emit(chart);
      return [];
    },
  };
  const lintOptions = {
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    debug: false,
    inputFormat: options.inputFormat,
    conceptMap: options.conceptMap,
  };
  const display = (abs: string): string => displayPath(abs, options.cwd);
  const outcomes = await lintInputs(files, display, collector, lintOptions);
  // What the walk could not read or did not follow: said as a lint run says it.
  for (const u of unreached) outcomes.push(unreachedOutcome(u, display(u.abs)));
  if (options.to === 'json') write(charts === 0 ? '[]\n' : '\n]\n');
  // A large Bulk export's findings are in a spool.
  const findings: ConvertResult['findings'] = [];
  for (const o of outcomes) {
    for await (const finding of findingsOf({ file: o.file, findings: o.findings, charts: o.chartRefs }))
      findings.push({ file: o.file, finding });
  }
  return { charts, findings };
}
