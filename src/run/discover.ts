/**
 * Discovery: files, folders and globs become a sorted list of chart files. Folders are searched
 * for the chart extensions, skipping node_modules, dot-folders, b12lint's own config files and
 * whatever `.b12lintignore` (gitignore syntax) and the config's `ignore` list name. A folder is
 * walked with readdir directly (a run over 20,000 files spends no time matching glob patterns);
 * globs go through fast-glob. What a walk meets and cannot read (a folder it may not list, a path
 * too long to open, a name that is not UTF-8) or does not follow (a symbolic link to a folder) is
 * never passed over in silence: it comes back as `unreached`, each a `read-error` of the run.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { readSideInput, SideInputError } from '../read/bounded.js';
import { notUtf8Part, readCause } from '../core/io.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { grouped } from '../core/numbers.js';

/** fast-glob, loaded only for folders and globs: a run over named files starts without it. */
const glob = async (): Promise<typeof import('fast-glob')> => (await import('fast-glob')).default;

export const CHART_EXTENSIONS = ['json', 'yaml', 'yml', 'ndjson', 'jsonl'] as const;
const CONFIG_NAMES = new Set([
  'b12lint.config.yaml',
  '.b12lintrc.yaml',
  'b12lint-baseline.json',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
]);

export class NoFilesError extends Error {}

export interface DiscoverOptions {
  cwd: string;
  /** gitignore-style patterns from the config. */
  ignore?: readonly string[];
  /** Read `.b12lintignore` in cwd (default true). */
  useIgnoreFile?: boolean;
  /**
   * Absolute paths never linted: b12lint's own outputs (reports, the baseline), compared whole
   * rather than matched as patterns, in any case (as the ignore patterns are, and as a
   * case-insensitive file system names them).
   */
  exclude?: readonly string[];
  /**
   * The run's cache folder (absolute): never linted. A chart file in it that the run was asked to
   * lint (its own `cache.json` goes in `exclude`) refuses the run, NoFilesError, rather than being
   * left out unseen.
   */
  cacheFolder?: string;
}

/**
 * A place a folder walk could not read, or did not follow: the run reports it as a `read-error`
 * at its path (an `info` for a symbolic link to a folder), and counts it as one chart not linted.
 */
export interface Unreached {
  /** Absolute path of the folder, file or link. */
  abs: string;
  severity: 'error' | 'info';
  message: string;
}

export interface Discovered {
  /** Absolute paths of the chart files, sorted, each once. */
  files: string[];
  /** What the walks met and could not read or follow, in walk order, each once. */
  unreached: Unreached[];
}

/** The note for a symbolic link to a folder met in a folder walk. */
export const LINKED_FOLDER =
  'A symbolic link to a folder: not followed in a folder walk (a link back up the tree would make it endless), so the charts it leads to are not linted here. Name the folder on the command line to lint them, or name the link in .b12lintignore.';

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** The ignore matcher, or undefined when nothing is ignored (most runs: no per-file matching then). */
function makeIgnore(options: DiscoverOptions): Ignore | undefined {
  const lines: string[] = [];
  // One pattern a line: `ignore` splits a text into lines, but takes each item of a list whole.
  const add = (text: string, where: (line: number) => string): void => {
    text.split(/\r?\n/).forEach((line, k) => {
      checkPattern(line, () => where(k + 1));
      lines.push(line);
    });
  };
  if (options.useIgnoreFile !== false) {
    const f = resolve(options.cwd, '.b12lintignore');
    if (existsSync(f)) {
      let text: string;
      try {
        text = readSideInput(f); // a regular file under the size limit: never a planted pipe
      } catch (err) {
        throw err instanceof SideInputError ? new SideInputError(`cannot read .b12lintignore: ${err.message}`) : err;
      }
      add(text, (line) => `.b12lintignore:${line}`);
    }
  }
  for (const [k, p] of (options.ignore ?? []).entries()) add(p, () => `the config's ignore list, item ${k + 1}`);
  // Case-sensitive, as git reads a .gitignore on Linux: `Archive/` does not also leave out
  // `archive/` (a chart left out unseen is the costly mistake; one linted by a pattern written in
  // another case shows itself).
  return lines.some((p) => p.trim() !== '') ? ignore({ ignorecase: false }).add(lines) : undefined;
}

