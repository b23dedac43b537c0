/**
 * How b12lint writes its files (reports, the baseline, the cache). A regular file, or a new
 * path, is written atomically: to a temporary file in the same folder, then renamed, so a killed
 * run never leaves a half-written report that a CI step would read as clean. What is not a
 * regular file (a FIFO, a character device such as /dev/null or /dev/full, a terminal, or a link
 * to one, and anything reached through /proc such as /dev/stderr) is written into, never replaced:
 * the report is made in a private temporary file first and then copied in, without ever
 * blocking the process (so Ctrl-C still works while a FIFO waits for its reader).
 *
 * Temporary files get a random name and are created only if new (O_EXCL: never through a link
 * planted under that name), readable by their owner only until renamed when asked (the cache).
 * Those a killed run left behind next to a file are removed the next time that file is written.
 * Every failure is an OutputError naming the file and the cause in words (exit 2); `ioCause`
 * puts any I/O failure in those words, for reads (read/bounded.ts) and writes alike.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { alive, spoolFolder } from './temp.js';

/** A cause already in words (a file where a folder should be). */
export class IoProblem extends Error {}

/** An I/O failure in words, for messages: `permission denied`, `no space left on the device`. */
export function ioCause(err: unknown): string {
  if (err instanceof IoProblem) return err.message;
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EFBIG':
      return 'the file is too large for the file system';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EEXIST':
      return 'a file is in the way';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many symbolic links (a symbolic link loop)';
    case 'EPIPE':
      return 'the reading end was closed';
    case 'ENXIO':
      return 'there is nothing on the other end (a socket or an unconnected device)';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'an input/output error of the device';
    case 'EBUSY':
      return 'the file is busy';
    case 'ETXTBSY':
      return 'the file is a running program';
    default:
      return e?.code ?? (err instanceof Error ? err.message : String(err));
  }
}

/**
 * Whether a path names no file because a name in it is not UTF-8 text: Node.js reads a name such
 * as Latin-1 `caf\xe9.yaml` with U+FFFD for the byte it cannot decode, and that path opens nothing.
 * `name` when its last name is such a name, `folder` when a folder's above it is; undefined when
 * neither is (or cannot be told). The folders are listed as bytes only here, on a path that failed.
 */
export function notUtf8Part(abs: string): 'name' | 'folder' | undefined {
  if (!abs.includes('\ufffd')) return undefined;
  let p = resolve(abs);
  for (let last = true; dirname(p) !== p; last = false, p = dirname(p)) {
    const name = basename(p);
    if (!name.includes('\ufffd')) continue;
    try {
      if (readdirSync(dirname(p), { encoding: 'buffer' }).some((n) => !isUtf8(n) && n.toString('utf8') === name))
        return last ? 'name' : 'folder';
    } catch {
      // Its folder cannot be listed either: a name further up may be the one.
    }
  }
  return undefined;
}

/**
 * Why a chart file, or a folder a walk meets, cannot be read, in words, for its `read-error`:
 * `permission denied`, `its name is not UTF-8 text, ...`.
 */
export function readCause(err: unknown, abs: string, kind: 'file' | 'folder'): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT': {
      const part = notUtf8Part(abs);
      if (part === 'name') return 'its name is not UTF-8 text, so b12lint cannot open it: rename it';
      if (part === 'folder') return 'the name of a folder in its path is not UTF-8 text, so b12lint cannot open it: rename that folder';
      return kind === 'file'
        ? 'it no longer exists (deleted or moved after the run found it, or a symbolic link to nothing)'
        : 'it no longer exists (deleted or moved after the run found it)';
    }
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'this is a folder, not a file';
    case 'ELOOP':
      return 'too many symbolic links (a symbolic link loop)';
    case 'ENAMETOOLONG':
      return `its path is longer than the system allows (PATH_MAX): move ${kind === 'file' ? 'it' : 'its files'} to a shorter path`;
    default:
      return e?.code ?? String(err);
  }
}

/** A file b12lint could not write: exit 2, one line naming what, where and why. */
export class OutputError extends Error {}

/** `cannot write the report to out/b12.json: permission denied` */
export function outputError(what: string, shown: string, err: unknown): OutputError {
  if (err instanceof OutputError) return err;
  return new OutputError(`cannot write ${what} to ${shown}: ${ioCause(err)}`);
}

/** A file being written: chunks go to a private temporary file; `commit` puts it in place. */
export interface OutputFile {
  /** Written into what is there (a FIFO, a device) rather than renamed into place. */
  readonly into: boolean;
  write(chunk: string | Uint8Array): void;
  /** Renames the temporary file into place, or copies it into a FIFO or device; stops at an aborted `signal`. */
  commit(signal?: AbortSignal): Promise<void>;
  abort(): void;
  /** The permission bits, owner and group the file is made with (a replay leaves a report in place only if it has them). */
  readonly made: { mode: number; uid: number; gid: number };
}

/** How a path is written: atomically (a regular file, a new path, a link to nothing), or into (anything else). */
export function writesInto(path: string): boolean {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    if (p.startsWith('/proc/')) return true; // /dev/stderr, /dev/fd/N: the kernel's links to open files
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return false; // a new path (or a link to nothing): made by rename
    }
    if (!st.isSymbolicLink()) return !st.isFile() && !st.isDirectory();
    p = resolve(dirname(p), readlinkSync(p));
  }
  return false; // a link loop: the open fails and says so
}

/**
 * Opens the regular file at `abs` to read and hands its descriptor to `use`, when its `lstat` is a
 * regular file that `accept` takes: never through a link, never opening a FIFO or a device (which
 * could block or have effects), and only if the file opened is the one looked at (the same device
 * and inode). False when any of that fails or throws; the descriptor is closed either way.
 */
