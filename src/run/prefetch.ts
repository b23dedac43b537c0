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
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { readBounded, type Bounded } from '../read/bounded.js';
import { contentSignature, type CacheStrategy, type Signature } from './signature.js';

/** Below this many files the reader thread's start costs more than it saves. */
export const DEFAULT_PREFETCH_THRESHOLD = 500;

/** The threshold, which `B12LINT_PREFETCH_THRESHOLD` overrides (the tests read ahead with 1). */
export function prefetchThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.B12LINT_PREFETCH_THRESHOLD);
  return env.B12LINT_PREFETCH_THRESHOLD !== undefined && Number.isInteger(v) && v >= 0 ? v : DEFAULT_PREFETCH_THRESHOLD;
}

export interface ReaderData {
  paths: string[];
  maxFileSize: number;
  /** Files over this many bytes are not read (a worker will lint them). */
  deferAbove: number;
  /** Int32 [0]: the index of the file this thread is at (shared memory); for reading only. */
  taken?: SharedArrayBuffer;
  /** Set for the other errand: the files' cache signatures (SignatureShare) instead of their bytes. */
  sign?: SignatureMemory;
}

const SIGN_CHUNK = 64;
const DIGEST = 20; // bytes of a SHA-1

/**
 * Taking the cache signatures of a list of files in two threads at once (signature.ts: size and
 * modification time, or size and content hash): each thread claims the next chunk of files from
 * a counter in shared memory, signs them, writes what it found into shared memory too (size,
 * modification time, regular file or not, the content's digest) and marks the chunk done. So the
 * reader thread starts while this one still reads the cache file, and this one joins in when it
 * is free. A chunk the other thread claimed and does not finish (it died) is signed here after a
 * while: the same values written twice, never a file left out.
 */
export class SignatureShare {
  /** [next chunk to claim]. */
  private readonly next: Int32Array;
  /** Per chunk: 1 when done. */
  private readonly done: Int32Array;
  /** Per file: size, modification time, 1 for a regular file signed. */
  private readonly out: Float64Array;
  /** Per file, with the content strategy: the SHA-1 of its content. */
  private readonly digests: Uint8Array;

  constructor(
    private readonly paths: readonly string[],
    private readonly memory: SignatureMemory,
  ) {
    this.next = new Int32Array(memory.next);
    this.done = new Int32Array(memory.done);
    this.out = new Float64Array(memory.out);
    this.digests = new Uint8Array(memory.digests);
  }

  static memory(n: number, strategy: CacheStrategy): SignatureMemory {
    return {
      strategy,
      next: new SharedArrayBuffer(4),
      done: new SharedArrayBuffer(4 * Math.max(1, Math.ceil(n / SIGN_CHUNK))),
      out: new SharedArrayBuffer(8 * Math.max(1, n * 3)),
      digests: new SharedArrayBuffer(strategy === 'content' ? Math.max(1, n * DIGEST) : 1),
    };
  }

  private signChunk(chunk: number): void {
    const to = Math.min(this.paths.length, (chunk + 1) * SIGN_CHUNK);
    for (let i = chunk * SIGN_CHUNK; i < to; i++) {
      this.out[i * 3 + 2] = 0;
      try {
        if (this.memory.strategy === 'metadata') {
          const st = statSync(this.paths[i]!);
          if (!st.isFile()) continue;
          this.out[i * 3] = st.size;
          this.out[i * 3 + 1] = st.mtimeMs;
        } else {
          const c = contentSignature(this.paths[i]!);
          if (!c) continue;
          this.out[i * 3] = c.size;
          this.digests.set(c.digest, i * DIGEST);
        }
        this.out[i * 3 + 2] = 1;
      } catch {
        // No signature: the file is linted, and lintFile says why it cannot be read.
      }
    }
    Atomics.store(this.done, chunk, 1);
    Atomics.notify(this.done, chunk);
  }

  /** Signs the next chunk of files; false when none is left to claim. */
  claim(): boolean {
    const chunk = Atomics.add(this.next, 0, 1);
    if (chunk * SIGN_CHUNK >= this.paths.length) return false;
    this.signChunk(chunk);
    return true;
  }

