/**
 * `--jobs N`: linting files in N threads, this one and N - 1 workers. Each worker sets up the same
 * ruleset from its spec (compiled rules are closures and cannot be sent) and checks the
 * fingerprint; files go out in small batches to whichever thread is free, and outcomes come back
 * by batch number, so the run sees them in file order whatever the timing: `--jobs 1` and
 * `--jobs N` give the same report.
 * A small pool of our own: one task kind, ordered results and a start-up check are all it needs,
 * which a general pool library (piscina, workerpool) would add a dependency for, not code.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Chart } from '../chart/model.js';
import type { UnlocatedFinding } from '../finding.js';
import type { Engine, RuleStats } from '../rules/engine.js';
import type { Budget, FileOutcome, LintFileOptions } from './lint-file.js';
import type { LineOutcome } from './lint-stream.js';
import type { RulesetSpec } from './setup.js';

export interface FileTask {
  abs: string;
  display: string;
}

export interface WorkerData {
  spec: RulesetSpec;
  lint: LintFileOptions;
  stats: boolean;
}

export type ToWorker =
  | { type: 'batch'; id: number; files: FileTask[] }
  | { type: 'line'; id: number; text: string; line: number; display: string; budget: Budget }
  | { type: 'chart'; id: number; chart: Chart }
  | { type: 'finish' };
export type FromWorker =
  | { type: 'ready'; fingerprint: string }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; outcomes: FileOutcome[]; stats?: WorkerStats }
  | { type: 'line-done'; id: number; outcome: LineOutcome; budget: Budget; stats?: WorkerStats }
  | { type: 'chart-done'; id: number; findings: UnlocatedFinding[]; stats?: WorkerStats }
  | { type: 'stats'; stats: WorkerStats };

/**
 * A worker's rule statistics since its last message (with `--stats`): each answer carries its own,
 * so a worker that stops later (a fault, its memory) loses none of what it had linted.
 */
export type WorkerStats = [string, RuleStats][];

/** The statistics a worker's answer carries, if any. */
function statsIn(m: FromWorker): WorkerStats | undefined {
  return m.type === 'done' || m.type === 'line-done' || m.type === 'chart-done' || m.type === 'stats' ? m.stats : undefined;
}

/** Below this many files the threads' start-up (about a third of a second each) costs more than they save. */
export const DEFAULT_WORKER_THRESHOLD = 2000;

/** The threshold, which `B12LINT_WORKER_THRESHOLD` overrides (the tests force workers with 1). */
export function workerThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.B12LINT_WORKER_THRESHOLD);
  return Number.isInteger(v) && v >= 0 ? v : DEFAULT_WORKER_THRESHOLD;
}

export interface PoolOptions {
  jobs: number;
  spec: RulesetSpec;
  lint: LintFileOptions;
  /** The fingerprint of the main thread's ruleset: a worker that compiled another one is not used. */
  fingerprint: string;
  stats: boolean;
  /** Called as batches come back (for the progress bar). */
  onOutcomes?: (outcomes: readonly FileOutcome[]) => void;
}

/** What a run's workers share: its ruleset (spec and fingerprint), lint options, statistics and signal. */
export function runPool(
  spec: RulesetSpec,
  lint: LintFileOptions,
  engine: Pick<Engine, 'ruleset' | 'stats'>,
  signal: AbortSignal | undefined,
): Omit<PoolOptions, 'jobs'> & { signal?: AbortSignal; ruleStats?: Map<string, RuleStats> } {
  return {
    spec,
    lint,
    fingerprint: engine.ruleset.fingerprint,
    stats: engine.stats !== undefined,
    ...(signal ? { signal } : {}),
    ...(engine.stats ? { ruleStats: engine.stats } : {}),
  };
}

/**
 * How a pool of `jobs` threads shares `files` files out: the batch size, and the workers it starts,
 * at most `jobs - 1`, the machine's cores and the batches. `--jobs` is the user's number (as large
 * as 15 digits): threads beyond the cores only take memory and time from each other (`--jobs 300` on
 * two cores took minutes and gigabytes, and the thread that hears Ctrl-C waited behind them), and a
 * worker with no batch would only start and stop.
 */
export function poolPlan(files: number, jobs: number, cores: number = availableParallelism()): { size: number; workers: number } {
  const threads = 1 + Math.max(0, Math.min(jobs - 1, cores));
  // Batches small enough to balance the load, large enough that messages cost little.
  const size = Math.max(1, Math.min(64, Math.ceil(files / (threads * 16))));
  return { size, workers: Math.min(threads - 1, Math.ceil(files / size)) };
}

/** Starts a worker and waits for its ruleset; rejects when it cannot set up the same one. */
function startWorker(options: PoolOptions): Promise<Worker> {
  const data: WorkerData = { spec: options.spec, lint: options.lint, stats: options.stats };
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
  return new Promise((resolvePromise, reject) => {
    const onError = (err: Error): void => reject(err);
    worker.once('error', onError);
    worker.once('message', (m: FromWorker) => {
      worker.off('error', onError);
      if (m.type === 'ready' && m.fingerprint === options.fingerprint) return resolvePromise(worker);
      void worker.terminate();
      reject(new Error(m.type === 'failed' ? m.message : 'a worker set up a different ruleset (a file changed during the run?)'));
    });
  });
}

