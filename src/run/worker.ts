/**
 * The body of a `--jobs` worker thread (see workers.ts): sets up the run's ruleset from its spec,
 * says which fingerprint it compiled, then lints the batches of files it is sent, or the lines of
 * a streamed NDJSON file or the charts of a Bulk Data export that are too large to lint in the
 * thread that handles Ctrl-C.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../rules/engine.js';
import { lintFile } from './lint-file.js';
import { lintLineText } from './lint-stream.js';
import { setupFromSpec } from './setup.js';
import type { FromWorker, ToWorker, WorkerData, WorkerStats } from './workers.js';

const port = parentPort!;
const data = workerData as WorkerData;
const post = (m: FromWorker): void => port.postMessage(m);

let engine: Engine | undefined;
try {
  engine = new Engine(setupFromSpec(data.spec).ruleset, { stats: data.stats });
  post({ type: 'ready', fingerprint: engine.ruleset.fingerprint });
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}

/** The rule statistics since the last answer, the engine's set back to zero (each answer carries its own: workers.ts). */
function taken(): WorkerStats | undefined {
  const stats = engine?.stats;
  if (!stats) return undefined;
  const out: WorkerStats = [];
  for (const [id, s] of stats) {
    if (s.evaluations === 0 && s.findings === 0 && s.ms === 0) continue;
    out.push([id, { ...s }]);
    s.evaluations = 0;
    s.findings = 0;
    s.ms = 0;
  }
  return out;
}

port.on('message', (m: ToWorker) => {
  if (!engine) return;
  if (m.type === 'batch') {
    const outcomes = m.files.map((f) => lintFile(f.abs, f.display, engine!, data.lint));
    post({ type: 'done', id: m.id, outcomes, stats: taken() });
  } else if (m.type === 'line') {
    const budget = m.budget;
    const outcome = lintLineText(m.text, m.line, m.display, engine, data.lint, budget);
    post({ type: 'line-done', id: m.id, outcome, budget, stats: taken() });
  } else if (m.type === 'chart') {
    const findings = engine.lint(m.chart, data.lint.debug, data.lint.queries !== false);
    post({ type: 'chart-done', id: m.id, findings, stats: taken() });
  } else {
    post({ type: 'stats', stats: taken() ?? [] });
  }
});
