/**
 * Reads the lines of a Bulk Data export back by their places (bulk.ts, second pass). One patient's
 * resources stand in several files, but an export written patient by patient asks each file for
 * its lines in order: a read that starts where the file's last one ended (or a little after) reads
 * READ_AHEAD bytes, and the next lines come from memory, one system call for many lines instead
 * of one each. Places out of order are read one by one, as before.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes read at once from a file read in order. */
const READ_AHEAD = 256 * 1024;

interface OpenFile {
  fd: number;
  /** Bytes [start, end) of the file, read ahead. */
  window: Buffer;
  start: number;
  end: number;
  /** Where the last line asked for ended. */
  next: number;
}

export class LineReader {
  private readonly open = new Map<number, OpenFile>();

  constructor(private readonly paths: readonly string[]) {}

  /** The text of `length` bytes at `offset` of file number `file`. */
  read(file: number, offset: number, length: number): string {
    const f = this.fileOf(file);
    const inOrder = offset >= f.next && offset - f.next < READ_AHEAD;
    f.next = offset + length;
    if (length > READ_AHEAD) {
      // A line longer than the window is read alone, into a buffer of its own.
      const own = Buffer.allocUnsafe(length);
      this.readAt(f.fd, own, length, offset, length);
      return own.toString('utf8');
    }
    if (offset < f.start || offset + length > f.end) {
      f.end = offset + this.readAt(f.fd, f.window, inOrder ? READ_AHEAD : length, offset, length);
      f.start = offset;
    }
    return f.window.toString('utf8', offset - f.start, offset - f.start + length);
  }

  close(): void {
    for (const f of this.open.values()) closeSync(f.fd);
    this.open.clear();
  }

  /** Reads `size` bytes at `offset` into `buf`, at least the line's `length`; returns the bytes read. */
  private readAt(fd: number, buf: Buffer, size: number, offset: number, length: number): number {
    const n = readSync(fd, buf, 0, size, offset);
    if (n < length) throw new Error(`the file changed while it was linted: the line at byte ${offset} is cut short`);
    return n;
  }

  private fileOf(file: number): OpenFile {
    let f = this.open.get(file);
    if (!f) {
      f = { fd: openSync(this.paths[file]!, 'r'), window: Buffer.allocUnsafeSlow(READ_AHEAD), start: 0, end: 0, next: 0 };
      this.open.set(file, f);
    }
    return f;
  }
}
