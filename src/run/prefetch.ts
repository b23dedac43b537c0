/**
 * Reading ahead: a reader thread (reader.ts) opens and reads the chart files while this thread
 * parses and lints the ones before. On a night of small files, the system calls that read a file
 * (open, fstat, read, close) cost about as much as parsing it; done beside the linting, they leave
 * this thread's time.
 *
 * This thread never waits for the reader: it takes the batches that have come (synchronously,
 * from a message port), and a file the reader has not read yet it reads itself, as it would
 * without a reader (the reader, seeing its position, skips it). What a file gives is the same
 * either way: its bytes, a refusal (not a regular file, over the size limit), a file deferred to
 * a worker (over the inline limit), or the error reading it threw. If the reader thread cannot
 * start or stops, every file is read here: reading ahead changes the time of a run, never its
 * report.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { readBounded, type Bounded } from '../read/bounded.js';

/** Below this many files the reader thread's start costs more than it saves. */
export const DEFAULT_PREFETCH_THRESHOLD = 500;

/** The threshold, which `B12LINT_PREFETCH_THRESHOLD` overrides (the tests read ahead with 1). */
export function prefetchThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.B12LINT_PREFETCH_THRESHOLD);
  return env.B12LINT_PREFETCH_THRESHOLD !== undefined && Number.isInteger(v) && v >= 0 ? v : DEFAULT_PREFETCH_THRESHOLD;
}

/** Whether most of the files are JSON (by name): cheap to parse, so reading them is a large share of their cost. */
export function mostlyJson(paths: readonly string[]): boolean {
  let json = 0;
  for (const p of paths) if (/\.json$/i.test(p)) json++;
  return json * 2 > paths.length;
}

export interface ReaderData {
  paths: string[];
  maxFileSize: number;
  /** Files over this many bytes are not read (a worker will lint them). */
  deferAbove: number;
  /** Int32 [0]: the index of the file this thread is at (shared memory). */
  taken: SharedArrayBuffer;
  /** Set for the other errand: stat'ing the files (StatShare) instead of reading them. */
  stat?: StatMemory;
}

/** A file's size and modification time, as the cache's metadata strategy compares them. */
export interface FileStat {
  size: number;
  mtimeMs: number;
}

const STAT_CHUNK = 64;

/**
 * Stat'ing a list of files in two threads at once: each claims the next chunk of files from a
 * counter in shared memory, stats them, writes what it found into shared memory too (size,
 * modification time, regular file or not) and marks the chunk done. So the reader thread starts
 * while this one still reads the cache file, and this one joins in when it is free. A chunk the
 * other thread claimed and does not finish (it died) is stat'ed here after a while: the same
 * values written twice, never a file left out.
 */
export class StatShare {
  /** [next file to claim]. */
  private readonly next: Int32Array;
  /** Per chunk: 1 when done. */
  private readonly done: Int32Array;
  private readonly out: Float64Array;

  constructor(
    private readonly paths: readonly string[],
    memory: StatMemory,
  ) {
    this.next = new Int32Array(memory.next);
    this.done = new Int32Array(memory.done);
    this.out = new Float64Array(memory.out);
  }

  static memory(n: number): StatMemory {
    return {
      next: new SharedArrayBuffer(4),
      done: new SharedArrayBuffer(4 * Math.max(1, Math.ceil(n / STAT_CHUNK))),
      out: new SharedArrayBuffer(8 * Math.max(1, n * 3)),
    };
  }

  private statChunk(chunk: number): void {
    const to = Math.min(this.paths.length, (chunk + 1) * STAT_CHUNK);
    for (let i = chunk * STAT_CHUNK; i < to; i++) {
      try {
        const st = statSync(this.paths[i]!);
        this.out[i * 3] = st.size;
        this.out[i * 3 + 1] = st.mtimeMs;
        this.out[i * 3 + 2] = st.isFile() ? 1 : 0;
      } catch {
        this.out[i * 3 + 2] = 0;
      }
    }
    Atomics.store(this.done, chunk, 1);
    Atomics.notify(this.done, chunk);
  }

  /** Stats the next chunk of files; false when none is left to claim. */
  claim(): boolean {
    const chunk = Atomics.add(this.next, 0, 1);
    if (chunk * STAT_CHUNK >= this.paths.length) return false;
    this.statChunk(chunk);
    return true;
  }

  /**
   * Stats what is left (a checkpoint between two chunks: Ctrl-C), waits for the chunks the other
   * thread holds, and gives every file's stat (undefined: not a regular file, or none).
   */
  async finish(checkpoint?: () => Promise<void>): Promise<(FileStat | undefined)[]> {
    while (this.claim()) await checkpoint?.();
    for (let chunk = 0; chunk < this.done.length; chunk++) {
      // The other thread is at most one chunk of stat calls from done; 2 s without it, it is gone.
      for (let waited = 0; Atomics.load(this.done, chunk) === 0; waited += 20) {
        if (waited >= 2000) this.statChunk(chunk);
        else if (Atomics.wait(this.done, chunk, 0, 20) === 'timed-out') await checkpoint?.();
      }
    }
    return this.paths.map((_p, i) => (this.out[i * 3 + 2] === 1 ? { size: this.out[i * 3]!, mtimeMs: this.out[i * 3 + 1]! } : undefined));
  }
}

