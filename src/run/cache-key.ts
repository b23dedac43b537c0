/**
 * The key that seals the cache and its replay when `B12LINT_CACHE_KEY` is not set: a random key of
 * this user on this machine, kept outside any checkout (`$XDG_CACHE_HOME/b12lint/cache-key`, else
 * `$HOME/.cache/b12lint/cache-key`), made on first use, readable by its owner only. A cache folder
 * inside the checkout (the default) can be committed by whoever opens a pull request; sealed with
 * a key anyone knows, it could forge findings and the exit code. Sealed with this one, a cache
 * made elsewhere does not verify and its files are linted.
 *
 * - The key is made whole before it is put in place (written to a file of its own, then linked
 *   under its name), so a run never finds half a key, and two runs making it at once agree.
 * - A key file that is there but cannot be trusted (not a regular file, a link, empty, another
 *   user's, readable by others, or in a folder others can write) is not used, and neither is the
 *   public key: the run gets a key of its own that no one else has, so no cache is taken, and a
 *   warning says why (`unusable`).
 * - Where there is no place for a key at all (no home folder, a read-only one), the public key is
 *   used, as before: the cache then catches damage, not forgery (docs/cache.md).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { isMine, onlyMine } from '../core/trust.js';

/** Where this user's key is kept, or undefined when there is no place for it. */
export function machineKeyPath(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'b12lint', 'cache-key');
  const home = env.HOME;
  return home && isAbsolute(home) ? join(home, '.cache', 'b12lint', 'cache-key') : undefined;
}

const KEY_BYTES = 32;
const KEY_TEXT = /^[0-9a-f]{64}$/;

export interface CacheKey {
  /** The key; undefined for the public one. */
  secret?: string;
  /** Why a key file that is there was not used (the run then has a key of its own). */
  unusable?: string;
}

/** Whether a folder is this user's and no one else can write in it. */
function privateFolder(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isDirectory() && onlyMine(st);
  } catch {
    return false;
  }
}

/** The key in the file: the key, `undefined` when there is no file, or why the file is not used. */
function readKey(path: string): { key: string } | { why: string } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // no key yet, or no place for one
    return { why: code === 'ELOOP' ? 'it is a link' : `it cannot be read (${code ?? 'error'})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { why: 'it is not a regular file' };
    if (!isMine(st.uid)) return { why: "it is another user's" };
    if ((st.mode & 0o077) !== 0) return { why: 'others can read or write it' };
    if (!privateFolder(dirname(path))) return { why: "its folder is another user's or others can write in it" };
    const buf = Buffer.alloc(256);
    const text = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0)).trim();
    return KEY_TEXT.test(text) ? { key: text } : { why: 'it does not hold a key' };
  } finally {
    closeSync(fd);
  }
}

/** This user's key, made when there is none yet. */
export function machineKey(env: NodeJS.ProcessEnv): CacheKey {
  const path = machineKeyPath(env);
  if (!path) return {};
  const known = readKey(path);
  if (known) return 'key' in known ? { secret: known.key } : ownKey(path, known.why);
  const temp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(KEY_BYTES).toString('hex')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, path); // the whole key under its name, or EEXIST: another run's, read below
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } catch {
    return {}; // no place for a key: the public one
  } finally {
    try {
      rmSync(temp, { force: true });
    } catch {
      // no folder to remove it from
    }
  }
  const made = readKey(path);
  if (!made) return {};
  return 'key' in made ? { secret: made.key } : ownKey(path, made.why);
}

/** A key for this run alone, for when the key file cannot be trusted: no cache verifies under it. */
function ownKey(path: string, why: string): CacheKey {
  return {
    secret: randomBytes(KEY_BYTES).toString('hex'),
    unusable: `the cache key ${path} is not used (${why}): no cache is taken; remove it and a new one is made`,
  };
}