/**
 * A pattern may have one `**` standing for folders between two names, no more: the `ignore`
 * package matches each with a pattern that backtracks, so the time to match a path grows with its
 * depth to the power of their number plus one (three of them and a path 500 folders deep took 7 s
 * a file). A `**` that begins or ends the pattern costs nothing and is not counted.
 */
function checkPattern(line: string, where: () => string): void {
  let inner = 0;
  for (let at = line.indexOf('/**/'); at >= 0; at = line.indexOf('/**/', at + 3)) inner++;
  if (inner > 1)
    throw new SideInputError(
      `${where()}: a pattern may have at most one "/**/" between two names (this one has ${inner}): matching it against deep paths would take too long. Write it as several patterns.`,
    );
}

function isIgnored(ig: Ignore | undefined, abs: string, cwd: string): boolean {
  if (!ig) return false;
  const rel = displayPath(abs, cwd);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  return ig.ignores(rel);
}

/** Whether a path is one of `paths`, in any case; a path of another length is passed over without lower-casing it. */
function excluder(paths: readonly string[]): (abs: string) => boolean {
  const lower = new Set(paths.map((p) => p.toLowerCase()));
  const lengths = new Set(paths.map((p) => p.length));
  return (abs) => lengths.has(abs.length) && lower.has(abs.toLowerCase());
}

/** Whether a path is under `folder` (or is it), in any case, as `exclude` is compared. */
function underFolder(folder: string): (abs: string) => boolean {
  const f = folder.toLowerCase();
  const prefix = f.endsWith(sep) ? f : f + sep;
  return (abs) => {
    const a = abs.toLowerCase();
    return a === f || a.startsWith(prefix);
  };
}

/** The refusal of a cache folder that holds chart files the run was asked to lint. */
function cacheRefusal(folder: string, hits: readonly string[], cwd: string): NoFilesError {
  const shown = relative(cwd, folder) === '' ? '.' : displayPath(folder, cwd);
  const more = hits.length > 1 ? ` and ${grouped(hits.length - 1)} more` : '';
  return new NoFilesError(
    `the cache folder "${shown}" (--cache-location) holds chart files this run was asked to lint ("${displayPath(hits[0]!, cwd)}"${more}); a run never lints its cache folder: give --cache-location a folder outside the charts' folders`,
  );
}

/** Why a path named on the command line that stat cannot reach may still be a file (linted: a `read-error` says why), not a path that matches nothing. */
function unreachable(err: unknown, abs: string): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'ENAMETOOLONG' ||
    code === 'ELOOP' ||
    (code === 'ENOENT' && notUtf8Part(abs) !== undefined)
  );
}

/** Absolute paths of the chart files, sorted, each once; a walk that met a place it cannot read throws (NoFilesError). */
export async function discover(inputs: readonly string[], options: DiscoverOptions): Promise<string[]> {
  const { files, unreached } = await discoverAll(inputs, options);
  const unread = unreached.find((u) => u.severity === 'error');
  if (unread) throw new NoFilesError(`"${displayPath(unread.abs, options.cwd)}": ${unread.message}`);
  return files;
}

