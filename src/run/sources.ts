/**
 * Source lines for the reports that show the chart around a finding (the HTML report). The CLI
 * hands formatters this reader instead of file contents: a formatter asks only for the files that
 * have findings and only for the lines it shows, and the file is read again here, decoded the way
 * the run decoded it, so line numbers agree with the findings'. Not used under --redact.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import type { SourceLines } from '../report/types.js';
import { readBounded, readOpened } from '../read/bounded.js';
import { decode } from '../read/decode.js';
import { formatOf } from '../read/parse.js';
import { maxOf } from '../core/arrays.js';

/**
 * `names` says where the file names come from. `'run'`: the files this run linted, found by its
 * own discovery. `'reports'`: file names read from shard reports (`b12lint merge`), which someone
 * else may have written: only a chart file (by its extension) at a relative path under the current
 * folder, without `..`, that is no link and is still a chart file under the folder once opened, is
 * read, so that a forged report cannot show another file's lines (a key file, `.env`,
 * `/proc/self/environ`).
 */
export function fileSourceLines(cwd: string, maxFileSize: number, names: 'run' | 'reports' = 'run'): SourceLines {
  let root: string | undefined;
  const underRoot = (real: string): boolean => {
    root ??= realpathSync(cwd);
    return real.startsWith(root.endsWith(sep) ? root : root + sep) && formatOf(real) !== undefined;
  };
  return (file, wanted) => {
    if (wanted.size === 0) return new Map();
    const abs = resolve(cwd, file);
    let text: string;
    try {
      if (names === 'run') {
        // A chart file that is a link shows no lines: it may point anywhere (`charts/x.yaml` ->
        // /etc/shadow, a key file), and the HTML report is an artifact others read. Its findings
        // still name the file, line and column.
        if (lstatSync(abs).isSymbolicLink()) return undefined;
        // Only a regular file, opened without blocking: a pipe or device (refused by the run) would
        // block the report forever.
        const r = readBounded(abs, maxFileSize);
        if (!('bytes' in r)) return undefined;
        text = decode(r.bytes).text;
      } else {
        if (isAbsolute(file) || file.split(/[\\/]/).includes('..') || formatOf(file) === undefined) return undefined;
        const bytes = readReported(abs, maxFileSize, underRoot);
        if (!bytes) return undefined;
        text = decode(bytes).text;
      }
    } catch {
      return undefined;
    }
    const last = maxOf(wanted);
    const out = new Map<number, string>();
    let start = 0;
    for (let line = 1; line <= last && start <= text.length; line++) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      if (wanted.has(line)) out.set(line, text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end));
      if (nl < 0) break;
      start = nl + 1;
    }
    return out;
  };
}

/**
 * A file a shard report names, read only if it is no link, and the file opened (not the name,
 * which could be swapped for a link between a check and the open) is a regular chart file under
 * the current folder: where the open file is, the system says (`/proc/self/fd`); where it cannot,
 * its resolved path is checked before and after the open, with its device and inode.
 */
function readReported(abs: string, maxFileSize: number, underRoot: (real: string) => boolean): Buffer | undefined {
  const before = realpathSync(abs);
  if (!underRoot(before)) return undefined;
  const fd = openSync(abs, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    let real: string;
    try {
      real = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      const again = statSync(before);
      if (again.dev !== st.dev || again.ino !== st.ino) return undefined;
      real = before;
    }
    if (!underRoot(real)) return undefined;
    const r = readOpened(fd, st, abs, maxFileSize);
    return 'bytes' in r ? r.bytes : undefined;
  } finally {
    closeSync(fd);
  }
}
