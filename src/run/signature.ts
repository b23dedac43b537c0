/**
 * What tells a file's version to the cache (cache.ts): its size, and its modification time
 * (`--cache-strategy metadata`) or a hash of its content (`content`). Apart from the cache so that
 * the reader thread (reader.ts) can take signatures too, loading only this.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';

export type CacheStrategy = 'content' | 'metadata';

export interface Signature {
  size: number;
  /** The modification time (ms), or the content's SHA-1 (base64). */
  stamp: number | string;
}

/** Bytes are hashed from one buffer, rather than one per file: a file at most this size in one read. */
const readBuffer = Buffer.allocUnsafe(1024 * 1024);

/** A regular file's size and content hash; undefined for anything else (a pipe is never read). */
export function contentSignature(abs: string): { size: number; digest: Buffer } | undefined {
  const fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const hash = createHash('sha1');
    let size = 0;
    for (;;) {
      const n = readSync(fd, readBuffer, 0, readBuffer.length, null);
      if (n === 0) break;
      hash.update(readBuffer.subarray(0, n));
      size += n;
      if (n < readBuffer.length && size >= st.size) break; // the end, without one more read to be told so
    }
    return { size, digest: hash.digest() };
  } finally {
    closeSync(fd);
  }
}

/** A regular file's size and modification time; undefined for anything else. */
export function metadataSignature(abs: string): Signature | undefined {
  const st = statSync(abs);
  return st.isFile() ? { size: st.size, stamp: st.mtimeMs } : undefined;
}

/** A file's signature by the strategy; undefined when it is not a regular file. Errors are thrown. */
export function signatureOf(abs: string, strategy: CacheStrategy): Signature | undefined {
  if (strategy === 'metadata') return metadataSignature(abs);
  const c = contentSignature(abs);
  return c && { size: c.size, stamp: c.digest.toString('base64') };
}

/** A file's signature, or undefined when it has none or cannot be read (lintFile then says why, and its outcome is not kept). */
export function signatureIfAny(abs: string, strategy: CacheStrategy): Signature | undefined {
  try {
    return signatureOf(abs, strategy);
  } catch {
    return undefined;
  }
}
