/**
 * Reports are written atomically: to a temporary file in the same folder, then renamed, so a
 * killed run never leaves a half-written report that a CI step would read as clean.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A report file being written: chunks go to a temporary file that `commit` renames into place. */
export interface AtomicFile {
  write(chunk: string): void;
  commit(): void;
  abort(): void;
}

/** `mode` sets the file's permissions (0o600: its owner only); by default, what the umask leaves. */
export function openAtomic(path: string, mode = 0o666): AtomicFile {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    write: (chunk) => {
      const bytes = Buffer.from(chunk);
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
    },
    commit: () => { close(); renameSync(tmp, path); },
    abort: () => { close(); rmSync(tmp, { force: true }); },
  };
}

export function writeAtomic(path: string, text: string, mode?: number): void {
  const file = openAtomic(path, mode);
  try {
    file.write(text);
    file.commit();
  } catch (err) {
    file.abort();
    throw err;
  }
}
