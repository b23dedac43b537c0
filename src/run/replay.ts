/**
 * The last run's outputs, kept beside the cache (cache.ts) and written again when a run would
 * make them again byte for byte: the same files, each with the same signature (size and
 * modification time, or content hash), the same cache key (ruleset fingerprint, lint options)
 * and the same options for everything after linting (formats, destinations, colour, `--quiet`,
 * `--redact` and its key, the folder the paths are shown from). A run with nothing changed then
 * neither reads the cache's entries nor builds a report: it takes every file's signature, as it
 * would to use the cache, and writes the outputs of the run before, its exit code with them.
 * A build tool replays a cached task's logs the same way.
 *
 * The CLI decides which runs can be replayed (src/cli/main.ts: not with a baseline, a shard, or a
 * format that shows the time of the run unless SOURCE_DATE_EPOCH fixes it) and gives the key of
 * those options (`ReplayRequest`). `replayKey` adds the cache key and each file with its
 * signature; the schedule (schedule.ts) looks the replay up once the signatures are taken, and
 * says under which key this run's outputs may be kept. The report stage records what it writes
 * (`OutputRecorder`, src/cli/finish.ts), and the CLI keeps it here.
 *
 * The file, `replay` in the cache folder, mode 600 (it holds the report, with its excerpts of
 * chart text): a header line (format, strategy, key, and the fingerprint of a ruleset that compiled
 * without a word) read alone first; a line giving the exit code, the chart count, the byte length
 * of standard output, and each report file's path, byte length and SHA-256; standard output's
 * bytes; a seal, an HMAC of the header's key and fingerprint and all that follows the header up to
 * it, keyed like the cache's (B12LINT_CACHE_KEY, or a public key that catches damage); then the
 * report files' bytes, each checked against its SHA-256 when it is read. It is trusted no more
 * than the cache: read only if it is a regular file within the size limit of chart files, and not
 * replayed if the seal or a hash does not verify, if it would write other report files than the
 * run names, or, under the public key, if any text holds a character that could drive a terminal
 * or a CI log (`unsafe`).
 *
 * A report file that already holds what a replay would write there (its bytes, read and hashed,
 * are the sealed SHA-256), for every report file of the run, is not written again: its times are
 * set to now, as a run that writes it leaves them (a build tool compares them), after the same
 * check a run's writing makes first, that its folder takes a new file (src/cli/finish.ts
 * replayOutputs). Otherwise every report file is written again from the replay, in run order (two
 * formats to one file: the last one stays, as in a run). One that standard output or error goes to
 * is always written again (`-o r.txt >> r.txt`: a run renames over it).
 */
import { createHash, createHmac, type Hash } from 'node:crypto';
import { type BigIntStats, closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ioCause, withRegularFile, writeAtomic, writesInto } from '../core/io.js';
import type { CacheStrategy, Signature } from './signature.js';
import { maxOf } from '../core/arrays.js';

export const REPLAY_FILE = 'replay';
/**
 * Bump when the layout of the file changes (2: the header may name the ruleset, and the seal covers
 * it; 3: the seal before the report files' bytes, each file with its hash).
 */
export const REPLAY_FORMAT = 3;
const MAX_HEADER = 1024;
/** The meta line's longest (it names the report files, a few at most). */
const MAX_META = 64 * 1024;
/** `#` and an HMAC-SHA-256 in base64. */
const SEAL_LENGTH = 45;
/** The longest note on standard error a replay keeps. */
const MAX_NOTE = 1000;

/** What a run wrote, as it wrote it. */
export interface Replay {
  /** The run's exit code. */
  exit: number;
  /** The charts of the run (for `--stats`). */
  charts: number;
  /** Report files, each written whole: the path as given on the command line, and its bytes. */
  files: { path: string; bytes: Buffer }[];
  /** All the run wrote to standard output. */
  stdout: string;
  /** What the run wrote to standard error about its outcome (why it fails), if anything. */
  stderr?: string;
}

/**
 * A replay to write: the outputs, and whether every report file already holds its bytes (checked
 * against the sealed SHA-256), so that none is written again (`inPlace`: the files carry no bytes;
 * `bytes` reads them from the replay file, undefined if it changed since).
 */
