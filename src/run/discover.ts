/**
 * Discovery: files, folders and globs become a sorted list of chart files. Folders are searched
 * for the chart extensions, skipping node_modules, dot-folders, b12lint's own config files and
 * whatever `.b12lintignore` (gitignore syntax) and the config's `ignore` list name. A folder is
 * walked with readdir directly (a run over 20,000 files spends no time matching glob patterns);
 * globs go through fast-glob.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { readSideInput, SideInputError } from '../read/bounded.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

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
  /** Absolute folders whose files are never linted in a folder walk or glob: the run's cache folder. */
  excludeFolders?: readonly string[];
}

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
function excluder(paths: readonly string[], folders: readonly string[] = []): (abs: string) => boolean {
  const lower = new Set(paths.map((p) => p.toLowerCase()));
  const lengths = new Set(paths.map((p) => p.length));
  const under = folders.map((f) => `${f.toLowerCase()}${sep}`);
  return (abs) =>
    (lengths.has(abs.length) && lower.has(abs.toLowerCase())) || (under.length > 0 && under.some((f) => abs.toLowerCase().startsWith(f)));
}

/** Absolute paths of the chart files, sorted, each once. */
export async function discover(inputs: readonly string[], options: DiscoverOptions): Promise<string[]> {
  const cwd = options.cwd;
  const ig = makeIgnore(options);
  const excluded = excluder(options.exclude ?? [], options.excludeFolders ?? []);
  const skipped = (abs: string): boolean => excluded(abs) || isIgnored(ig, abs, cwd);
  const found = new Set<string>();
  const links = new Set<string>();
  const patterns = inputs.length ? inputs : ['.'];
  for (const input of patterns) {
    const abs = resolve(cwd, input);
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    let matched: string[];
    if (st && !st.isDirectory()) {
      // A file named on the command line is linted whatever its extension, unless ignored
      // (a pipe or device too: lint-file refuses it with a finding).
      matched = skipped(abs) ? [] : [abs];
      if (lstatSync(abs).isSymbolicLink()) links.add(abs);
      if (matched.length === 0)
        throw new NoFilesError(
          excluded(abs)
            ? `"${input}" is a report, baseline or cache file of this run`
            : `"${input}" is ignored (.b12lintignore or the config's ignore list)`,
        );
    } else if (st?.isDirectory()) {
      matched = walkFolder(abs, links);
      if (ig || options.exclude?.length || options.excludeFolders?.length) matched = matched.filter((f) => !skipped(f));
      if (matched.length === 0)
        throw new NoFilesError(`no chart files (${CHART_EXTENSIONS.map((e) => `*.${e}`).join(', ')}) found in "${input}"`);
      // One folder alone: its walk is sorted and lists each file once.
      if (patterns.length === 1) return dedupeLinks(matched, links);
    } else if ((await glob()).isDynamicPattern(toPosix(input))) {
      matched = await walk(toPosix(input), cwd, links);
      matched = matched.filter((f) => !skipped(f));
      if (matched.length === 0) throw new NoFilesError(`no files match "${input}"`);
    } else {
      throw new NoFilesError(`no such file or folder: "${input}"`);
    }
    for (const f of matched) found.add(f);
  }
  return dedupeLinks([...found].sort(), links);
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
 * not followed, symbolic links to files are kept (and noted in `links`), as `walk` does for globs;
 * a folder that cannot be read is passed over.
 *
 * Each folder's entries are sorted by name, a folder's name with the separator after it, and
 * walked in that order: the whole paths come out sorted, without sorting 20,000 paths that share
 * their first 60 characters. (Two entries of one folder differ first within their names, where
 * the separator after a folder's name stands where its paths have it; no name holds a separator,
 * so no key is a folder's key and the start of another entry's.)
 */
function walkFolder(root: string, links: Set<string>): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    const keys: string[] = [];
    for (const e of entries) {
      const name = e.name;
      if (e.isDirectory()) {
        if (name.charCodeAt(0) !== 46 && name.toLowerCase() !== 'node_modules') keys.push(name + sep);
      } else if (isChartName(name)) {
        if (e.isSymbolicLink()) {
          const path = prefix + name;
          if (isFolder(path)) continue;
          links.add(path);
        }
        keys.push(name);
      }
    }
    keys.sort();
    for (const key of keys) {
      if (key.endsWith(sep)) visit(prefix + key.slice(0, -1));
      else out.push(prefix + key);
    }
  };
  visit(root);
  return out;
}

/**
 * Chart candidates under a glob. Symbolic links to folders are not followed (a link back up the
 * tree would make the walk endless, or list every chart dozens of times); symbolic links to files
 * are kept. Everything that is not a folder is a candidate: a link to nothing, a link loop, a
 * pipe is reported by lint-file as a file that cannot be read, rather than silently left out.
 */
async function walk(pattern: string, cwd: string, links: Set<string>): Promise<string[]> {
  const fg = await glob();
  const entries = await fg(anyCharAsClass(pattern), {
    cwd,
    absolute: true,
    dot: false,
    onlyFiles: false,
    objectMode: true,
    followSymbolicLinks: false,
    ignore: ['**/node_modules/**'],
    suppressErrors: true,
    caseSensitiveMatch: true,
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