export interface StatMemory {
  next: SharedArrayBuffer;
  done: SharedArrayBuffer;
  out: SharedArrayBuffer;
}

/**
 * Starts the reader thread on the files' stats (StatShare); `finish()` then stats, in this
 * thread, whatever the reader has not claimed yet (all of them if it could not start), and gives
 * every file's stat. The thread is stopped when finish ends.
 */
export function statInThread(paths: readonly string[]): {
  finish: (checkpoint?: () => Promise<void>) => Promise<(FileStat | undefined)[]>;
} {
  const memory = StatShare.memory(paths.length);
  const share = new StatShare(paths, memory);
  const data: ReaderData = { paths: [...paths], maxFileSize: 0, deferAbove: 0, taken: new SharedArrayBuffer(4), stat: memory };
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL('./reader.js', import.meta.url), { workerData: data });
    worker.on('error', () => undefined); // a chunk it held is stat'ed by finish
  } catch {
    worker = undefined;
  }
  return {
    finish: async (checkpoint) => {
      try {
        return await share.finish(checkpoint);
      } finally {
        void worker?.terminate();
      }
    },
  };
}

/** A file's bytes (`at`, `length` in its batch's buffer, or their own), or why there are none. */
export type ReadItem =
  | { at: number; length: number }
  | { bytes: Uint8Array }
  | Exclude<Bounded, { bytes: Buffer }>
  | { deferred: number }
  | { error: { message: string; code?: string } };

export interface ReaderBatch {
  /** The index of the first file. */
  start: number;
  items: ReadItem[];
  buffer: ArrayBuffer;
}

/** What reading one file gave: readBounded's answer, or the error it threw. */
export type Prefetched = Bounded | { deferred: number } | { thrown: Error };

export class Prefetch {
  private readonly worker: Worker | undefined;
  private readonly port: MessagePort | undefined;
  private readonly taken = new Int32Array(new SharedArrayBuffer(4));
  private batch: { start: number; items: ReadItem[]; bytes: Buffer } | undefined;
  private next = 0;

  constructor(
    private readonly paths: readonly string[],
    private readonly maxFileSize: number,
    private readonly deferAbove: number,
  ) {
    const { port1, port2 } = new MessageChannel();
    const data: ReaderData & { port: MessagePort } = {
      paths: [...paths],
      maxFileSize,
      deferAbove,
      taken: this.taken.buffer as SharedArrayBuffer,
      port: port2,
    };
    try {
      this.worker = new Worker(new URL('./reader.js', import.meta.url), { workerData: data, transferList: [port2] });
      this.worker.on('error', () => this.close()); // the files left are read here
      this.port = port1;
    } catch {
      port1.close();
    }
  }

  /** The item of file `i` from the batches that have come, if the reader has read it. */
  private itemOf(i: number): { item: ReadItem; bytes: Buffer } | undefined {
    for (;;) {
      const b = this.batch;
      if (b && i < b.start + b.items.length) return i >= b.start ? { item: b.items[i - b.start]!, bytes: b.bytes } : undefined;
      const m = this.port && receiveMessageOnPort(this.port);
      if (!m) return undefined;
      const next = m.message as ReaderBatch;
      this.batch = { start: next.start, items: next.items, bytes: Buffer.from(next.buffer) };
    }
  }

  /** What reading the next file gave (files come in the order given). */
  read(): Prefetched {
    const i = this.next++;
    Atomics.store(this.taken, 0, i);
    if (i % 64 === 0) Atomics.notify(this.taken, 0);
    const got = this.itemOf(i);
    if (!got) return readHere(this.paths[i]!, this.maxFileSize, this.deferAbove);
    const { item, bytes } = got;
    if ('at' in item) return { bytes: bytes.subarray(item.at, item.at + item.length) };
    if ('bytes' in item) return { bytes: Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.length) };
    if ('error' in item) return { thrown: Object.assign(new Error(item.error.message), item.error.code ? { code: item.error.code } : {}) };
    return item;
  }

  /** Stops the reader thread (at the end of the run, or when it is cut short). */
  close(): void {
    Atomics.store(this.taken, 0, this.paths.length);
    Atomics.notify(this.taken, 0);
    this.port?.close();
    void this.worker?.terminate();
  }
}

function readHere(path: string, maxFileSize: number, deferAbove: number): Prefetched {
  try {
    return readBounded(path, maxFileSize, deferAbove, 'transient');
  } catch (err) {
    return { thrown: err as Error };
  }
}
