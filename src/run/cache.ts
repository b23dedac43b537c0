/**
 * `--cache`: a file's outcome is kept between runs, keyed by the file (its content hash, or with
 * `--cache-strategy metadata` its size and modification time) and by everything else its findings
 * depend on: the ruleset fingerprint (ruleset and config text, ICD-10-CM tables, b12lint version)
 * and the options that change findings. A changed chart re-lints that chart only; a changed
 * ruleset, config, code table or version re-lints everything.
 *
 * One file, written atomically at the end of a run that changed something, holding only the
 * files of that run. A run with nothing changed reads it, checks each file and writes nothing, so
 * the file is made cheap to read: a one-line header (format, strategy, a hash of the key), read
 * before anything else, so that a cache of another ruleset or version costs nothing to pass over;
 * then one line per file: a checksum of the entry, and the entry as one compact JSON array (no
 * repeated keys around it, no report path; the chart list and the findings as the report has
 * them, since the report needs each one and JSON.parse makes objects faster than code copying
 * them from tuples would); last, a seal over all the entries (see `seal`).
 *
 * The cache is trusted no more than a chart: it is read only if it is a regular file within the
 * size limit of chart files (--max-file-size), and an entry whose checksum does not verify (an
 * edited entry that would turn findings off, a line cut short) is dropped, so its file is linted
 * again. The checksum is an HMAC of the entry and of the cache key, keyed with
 * B12LINT_CACHE_KEY when set (then no one without the secret can forge an entry), else with a
 * public key (which catches damage and hand edits). A cache that cannot be read, is not ours, of
 * another format or damaged as a whole is started afresh.
 */
import { createHash, createHmac } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ioCause, writeAtomic } from '../core/io.js';
import { EVIDENCE_KINDS, type Finding } from '../finding.js';
import { farTooDeep } from '../read/parse.js';
import { ASSERTIONS } from '../rules/context.js';
import type { ChartEntry } from '../report/types.js';
import type { FileOutcome } from './lint-file.js';
import { signatureIfAny, type CacheStrategy, type Signature } from './signature.js';

export const CACHE_STRATEGIES = ['content', 'metadata'] as const satisfies readonly CacheStrategy[];
export type { CacheStrategy };

/** Bump when the shape of FileOutcome, of ChartEntry or of this file changes. */
export const CACHE_FORMAT = 5;
export const CACHE_FILE = 'cache.json';

/** The header line is this short; a file whose first line is longer is not a cache of this format. */
const MAX_HEADER = 1024;

/** `node_modules/.cache/b12lint` when the folder has a node_modules, else `.b12lintcache`. */
export function defaultCacheLocation(cwd: string): string {
  return existsSync(join(cwd, 'node_modules')) ? join(cwd, 'node_modules', '.cache', 'b12lint') : join(cwd, '.b12lintcache');
}

interface Header {
  format: number;
  strategy: CacheStrategy;
  /** sha256 of the cache key (base64). */
  key: string;
}

/**
 * One file's entry: its path, size, modification time (metadata) or content hash (content),
 * then its outcome; `sensitive` only when the run keeps identifying strings (`--redact`).
 */
type Entry = [
  abs: string,
  size: number,
  stamp: number | string,
  charts: number,
  encounters: number,
  chartRefs: ChartEntry[],
  findings: Finding[],
  sensitive?: [string, string[]][],
];

export interface CacheOptions {
  /** The cache folder. */
  location: string;
  strategy: CacheStrategy;
  /** What every entry depends on besides its file: the ruleset fingerprint and the lint options. */
  key: string;
  /** The largest cache file read, in bytes (the size limit of chart files). */
  maxSize: number;
  /** A secret for the entries' checksums (B12LINT_CACHE_KEY); without it the key is public. */
  secret?: string;
}

/** The checksum of one entry line: an HMAC (base64, 128 bits) of the cache key's hash and the entry's JSON. */
function checksum(secret: string | undefined, keyHash: string, json: string): string {
  return createHmac('sha256', secret ?? 'b12lint-cache')
    .update(keyHash)
    .update('\n')
    .update(json)
    .digest('base64')
    .slice(0, 22);
}

const CHECKSUM_LENGTH = 22;

/**
 * The seal: the last line, `#` and an HMAC (base64) of the cache key's hash and of every entry
 * line before it. When it verifies, no entry was touched and none is checked on its own: one
 * HMAC over the file instead of one per entry, which the profile of a 20,000-file rerun put at
 * a seventh of its time. When it does not, each entry is checked, and only those that fail are
 * dropped.
 */