/** Adds a worker's rule statistics into the run's. */
function addStats(into: Map<string, RuleStats>, from: WorkerStats | undefined): void {
  if (!from) return;
  for (const [id, s] of from) {
    const t = into.get(id) ?? { evaluations: 0, findings: 0, ms: 0 };
    t.evaluations += s.evaluations;
    t.findings += s.findings;
    t.ms += s.ms;
    into.set(id, t);
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** Lets queued events (worker messages) run between two batches of this thread. */
const breathe = (): Promise<void> => new Promise((resolvePromise) => setImmediate(resolvePromise));

/**
 * Feeds one worker batches from the queue (taken from the end) until it is empty; resolves when
 * the worker has sent its rule statistics after its last batch, or stopped (its batches in
 * flight go back on the queue).
 */
function drain(
  w: Worker,
  queue: number[],
  batches: readonly FileTask[][],
  finish: (id: number, outcomes: FileOutcome[]) => void,
  ruleStats: Map<string, RuleStats> | undefined,
): Promise<void> {
  const inFlight = new Set<number>();
  return new Promise<void>((resolvePromise) => {
    let finished = false;
    const send = (): void => {
      const id = queue.pop();
      if (id !== undefined) {
        inFlight.add(id);
        w.postMessage({ type: 'batch', id, files: batches[id]! } satisfies ToWorker);
      } else if (!finished) {
        finished = true; // the worker answers after its last batch, with its rule statistics
        w.postMessage({ type: 'finish' } satisfies ToWorker);
      }
    };
    const lost = (): void => {
      for (const id of inFlight) queue.push(id);
      inFlight.clear();
      resolvePromise();
    };
    w.on('error', lost);
    w.on('exit', lost);
    w.on('message', (m: FromWorker) => {
      if (ruleStats) addStats(ruleStats, statsIn(m));
      if (m.type === 'done') {
        inFlight.delete(m.id);
        finish(m.id, m.outcomes);
        send();
      } else if (m.type === 'stats') {
        resolvePromise();
      }
    });
    // Two batches in flight, so a worker never waits for this thread.
    send();
    send();
  });
}

/**
 * Lints the files with up to `jobs - 1` worker threads (poolPlan) and this thread (which starts at once, while
 * the workers are still setting up their rulesets); outcomes come back in the order of `files`.
 * A worker that cannot start, or stops, leaves its batches to the others.
 */
export async function lintInWorkers(
  files: readonly FileTask[],
  options: PoolOptions & {
    /** Lints one file in this thread; without it this thread only waits, and lints only what no worker could. */
    here?: (file: FileTask) => FileOutcome;
    /** Lints one file in this thread when no worker could start (given when `here` is not). */
    fallback?: (file: FileTask) => FileOutcome;
    /** The run's rule statistics, which the workers' are added to. */
    ruleStats?: Map<string, RuleStats>;
    /** Awaited between two batches of this thread (Ctrl-C). */
    checkpoint?: () => Promise<void>;
    /** Stops the wait for the workers at once (Ctrl-C): they are terminated, and this rejects with its reason. */
    signal?: AbortSignal;
  },
): Promise<FileOutcome[]> {
  const { size, workers } = poolPlan(files.length, options.jobs);
  const batches: FileTask[][] = [];
  for (let i = 0; i < files.length; i += size) batches.push(files.slice(i, i + size));
  const results: (FileOutcome[] | undefined)[] = new Array(batches.length);
  const queue = batches.map((_, id) => id).reverse(); // taken from the end
  const finish = (id: number, outcomes: FileOutcome[]): void => {
    results[id] = outcomes;
    options.onOutcomes?.(outcomes);
  };

  const started: Worker[] = [];
  let stopped = false; // the run ended (or was stopped: Ctrl-C) before a worker was ready
  const workersDone = Array.from({ length: workers }, async () => {
    let w: Worker;
    try {
      w = await startWorker(options);
    } catch {
      return; // this thread and the other workers take its share
    }
    if (stopped) {
      await w.terminate();
      return;
    }
    started.push(w);
    await drain(w, queue, batches, finish, options.ruleStats);
  });

  let here = options.here;
  try {
    for (;;) {
      for (let id = here ? queue.pop() : undefined; id !== undefined; id = queue.pop()) {
        finish(id, batches[id]!.map(here!));
        await breathe();
        await options.checkpoint?.();
      }
      await untilAborted(Promise.all(workersDone), options.signal);
      if (queue.length === 0) break; // else a worker stopped with batches in flight: lint them here
      here ??=
        options.fallback ??
        ((): never => {
          throw new Error('no worker thread could lint the files');
        });
    }
  } finally {
    stopped = true;
    await Promise.all(started.map((w) => w.terminate()));
  }
  return results.flatMap((r) => r!);
}

/** One task at a time for a solo worker: what to send, and how the reply is told and taken. */
interface SoloTask<R> {
  message: (id: number) => ToWorker;
  reply: (m: FromWorker, id: number) => R | undefined;
}

/**
 * One worker that this thread waits for, task by task, started when the first task comes: a
 * signal is heard while the worker parses and lints tens of megabytes, and the wait ends at once
 * (the worker is terminated by `close`). Where no worker can start, or the worker stops (a fault,
 * its memory), the task is done here (`fallback`), and so are the later ones: no chart is lost
 * for want of a thread.
 */
function soloWorker(options: PoolOptions & { signal?: AbortSignal; ruleStats?: Map<string, RuleStats> }): {
  run: <R>(task: SoloTask<R>, fallback: () => R, stopped: () => R) => Promise<R>;
  close: () => Promise<void>;
  /** Whether a worker took a task. */
  used: () => boolean;
} {
  let worker: Promise<Worker | undefined> | undefined;
  let serial = 0;
  let closing = false;
  let used = false;
  const run = async <R>(task: SoloTask<R>, fallback: () => R, stopped: () => R): Promise<R> => {
    const w = await untilAborted((worker ??= startWorker(options).catch(() => undefined)), options.signal);
    if (!w) return fallback();
    used = true;
    const id = ++serial;
    const answer = new Promise<R>((resolvePromise) => {
      const settle = (result: R): void => {
        w.off('message', onMessage);
        w.off('error', onLost);
        w.off('exit', onLost);
        resolvePromise(result);
      };
      const onMessage = (m: FromWorker): void => {
        const result = task.reply(m, id);
        if (result === undefined) return;
        if (options.ruleStats) addStats(options.ruleStats, statsIn(m));
        settle(result);
      };
      const onLost = (): void => {
        worker = Promise.resolve(undefined);
        // Terminated by `close` (the run ended or was stopped): nothing waits for the task.
        settle(closing ? stopped() : fallback());
      };
      w.on('message', onMessage);
      w.once('error', onLost);
      w.once('exit', onLost);
    });
    w.postMessage(task.message(id));
    return untilAborted(answer, options.signal);
  };
  const close = async (): Promise<void> => {
    closing = true;
    const w = worker && (await worker);
    if (!w) return;
    if (options.ruleStats && !options.signal?.aborted) {
      const stats = new Promise<[string, RuleStats][]>((resolvePromise) => {
        const onMessage = (m: FromWorker): void => {
          if (m.type !== 'stats') return;
          w.off('message', onMessage);
          resolvePromise(m.stats);
        };
        w.on('message', onMessage);
      });
      w.postMessage({ type: 'finish' } satisfies ToWorker);
      addStats(options.ruleStats, await stats);
    }
    await w.terminate();
  };
  return { run, close, used: () => used };
}

/**
 * One worker for the lines of streamed NDJSON files that are over the inline limit (soloWorker),
 * started when the first such line comes. Where no worker can start, the line is linted here
 * (`fallback`).
 */
export function lineWorker(
  options: PoolOptions & { signal?: AbortSignal; ruleStats?: Map<string, RuleStats> },
  display: string,
  fallback: (text: string, line: number, budget: Budget) => LineOutcome,
): { lint: (text: string, line: number, budget: Budget) => Promise<LineOutcome>; close: () => Promise<void> } {
  const solo = soloWorker(options);
  const lint = (text: string, line: number, budget: Budget): Promise<LineOutcome> =>
    solo.run(
      {
        message: (id) => ({ type: 'line', id, text, line, display, budget }),
        reply: (m, id) => {
          if (m.type !== 'line-done' || m.id !== id) return undefined;
          Object.assign(budget, m.budget);
          return m.outcome;
        },
      },
      () => fallback(text, line, budget),
      () => ({ part: { file: display, findings: [], charts: 0, encounters: 0, chartRefs: [] } }),
    );
  return { lint, close: solo.close };
}

/**
 * One worker for the charts of a Bulk Data export's patients whose resources are over the inline
 * limit (soloWorker): the chart is adapted here and linted there, its findings located here. Its
 * options are worked out when the first such chart comes: a run with none, a replay above all,
 * never compiles a deferred ruleset for them (the engine's statistics do).
 */
export function chartWorker(
  options: () => PoolOptions & { signal?: AbortSignal; ruleStats?: Map<string, RuleStats> },
  fallback: (chart: Chart) => UnlocatedFinding[],
): { lint: (chart: Chart) => Promise<UnlocatedFinding[]>; close: () => Promise<void>; used: () => boolean } {
  let solo: ReturnType<typeof soloWorker> | undefined;
  const lint = (chart: Chart): Promise<UnlocatedFinding[]> =>
    (solo ??= soloWorker(options())).run(
      {
        message: (id) => ({ type: 'chart', id, chart }),
        reply: (m, id) => (m.type === 'chart-done' && m.id === id ? m.findings : undefined),
      },
      () => fallback(chart),
      () => [],
    );
  return { lint, close: () => solo?.close() ?? Promise.resolve(), used: () => solo?.used() ?? false };
}
