/**
 * Reading a whole file under a size limit: chart files, and the side inputs a run trusts no more
 * than its charts (the baseline, the cache, the shard reports of `merge`, configs and rulesets).
 * The file is opened without blocking, so what is not a regular file (a pipe, a device such as
 * /dev/zero, a socket) is refused before anything is read from it, neither blocking nor growing
 * memory forever; the limit is checked on the bytes read too, so a file that grows while it is
 * read is refused as well. A file takes as few system calls as reading it can (open, fstat, read,
 * close).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { ioCause } from '../core/io.js';

/** The limit charts and side inputs are read under unless told otherwise (--max-file-size). */
export const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

const MB = 1024 * 1024;

export type Bounded = { bytes: Buffer } | { refused: 'not-a-file' } | { refused: 'too-large'; size: number; grew: boolean };

/**
 * The buffer chart files are read into when the caller only decodes the bytes before its next
 * read (`'transient'`): one allocation for a run of small files instead of one per file, which the
 * profile of a 5,000-chart run put at 4 % of its time. Files above TRANSIENT_MAX get their own.
 */
let scratch: Buffer | undefined;
const TRANSIENT_MAX = 4 * MB;

function transientBuffer(size: number): Buffer {
  if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(size))));
  return scratch;
}

/**
 * Where the first read of a file goes: `transient`, the shared read buffer (the bytes returned
 * may be overwritten by the next transient read: for a caller that decodes them at once and
 * keeps nothing of them); or a function giving a buffer of at least the size asked (or undefined,
 * for a buffer of the file's own), as the reader thread packs a batch of files into one buffer.
 */
export type FirstRead = 'transient' | ((want: number) => Buffer | undefined);

/**
 * Reads a regular file whole, or tells why not; an error opening or reading it is thrown (errno).
 * A file larger than `deferAbove` (and within the limit) is not read: `{ deferred: size }`.
 */
export function readBounded(path: string, limit: number): Bounded;
export function readBounded(path: string, limit: number, deferAbove: number, first?: FirstRead): Bounded | { deferred: number };
export function readBounded(path: string, limit: number, deferAbove = Infinity, first?: FirstRead): Bounded | { deferred: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') return { refused: 'not-a-file' }; // a socket
    throw err;
  }
  try {
    return readOpened(fd, fstatSync(fd), path, limit, deferAbove, first);
  } finally {
    closeSync(fd);
  }
}

/**
 * The same for a file the caller has opened (without blocking) and checked as it needs (a shard
 * report's file: no link, under the current folder), given its fstat; the caller closes it.
 */
export function readOpened(fd: number, st: Stats, path: string, limit: number): Bounded;
export function readOpened(
  fd: number,
  st: Stats,
  path: string,
  limit: number,
  deferAbove: number,
  first?: FirstRead,
): Bounded | { deferred: number };
export function readOpened(
  fd: number,
  st: Stats,
  path: string,
  limit: number,
  deferAbove = Infinity,
  first?: FirstRead,
): Bounded | { deferred: number } {
  if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
  if (!st.isFile()) return { refused: 'not-a-file' };
  const size = st.size;
  if (size > limit) return { refused: 'too-large', size, grew: false };
  if (size > deferAbove) return { deferred: size };
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // The first read asks for one byte more than fstat's size, to see the end (or that the file grew).
    const want = Math.min(total === 0 && first ? size + 1 : Math.max(size - total + 1, 64 * 1024), limit + 1 - total);
    // The first read of a small file goes where the caller said; a file that grows past it, to its own buffer.
    const given = total === 0 && want <= TRANSIENT_MAX ? (first === 'transient' ? transientBuffer(want) : first?.(want)) : undefined;
    const chunk = given ? given.subarray(0, want) : Buffer.allocUnsafe(want);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n > 0) {
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) return { refused: 'too-large', size: total, grew: true };
    }
    // The end: nothing more, or the size fstat gave read in full by a read that asked for more.
    if (n === 0 || (total === size && n < chunk.length)) return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
  }
}

/** Why a side input was refused, in words: `it is 70.0 MB, over the 64 MB limit (--max-file-size)`. */
export function refusal(r: Exclude<Bounded, { bytes: Buffer }>, limit: number): string {
  if (r.refused === 'not-a-file') return 'it is not a regular file (a pipe, socket or device)';
  return `it is ${(r.size / MB).toFixed(1)} MB${r.grew ? ' or more (it grew while it was read)' : ''}, over the ${(limit / MB).toFixed(0)} MB limit for one file (--max-file-size)`;
}

/** A side input that could not be read: the caller says which and what to do. */
export class SideInputError extends Error {}

/** A side input's text (UTF-8, a byte-order mark dropped), or a SideInputError with the cause in words. */
export function readSideInput(path: string, limit = DEFAULT_MAX_FILE_SIZE, describe: (err: unknown) => string = ioCause): string {
  let r: Bounded;
  try {
    r = readBounded(path, limit);
  } catch (err) {
    throw new SideInputError(describe(err));
  }
  if ('refused' in r) throw new SideInputError(refusal(r, limit));
  const text = r.bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