/** The chart files of the inputs, and what their folder walks met and could not read or follow. */
export async function discoverAll(inputs: readonly string[], options: DiscoverOptions): Promise<Discovered> {
  const cwd = options.cwd;
  const ig = makeIgnore(options);
  const excluded = excluder(options.exclude ?? []);
  const inCache = options.cacheFolder !== undefined ? underFolder(options.cacheFolder) : undefined;
  const skipped = (abs: string): boolean => excluded(abs) || isIgnored(ig, abs, cwd);
  // A chart the run was asked to lint in its cache folder: refused, never left out unseen.
  const refuseCached = (paths: readonly string[]): void => {
    const hits = inCache ? paths.filter(inCache) : [];
    if (hits.length > 0) throw cacheRefusal(options.cacheFolder!, hits, cwd);
  };
  const found = new Set<string>();
  const unreached = new Map<string, Unreached>();
  const links = new Set<string>();
  const patterns = inputs.length ? inputs : ['.'];
  for (const input of patterns) {
    const abs = resolve(cwd, input);
    let st: ReturnType<typeof statSync> | undefined;
    let statError: unknown;
    try {
      st = statSync(abs);
    } catch (err) {
      st = undefined;
      statError = err;
    }
    let matched: string[];
    if ((st && !st.isDirectory()) || (!st && unreachable(statError, abs))) {
      // A file named on the command line is linted whatever its extension, unless ignored
      // (a pipe or device too: lint-file refuses it with a finding; so is one it cannot open).
      matched = skipped(abs) ? [] : [abs];
      if (st && lstatSync(abs).isSymbolicLink()) links.add(abs);
      if (matched.length === 0)
        throw new NoFilesError(
          excluded(abs)
            ? `"${input}" is a report, baseline or cache file of this run`
            : `"${input}" is ignored (.b12lintignore or the config's ignore list)`,
        );
      refuseCached(matched);
    } else if (st?.isDirectory()) {
      const walked = walkFolder(abs, links, input);
      matched = walked.files;
      let met = walked.unreached;
      if (ig || options.exclude?.length) {
        matched = matched.filter((f) => !skipped(f));
        met = met.filter((u) => !skipped(u.abs));
      }
      refuseCached([...matched, ...met.map((u) => u.abs)]);
      for (const u of met) if (!unreached.has(u.abs)) unreached.set(u.abs, u);
      if (matched.length === 0 && !met.some((u) => u.severity === 'error')) throw new NoFilesError(nothingIn(input, met.length));
      // One folder alone: its walk is sorted and lists each file once.
      if (patterns.length === 1) return { files: dedupeLinks(matched, links), unreached: met };
    } else if ((await glob()).isDynamicPattern(toPosix(input))) {
      matched = await walk(toPosix(input), cwd, links, input);
      matched = matched.filter((f) => !skipped(f));
      refuseCached(matched);
      if (matched.length === 0) throw new NoFilesError(`no files match "${input}"`);
    } else {
      throw new NoFilesError(`no such file or folder: "${input}"`);
    }
    for (const f of matched) found.add(f);
  }
  return { files: dedupeLinks([...found].sort(), links), unreached: [...unreached.values()] };
}

/** A folder that holds no chart file: what it says, with the links to folders it holds (not followed). */
function nothingIn(input: string, links: number): string {
  const none = `no chart files (${CHART_EXTENSIONS.map((e) => `*.${e}`).join(', ')}) found in "${input}"`;
  if (links === 0) return none;
  return `${none}: ${links === 1 ? 'a symbolic link to a folder is' : `${grouped(links)} symbolic links to folders are`} not followed in a folder walk; name the folder itself`;
}

const EXTENSIONS: ReadonlySet<string> = new Set(CHART_EXTENSIONS);

/** A chart file's name: a chart extension (in any case), not a dot-file, not one of b12lint's own files. */
function isChartName(name: string): boolean {
  if (name.charCodeAt(0) === 46) return false;
  // Most names end in `.json` or `.yaml` as written: no need to cut and lower-case them.
  const ext = name.endsWith('.json') || name.endsWith('.yaml') || EXTENSIONS.has(name.slice(name.lastIndexOf('.') + 1).toLowerCase());
  return ext && name.lastIndexOf('.') > 0 && !CONFIG_NAMES.has(name) && !name.endsWith('.tests.yaml');
}

/**
 * The chart files under a folder (absolute, normalized paths), sorted as their whole paths sort.
 * Dot-entries and node_modules folders (in any case) are skipped; symbolic links to folders are
 * not followed (each is `unreached`, an info), symbolic links to files are kept (and noted in
 * `links`), as `walk` does for globs. A folder under the root that cannot be listed (permission
 * denied, a path longer than PATH_MAX, a name that is not UTF-8) is `unreached` at its path, the
 * deepest that can be named; the root itself, named on the command line, throws (NoFilesError).
 *
 * Each folder's entries are sorted by name, a folder's name with the separator after it, and
 * walked in that order: the whole paths come out sorted, without sorting 20,000 paths that share
 * their first 60 characters. (Two entries of one folder differ first within their names, where
 * the separator after a folder's name stands where its paths have it; no name holds a separator,
 * so no key is a folder's key and the start of another entry's.)
 */
