/**
 * NDJSON read line by line with backpressure: the file is pulled one chunk at a time, only as fast
 * as the consumer takes lines, so memory stays flat however large the export. Lines are split on
 * the newline byte (never part of a UTF-8 sequence) and handed over one by one; a line longer than the
 * limit is skipped whole and reported, so one runaway line cannot take the memory either.
 */
import { createReadStream } from 'node:fs';

export type NdjsonLine =
  /** A line's bytes, without its line break (decoded by the caller, which reports bad bytes). */
  | { line: number; bytes: Buffer }
  /** A line over the limit: its size only (it was not kept). */
  | { line: number; tooLong: number };

const LF = 10;
const CR = 13;

/** True when the bytes start with a UTF-16 byte-order mark (such a file is not split on bytes). */
export function isUtf16(head: Buffer): boolean {
  return head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
}

export async function* ndjsonLines(path: string, maxLineBytes: number, chunkBytes = 1 << 20): AsyncGenerator<NdjsonLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = 0; // bytes of an over-long line seen so far (0: not skipping)
  let line = 1;
  let first = true;
  const take = (part: Buffer): NdjsonLine => {
    if (skipping > 0) return { line, tooLong: skipping + part.length };
    if (pendingBytes + part.length > maxLineBytes) {
      const tooLong = pendingBytes + part.length;
      pending = [];
      pendingBytes = 0;
      return { line, tooLong };
    }
    let bytes = pendingBytes === 0 ? part : Buffer.concat([...pending, part], pendingBytes + part.length);
    pending = [];
    pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    return { line, bytes };
  };
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    let buf = chunk;
    if (first) {
      first = false;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    let start = 0;
    for (let nl = buf.indexOf(LF, start); nl >= 0; nl = buf.indexOf(LF, start)) {
      const out = take(buf.subarray(start, nl));
      skipping = 0;
      yield out;
      line++;
      start = nl + 1;
    }
    const rest = buf.subarray(start);
    if (skipping > 0) skipping += rest.length;
    else if (pendingBytes + rest.length > maxLineBytes) {
      skipping = pendingBytes + rest.length;
      pending = [];
      pendingBytes = 0;
    } else if (rest.length > 0) {
      pending.push(Buffer.from(rest)); // a copy: the chunk itself is released
      pendingBytes += rest.length;
    }
  }
  if (skipping > 0) yield { line, tooLong: skipping };
  else if (pendingBytes > 0) yield take(Buffer.alloc(0));
}