function seal(secret: string | undefined, keyHash: string, body: string | Buffer): string {
  return `#${createHmac('sha256', secret ?? 'b12lint-cache')
    .update(keyHash)
    .update('\n')
    .update(body)
    .digest('base64')}`;
}

function isEntry(e: unknown): e is Entry {
  return (
    Array.isArray(e) &&
    e.length >= 7 &&
    typeof e[0] === 'string' &&
    typeof e[1] === 'number' &&
    (typeof e[2] === 'number' || typeof e[2] === 'string') &&
    typeof e[3] === 'number' &&
    typeof e[4] === 'number' &&
    Array.isArray(e[5]) &&
    (e[5] as unknown[]).every(isChartRef) &&
    Array.isArray(e[6]) &&
    (e[6] as unknown[]).every(isKeptFinding) &&
    (e[7] === undefined || (Array.isArray(e[7]) && (e[7] as unknown[]).every(isSensitive)))
  );
}

const KINDS: ReadonlySet<unknown> = new Set(EVIDENCE_KINDS);
const ASSERTION_SET: ReadonlySet<unknown> = new Set(ASSERTIONS);
const SOURCES: ReadonlySet<unknown> = new Set(['lab', 'note', 'medication', 'service', 'diagnosis']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): boolean => typeof v === 'string';

const isOptional = (v: unknown, is: (x: unknown) => boolean): boolean => v === undefined || is(v);
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
const isPlace = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;

/** What `--redact` keeps of a chart: its id and the strings it replaces. */
function isSensitive(v: unknown): boolean {
  return Array.isArray(v) && v.length === 2 && isText(v[0]) && Array.isArray(v[1]) && (v[1] as unknown[]).every(isText);
}

/** A chart's entry as the formats write it: its id, place and pointer. */
function isChartRef(v: unknown): boolean {
  return isObject(v) && isOptional(v.chartId, isText) && isPlace(v.line) && isPlace(v.column) && isText(v.pointer);
}

/** The text fields of evidence that the formats put into words. */
const EVIDENCE_TEXT = ['pointer', 'file', 'code', 'mappedFrom', 'date', 'test', 'unit', 'section', 'term', 'excerpt', 'name', 'setting'];

/** Evidence a format can write: a known kind, a known assertion when it has one, and each field of its type. */
function isKeptEvidence(v: unknown): boolean {
  return (
    isObject(v) &&
    KINDS.has(v.kind) &&
    (v.assertion === undefined || ASSERTION_SET.has(v.assertion)) &&
    EVIDENCE_TEXT.every((k) => isOptional(v[k], isText)) &&
    isOptional(v.value, (x) => isText(x) || typeof x === 'number') &&
    isOptional(v.line, isPlace) &&
    isOptional(v.column, isPlace) &&
    isOptional(v.converted, (c) => isObject(c) && typeof c.value === 'number' && isText(c.unit))
  );
}

/** A query draft the formats can write: a question, indicators of known sources with their text, options as text. */
function isKeptQuery(q: unknown): boolean {
  return (
    isObject(q) &&
    isText(q.question) &&
    Array.isArray(q.indicators) &&
    q.indicators.every(
      (i) =>
        isObject(i) &&
        SOURCES.has(i.source) &&
        isText(i.text) &&
        isText(i.pointer) &&
        ['section', 'date', 'file'].every((k) => isOptional(i[k], isText)) &&
        isOptional(i.line, isPlace) &&
        isOptional(i.column, isPlace),
    ) &&
    Array.isArray(q.options) &&
    q.options.every(isText) &&
    isOptional(q.moreIndicators, isCount)
  );
}

/**
 * Whether a kept finding has what the formats look up by value: a known severity, a rule id and a
 * message, a place, evidence of known kinds and assertions, and a query draft of the shape the
 * formats read. The seal under the public key catches damage,
 * not a forgery: an entry whose finding has another severity ("constructor", which a format's
 * table of severities would answer with a function) is dropped, and its file linted again.
 */