export interface Replayed extends Omit<Replay, 'files'> {
  files: { path: string; bytes?: Buffer }[];
  inPlace: boolean;
  bytes: () => Replay['files'] | undefined;
}

/** A report file as the replay file keeps it: its bytes at `offset`. */
interface KeptFile {
  path: string;
  offset: number;
  length: number;
  /** SHA-256 of its bytes, base64. */
  digest: string;
}

/** A replay file read up to its seal, the seal verified: the key it is kept under, the fingerprint of a ruleset that compiled without a word, the outputs (report files not read yet). */
export interface LoadedReplay {
  key: string;
  ruleset?: string;
  exit: number;
  charts: number;
  stdout: string;
  stderr?: string;
  files: KeptFile[];
  /** The replay file's size: the report files' bytes are read only from a file of that size. */
  size: number;
}

/** What a run asks of a replay: the key of its options after linting, and the report files it writes (as given, in order, from `cwd`). */
export interface ReplayRequest {
  key: string;
  files: readonly string[];
  cwd: string;
}

/** The replay's place and trust: the cache's. */
export interface ReplayStore {
  location: string;
  strategy: CacheStrategy;
  secret?: string;
  /** The largest replay file read, in bytes (the size limit of chart files). */
  maxSize: number;
}

interface Header {
  format: number;
  strategy: CacheStrategy;
  key: string;
  /**
   * The fingerprint of the run's ruleset, when compiling it gave no problem and no warning: the
   * next run with that fingerprint may then leave its ruleset uncompiled until a rule is needed
   * (src/run/setup.ts DeferredRuleset), which a replay never needs. Covered by the seal.
   */
  ruleset?: string;
}

interface Meta {
  exit: number;
  charts: number;
  stdout: number;
  /** The run's note on standard error (src/cli/finish.ts, noteWhyItFails), covered by the seal. */
  stderr?: string;
  files: [path: string, bytes: number, digest: string][];
}

/** Whether a replay file's meta line is one b12lint writes, for the report files this run writes. */
function metaHolds(meta: Meta, files: readonly string[]): boolean {
  // Only a run that exits 0 or 1 is kept (src/cli/main.ts keepOutputs).
  if ((meta.exit !== 0 && meta.exit !== 1) || !Number.isSafeInteger(meta.charts) || meta.charts < 0 || !Array.isArray(meta.files))
    return false;
  if (!Number.isSafeInteger(meta.stdout) || meta.stdout < 0 || !meta.files.every(isKept)) return false;
  if (meta.stderr !== undefined && (typeof meta.stderr !== 'string' || meta.stderr.length > MAX_NOTE)) return false;
  // Only the report files this run writes: a replay never writes elsewhere.
  return meta.files.length === files.length && meta.files.every((f, k) => f[0] === files[k]);
}

/**
 * The key a run's outputs are kept under: the options after linting (`request`, from the CLI),
 * the cache key, and every file in run order with its signature. Undefined when a file has no
 * signature (not a regular file, unreadable): such a run is not replayed.
 */
export function replayKey(
  request: string,
  cacheKey: string,
  files: readonly string[],
  signed: readonly (Signature | null | undefined)[],
): string | undefined {
  // Sizes and modification times as their 8 bytes, not as text: 40,000 numbers printed were most of its time.
  const numbers = new Float64Array(files.length * 2);
  const hashes: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const s = signed[i];
    if (!s) return undefined;
    numbers[2 * i] = s.size;
    if (typeof s.stamp === 'number') numbers[2 * i + 1] = s.stamp;
    else hashes.push(s.stamp);
  }
  const hash = createHash('sha256').update(`${request}\0${cacheKey}\0`);
  updateJoined(hash, files);
  updateJoined(hash, hashes);
  return hash.update(new Uint8Array(numbers.buffer)).digest('base64');
}

/**
 * Adds `list.join('\0') + '\0'` to a hash, a few hundred items at a time: the same bytes, without
 * a text of 20,000 paths made and encoded at once (about 20 ms of a rerun, most of it the kernel
 * handing new memory to a string of 1.6 MB).
 */
function updateJoined(hash: Hash, list: readonly string[]): void {
  if (list.length === 0) hash.update('\0');
  for (let i = 0; i < list.length; i += 256) hash.update(`${list.slice(i, i + 256).join('\0')}\0`);
}