function walkFolder(root: string, links: Set<string>, input: string): Discovered {
  const out: string[] = [];
  const unreached: Unreached[] = [];
  const visit = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (dir === root) throw new NoFilesError(`cannot read the folder "${input}": ${readCause(err, dir, 'folder')}`);
      unreached.push({ abs: dir, severity: 'error', message: `Cannot read the folder: ${readCause(err, dir, 'folder')}.` });
      return;
    }
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    const keys: string[] = [];
    const linked: string[] = [];
    for (const e of entries) {
      const name = e.name;
      if (e.isDirectory()) {
        if (name.charCodeAt(0) !== 46 && name.toLowerCase() !== 'node_modules') keys.push(name + sep);
      } else if (e.isSymbolicLink() && name.charCodeAt(0) !== 46 && name.toLowerCase() !== 'node_modules' && isFolder(prefix + name)) {
        linked.push(prefix + name);
      } else if (isChartName(name)) {
        if (e.isSymbolicLink()) links.add(prefix + name);
        keys.push(name);
      }
    }
    for (const abs of linked.sort()) unreached.push({ abs, severity: 'info', message: LINKED_FOLDER });
    keys.sort();
    for (const key of keys) {
      if (key.endsWith(sep)) visit(prefix + key.slice(0, -1));
      else out.push(prefix + key);
    }
  };
  visit(root);
  return { files: out, unreached };
}

/**
 * Chart candidates under a glob. A folder under it that cannot be read stops the run (NoFilesError,
 * exit 2). Symbolic links to folders are not followed (a link back up the
 * tree would make the walk endless, or list every chart dozens of times); symbolic links to files
 * are kept. Everything that is not a folder is a candidate: a link to nothing, a link loop, a
 * pipe is reported by lint-file as a file that cannot be read, rather than silently left out.
 */
async function walk(pattern: string, cwd: string, links: Set<string>, input: string): Promise<string[]> {
  const fg = await glob();
  const entries = await fg(anyCharAsClass(pattern), {
    cwd,
    absolute: true,
    dot: false,
    onlyFiles: false,
    objectMode: true,
    followSymbolicLinks: false,
    ignore: ['**/node_modules/**'],
    // fast-glob passes over a folder that vanished (ENOENT); any other failure stops the glob, and
    // so the run: a folder it cannot read is never left out unseen (fast-glob cannot go on past it).
    suppressErrors: false,
    caseSensitiveMatch: true,
  }).catch((err: unknown) => {
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code !== 'string' || typeof e.path !== 'string') throw err;
    throw new NoFilesError(`cannot read "${displayPath(e.path, cwd)}" while matching "${input}": ${readCause(e, e.path, 'folder')}`);
  });
  const out: string[] = [];
  for (const e of entries) {
    if (e.dirent.isDirectory() || (e.dirent.isSymbolicLink() && isFolder(e.path))) continue;
    const path = resolve(e.path);
    if (e.dirent.isSymbolicLink()) links.add(path);
    out.push(path);
  }
  return out;
}

/**
 * The glob with each "?" (any one character) written as the class it stands for, "[!/]" ("[!/.]"
 * where a name begins, so it matches no dot-file, as "?" does not): fast-glob 3 finds nothing for a
 * "?" in a folder's name ("charts/s?b/c.yml"; mrmlnc/fast-glob#380). A "?" escaped, in a class
 * ("[?]") or before "(" (an extglob, "?(a|b)") is left as written.
 */
export function anyCharAsClass(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '?' && pattern[i + 1] !== '(') {
      out += i === 0 || pattern[i - 1] === '/' ? '[!/.]' : '[!/]';
    } else out += c;
  }
  return out;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A file reached both directly and through a symbolic link is linted once, under its own path. */
function dedupeLinks(files: string[], links: ReadonlySet<string>): string[] {
  if (links.size === 0) return files;
  const seen = new Set(files.filter((f) => !links.has(f)));
  return files.filter((f) => {
    if (!links.has(f)) return true;
    let real: string;
    try {
      real = realpathSync(f);
    } catch {
      return true; // a link to nothing or a loop: lint-file reports it
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/** A path as reports show it: relative to the current folder, with `/` separators. */
export function displayPath(abs: string, cwd: string): string {
  // The common case (a file under the current folder) without path.relative's normalization.
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep;
  if (abs.startsWith(prefix) && !abs.includes(`${sep}..${sep}`) && !abs.includes(`${sep}.${sep}`)) return toPosix(abs.slice(prefix.length));
  const rel = relative(cwd, abs);
  return toPosix(rel === '' ? abs : rel);
}