function isKeptFinding(f: unknown): boolean {
  if (typeof f !== 'object' || f === null) return false;
  const g = f as Partial<Finding>;
  return (
    (g.severity === 'error' || g.severity === 'warning' || g.severity === 'info') &&
    typeof g.ruleId === 'string' &&
    typeof g.message === 'string' &&
    isPlace(g.line) &&
    isPlace(g.column) &&
    isText(g.pointer) &&
    isText(g.fingerprint) &&
    isOptional(g.chartId, isText) &&
    isOptional(g.encounterId, isText) &&
    isOptional(g.stack, isText) &&
    Array.isArray(g.evidence) &&
    g.evidence.every(isKeptEvidence) &&
    isOptional(g.moreEvidence, isCount) &&
    (g.query === undefined || isKeptQuery(g.query))
  );
}

/**
 * Reads the entries of a cache file, or none: missing, not a regular file, over the size limit,
 * unreadable, foreign, of another format, strategy or key. An entry that is damaged or does not
 * verify is dropped; `dropped` counts them.
 */
function readEntries(
  path: string,
  options: CacheOptions,
  keyHash: string,
): { entries: Map<string, Entry>; dropped: number; refused?: string; sealed?: boolean } {
  const entries = new Map<string, Entry>();
  let dropped = 0;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)); // never blocks on a planted FIFO
  } catch {
    return { entries, dropped }; // no cache yet
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { entries, dropped, refused: `the cache ${path} is not a regular file; it is not read` };
    const head = Buffer.alloc(MAX_HEADER);
    const eol = head.subarray(0, readSync(fd, head, 0, MAX_HEADER, 0)).indexOf(10);
    if (eol < 0) return { entries, dropped };
    const h = JSON.parse(head.toString('utf8', 0, eol)) as Partial<Header> | null;
    if (h?.format !== CACHE_FORMAT || h.strategy !== options.strategy || h.key !== keyHash) return { entries, dropped };
    if (st.size > options.maxSize) {
      const mb = (n: number): string => (n / (1024 * 1024)).toFixed(0);
      return {
        entries,
        dropped,
        refused: `the cache ${path} is ${mb(st.size)} MB, over the ${mb(options.maxSize)} MB limit (--max-file-size): every file is linted; raise the limit to keep using it`,
      };
    }
    // The body as fstat measured it (a file that grows meanwhile is read no further).
    const body = Buffer.allocUnsafe(Math.max(0, st.size - eol - 1));
    let filled = 0;
    for (let n = -1; n !== 0 && filled < body.length; filled += n) n = readSync(fd, body, filled, body.length - filled, eol + 1 + filled);
    // The seal, if the last line is one and it verifies: then the entries need no check of their own.
    let end = filled;
    while (end > 0 && body[end - 1] === 10) end--;
    const sealAt = body.lastIndexOf(10, end - 1) + 1;
    const sealed =
      body[sealAt] === 0x23 && body.toString('latin1', sealAt, end) === seal(options.secret, keyHash, body.subarray(0, sealAt));
    const text = body.toString('utf8', 0, body[sealAt] === 0x23 ? sealAt : filled);
    const stamp = options.strategy === 'content' ? 'string' : 'number';
    for (let start = 0; start < text.length;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      const line = text.slice(start, end);
      start = end + 1;
      if (line === '') continue;
      const json = line.slice(CHECKSUM_LENGTH + 1);
      let e: unknown;
      try {
        e =
          line[CHECKSUM_LENGTH] === ' ' &&
          (sealed || line.slice(0, CHECKSUM_LENGTH) === checksum(options.secret, keyHash, json)) &&
          !farTooDeep(json)
            ? JSON.parse(json)
            : undefined;
      } catch {
        e = undefined;
      }
      if (isEntry(e) && typeof e[2] === stamp) entries.set(e[0], e);
      else dropped++;
    }
    return { entries, dropped, sealed };
  } catch {
    return { entries: new Map(), dropped }; // unreadable or damaged: every file is linted
  } finally {
    closeSync(fd);
  }
}

/**
 * The cache file as it is on disk: its size, modification time and seal line; undefined when
 * there is none (no cache file, not a regular file, over the size limit, no seal). A replay of the
 * outputs (replay.ts) is kept under it, so that a cache file written, edited, damaged, removed or
 * refused since sends the next run the usual way, where the cache is read and checked (and a
 * refusal said). Not its inode: a cache folder restored by CI, with its times, would never replay.
 */