  /**
   * Signs what is left (a checkpoint between two chunks: Ctrl-C), waits for the chunks the other
   * thread holds, and gives every file's signature (null: not a regular file, or none).
   */
  async finish(checkpoint?: () => Promise<void>): Promise<(Signature | null)[]> {
    while (this.claim()) await checkpoint?.();
    for (let chunk = 0; chunk < this.done.length; chunk++) {
      // The other thread is at most one chunk of files from done; 2 s without it, it is gone.
      for (let waited = 0; Atomics.load(this.done, chunk) === 0; waited += 20) {
        if (waited >= 2000) this.signChunk(chunk);
        else if (Atomics.wait(this.done, chunk, 0, 20) === 'timed-out') await checkpoint?.();
      }
    }
    const content = this.memory.strategy === 'content';
    return this.paths.map((_p, i) => {
      if (this.out[i * 3 + 2] !== 1) return null;
      const stamp = content ? Buffer.from(this.digests.subarray(i * DIGEST, (i + 1) * DIGEST)).toString('base64') : this.out[i * 3 + 1]!;
      return { size: this.out[i * 3]!, stamp };
    });
  }
}

export interface SignatureMemory {
  strategy: CacheStrategy;
  next: SharedArrayBuffer;
  done: SharedArrayBuffer;
  out: SharedArrayBuffer;
  digests: SharedArrayBuffer;
}

const READER = new URL('./reader.js', import.meta.url);

/**
 * A reader thread started before the run knows its files, so that its start-up (a new V8 and the
 * reading code, about 50 to 100 ms) overlaps the run's own (the ruleset, discovery): given its
 * errand, reading or signing, once there is one (`take`), or stopped (`close`). It never keeps
 * the process alive on its own.
 */
export class SpareReader {
  private worker: Worker | undefined;

  constructor() {
    try {
      this.worker = new Worker(READER, { workerData: { later: true } });
      this.worker.unref();
      this.worker.on('error', () => undefined); // whoever takes it reads or signs what it left
    } catch {
      this.worker = undefined;
    }
  }

  /** The thread, given its errand (undefined when it could not start or was taken already). */
  take(data: ReaderData, transferList: TransferListItem[] = []): Worker | undefined {
    const w = this.worker;
    this.worker = undefined;
    try {
      w?.postMessage(data, transferList);
      return w;
    } catch {
      void w?.terminate();
      return undefined;
    }
  }

  /** Stops the thread if no errand took it. */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}

/** A reader thread with its errand: the spare one if there is one, else a new one. */
function readerThread(data: ReaderData, transferList: TransferListItem[], spare: SpareReader | undefined): Worker | undefined {
  const taken = spare?.take(data, transferList);
  if (taken) {
    taken.ref();
    return taken;
  }
  try {
    return new Worker(READER, { workerData: data, transferList });
  } catch {
    return undefined;
  }
}

/**
 * Starts the reader thread on the files' signatures (SignatureShare); `finish()` then signs, in
 * this thread, whatever the reader has not claimed yet (all of them if it could not start), and
 * gives every file's signature. The thread is stopped when finish ends.
 */
export function signInThread(
  paths: readonly string[],
  strategy: CacheStrategy,
  spare?: SpareReader,
): { finish: (checkpoint?: () => Promise<void>) => Promise<(Signature | null)[]> } {
  const memory = SignatureShare.memory(paths.length, strategy);
  const share = new SignatureShare(paths, memory);
  const data: ReaderData = { paths: [...paths], maxFileSize: 0, deferAbove: 0, sign: memory };
  const worker = readerThread(data, [], spare);
  worker?.on('error', () => undefined); // a chunk it held is signed by finish
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
    spare?: SpareReader,
  ) {
    const { port1, port2 } = new MessageChannel();
    const data: ReaderData & { port: MessagePort } = {
      paths: [...paths],
      maxFileSize,
      deferAbove,
      taken: this.taken.buffer as SharedArrayBuffer,
      port: port2,
    };
    this.worker = readerThread(data, [port2], spare);
    if (this.worker) {
      this.worker.on('error', () => this.close()); // the files left are read here
      this.port = port1;
    } else port1.close();
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
    if (!got) return readChart(this.paths[i]!, this.maxFileSize, this.deferAbove);
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

/**
 * Reads a chart file in this thread (into the shared read buffer: its bytes last until the next
 * read), as lintFileUpTo does and as this thread does for a file the reader has not reached.
 */
export function readChart(path: string, maxFileSize: number, deferAbove: number): Prefetched {
  try {
    return readBounded(path, maxFileSize, deferAbove, 'transient');
  } catch (err) {
    return { thrown: err as Error };
  }
}
