/**
 * Source lines for the reports that show the chart around a finding (the HTML report). The CLI
 * hands formatters this reader instead of file contents: a formatter asks only for the files that
 * have findings and only for the lines it shows, and the file is read again here, decoded the way
 * the run decoded it, so line numbers agree with the findings'. Not used under --redact.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import type { SourceLines } from '../report/types.js';
import { readBounded } from '../read/bounded.js';
import { decode } from '../read/decode.js';
import { formatOf } from '../read/parse.js';

/**
 * `names` says where the file names come from. `'run'`: the files this run linted, found by its
 * own discovery. `'reports'`: file names read from shard reports (`b12lint merge`), which someone
 * else may have written: only a chart file (by its extension) at a relative path under the current
 * folder, without `..`, and still under it once links are resolved, is read, so that a forged
 * report cannot show another file's lines (a key file, `/proc/self/environ`).
 */
export function fileSourceLines(cwd: string, maxFileSize: number, names: 'run' | 'reports' = 'run'): SourceLines {
  let root: string | undefined;
  const readable = (file: string, abs: string): boolean => {
    if (names === 'run') return true;
    if (isAbsolute(file) || file.split(/[\\/]/).includes('..') || formatOf(file) === undefined) return false;
    try {
      root ??= realpathSync(cwd);
      return realpathSync(abs).startsWith(root.endsWith(sep) ? root : root + sep);
    } catch {
      return false;
    }
  };
  return (file, wanted) => {
    if (wanted.size === 0) return new Map();
    const abs = resolve(cwd, file);
    let text: string;
    try {
      if (!readable(file, abs)) return undefined;
      // Only a regular file, opened without blocking: a pipe or device (refused by the run) would
      // block the report forever.
      const r = readBounded(abs, maxFileSize);
      if (!('bytes' in r)) return undefined;
      text = decode(r.bytes).text;
    } catch {
      return undefined;
    }
    const last = Math.max(...wanted);
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
