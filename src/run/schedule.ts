/**
 * How a run's files get linted: outcomes kept by the cache are reused, the rest are linted in
 * this thread or, when there are enough of them, in `--jobs` worker threads; large NDJSON files
 * are streamed in this thread (lint-stream.ts); the progress bar follows along. Whatever the
 * route, outcomes come back in file order, so the report is the same.
 *
 * This thread is the one that handles Ctrl-C (SIGINT, SIGTERM): it never spends long on one piece
 * of work. It stops at a checkpoint between two files (and every so many files it checks against
 * the cache); a chart file over the inline limit (lint-file.ts), and a streamed file's line over
 * it, is linted by a worker thread even with `--jobs 1`, this thread only waiting for it, so a
 * signal ends the run at once.
 */
import { formatOf } from '../read/parse.js';
import type { Engine, RuleStats } from '../rules/engine.js';
import { cacheStamp, RunCache, type CacheStrategy } from './cache.js';
import { signatureIfAny, type Signature } from './signature.js';
import {
  hasReplay,
  loadReplay,
  replayKey,
  settleReplay,
  type LoadedReplay,
  type Replayed,
  type ReplayRequest,
  type ReplayStore,
} from './replay.js';
import { inlineLimit, lintFile, lintFileUpTo, lintRead, type FileOutcome, type LintFileOptions } from './lint-file.js';
import { lintLineText, lintNdjsonStream, streamable, streamThreshold } from './lint-stream.js';
import { Prefetch, prefetchThreshold, signInThread, type Prefetched, type SpareReader } from './prefetch.js';
import type { ProgressSink } from './progress.js';
import type { RulesetSpec } from './setup.js';
import { lineWorker, lintInWorkers, poolPlan, runPool, workerThreshold, type FileTask } from './workers.js';

export interface ScheduleOptions {
  /**
   * Threads: 1 lints in this thread alone; 2 lints here with a second thread reading the files
   * ahead when most are JSON, or with a worker linting half of them; N, here and in N - 1 workers.
   */
  jobs: number;
  /** How workers set up the same ruleset; without it the run stays in this thread. */
  spec?: RulesetSpec;
  cache?: { location: string; strategy: CacheStrategy; secret?: string };
  /** Makes the progress display for a run of `total` files. */
  progress?: (total: number) => ProgressSink;
  /** Awaited between two files (and every so many lines of a streamed one): Ctrl-C stops the run there. */
  checkpoint?: () => Promise<void>;
  /** Ctrl-C: ends the wait for a worker thread at once. */
  signal?: AbortSignal;
  /**
   * With the cache: the key of the options that decide the outputs after linting (replay.ts).
   * The run then replays the last run's outputs when they are kept under the same key, files and
   * signatures, and says under which key its own may be kept.
   */
  replay?: ReplayRequest;
  /** A reader thread started early (prefetch.ts), for the first errand that wants one; its owner closes it. */
  spare?: SpareReader;
  /**
   * The replay file, if the CLI already read and checked it for `replay.files` (before setting up the
   * ruleset, when its header names the ruleset's fingerprint): null when it could not be used,
   * undefined when not read. Taken once, so that the outputs it holds are not kept through the run.
   */
  takeReplay?: () => LoadedReplay | null | undefined;
}

/** Files checked against the cache between two checkpoints (Ctrl-C). */
const CHECK_EVERY = 256;

/** What `--stats` shows besides the rules: where the outcomes came from. */
export interface ScheduleStats {
  rules: Map<string, RuleStats>;
  files: number;
  cached: number;
  /** Threads that linted: 1 for this one alone, N with `--jobs N` (N - 1 workers). */
  threads: number;
  /** Whether a second thread read the files ahead of this one (prefetch.ts). */
  readAhead?: boolean;
  /** Why the cache could not be written, if it could not. */
  cacheProblem?: string;
  /** Whether the outputs of the last run are replayed (nothing changed). */
  replayed?: boolean;
}

