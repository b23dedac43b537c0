/**
 * Source lines for the reports that show the chart around a finding (the HTML report). The CLI
 * hands formatters this reader instead of file contents: a formatter asks only for the files that
 * have findings and only for the lines it shows, and the file is read again here, decoded the way
 * the run decoded it, so line numbers agree with the findings'. Not used under --redact.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceLines } from '../report/types.js';
import { decode } from '../read/decode.js';

export function fileSourceLines(cwd: string, maxFileSize: number): SourceLines {
  return (file, wanted) => {
    if (wanted.size === 0) return new Map();
    const abs = resolve(cwd, file);
    let text: string;
    try {
      const st = statSync(abs);
      // Only a regular file: a pipe or device (refused by the run) would block the report forever.
      if (!st.isFile() || st.size > maxFileSize) return undefined;
      text = decode(readFileSync(abs)).text;
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
