/**
 * The body of the reader thread (prefetch.ts): reads the run's chart files in order, ahead of the
 * thread that lints them. Each file is read as the linting thread would read it
 * (src/read/bounded.ts: a regular file, under the size limit; a file over the inline limit is not
 * read but deferred), and files go over in batches: one buffer holding their bytes, moved (not
 * copied) to the other thread, and a list of what each file gave.
 *
 * The linting thread's position is shared memory (`taken`): the reader never reads a file the
 * linting thread has already passed (it reads that one itself when the reader is late, as at
 * start-up), and it stays at most AHEAD files and WINDOW bytes ahead, sleeping until the linting
 * thread moves on.
 *
 * Its other errand, for a cache rerun: every file's cache signature (its size, and its
 * modification time or content hash), taken while the linting thread reads the cache file.
 */
import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import { readBounded } from '../read/bounded.js';
import { SignatureShare, type ReadItem, type ReaderBatch, type ReaderData } from './prefetch.js';

type Errand = ReaderData & { port?: MessagePort };
/** The errand: given at start, or to a spare thread (prefetch.ts SpareReader) later, as a message. */
let data: Errand;

/** How far ahead of the linting thread the reader may be. */
const AHEAD = 2048;
const WINDOW = 32 * 1024 * 1024;
/** A batch's buffer, its file count, and the lead under which batches go over small (the other thread is close). */
const BATCH_BYTES = 1024 * 1024;
const BATCH_FILES = 128;
const NEAR = 64;
const SMALL_BATCH = 8;

/** Batches sent and not yet passed by the linting thread: [end, bytes held]. */
const inFlight: [number, number][] = [];
let flightBytes = 0;

function settle(pos: number): void {
  while (inFlight.length && inFlight[0]![0] <= pos) flightBytes -= inFlight.shift()![1];
}

function readAll(): void {
  const taken = new Int32Array(data.taken!);
  const { paths } = data;
  let i = 0;
  while (i < paths.length) {
    let pos = Atomics.load(taken, 0);
    settle(pos);
    if (i < pos + 1) i = pos + 1; // the linting thread has read these (or is reading one) itself
    if (i >= paths.length) break;
    if (i - pos >= AHEAD || flightBytes >= WINDOW) {
      Atomics.wait(taken, 0, pos, 20);
      continue;
    }
    const start = i;
    const items: ReadItem[] = [];
    const buffer = Buffer.allocUnsafeSlow(BATCH_BYTES);
    let used = 0;
    let ownBytes = 0; // bytes of files that came in buffers of their own
    // A file that does not fit what is left of the batch's buffer is read into one of its own,
    // moved over as well (never copied).
    const into = (want: number): Buffer => (used + want <= buffer.length ? buffer.subarray(used) : Buffer.allocUnsafeSlow(want));
    const moved: ArrayBuffer[] = [];
    for (;;) {
      const path = paths[i++]!;
      try {
        const r = readBounded(path, data.maxFileSize, data.deferAbove, into);
        if (!('bytes' in r)) items.push(r);
        else if (r.bytes.buffer === buffer.buffer) {
          items.push({ at: r.bytes.byteOffset, length: r.bytes.length });
          used = r.bytes.byteOffset + r.bytes.length;
        } else {
          const own = r.bytes.buffer as ArrayBuffer;
          // Its own buffer, unless the file grew while it was read (then its chunks were joined in a pooled one).
          const whole = r.bytes.byteOffset === 0 && own.byteLength >= r.bytes.length && own.byteLength <= r.bytes.length + 1;
          const bytes = whole ? new Uint8Array(own, 0, r.bytes.length) : new Uint8Array(r.bytes);
          if (whole) moved.push(own);
          items.push({ bytes });
          ownBytes += r.bytes.length;
        }
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        items.push({ error: { message: e.message ?? String(err), ...(e.code ? { code: e.code } : {}) } });
      }
      if (i >= paths.length || 'bytes' in items[items.length - 1]!) break;
      pos = Atomics.load(taken, 0);
      const size = i - pos < NEAR ? SMALL_BATCH : BATCH_FILES;
      if (items.length >= size || used >= BATCH_BYTES - 4096) break;
    }
    const batch: ReaderBatch = { start, items, buffer: buffer.buffer as ArrayBuffer };
    data.port!.postMessage(batch, [batch.buffer, ...moved]);
    // The memory a batch holds until it is passed: its whole buffer, and the files in their own.
    inFlight.push([i, buffer.length + ownBytes]);
    flightBytes += buffer.length + ownBytes;
  }
}

/** The other errand: signatures, a chunk of files at a time, as the other thread claims them too (prefetch.ts SignatureShare). */
function signAll(): void {
  const share = new SignatureShare(data.paths, data.sign!);
  for (let more = true; more;) more = share.claim();
}

function run(errand: Errand): void {
  data = errand;
  if (data.sign) signAll();
  else readAll();
  data.port?.close();
}

// A spare thread waits for its errand with a listener, not a top-level await: a worker stopped
// while its module is still being evaluated asynchronously can abort the whole process (V8's
// "Check failed: (location_) != nullptr" in Node.js 20), and a spare one is often stopped unused.
const given = workerData as Errand | { later: true };
if ('later' in given) parentPort!.once('message', run);
else run(given);
