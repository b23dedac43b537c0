/**
 * How a run's files get linted: outcomes kept by the cache are reused, the rest are linted in
 * this thread or, when there are enough of them, in `--jobs` worker threads; large NDJSON files
 * are streamed in this thread (lint-stream.ts); the progress bar follows along. Whatever the route, outcomes come back in file order, so the report is the same.
 */
import type { Engine, RuleStats } from '../rules/engine.js';
import { RunCache, type CacheStrategy } from './cache.js';
import { lintFile, type FileOutcome, type LintFileOptions } from './lint-file.js';
import { lintNdjsonStream, streamable, streamThreshold } from './lint-stream.js';
import type { ProgressSink } from './progress.js';
import type { RulesetSpec } from './setup.js';
import { lintInWorkers, workerThreshold, type FileTask } from './workers.js';

export interface ScheduleOptions {
  /** Worker threads; 1 lints in this thread. */
  jobs: number;
  /** How workers set up the same ruleset; without it the run stays in this thread. */
  spec?: RulesetSpec;
  cache?: { location: string; strategy: CacheStrategy; secret?: string };
  /** Makes the progress display for a run of `total` files. */
  progress?: (total: number) => ProgressSink;
  /** Awaited between two files (and every so many lines of a streamed one): Ctrl-C stops the run there. */
  checkpoint?: () => Promise<void>;
}

/** What `--stats` shows besides the rules: where the outcomes came from. */
export interface ScheduleStats {
  rules: Map<string, RuleStats>;
  files: number;
  cached: number;
  /** Threads that linted: 1 for this one alone, N with `--jobs N` (N - 1 workers). */
  threads: number;
  /** Why the cache could not be written, if it could not. */
  cacheProblem?: string;
}

export interface Scheduled {
  outcomes: FileOutcome[];
  stats: ScheduleStats;
}

/** The lint options as text for the cache key, the concept map's tables included (JSON drops Maps). */
function lintKey(lint: LintFileOptions): string {
  return JSON.stringify(lint, (_k, v: unknown) => (v instanceof Map || v instanceof Set ? [...v] : v));
}

export async function lintFiles(files: readonly FileTask[], engine: Engine, lint: LintFileOptions, options: ScheduleOptions): Promise<Scheduled> {
  const cache = options.cache
    ? RunCache.open({ ...options.cache, key: `${engine.ruleset.fingerprint}\n${lintKey(lint)}`, maxSize: lint.maxFileSize })
    : undefined;
  const outcomes: FileOutcome[] = new Array(files.length);
  const todo: number[] = [];
  const streamed: number[] = [];
  const threshold = streamThreshold();
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    if (streamable(f.abs, threshold)) {
      streamed.push(i); // never cached: hashing a huge export would cost what linting it does
      continue;
    }
    const kept = cache?.get(f.abs, f.display);
    if (kept) outcomes[i] = kept;
    else todo.push(i);
  }

  const progress = options.progress?.(files.length);
  let filesDone = files.length - todo.length - streamed.length;
  let charts = 0;
  const advance = (o: FileOutcome): void => {
    filesDone++;
    charts += o.charts;
    progress?.update(filesDone, charts);
  };
  const stats: ScheduleStats = { rules: engine.stats ?? new Map(), files: files.length, cached: filesDone, threads: 1 };
  try {
    const useWorkers = options.spec !== undefined && options.jobs > 1 && todo.length >= Math.max(2, workerThreshold());
    if (useWorkers) {
      const linted = await lintInWorkers(todo.map((i) => files[i]!), {
        jobs: options.jobs, spec: options.spec!, lint, fingerprint: engine.ruleset.fingerprint,
        stats: engine.stats !== undefined, onOutcomes: (list) => list.forEach(advance),
        here: (f) => lintFile(f.abs, f.display, engine, lint),
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(engine.stats ? { ruleStats: engine.stats } : {}),
      });
      linted.forEach((o, k) => { outcomes[todo[k]!] = o; });
      stats.threads = options.jobs;
    } else {
      for (const i of todo) {
        await options.checkpoint?.();
        const f = files[i]!;
        const o = lintFile(f.abs, f.display, engine, lint);
        outcomes[i] = o;
        advance(o);
      }
    }
    for (const i of streamed) {
      const f = files[i]!;
      const o = await lintNdjsonStream(f.abs, f.display, engine, lint, options.checkpoint);
      outcomes[i] = o;
      advance(o);
    }
  } finally {
    progress?.done();
  }
  if (cache) {
    for (const i of todo) cache.keep(files[i]!.abs, outcomes[i]!);
    const problems = [cache.refused, cache.save()].filter((p): p is string => p !== undefined);
    if (problems.length) stats.cacheProblem = problems.join('; ');
  }
  return { outcomes, stats };
}