/** The seal: an HMAC of the header's key and ruleset (as one JSON array: no byte can move between them and the body) and the body. */
function sealOf(store: ReplayStore, head: Pick<Header, 'key' | 'ruleset'>, body: Uint8Array): string {
  return `#${createHmac('sha256', store.secret ?? 'b12lint-replay')
    .update(`${JSON.stringify([head.key, head.ruleset ?? null])}\n`)
    .update(body)
    .digest('base64')}`;
}

/** A ruleset fingerprint as compile.ts makes it: a SHA-256 in hex. */
const FINGERPRINT = /^[0-9a-f]{64}$/;

/** Bytes that need a closer look in `unsafe`: C0 controls but tab and line ends, DEL, and the first bytes of what follows. */
const FLAGGED = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) FLAGGED[b] = 1;
FLAGGED[0x09] = FLAGGED[0x0a] = 0;
FLAGGED[0x7f] = FLAGGED[0xc2] = FLAGGED[0xe2] = FLAGGED[0x23] = FLAGGED[0x3a] = 1;

/** Whether the ASCII letters at `at` spell `word` (lower case), in any case. */
function spells(bytes: Uint8Array, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((bytes[at + k]! | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** Whether the ESC at `i` starts a colour sequence (SGR): `[`, at most 16 digits and `;`, then `m`. */
function isColour(bytes: Uint8Array, i: number): boolean {
  if (bytes[i + 1] !== 0x5b) return false;
  const end = i + 18;
  let j = i + 2;
  while (j < end && j < bytes.length && ((bytes[j]! >= 0x30 && bytes[j]! <= 0x39) || bytes[j] === 0x3b)) j++;
  return bytes[j] === 0x6d;
}

/** Whether the `#` at `i` starts a CI log marker: `##[`, `##vso[` or `##teamcity[`, in any case. */
function isMarker(bytes: Uint8Array, i: number): boolean {
  if (bytes[i + 1] !== 0x23) return false;
  const j = i + 2;
  return bytes[j] === 0x5b || (spells(bytes, j, 'vso') && bytes[j + 3] === 0x5b) || (spells(bytes, j, 'teamcity') && bytes[j + 8] === 0x5b);
}

/**
 * Whether only white space stands between the line's start and `at`: GitHub's runner trims a
 * line before it looks for `::`, so `  ::error::` and a no-break space before it are commands too.
 * Any byte beyond ASCII counts as white space here (a Unicode space is one of them), which no
 * genuine output puts alone before `::`.
 */
function startsLine(bytes: Uint8Array, at: number): boolean {
  for (let j = at - 1; j >= 0; j--) {
    const c = bytes[j]!;
    if (c === 0x0a) return true;
    if (c !== 0x20 && c !== 0x09 && c < 0x80) return false;
  }
  return true;
}

/**
 * Whether UTF-8 text holds what no genuine output of a format replayed without a secret holds
 * (src/core/printable.ts escapes it all): a control character but tab, line feed and a colour
 * sequence (a carriage return included: only CSV writes one), a C1 control, the line and paragraph
 * separators, the bidirectional marks of Trojan Source, a CI log marker, or a line that begins
 * with `::` after white space at most, where GitHub runs workflow commands (only the `github`
 * format writes one). One pass
 * over the bytes, no text made of them.
 */
export function unsafe(bytes: Uint8Array): boolean {
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (FLAGGED[b] === 0) continue;
    if (b === 0xc2) {
      const c = bytes[i + 1] ?? 0;
      if (c >= 0x80 && c <= 0x9f) return true;
    } else if (b === 0xe2) {
      const c = bytes[i + 1];
      const d = bytes[i + 2] ?? 0;
      if ((c === 0x80 && d >= 0xa8 && d <= 0xae) || (c === 0x81 && d >= 0xa6 && d <= 0xa9)) return true;
    } else if (b === 0x23) {
      if (isMarker(bytes, i)) return true;
    } else if (b === 0x3a) {
      if (bytes[i + 1] === 0x3a && startsLine(bytes, i)) return true;
    } else if (b !== 0x1b || !isColour(bytes, i)) return true; // a C0 control or DEL, or an ESC that is no colour
  }
  return false;
}

function openFile(store: ReplayStore): number | undefined {
  try {
    return openSync(join(store.location, REPLAY_FILE), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)); // never blocks on a planted FIFO
  } catch {
    return undefined;
  }
}

/** What a header line says, if it is a header of this format and of the store's strategy. */
function headerOf(line: string, store: ReplayStore): Pick<Header, 'key' | 'ruleset'> | undefined {
  const h = JSON.parse(line) as Partial<Header> | null;
  if (h?.format !== REPLAY_FORMAT || h.strategy !== store.strategy || typeof h.key !== 'string') return undefined;
  if (h.ruleset !== undefined && (typeof h.ruleset !== 'string' || !FINGERPRINT.test(h.ruleset))) return undefined;
  return h.ruleset !== undefined ? { key: h.key, ruleset: h.ruleset } : { key: h.key };
}

/** The header of the replay file there, by itself (unsealed: a hint, checked with the rest by `loadReplay`). */
function readHeader(store: ReplayStore): Pick<Header, 'key' | 'ruleset'> | undefined {
  const fd = openFile(store);
  if (fd === undefined) return undefined;
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const head = Buffer.alloc(MAX_HEADER);
    const eol = head.subarray(0, readSync(fd, head, 0, MAX_HEADER, 0)).indexOf(10);
    return eol >= 0 ? headerOf(head.toString('utf8', 0, eol), store) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Whether a replay file of this format and strategy is there, by its header alone. */
export function hasReplay(store: ReplayStore): boolean {
  return readHeader(store) !== undefined;
}

/**
 * The ruleset fingerprint the header of the replay file there names, if any: unsealed, a hint of
 * whether reading the whole file (`loadReplay`, which checks the seal) is worth it before the
 * ruleset is set up.
 */
export function replayedRuleset(store: ReplayStore): string | undefined {
  return readHeader(store)?.ruleset;
}

/** Reads `buf.length` bytes from `fd` at `position`, or fewer at the end of the file; how many. */
function readAt(fd: number, buf: Buffer, position: number): number {
  let filled = 0;
  for (let n = -1; n !== 0 && filled < buf.length; filled += n) n = readSync(fd, buf, filled, buf.length - filled, position + filled);
  return filled;
}

const DIGEST = /^[A-Za-z0-9+/]{43}=$/;
function isKept(f: unknown): f is Meta['files'][number] {
  if (!Array.isArray(f) || f.length !== 3) return false;
  const [path, bytes, digest] = f as unknown[];
  return (
    typeof path === 'string' &&
    typeof bytes === 'number' &&
    Number.isSafeInteger(bytes) &&
    bytes >= 0 &&
    typeof digest === 'string' &&
    DIGEST.test(digest)
  );
}

/**
 * The kept outputs and the key they are kept under, read up to the seal (the report files' bytes
 * are read only if needed, by `settleReplay`), or undefined: none, over the size limit, damaged,
 * of another format or strategy, for other report files than `files`, or (sealed with the public
 * key) unsafe to print. The caller compares the key.
 */
export function loadReplay(store: ReplayStore, files: readonly string[]): LoadedReplay | undefined {
  const fd = openFile(store);
  if (fd === undefined) return undefined;
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > store.maxSize) return undefined;
    let buf = Buffer.allocUnsafe(Math.min(st.size, MAX_HEADER + MAX_META));
    let filled = readAt(fd, buf, 0);
    const eol = buf.subarray(0, filled).indexOf(10);
    if (eol < 0 || eol >= MAX_HEADER) return undefined;
    const head = headerOf(buf.toString('utf8', 0, eol), store);
    if (head === undefined) return undefined;
    const metaEnd = buf.subarray(0, filled).indexOf(10, eol + 1);
    if (metaEnd < 0) return undefined;
    const meta = JSON.parse(buf.toString('utf8', eol + 1, metaEnd)) as Meta;
    if (!metaHolds(meta, files)) return undefined;
    const stdoutEnd = metaEnd + 1 + meta.stdout;
    const sealEnd = stdoutEnd + SEAL_LENGTH;
    if (meta.files.reduce((n, f) => n + f[1], sealEnd) !== st.size) return undefined;
    if (sealEnd > filled) {
      const whole = Buffer.allocUnsafe(sealEnd);
      buf.copy(whole, 0, 0, filled);
      filled += readAt(fd, whole.subarray(filled), filled);
      if (filled !== sealEnd) return undefined;
      buf = whole;
    }
    if (buf.toString('latin1', stdoutEnd, sealEnd) !== sealOf(store, head, buf.subarray(eol + 1, stdoutEnd))) return undefined;
    // Under a secret the seal says b12lint wrote it; under the public key anyone could have.
    const stdout = buf.subarray(metaEnd + 1, stdoutEnd);
    if (store.secret === undefined && unsafe(stdout)) return undefined;
    const stderr = meta.stderr;
    if (stderr !== undefined && store.secret === undefined && unsafe(Buffer.from(stderr))) return undefined;
    let offset = sealEnd;
    const kept = meta.files.map(([path, length, digest]) => {
      offset += length;
      return { path, offset: offset - length, length, digest };
    });
    const loaded = {
      key: head.key,
      exit: meta.exit,
      charts: meta.charts,
      stdout: stdout.toString('utf8'),
      ...(stderr !== undefined ? { stderr } : {}),
      files: kept,
      size: st.size,
    };
    return head.ruleset !== undefined ? { ...loaded, ruleset: head.ruleset } : loaded;
  } catch {
    return undefined; // damaged: the run goes the usual way
  } finally {
    closeSync(fd);
  }
}

