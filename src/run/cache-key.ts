/**
 * The key that seals the cache and its replay when `B12LINT_CACHE_KEY` is not set: a random key of
 * this user on this machine, kept outside any checkout (`$XDG_CACHE_HOME/b12lint/cache-key`, else
 * `~/.cache/b12lint/cache-key`, made on first use, readable by its owner only). A cache folder
 * inside the checkout (the default) can be committed by whoever opens a pull request; sealed with
 * a key anyone knows, it could forge findings and the exit code. Sealed with this one, a cache
 * made elsewhere does not verify and its files are linted. Where no such key can be kept (no home
 * folder, a read-only one, a key file that is a link or readable by others), the public key is
 * used, as before, and the cache then catches damage, not forgery (docs/cache.md).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Where this user's key is kept, or undefined when there is no place for it. */
export function machineKeyPath(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'b12lint', 'cache-key');
  let home: string;
  try {
    home = homedir();
  } catch {
    return undefined;
  }
  return home && isAbsolute(home) ? join(home, '.cache', 'b12lint', 'cache-key') : undefined;
}

const KEY_BYTES = 32;

/** The key in the file, when the file is this user's own, private, and holds one. */
function readKey(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    const own = typeof process.getuid !== 'function' || st.uid === process.getuid();
    if (!st.isFile() || !own || (st.mode & 0o077) !== 0 || st.size > 1024) return undefined;
    const buf = Buffer.alloc(1024);
    const text = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0)).trim();
    return /^[0-9a-f]{64}$/.test(text) ? text : undefined;
  } finally {
    closeSync(fd);
  }
}

/** This user's key, made when there is none yet; undefined when it can be neither read nor made. */
export function machineKey(env: NodeJS.ProcessEnv): string | undefined {
  const path = machineKeyPath(env);
  if (!path) return undefined;
  const known = readKey(path);
  if (known) return known;
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    // Made exclusively: a file or link put there meanwhile is never written through.
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(KEY_BYTES).toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Another run made it first (then it is read below), or there is no place for it.
  }
  return readKey(path);
}
