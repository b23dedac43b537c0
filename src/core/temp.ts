/**
 * The process's private temporary folder (the "spool folder"): made on first use with a name no
 * one can guess and readable by its owner only (mkdtemp), removed with everything in it when the
 * process exits; the folders killed runs of this user left behind are removed when the next one
 * is made. Reports written into a FIFO or device are staged here (core/io.ts), and streamed
 * findings and chart entries wait here (run/spool.ts).
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let folder: string | undefined;

const SPOOL_PREFIX = 'b12lint-spool-';
/**
 * A spool folder of a process that is gone is removed once nothing in it has changed for this
 * long: a process of another PID namespace sharing the temporary folder looks gone, and a run
 * writes its spools as it lints.
 */
const QUIET_MS = 60 * 60 * 1000;
/** Any spool folder (one named without its process, by older versions; a reused id) is removed once untouched this long. */
const STALE_MS = 24 * 60 * 60 * 1000;

/** When anything in a folder last changed: the folder's own time and its files'. */
function lastChange(dir: string, own: number): number {
  let last = own;
  for (const name of readdirSync(dir)) {
    try {
      last = Math.max(last, lstatSync(join(dir, name)).mtimeMs);
    } catch {
      // removed meanwhile
    }
  }
  return last;
}

/**
 * Removes the spool folders that killed runs of this user left behind (they hold patient data):
 * those of a process that is gone (`b12lint-spool-<pid>-XXXXXX`) untouched for an hour, and any
 * untouched for a day.
 */
function sweepSpoolFolders(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(SPOOL_PREFIX)) continue;
    const p = join(root, name);
    try {
      const st = lstatSync(p);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
      const pid = /^b12lint-spool-(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1];
      if (pid === undefined && !/^b12lint-spool-[A-Za-z0-9]{6}$/.test(name)) continue;
      const gone = pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid));
      if (Date.now() - st.mtimeMs < QUIET_MS) continue; // most folders: nothing more to look at
      const age = Date.now() - lastChange(p, st.mtimeMs);
      if ((gone && age > QUIET_MS) || age > STALE_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

/** True when a process of that id runs (one of another user counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The process's spool folder, made on first use (mode 700) and removed, with its spools, at exit;
 * the folders of killed runs are removed then.
 */
export function spoolFolder(): string {
  if (folder === undefined) {
    sweepSpoolFolders(tmpdir());
    folder = mkdtempSync(join(tmpdir(), `${SPOOL_PREFIX}${process.pid}-`));
    const made = folder;
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return folder;
}