/** The identities (device and inode) of standard output and error, when they are open. */
function standardStreams(): string[] {
  const ids: string[] = [];
  for (const fd of [1, 2]) {
    try {
      const st = fstatSync(fd, { bigint: true });
      ids.push(`${st.dev}:${st.ino}`);
    } catch {
      // closed
    }
  }
  return ids;
}

/** The most of a report file read at once to hash it (one buffer for all: no 7 MB allocated to look). */
const HASH_CHUNK = 1 << 20;

/**
 * Whether the report file at `abs` is a regular file (not a link, a FIFO or a device: nothing else
 * is opened), not standard output or error, and holds exactly `length` bytes whose SHA-256 is
 * `digest`; read a chunk at a time into `chunk`.
 */
function holds(abs: string, length: number, digest: string, streams: readonly string[], chunk: Buffer): boolean {
  // A run writes into a path under /proc (src/core/io.ts writesInto) and makes a file of one link.
  const accept = (st: BigIntStats): boolean =>
    st.nlink === 1n && st.size === BigInt(length) && !streams.includes(`${st.dev}:${st.ino}`) && !writesInto(abs);
  return withRegularFile(abs, accept, (fd) => {
    const hash = createHash('sha256');
    for (let at = 0; at < length;) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, length - at), at);
      if (n === 0) return false;
      hash.update(chunk.subarray(0, n));
      at += n;
    }
    return readSync(fd, chunk, 0, 1, length) === 0 && hash.digest('base64') === digest;
  });
}