export interface Scheduled {
  outcomes: FileOutcome[];
  stats: ScheduleStats;
  /** The last run's outputs, to write again instead of a report (no outcomes then). */
  replayed?: Replayed;
  /** Where this run's outputs may be kept for a replay: every file of it was kept by the cache. */
  replayAs?: { store: ReplayStore; key: string };
}

/** The lint options as text for the cache key, the concept map's tables included (JSON drops Maps). */
function lintKey(lint: LintFileOptions): string {
  return JSON.stringify(lint, (_k, v: unknown) => (v instanceof Map || v instanceof Set ? [...v] : v));
}

/** Each file's way: its outcome from the cache, to lint (`todo`), or to stream (a huge NDJSON export). */
async function sortFiles(
  files: readonly FileTask[],
  cache: RunCache | undefined,
  checkpoint: (() => Promise<void>) | undefined,
  signed?: readonly (Signature | null)[],
): Promise<{ outcomes: FileOutcome[]; todo: number[]; streamed: number[] }> {
  const outcomes: FileOutcome[] = new Array(files.length);
  const todo: number[] = [];
  const streamed: number[] = [];
  const threshold = streamThreshold();
  for (let i = 0; i < files.length; i++) {
    if (i % CHECK_EVERY === CHECK_EVERY - 1) await checkpoint?.(); // hashing files for the cache takes a while
    const f = files[i]!;
    if (streamable(f.abs, threshold)) {
      streamed.push(i); // never cached: hashing a huge export would cost what linting it does
      continue;
    }
    const kept = cache?.get(f.abs, f.display, signed?.[i]);
    if (kept) outcomes[i] = kept;
    else todo.push(i);
  }
  return { outcomes, todo, streamed };
}

/** Whether most of the files are JSON (by name): cheap to parse, so reading them is a large share of their cost. */
function mostlyJson(paths: readonly string[]): boolean {
  let json = 0;
  for (const p of paths) if (formatOf(p) === 'json') json++;
  return json * 2 > paths.length;
}

/** Whether a file would be streamed (never cached, so never part of a replay): named NDJSON first, then its size. */
function hasStream(paths: readonly string[]): boolean {
  const threshold = streamThreshold();
  return paths.some((p) => formatOf(p) === 'ndjson' && streamable(p, threshold));
}

/** The signature of each file, in this thread; null when it has none (cache.ts's `get` then takes none either). */
async function signHere(
  files: readonly FileTask[],
  strategy: CacheStrategy,
  checkpoint?: () => Promise<void>,
): Promise<(Signature | null)[]> {
  const out: (Signature | null)[] = [];
  for (let i = 0; i < files.length; i++) {
    if (i % CHECK_EVERY === CHECK_EVERY - 1) await checkpoint?.();
    out.push(signatureIfAny(files[i]!.abs, strategy) ?? null);
  }
  return out;
}

interface Opened {
  cache: RunCache | undefined;
  signed: (Signature | null)[] | undefined;
  replayed?: Replayed;
}

/**
 * Opens the run's cache, if any. With threads to spare, the files' signatures (stat or content
 * hash) are taken by another thread while this one reads the cache file, then by both
 * (SignatureShare). When a replay of the last run's outputs is kept (replay.ts), the signatures
 * are taken first, and the cache is read only if the replay's key is not this run's.
 */
