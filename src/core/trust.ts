/**
 * Who could have put a file in place: the one check for the files b12lint reads without the
 * user naming them (the cache key, src/run/cache-key.ts; a config found by the lookup,
 * src/run/config.ts). A file another user could have written or planted is not trusted
 * (docs/security.md, the trust table).
 */
import { lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** This user's id; undefined where there are none (Windows): every file is then the user's. */
const me = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** Whether a file or folder with this owner is this user's. */
export function isMine(uid: number): boolean {
  const id = me();
  return id === undefined || uid === id;
}

/** Whether users other than the owner (its group, or everyone) may write to it. */
export function othersCanWrite(mode: number): boolean {
  return (mode & 0o022) !== 0;
}

/** Whether only this user can change a file or folder: it is this user's, and no one else may write to it. */
export function onlyMine(st: { uid: number; mode: number }): boolean {
  return isMine(st.uid) && !othersCanWrite(st.mode);
}

/**
 * Whether users other than the owner may write to a file b12lint found: everyone, or a group that
 * is not this user's own primary group. A user's private group (Debian and Ubuntu give each user
 * one, with umask 002) makes every file the user writes group-writable, and writable by no one else.
 */
function othersMayWrite(st: { mode: number; gid: number }): boolean {
  if ((st.mode & 0o002) !== 0) return true;
  return (st.mode & 0o020) !== 0 && (typeof process.getgid !== 'function' || st.gid !== process.getgid());
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(3, '0');

/**
 * Why a file b12lint found by looking (not one the user named) may be someone else's plant, or
 * undefined when it is not. It is refused when it (or a link under its name) is owned by a user
 * other than this one or root, when others may write to it, or when it is not this user's and
 * sits in a folder that others may write to (a shared /tmp, sticky bit or not) or that is another
 * user's. A file of root's in a folder only root may write to (/etc) is trusted.
 */
export function plantedWhy(path: string): string | undefined {
  if (me() === undefined) return undefined; // no owners to check (Windows)
  const owner = (uid: number): boolean => isMine(uid) || uid === 0;
  try {
    const entry = lstatSync(path);
    const file = statSync(path);
    const folder = statSync(dirname(path));
    const why: string[] = [];
    if (!owner(entry.uid) || !owner(file.uid)) why.push(`it is owned by another user (uid ${owner(entry.uid) ? file.uid : entry.uid})`);
    if (othersMayWrite(file)) why.push(`others can write to it (mode ${octal(file.mode)})`);
    if (!isMine(entry.uid) && !(owner(folder.uid) && !othersCanWrite(folder.mode)))
      why.push(
        owner(folder.uid)
          ? `it is in a folder others can write to (mode ${octal(folder.mode)})`
          : `it is in a folder owned by another user (uid ${folder.uid})`,
      );
    return why.length ? why.join('; ') : undefined;
  } catch (err) {
    return `it cannot be checked (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}