/**
 * Each report file's bytes from the replay file, checked against its SHA-256 and, under the public
 * key, for what must not be written (`unsafe`); undefined when one cannot be read or does not check.
 */
function replayBytes(store: ReplayStore, loaded: LoadedReplay): Replay['files'] | undefined {
  const fd = openFile(store);
  if (fd === undefined) return undefined;
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== loaded.size) return undefined;
    const files: Replay['files'] = [];
    for (const f of loaded.files) {
      const bytes = Buffer.allocUnsafe(f.length);
      if (readAt(fd, bytes, f.offset) !== f.length) return undefined;
      if (createHash('sha256').update(bytes).digest('base64') !== f.digest) return undefined;
      if (store.secret === undefined && unsafe(bytes)) return undefined;
      files.push({ path: f.path, bytes });
    }
    return files;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The outputs to write for a replay whose key matched. When every report file already holds its
 * bytes (`inPlace`), none is read from the replay file (`bytes` reads them, should one have to be
 * written after all); otherwise every report file's bytes are read from it (`replayBytes`).
 * Undefined when those cannot be read or do not check: the run goes the usual way.
 */
export function settleReplay(store: ReplayStore, loaded: LoadedReplay, cwd: string): Replayed | undefined {
  const outputs = {
    exit: loaded.exit,
    charts: loaded.charts,
    stdout: loaded.stdout,
    ...(loaded.stderr !== undefined ? { stderr: loaded.stderr } : {}),
  };
  if (loaded.files.length > 0) {
    const streams = standardStreams();
    const chunk = Buffer.allocUnsafe(
      Math.min(
        HASH_CHUNK,
        maxOf(
          loaded.files.map((f) => f.length),
          1,
        ),
      ),
    );
    if (loaded.files.every((f) => holds(resolve(cwd, f.path), f.length, f.digest, streams, chunk)))
      return { ...outputs, files: loaded.files.map((f) => ({ path: f.path })), inPlace: true, bytes: () => replayBytes(store, loaded) };
  }
  const files = replayBytes(store, loaded);
  return files && { ...outputs, files, inPlace: false, bytes: () => files };
}

