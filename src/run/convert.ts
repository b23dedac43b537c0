/**
 * `b12lint convert`: the native charts an input becomes, so a user can see what b12lint read.
 * The input is read exactly as a lint run reads it (same discovery, parsing, adapters and Bulk
 * Data joining); the charts are written out file by file (every so many patients of a Bulk
 * export), so a large export streams. What could not be read comes back as findings (parse-error,
 * chart-format), as in a lint run.
 *
 * Given a signal (Ctrl-C, `kill`), it stops as a lint run does: between two files, every so many
 * patients of a Bulk export, and every few milliseconds while it writes charts (writing them as
 * YAML is most of its time: 60,000 charts, about ten seconds), rejecting with the signal's reason.
 * The charts are written outside the reading that builds them (which runs without a turn of the
 * event loop, where a signal is heard), so one file's charts wait for it to be read.
 */
import type { InputFormat } from '../chart/adapt.js';
import type { ConceptMap } from '../chart/fhir/concept-map.js';
import type { Chart } from '../chart/model.js';
import { toNative } from '../chart/write-native.js';
import type { Finding } from '../finding.js';
import { jsonSafe, yamlText } from '../core/printable.js';
import { discoverAll, displayPath } from './discover.js';
import { lintInputs, YIELD_MS } from './lint-bulk.js';
import { DEFAULT_MAX_FILE_SIZE, lintFile, unreachedOutcome, type ChartLinter, type FileOutcome } from './lint-file.js';
import { lintNdjsonStream, streamable, streamThreshold } from './lint-stream.js';
import { findingsOf } from './spool.js';

export const CONVERT_FORMATS = ['yaml', 'json'] as const;
export type ConvertFormat = (typeof CONVERT_FORMATS)[number];

export interface ConvertOptions {
  cwd: string;
  to: ConvertFormat;
  inputFormat?: InputFormat;
  conceptMap?: ConceptMap;
  maxFileSize?: number;
  /** Stops the conversion (SIGINT, SIGTERM): it rejects with the signal's reason, the output cut short. */
  signal?: AbortSignal;
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
  const { signal } = options;
  // The charts read and not yet written (at most one file's, or the patients of a Bulk export
  // between two checkpoints).
  let waiting: (Chart | undefined)[] = [];
  const collector: ChartLinter = {
    lint: (chart) => {
      waiting.push(chart);
      return [];
    },
  };
  let yielded = performance.now();
  const writeWaiting = async (): Promise<void> => {
    const list = waiting;
    waiting = [];
    for (let i = 0; i < list.length; i++) {
      emit(list[i]!);
      list[i] = undefined; // written: its memory can go
      if (signal && performance.now() - yielded >= YIELD_MS) {
        signal.throwIfAborted();
        await new Promise((resolve) => setImmediate(resolve));
        yielded = performance.now();
        signal.throwIfAborted();
      }
    }
  };
  const lintOptions = {
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    debug: false,
    inputFormat: options.inputFormat,
    conceptMap: options.conceptMap,
  };
  const display = (abs: string): string => displayPath(abs, options.cwd);
  // Single files as a lint run reads them: a large NDJSON file streamed line by line (its charts
  // written at each checkpoint, so they never wait all at once), any other read whole.
  const singles = async (paths: readonly string[], next: () => Promise<void>): Promise<FileOutcome[]> => {
    const threshold = streamThreshold();
    const out: FileOutcome[] = [];
    for (const abs of paths) {
      await next();
      out.push(
        streamable(abs, threshold)
          ? await lintNdjsonStream(abs, display(abs), collector, lintOptions, next)
          : lintFile(abs, display(abs), collector, lintOptions),
      );
    }
    return out;
  };
  const outcomes = await lintInputs(files, display, collector, lintOptions, signal, undefined, singles, undefined, writeWaiting);
  await writeWaiting();
  signal?.throwIfAborted();
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
