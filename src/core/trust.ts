/**
 * Who could have put a file in place: the one check for the files b12lint reads without the
 * user naming them (the cache key, src/run/cache-key.ts; a config found by the lookup,
 * src/run/config.ts). A file another user could have written or planted is not trusted
 * (docs/security.md, the trust table).
 */
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
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
 * Whether users other than the owner may write to a file or folder b12lint found: everyone, or a
 * group that is not this user's private group. A private group (Debian and Ubuntu give each user
 * one, with umask 002) makes every file the user writes group-writable, and writable by no one
 * else. b12lint reads no POSIX ACLs: a grant to another user shows only in the group bits.
 */
function othersMayWrite(st: { mode: number; gid: number }): boolean {
  if ((st.mode & 0o002) !== 0) return true;
  return (st.mode & 0o020) !== 0 && !isPrivateGroup(st.gid);
}

let privateGroups: Map<number, boolean> | undefined;

/**
 * Whether a group is this user's private group: the user's primary group, which /etc/group lists
 * with no members and /etc/passwd gives no other user as theirs. Where those files say nothing of
 * it (a directory service), it is not known to be private.
 */
function isPrivateGroup(gid: number): boolean {
  if (typeof process.getgid !== 'function' || gid !== process.getgid()) return false;
  privateGroups ??= new Map();
  const known = privateGroups.get(gid);
  if (known !== undefined) return known;
  let found: boolean;
  try {
    const groups = readFileSync('/etc/group', 'utf8').split('\n');
    const line = groups.map((l) => l.split(':')).find((f) => f.length >= 4 && Number(f[2]) === gid);
    const others = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f.length >= 4 && Number(f[3]) === gid && Number(f[2]) !== me());
    found = line !== undefined && line[3]!.trim() === '' && others.length === 0;
  } catch {
    found = false;
  }
  privateGroups.set(gid, found);
  return found;
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(3, '0');

/**
 * Why a file b12lint found by looking (not one the user named) may be someone else's plant, or
 * undefined when it is not. It is refused when it (or a link under its name) is owned by a user
 * other than this one or root, when others may write to it, or when its folder is another user's
 * or others may write in it (a shared /tmp), unless the folder keeps others from replacing a file
 * of this user's (the sticky bit) and the file is this user's. A file of root's in a folder only
 * root may write to (/etc) is trusted.
 */
export function plantedWhy(path: string): string | undefined {
  if (me() === undefined) return undefined; // no owners to check (Windows)
  const owner = (uid: number): boolean => isMine(uid) || uid === 0;
  try {
    const entry = lstatSync(path);
    const file = statSync(path);
    const why: string[] = [];
    if (!owner(entry.uid) || !owner(file.uid)) why.push(`it is owned by another user (uid ${owner(entry.uid) ? file.uid : entry.uid})`);
    if (othersMayWrite(file)) why.push(`others can write to it (mode ${octal(file.mode)})`);
    const folders = [...new Set([dirname(path), dirname(realpathSync(path))])];
    for (const dir of folders) {
      const folder = statSync(dir);
      const sticky = (folder.mode & 0o1000) !== 0;
      if (!owner(folder.uid)) why.push(`it is in a folder owned by another user (uid ${folder.uid})`);
      else if (othersMayWrite(folder) && !(sticky && isMine(entry.uid) && isMine(file.uid)))
        why.push(`it is in a folder others can write to (mode ${octal(folder.mode)})`);
    }
    return why.length ? [...new Set(why)].join('; ') : undefined;
  } catch (err) {
    return `it cannot be checked (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}