export function cacheStamp(location: string, maxSize: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(location, CACHE_FILE), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxSize) return undefined;
    const tail = Buffer.alloc(Math.min(st.size, 128));
    const n = readSync(fd, tail, 0, tail.length, st.size - tail.length);
    const text = tail.toString('latin1', 0, n);
    const line = text.slice(text.lastIndexOf('\n', text.length - 2) + 1, text.endsWith('\n') ? -1 : undefined);
    return line.startsWith('#') ? `${st.size}\0${st.mtimeMs}\0${line}` : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export class RunCache {
  hits = 0;
  misses = 0;
  /** This run's entries, in the order asked for: kept ones, and fresh ones once `keep` has them. */
  private readonly next: Entry[] = [];
  /** Signatures of the files being linted afresh, taken before they are read. */
  private readonly pending = new Map<string, Signature>();

  /** Entries dropped because their checksum did not verify or they were damaged. */
  readonly dropped: number;
  /** Why the cache file was not read, when that is worth a word (not a regular file, over the limit). */
  readonly refused: string | undefined;
  private readonly old: Map<string, Entry>;
  /** Whether the file read had a seal that verified (else the next save writes one). */
  private readonly sealed: boolean;

  private constructor(
    private readonly options: CacheOptions,
    private readonly keyHash: string,
  ) {
    const read = readEntries(join(options.location, CACHE_FILE), options, keyHash);
    this.old = read.entries;
    this.dropped = read.dropped;
    this.refused = read.refused;
    this.sealed = read.sealed === true;
  }

  /** Opens the cache; an unreadable, foreign, outdated or damaged cache file is simply started afresh. */
  static open(options: CacheOptions): RunCache {
    return new RunCache(options, createHash('sha256').update(options.key).digest('base64'));
  }

  /**
   * The kept outcome of a file whose signature has not changed, shown under `display`. Otherwise
   * undefined: the file is linted, and `keep` stores its outcome under the signature taken now.
   * `ahead` is the file's signature when it was taken ahead, by this strategy (prefetch.ts).
   */
  get(abs: string, display: string, ahead?: Signature | null): FileOutcome | undefined {
    // A signature taken ahead (null: not a regular file, or none could be taken) stands for one taken here.
    const sig = ahead !== undefined ? (ahead ?? undefined) : signatureIfAny(abs, this.options.strategy);
    const old = this.old.get(abs);
    if (sig !== undefined && old !== undefined && old[1] === sig.size && old[2] === sig.stamp) {
      this.hits++;
      this.next.push(old);
      const outcome: FileOutcome = { file: display, findings: old[6], charts: old[3], encounters: old[4], chartRefs: old[5] };
      if (old[7]) outcome.sensitive = new Map(old[7]);
      return outcome;
    }
    this.misses++;
    if (sig) this.pending.set(abs, sig);
    return undefined;
  }

  /** Keeps a fresh outcome of a file `get` did not have. Kept by reference: save() runs before the report adds to it. */
  keep(abs: string, outcome: FileOutcome): void {
    const sig = this.pending.get(abs);
    if (!sig) return;
    const e: Entry = [abs, sig.size, sig.stamp, outcome.charts, outcome.encounters, outcome.chartRefs, outcome.findings];
    if (outcome.sensitive) e.push([...outcome.sensitive]);
    this.next.push(e);
  }

  /** The signature each file is kept under (undefined for a file not kept), in the order given. */
  signatures(paths: readonly string[]): (Signature | undefined)[] {
    const byPath = new Map(this.next.map((e) => [e[0], e]));
    return paths.map((p) => {
      const e = byPath.get(p);
      return e && { size: e[1], stamp: e[2] };
    });
  }

  /**
   * Writes the cache: this run's files only (deleted or no longer linted files drop out). A cache
   * that cannot be written costs the next run time, not this run its report: the reason is returned.
   */
  save(): string | undefined {
    // Nothing linted afresh, no file gone and no entry dropped: the file on disk already says all this.
    if (this.misses === 0 && this.old.size === this.hits && this.dropped === 0 && this.sealed) return undefined;
    const head: Header = { format: CACHE_FORMAT, strategy: this.options.strategy, key: this.keyHash };
    const lines: string[] = [];
    for (const e of this.next) {
      const json = JSON.stringify(e);
      lines.push(`${checksum(this.options.secret, this.keyHash, json)} ${json}\n`);
    }
    const entries = lines.join('');
    try {
      // It holds findings, with their excerpts of chart text: readable by its owner only.
      writeAtomic(
        join(this.options.location, CACHE_FILE),
        `${JSON.stringify(head)}\n${entries}${seal(this.options.secret, this.keyHash, entries)}\n`,
        0o600,
      );
      return undefined;
    } catch (err) {
      return `cannot write the cache in ${this.options.location}: ${ioCause(err)}`;
    }
  }
}