async function openCache(files: readonly FileTask[], key: string, lint: LintFileOptions, options: ScheduleOptions): Promise<Opened> {
  if (!options.cache) return { cache: undefined, signed: undefined };
  const { strategy } = options.cache;
  const paths = files.map((f) => f.abs);
  const threads = options.jobs >= 2 && files.length >= Math.max(1, prefetchThreshold());
  const open = (): RunCache => RunCache.open({ ...options.cache!, key, maxSize: lint.maxFileSize });
  const store: ReplayStore = { ...options.cache, maxSize: lint.maxFileSize };
  if (options.replay !== undefined && hasReplay(store) && !hasStream(paths)) {
    // Stat calls are shared only with a thread started early: a new one takes longer to start than
    // 20,000 of them take (libuv's threads made such a run slower too); content hashes always are.
    const ahead = (strategy === 'content' || options.spare) && threads ? signInThread(paths, strategy, options.spare) : undefined;
    const read = options.takeReplay?.();
    const kept = read !== undefined ? (read ?? undefined) : loadReplay(store, options.replay.files);
    const stamp = cacheStamp(options.cache.location, lint.maxFileSize);
    const signed = ahead ? await ahead.finish(options.checkpoint) : await signHere(files, strategy, options.checkpoint);
    if (kept && stamp && kept.key === replayKey(options.replay.key, `${key}\0${stamp}`, paths, signed)) {
      const replayed = settleReplay(store, kept, options.replay.cwd);
      if (replayed) return { cache: undefined, signed, replayed };
    }
    return { cache: open(), signed };
  }
  const ahead = threads ? signInThread(paths, strategy, options.spare) : undefined;
  const cache = open();
  return { cache, signed: await ahead?.finish(options.checkpoint) };
}

/**
 * Keeps the fresh outcomes and writes the cache (a problem goes to `stats`); then says where this
 * run's outputs may be kept for a replay: when one was asked for, nothing was streamed or went
 * wrong with the cache, and the cache holds every file, each under the signature taken before it
 * was read.
 */
function saveCache(
  cache: RunCache,
  run: { files: readonly FileTask[]; todo: readonly number[]; outcomes: readonly FileOutcome[]; stats: ScheduleStats; streamed: boolean },
  key: string,
  lint: LintFileOptions,
  options: ScheduleOptions,
): Scheduled['replayAs'] {
  for (const i of run.todo) cache.keep(run.files[i]!.abs, run.outcomes[i]!);
  const problems = [cache.refused, cache.save()].filter((p): p is string => p !== undefined);
  if (problems.length) run.stats.cacheProblem = problems.join('; ');
  if (options.replay === undefined || !options.cache || run.streamed || problems.length) return undefined;
  const stamp = cacheStamp(options.cache.location, lint.maxFileSize);
  if (!stamp) return undefined;
  const paths = run.files.map((f) => f.abs);
  const rk = replayKey(options.replay.key, `${key}\0${stamp}`, paths, cache.signatures(paths));
  return rk !== undefined ? { store: { ...options.cache, maxSize: lint.maxFileSize }, key: rk } : undefined;
}