/**
 * Keeps a run's outputs under `key`, with the fingerprint of its ruleset when it compiled without
 * a problem or a warning; the reason when the replay file cannot be written.
 */
export function writeReplay(store: ReplayStore, key: string, replay: Replay, ruleset?: string): string | undefined {
  const head = Buffer.from(
    `${JSON.stringify({ format: REPLAY_FORMAT, strategy: store.strategy, key, ...(ruleset !== undefined ? { ruleset } : {}) } satisfies Header)}\n`,
  );
  const stdout = Buffer.from(replay.stdout);
  const meta: Meta = {
    exit: replay.exit,
    charts: replay.charts,
    stdout: stdout.length,
    ...(replay.stderr ? { stderr: replay.stderr } : {}),
    files: replay.files.map((f) => [f.path, f.bytes.length, createHash('sha256').update(f.bytes).digest('base64')]),
  };
  const metaLine = Buffer.from(`${JSON.stringify(meta)}\n`);
  // What `loadReplay` could not read is not worth writing: over the size limit, or a header and meta line beyond its first read.
  if (head.length > MAX_HEADER || head.length + metaLine.length > MAX_HEADER + MAX_META) return undefined;
  const body = Buffer.concat([metaLine, stdout]);
  const size = replay.files.reduce((n, f) => n + f.bytes.length, head.length + body.length + SEAL_LENGTH);
  if (size > store.maxSize) return undefined;
  const parsed = JSON.parse(head.toString('utf8')) as Header;
  const seal = sealOf(store, parsed, body);
  try {
    writeAtomic(
      join(store.location, REPLAY_FILE),
      Buffer.concat([head, body, Buffer.from(seal), ...replay.files.map((f) => f.bytes)]),
      0o600,
    );
    return undefined;
  } catch (err) {
    return `cannot write the cache in ${store.location}: ${ioCause(err)}`;
  }
}

/**
 * What the report stage writes, kept for a replay: standard output and each report file, in the
 * order written, up to `limit` characters in all (a larger run is not kept: its text would
 * double the memory of a report written piece by piece).
 */
export class OutputRecorder {
  private readonly out: string[] = [];
  private readonly err: string[] = [];
  /** Each report file in the order opened (two formats sent to one path are two files: the last put in place wins, as in a run). */
  private readonly files: { path: string; parts: string[] }[] = [];
  private size = 0;
  private overflow = false;

  constructor(private readonly limit: number) {}

  private room(text: string): boolean {
    this.size += text.length;
    if (this.size > this.limit) this.overflow = true;
    return !this.overflow;
  }

  stdout(text: string): void {
    if (this.room(text)) this.out.push(text);
  }

  /** The run's note on its outcome (a note longer than MAX_NOTE is no note: the run is not kept). */
  stderr(text: string): void {
    if (this.err.join('').length + text.length > MAX_NOTE) this.overflow = true;
    else this.err.push(text);
  }

  /** A report file opened, for `file` to add its text to. */
  open(path: string): number {
    return this.files.push({ path, parts: [] }) - 1;
  }

  file(id: number, text: string): void {
    if (this.room(text)) this.files[id]!.parts.push(text);
  }

  /** The outputs with the run's exit code, or undefined when they did not all fit. */
  replay(exit: number, charts: number): Replay | undefined {
    if (this.overflow) return undefined;
    return {
      exit,
      charts,
      files: this.files.map(({ path, parts }) => ({ path, bytes: Buffer.from(parts.join('')) })),
      stdout: this.out.join(''),
      ...(this.err.length > 0 ? { stderr: this.err.join('') } : {}),
    };
  }
}