export function withRegularFile(abs: string, accept: (st: BigIntStats) => boolean, use: (fd: number) => boolean): boolean {
  let fd: number | undefined;
  try {
    const st = lstatSync(abs, { bigint: true });
    if (!st.isFile() || !accept(st)) return false;
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    const opened = fstatSync(fd, { bigint: true });
    if (!opened.isFile() || opened.ino !== st.ino || opened.dev !== st.dev) return false; // another file since the look
    return use(fd);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Temporary files a run makes next to `base`: `.base.<pid>.<random>.tmp` (and the older `.base.<pid>.<ms>.tmp`). */
function tempPattern(base: string): RegExp {
  return new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.(?:[0-9a-f]{16}|\\d{10,})\\.tmp$`);
}

/** Temporary files of this process still being written: never swept (its others are leftovers of a failed write). */
const live = new Set<string>();
/**
 * A leftover is swept once untouched this long when its process is gone (a process of another
 * PID namespace sharing the folder looks gone: a file it is writing is never this old)...
 */
const QUIET_MS = 10 * 60 * 1000;
/** ... and once this old whatever its process id says (ids are reused). */
const STALE_MS = 60 * 60 * 1000;

/** Removes the temporary files a killed run left next to `path` (untouched for a while, of a process that is gone, or old). */
export function sweepLeftovers(path: string): void {
  const dir = dirname(path);
  const pattern = tempPattern(basename(path));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    const p = join(dir, name);
    if (!m || live.has(p)) continue;
    try {
      const st = lstatSync(p);
      const age = Date.now() - st.mtimeMs;
      const gone = Number(m[1]) === process.pid || !alive(Number(m[1]));
      if (st.isFile() && ((gone && age > QUIET_MS) || age > STALE_MS)) rmSync(p, { force: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

/** Creates a new temporary file next to `path` under a random name, only if new: its descriptor and name. */
function createTemp(dir: string, base: string, mode: number): { fd: number; tmp: string } {
  for (let tries = 0; ; tries++) {
    const tmp = join(dir, `.${base}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
    try {
      const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
      live.add(tmp);
      return { fd, tmp };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 8) throw err;
    }
  }
}

/** A path for a message: from the current folder when inside it. */
function shown(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** Makes the folder of `path`; a file in the way is named. */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw err;
    for (let d = dir; dirname(d) !== d; d = dirname(d)) {
      try {
        if (!statSync(d).isDirectory()) throw new IoProblem(`${shown(d)} is a file, not a folder`);
        break;
      } catch (e) {
        if (e instanceof IoProblem) throw e;
      }
    }
    throw err;
  }
}

function writeAll(fd: number, chunk: string | Uint8Array): void {
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Copies the temporary file into the FIFO or device at `path`, opened without blocking: a FIFO
 * with no reader yet is waited for, and a full one written again once it drains, by polling, so
 * the process always stays responsive to signals.
 */
async function copyInto(tmp: string, path: string, signal?: AbortSignal): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0);
  let out: number | undefined;
  while (out === undefined) {
    signal?.throwIfAborted();
    try {
      out = openSync(path, flags);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO' || !statSync(path).isFIFO()) throw err;
      await sleep(20); // a FIFO nobody reads yet
    }
  }
  const fd = openSync(tmp, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      for (let done = 0; done < n;) {
        try {
          done += writeSync(out, buf, done, n - done);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
          signal?.throwIfAborted();
          await sleep(5); // the reader is behind
        }
      }
    }
  } finally {
    closeSync(fd);
    closeSync(out);
  }
}

/**
 * Opens `path` for writing (see the header). `mode` sets a new file's permissions (0o600: its
 * owner only); by default, what the umask leaves. `into: false` never writes into what is there
 * (the cache: its own file, always replaced).
 */
export function openOutput(path: string, options: { mode?: number; into?: boolean } = {}): OutputFile {
  const target = resolve(path);
  const into = (options.into ?? true) && writesInto(target);
  if (!into && existsFolder(target)) throw new IoProblem('it is a folder');
  if (into && isBlockDevice(target)) throw new IoProblem('it is a disk (a block device): b12lint writes no report into one');
  const dir = into ? spoolFolder() : dirname(target);
  if (!into) {
    makeFolder(dir);
    sweepLeftovers(target);
  }
  const { fd, tmp } = createTemp(dir, basename(target), options.mode ?? 0o666);
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  const remove = (): void => {
    close();
    rmSync(tmp, { force: true });
    live.delete(tmp);
  };
  return {
    into,
    made: made(fd),
    write: (chunk) => writeAll(fd, chunk),
    commit: async (signal) => {
      close();
      try {
        if (into) await copyInto(tmp, target, signal);
        else renameSync(tmp, target);
      } finally {
        remove();
      }
    },
    abort: remove,
  };
}

function made(fd: number): { mode: number; uid: number; gid: number } {
  const st = fstatSync(fd);
  return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

function isBlockDevice(p: string): boolean {
  try {
    return statSync(p).isBlockDevice();
  } catch {
    return false;
  }
}

function existsFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Writes a whole text atomically to a file of b12lint's own (the cache): never into what is there. */
export function writeAtomic(path: string, text: string | Uint8Array, mode?: number): void {
  const target = resolve(path);
  if (existsFolder(target)) throw new IoProblem('it is a folder');
  const dir = dirname(target);
  makeFolder(dir);
  sweepLeftovers(target);
  const { fd, tmp } = createTemp(dir, basename(target), mode ?? 0o666);
  try {
    try {
      writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    live.delete(tmp);
  }
}