// eslint-disable-next-line max-lines-per-function -- the run's one schedule (cache, this thread or workers, heavy files, streams, cache save), read top to bottom
export async function lintFiles(
  files: readonly FileTask[],
  engine: Engine,
  lint: LintFileOptions,
  options: ScheduleOptions,
): Promise<Scheduled> {
  const cacheKey = `${engine.ruleset.fingerprint}\n${lintKey(lint)}`;
  const opened = await openCache(files, cacheKey, lint, options);
  const { cache, signed } = opened;
  if (opened.replayed) {
    const stats: ScheduleStats = {
      rules: new Map(), // no rule ran (nor was the ruleset compiled: setup.ts DeferredRuleset)
      files: files.length,
      cached: files.length,
      threads: 1,
      replayed: true,
    };
    return { outcomes: [], stats, replayed: opened.replayed };
  }
  const { outcomes, todo, streamed } = await sortFiles(files, cache, options.checkpoint, signed);

  const progress = options.progress?.(files.length);
  let filesDone = files.length - todo.length - streamed.length;
  let charts = 0;
  const advance = (o: FileOutcome): void => {
    filesDone++;
    charts += o.charts;
    progress?.update(filesDone, charts);
  };
  const stats: ScheduleStats = { rules: engine.stats ?? new Map(), files: files.length, cached: filesDone, threads: 1 };
  // Without a spec no worker can set up the ruleset: every file is linted here.
  const limit = options.spec !== undefined ? inlineLimit() : Infinity;
  /** Files over the inline limit, for a worker: their outcome is a placeholder until then. */
  const heavy = new Map<FileOutcome, number>();
  const here = (i: number): FileOutcome => {
    const f = files[i]!;
    const o = lintFileUpTo(f.abs, f.display, engine, lint, limit);
    if (o) return o;
    const placeholder: FileOutcome = { file: f.display, findings: [], charts: 0, encounters: 0, chartRefs: [] };
    heavy.set(placeholder, i);
    return placeholder;
  };
  const fromRead = (i: number, read: Prefetched): FileOutcome => {
    const f = files[i]!;
    const o = lintRead(read, f.abs, f.display, engine, lint);
    if (o) return o;
    const placeholder: FileOutcome = { file: f.display, findings: [], charts: 0, encounters: 0, chartRefs: [] };
    heavy.set(placeholder, i);
    return placeholder;
  };
  const pool = {
    ...runPool(options.spec!, lint, engine, options.signal),
    onOutcomes: (list: readonly FileOutcome[]) =>
      list.forEach((o) => {
        if (!heavy.has(o)) advance(o);
      }),
  };
  try {
    // Two threads on small JSON files: the second reads them (prefetch.ts), which pays more than a
    // second linting thread would; YAML, costly to parse, is shared out to workers.
    const readAhead = options.jobs === 2 && todo.length >= Math.max(1, prefetchThreshold()) && mostlyJson(todo.map((i) => files[i]!.abs));
    const useWorkers = !readAhead && options.spec !== undefined && options.jobs > 1 && todo.length >= Math.max(2, workerThreshold());
    if (useWorkers) {
      const index = new Map(todo.map((i) => [files[i]!, i]));
      const linted = await lintInWorkers(
        todo.map((i) => files[i]!),
        {
          ...pool,
          jobs: options.jobs,
          here: (f) => here(index.get(f)!),
          ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        },
      );
      linted.forEach((o, k) => {
        outcomes[todo[k]!] = o;
      });
      stats.threads = 1 + poolPlan(todo.length, options.jobs).workers;
    } else {
      const ahead = readAhead
        ? new Prefetch(
            todo.map((i) => files[i]!.abs),
            lint.maxFileSize,
            limit,
            options.spare,
          )
        : undefined;
      if (ahead) stats.readAhead = true;
      try {
        for (const i of todo) {
          await options.checkpoint?.();
          const o = ahead ? fromRead(i, ahead.read()) : here(i);
          outcomes[i] = o;
          if (!heavy.has(o)) advance(o);
        }
      } finally {
        ahead?.close();
      }
    }
    if (heavy.size > 0) {
      // The large files, each in a worker thread while this one waits (and stays ready for Ctrl-C).
      const waiting = [...heavy.values()];
      const linted = await lintInWorkers(
        waiting.map((i) => files[i]!),
        {
          ...pool,
          jobs: 1 + Math.min(Math.max(1, options.jobs - 1), waiting.length),
          fallback: (f) => lintFile(f.abs, f.display, engine, lint),
        },
      );
      linted.forEach((o, k) => {
        outcomes[waiting[k]!] = o;
      });
      stats.threads = Math.max(stats.threads, 2);
    }
    for (const i of streamed) {
      const f = files[i]!;
      // A line over the inline limit is linted by a worker, this thread waiting (Ctrl-C).
      const long =
        options.spec !== undefined
          ? lineWorker({ ...pool, jobs: 2 }, f.display, (text, line, budget) => lintLineText(text, line, f.display, engine, lint, budget))
          : undefined;
      try {
        const o = await lintNdjsonStream(f.abs, f.display, engine, lint, options.checkpoint, long && { limit, lint: long.lint });
        outcomes[i] = o;
        advance(o);
      } finally {
        await long?.close();
      }
    }
  } finally {
    progress?.done();
  }
  const replayAs = cache
    ? saveCache(cache, { files, todo, outcomes, stats, streamed: streamed.length > 0 }, cacheKey, lint, options)
    : undefined;
  return { outcomes, stats, ...(replayAs ? { replayAs } : {}) };
}
