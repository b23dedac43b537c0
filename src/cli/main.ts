/**
 * The command line (docs/usage.md). It parses options, sets up the ruleset, runs, writes the
 * reports and turns the result into an exit code. Everything that can go wrong before linting
 * (a bad option, config, ruleset or path) is exit 2 with one clear message and no stack trace.
 */
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import fg from 'fast-glob';
import { INPUT_FORMATS, type InputFormat } from '../chart/adapt.js';
import { DEFAULT_CONCEPT_MAP, loadConceptMap, type ConceptMap } from '../chart/fhir/concept-map.js';
import { ENGINE_RULE_INFO, SEVERITIES } from '../finding.js';
import { FORMATTERS, SHOWS_QUERIES } from '../report/index.js';
import { printable, printableBlock, printableStack, shownPath } from '../core/printable.js';
import type { RedactOptions } from '../report/redact.js';
import type { Report } from '../report/types.js';
import { BaselineError, DEFAULT_BASELINE } from '../run/baseline.js';
import { CACHE_STRATEGIES, defaultCacheLocation, type CacheStrategy } from '../run/cache.js';
import { machineKey } from '../run/cache-key.js';
import { convert, CONVERT_FORMATS, type ConvertFormat } from '../run/convert.js';
import { displayPath, NoFilesError } from '../run/discover.js';
import { loadConfig, type Config } from '../run/config.js';
import { DEFAULT_MAX_FILE_SIZE, readSideInput, SideInputError } from '../read/bounded.js';
import { ioCause, OutputError } from '../core/io.js';
import { MergeError, mergeReports, parseShardReport } from '../run/merge.js';
import { ProgressBar, progressAllowed } from '../run/progress.js';
import { run, type RunResult } from '../run/run.js';
import type { ScheduleOptions, ScheduleStats } from '../run/schedule.js';
import { SpareReader } from '../run/prefetch.js';
import { parseShard, ShardError, type Shard } from '../run/shard.js';
import { compileLoaded, DeferredRuleset, loadedFingerprint, loadFromSpec, type RulesetSpec } from '../run/setup.js';
import { configFileOf, failOnOf, rulesetSpecOf, type SettingsInput } from '../run/settings.js';
import { DEFAULT_WORKER_THRESHOLD } from '../run/workers.js';
import { fileSourceLines } from '../run/sources.js';
import { DEFAULT_RULESET, PACKAGE_ROOT } from '../core/package.js';
import { Problems, RulesetError } from '../read/problems.js';
import { didYouMean } from '../rules/suggest.js';
import type { CompiledRuleset } from '../rules/types.js';
import { registerAuthoringCommands, rulesetWarnings, subcommandHint } from '../authoring/cli.js';
import { Interrupted, watchSignals } from './signals.js';
import { finishRun, ownFiles, replayOutputs, type BaselineOption, type FormatTarget } from './finish.js';
import { replayRequest } from './replay.js';
import {
  loadReplay,
  OutputRecorder,
  replayedRuleset,
  writeReplay,
  type LoadedReplay,
  type Replayed,
  type ReplayRequest,
  type ReplayStore,
} from '../run/replay.js';
import { formatStats } from './stats.js';
import { maxOf } from '../core/arrays.js';

/**
 * A message on stderr: one line, `b12lint: ` first. Messages name files and quote what b12lint
 * read, so the whole text is printable (src/core/printable.ts): nothing in it drives the
 * terminal or starts a line of a CI log.
 */
export function say(io: Pick<Io, 'stderr'>, text: string): void {
  io.stderr(`b12lint: ${printable(text)}\n`);
}

/** `file:line:column`, the start of a line that places a problem in a file. */
function placed(file: string, line: number, column: number): string {
  return `${shownPath(file)}:${line}:${column}`;
}

/** A problem that stops the run before linting: exit 2, one message. */
export class UsageError extends Error {}

/** The bundle's build id (codeVersion), read once as this module loads. */
const BUILD_ID = ((): string | undefined => {
  try {
    const id = readFileSync(join(PACKAGE_ROOT, 'dist', 'bundle', 'build-id'), 'latin1').trim();
    return /^[0-9a-f]{1,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined; // not bundled (the compiled modules alone): the package version
  }
})();

/**
 * The version a run's results depend on: the package's, and for a bundled build the id of its code
 * (dist/bundle/build-id, a hash of the bundle, written by scripts/bundle.mjs). It goes into the
 * ruleset's fingerprint, so a cache, a replay or a shard report of another build of the same
 * version (a checkout rebuilt after a change) is not taken for this one's. Reports name
 * `version()`. The id is read once, as this module loads (just after bin/load.js read the bundle),
 * not when a run sets up: a rebuild during a long run cannot lend its id to the old code's results.
 */
export function codeVersion(): string {
  return BUILD_ID ? `${version()}+${BUILD_ID}` : version();
}

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  /** stderr is a terminal (the progress bar). */
  stderrIsTTY?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborts the run (SIGINT, SIGTERM): no report is written. */
  signal?: AbortSignal;
}

/**
 * Standard output's write errors. A reader that stops early (`b12lint rules | head`) closes the
 * pipe: the rest is not written and the exit code is the run's. Any other failure (a full disk
 * behind a redirection) loses the report, which is said on stderr, and the exit code becomes 2.
 */
let stdoutClosed = false;
function watchStdout(): void {
  // Standard error's: what cannot be said there is lost (there is nowhere else to say it), but the
  // exit code stays the run's. Unheard, the error ended the process with 1, "findings", where a run
  // that could not start exits 2 (`b12lint -r bad.yaml 2>&1 | head -1`, or 2>/dev/full).
  if (process.stderr.listenerCount('error') === 0) process.stderr.on('error', () => undefined);
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (stdoutClosed) return;
    stdoutClosed = true;
    if (err.code === 'EPIPE') return;
    process.stderr.write(`b12lint: cannot write to standard output: ${ioCause(err)}; the report is incomplete\n`);
    process.exitCode = 2;
  });
}

const processIo = (signal: AbortSignal): Io => (
  watchStdout(),
  {
    stdout: (s) => {
      if (!stdoutClosed) process.stdout.write(s);
    },
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    signal,
  }
);

interface RulesetOpts {
  ruleset?: string;
  config?: string;
  configLookup?: boolean;
  icd10?: string[];
}

/** Options of every command that writes a report: lint and merge. */
interface ReportOpts extends RulesetOpts {
  format: string[];
  outputFile?: string;
  failOn?: string;
  maxWarnings?: string;
  quiet?: boolean;
  color?: boolean;
  baseline?: string;
  updateBaseline?: boolean;
  baselinePrune?: boolean;
}

interface LintOpts extends ReportOpts {
  jobs?: string;
  cache?: boolean;
  cacheLocation?: string;
  cacheStrategy?: string;
  stats?: boolean;
  debug?: boolean;
  maxFileSize?: string;
  inputFormat?: string;
  conceptMap?: string;
  redact?: boolean;
  shard?: string;
}

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

function useColor(opts: { color?: boolean }, io: Io): boolean {
  if (opts.color === true) return true;
  if (opts.color === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.isTTY;
}

/** The settings as given on the command line (run/settings.ts works them out). */
function settingsInput(opts: RulesetOpts, io: Io): SettingsInput {
  return {
    cwd: io.cwd,
    ...(opts.ruleset ? { ruleset: opts.ruleset } : {}),
    ...(opts.config !== undefined ? { config: opts.config } : opts.configLookup === false ? { config: false as const } : {}),
    icd10: opts.icd10 ?? [],
  };
}

function setup(
  opts: RulesetOpts,
  io: Io,
  given?: { spec: RulesetSpec; replay: { store: ReplayStore; files: readonly string[] } | undefined },
): { ruleset: CompiledRuleset; config: Config | undefined; spec: RulesetSpec; configFile?: string; replayLoaded?: LoadedReplay | null } {
  const spec = given?.spec ?? rulesetSpecOf(settingsInput(opts, io), codeVersion());
  const loaded = loadFromSpec(spec);
  const warn = (r: CompiledRuleset): void => {
    if (r.warnings.length) io.stderr(rulesetWarnings(r.warnings));
  };
  // A run that may replay the last run's outputs compiles its ruleset only once a rule is needed,
  // when the replay file, its seal verified, names this very ruleset as compiled without a word to
  // say (setup.ts DeferredRuleset). The file read then is handed on to the run, not read again.
  const replay = given?.replay;
  const fingerprint = replay && !loaded.problems.list.length && !loaded.problems.warnings.length ? loadedFingerprint(loaded) : undefined;
  let replayLoaded: LoadedReplay | null | undefined;
  if (replay && fingerprint !== undefined && replayedRuleset(replay.store) === fingerprint)
    replayLoaded = loadReplay(replay.store, replay.files) ?? null;
  let ruleset: CompiledRuleset;
  if (fingerprint !== undefined && replayLoaded?.ruleset === fingerprint) ruleset = new DeferredRuleset(loaded, fingerprint, warn);
  else {
    ruleset = compileLoaded(loaded).ruleset;
    warn(ruleset);
  }
  return {
    ruleset,
    config: loaded.config,
    spec,
    ...(spec.configPath ? { configFile: displayPath(spec.configPath, io.cwd) } : {}),
    ...(replayLoaded !== undefined ? { replayLoaded } : {}),
  };
}

/** A value handed out once: the holder keeps no reference to it after. */
function handOnce<T>(value: T | undefined): () => T | undefined {
  let held = value;
  return () => {
    const v = held;
    held = undefined;
    return v;
  };
}

/**
 * A config the lookup found outside the current folder (in a parent folder of the repository)
 * is named on stderr, so no one is surprised by settings they did not see; the report names it too.
 */
function noteConfig(opts: RulesetOpts, configFile: string | undefined, io: Io): void {
  if (configFile === undefined || opts.config !== undefined || !configFile.includes('/')) return;
  say(io, `using the config ${configFile} (found above the current folder)`);
}

/** Names of standard output: a report sent there is written to it, as without a file (never by opening the path). */
const STDOUT_PATHS: ReadonlySet<string> = new Set(['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);

function parseFormats(specs: readonly string[], outputFile: string | undefined): FormatTarget[] {
  const list = specs.length ? specs : ['stylish'];
  const targets = list.map((spec): FormatTarget => {
    const i = spec.indexOf(':');
    const name = i < 0 ? spec : spec.slice(0, i);
    const path = i < 0 ? undefined : spec.slice(i + 1);
    if (!FORMATTERS.has(name))
      throw new UsageError(
        `unknown format "${name}": use one of ${[...FORMATTERS.keys()].join(', ')}.${didYouMean(name, FORMATTERS.keys())}`,
      );
    if (path !== undefined && path === '') throw new UsageError(`format "${spec}" names no file after the colon`);
    return path !== undefined ? { name, path } : { name };
  });
  for (const t of targets) if (t.path !== undefined && STDOUT_PATHS.has(t.path)) delete t.path;
  const toDefault = targets.filter((t) => t.path === undefined);
  if (toDefault.length > 1)
    throw new UsageError(
      `only one format can go to ${outputFile ? '--output-file' : 'standard output'}; give the others a file (--format sarif:reports/b12.sarif)`,
    );
  // -o names where the format without a file of its own goes: with none, it would be dropped
  // without a word (a spec audit).
  if (outputFile && !toDefault[0])
    throw new UsageError(`--output-file names no report: every --format names its own file (give one format no file, or leave out -o)`);
  if (outputFile && toDefault[0] && !STDOUT_PATHS.has(outputFile)) toDefault[0].path = outputFile;
  return targets;
}

function intOption(v: string | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  // Digits only: "" (an unset CI variable), " 3", "1e1" and "0x2" are no whole number a user meant.
  const n = /^[0-9]{1,15}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name} takes a whole number${min > 0 ? ` of at least ${min}` : ''}; got "${v}"`);
  return n;
}

interface InputOpts {
  inputFormat?: string;
  conceptMap?: string;
}

/** How inputs are read: `--input-format` (else the config's, else auto) and the FHIR concept map, loaded once. */
function inputOptions(opts: InputOpts, config: Config | undefined, io: Io): { inputFormat: InputFormat; conceptMap: ConceptMap } {
  const format = opts.inputFormat ?? config?.inputFormat ?? 'auto';
  if (!(INPUT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--input-format takes ${INPUT_FORMATS.join(', ')}; got "${format}".${didYouMean(format, INPUT_FORMATS)}`);
  const map = opts.conceptMap !== undefined ? resolve(io.cwd, opts.conceptMap) : (config?.conceptMap ?? DEFAULT_CONCEPT_MAP);
  return { inputFormat: format as InputFormat, conceptMap: loadConceptMap(map) };
}

/** The report options, checked before anything is read: a bad one is exit 2 with nothing linted. */
function reportSettings(opts: ReportOpts, shard: Shard | undefined) {
  const failOn = opts.failOn;
  const allowed = [...SEVERITIES, 'never'];
  if (failOn !== undefined && !allowed.includes(failOn))
    throw new UsageError(`--fail-on takes ${allowed.join(', ')}; got "${failOn}".${didYouMean(failOn, allowed)}`);
  const maxWarnings = intOption(opts.maxWarnings, '--max-warnings', 0);
  const writes = opts.updateBaseline ? '--update-baseline' : opts.baselinePrune ? '--baseline-prune' : undefined;
  if (shard && writes) throw new UsageError(`${writes} writes one baseline for the whole run: run it without --shard, or on b12lint merge`);
  const baseline: BaselineOption | undefined =
    opts.baseline !== undefined || writes
      ? { path: opts.baseline ?? DEFAULT_BASELINE, update: opts.updateBaseline ?? false, prune: opts.baselinePrune ?? false }
      : undefined;
  return { failOn, maxWarnings, baseline, targets: parseFormats(opts.format, opts.outputFile) };
}

/**
 * The report to its formats and the exit code. The chart files are read again for their lines
 * (the HTML report): `maxFileSize` bounds them, and `names` says whether the report's file names
 * are this run's own or read from shard reports (src/run/sources.ts).
 */
async function finishReport(
  report: Report,
  opts: ReportOpts,
  settings: ReturnType<typeof reportSettings>,
  ruleset: CompiledRuleset,
  config: Config | undefined,
  io: Io,
  { maxFileSize, names = 'run' }: { maxFileSize: number; names?: 'run' | 'reports' },
  shard?: Shard,
  redaction?: RedactOptions,
  record?: OutputRecorder,
): Promise<number> {
  return finishRun(report, {
    cwd: io.cwd,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
    ...(io.signal ? { signal: io.signal } : {}),
    sources: fileSourceLines(io.cwd, maxFileSize, names),
    ...(redaction ? { redact: redaction } : {}),
    targets: settings.targets,
    color: useColor(opts, io),
    rules: ruleset.rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, docs: r.docs })),
    failOn: failOnOf(settings.failOn, config),
    maxWarnings: settings.maxWarnings ?? config?.maxWarnings,
    quiet: opts.quiet ?? false,
    ...(settings.baseline ? { baseline: settings.baseline } : {}),
    ...(shard ? { shard } : {}),
    maxInputSize: maxFileSize,
    ...(record ? { record } : {}),
  });
}

/** The most text a run's outputs may hold to be kept for a replay (characters). */
const REPLAY_LIMIT = 64 * 1024 * 1024;

/** What `--redact` without a key gives away: one line on stderr. */
export const REDACT_PUBLIC_KEY =
  '--redact without B12LINT_REDACT_KEY hashes ids and fingerprints with a public key: a short id (an MRN, a birth date) can be recovered by hashing guesses; set B12LINT_REDACT_KEY to a secret';

/** `--cache` with its folder, strategy and key, or undefined without it. */
function cacheOption(opts: LintOpts, io: Io): ScheduleOptions['cache'] {
  const strategy = opts.cacheStrategy ?? 'content';
  if (!(CACHE_STRATEGIES as readonly string[]).includes(strategy))
    throw new UsageError(
      `--cache-strategy takes ${CACHE_STRATEGIES.join(' or ')}; got "${strategy}".${didYouMean(strategy, CACHE_STRATEGIES)}`,
    );
  if (opts.cache !== true && opts.cacheLocation === undefined) return undefined;
  return {
    location: resolve(io.cwd, opts.cacheLocation ?? defaultCacheLocation(io.cwd)),
    strategy: strategy as CacheStrategy,
    ...cacheSecret(io),
  };
}

/** B12LINT_CACHE_KEY, else this user's key (src/run/cache-key.ts); a key file that cannot be trusted is said. */
function cacheSecret(io: Io): { secret?: string } {
  if (io.env.B12LINT_CACHE_KEY) return { secret: io.env.B12LINT_CACHE_KEY };
  const key = machineKey(io.env);
  if (key.unusable) say(io, `warning: ${key.unusable}`);
  return key.secret ? { secret: key.secret } : {};
}

/** Keeps a run's outputs for the next run to replay (src/run/replay.ts), when all of them were recorded. */
function keepOutputs(result: RunResult, recorder: OutputRecorder | undefined, code: number, io: Io): void {
  const kept = code !== 2 ? recorder?.replay(code, result.report.summary.charts) : undefined;
  if (!kept || !result.replayAs) return;
  const { ruleset } = result.engine;
  const problem = writeReplay(result.replayAs.store, result.replayAs.key, kept, ruleset.warnings.length ? undefined : ruleset.fingerprint);
  if (problem) say(io, `warning: ${problem}`);
}

/** Writes a replay's outputs (finish.ts replayOutputs) and says `--stats`; the exit code. */
async function finishReplay(
  replayed: Replayed,
  io: Io,
  stats: { stats: ScheduleStats; started: number; ruleset: CompiledRuleset } | undefined,
): Promise<number> {
  const { code, inPlace } = await replayOutputs(replayed, {
    cwd: io.cwd,
    stdout: io.stdout,
    stderr: io.stderr,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  if (stats) {
    const compiled = !(stats.ruleset instanceof DeferredRuleset) || stats.ruleset.isCompiled;
    io.stderr(formatStats(stats.stats, replayed.charts, performance.now() - stats.started, { inPlace, compiled }));
  }
  return code;
}

/**
 * The key of what decides a run's outputs after linting, when the last run's outputs may be
 * written again if nothing changed (src/run/replay.ts): with the cache, no shard and no baseline.
 */
function replayOf(
  paths: readonly string[],
  opts: LintOpts,
  io: Io,
  settings: ReturnType<typeof reportSettings>,
  configFile: string | undefined,
  cache: { secret?: string } | undefined,
): ReplayRequest | undefined {
  if (!cache || settings.baseline) return undefined;
  return replayRequest({
    keyed: cache.secret !== undefined,
    opts: { ...opts },
    paths,
    cwd: io.cwd,
    env: io.env,
    targets: settings.targets,
    configFile,
    color: useColor(opts, io),
    version: codeVersion(),
    redact: opts.redact ?? false,
  });
}

async function lintCommand(paths: string[], opts: LintOpts, io: Io): Promise<number> {
  const shard = opts.shard !== undefined ? parseShard(opts.shard, io.env) : undefined;
  const settings = reportSettings(opts, shard);
  const jobs = intOption(opts.jobs, '--jobs', 1) ?? availableParallelism();
  const cache = cacheOption(opts, io);
  const maxFileSizeMb = intOption(opts.maxFileSize, '--max-file-size', 1);
  const spare = spareReader(paths, io.cwd, jobs, cache !== undefined);
  try {
    return await lintWith(paths, opts, io, { shard, settings, jobs, cache, maxFileSizeMb, spare });
  } finally {
    spare?.close();
  }
}

/**
 * A reader thread started before the ruleset is set up (prefetch.ts SpareReader), when the run may
 * read files ahead or take cache signatures with one: two threads (or more, with the cache), and a
 * folder or glob to lint rather than named files.
 */
function spareReader(paths: readonly string[], cwd: string, jobs: number, cached: boolean): SpareReader | undefined {
  if (jobs !== 2 && !(cached && jobs > 2)) return undefined;
  const many = (paths.length ? paths : ['.']).some((p) => {
    try {
      return statSync(resolve(cwd, p)).isDirectory();
    } catch {
      return true; // a glob
    }
  });
  return many ? new SpareReader() : undefined;
}

async function lintWith(
  paths: string[],
  opts: LintOpts,
  io: Io,
  given: {
    shard: Shard | undefined;
    settings: ReturnType<typeof reportSettings>;
    jobs: number;
    cache: ScheduleOptions['cache'];
    maxFileSizeMb: number | undefined;
    spare: SpareReader | undefined;
  },
): Promise<number> {
  const { shard, settings, jobs, cache, maxFileSizeMb, spare } = given;
  const maxFileSize = maxFileSizeMb ? maxFileSizeMb * 1024 * 1024 : DEFAULT_MAX_FILE_SIZE;
  const spec = rulesetSpecOf(settingsInput(opts, io), codeVersion());
  const replay = replayOf(
    paths,
    opts,
    io,
    settings,
    spec.configPath ? displayPath(spec.configPath, io.cwd) : undefined,
    shard ? undefined : cache,
  );
  const set = setup(opts, io, {
    spec,
    replay: replay && cache ? { store: { ...cache, maxSize: maxFileSize }, files: replay.files } : undefined,
  });
  const { ruleset, config, configFile } = set;
  const takeReplay = handOnce(set.replayLoaded); // the replay file the setup read: not kept through the run
  delete set.replayLoaded;
  noteConfig(opts, configFile, io);
  if (opts.redact && !io.env.B12LINT_REDACT_KEY) io.stderr(`b12lint: warning: ${REDACT_PUBLIC_KEY}\n`);
  const started = performance.now();
  const result = await run({
    ...inputOptions(opts, config, io),
    inputs: paths,
    cwd: io.cwd,
    ruleset,
    version: version(),
    ignore: config?.ignore ?? [],
    exclude: ownFiles(io.cwd, settings.targets, settings.baseline),
    debug: opts.debug ?? false,
    maxFileSize,
    collectSensitive: opts.redact ?? false,
    queries: settings.targets.some((t) => SHOWS_QUERIES.has(t.name)),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(shard ? { shard } : {}),
    ...(configFile !== undefined ? { config: configFile } : {}),
    stats: opts.stats ?? false,
    schedule: {
      jobs,
      spec,
      ...(cache ? { cache } : {}),
      ...(progressAllowed(io.stderrIsTTY ?? false, io.env) ? { progress: (total: number) => new ProgressBar(total, io.stderr) } : {}),
      ...(replay !== undefined ? { replay } : {}),
      ...(spare ? { spare } : {}),
      takeReplay,
    },
  });
  if (result.replayed) return finishReplay(result.replayed, io, opts.stats ? { stats: result.stats, started, ruleset } : undefined);
  const wallMs = performance.now() - started;
  if (result.stats.cacheProblem) say(io, `warning: ${result.stats.cacheProblem}`);
  const redaction = opts.redact
    ? { sensitive: result.sensitive, ...(io.env.B12LINT_REDACT_KEY ? { key: io.env.B12LINT_REDACT_KEY } : {}) }
    : undefined;
  const recorder = result.replayAs && !result.stats.cacheProblem ? new OutputRecorder(REPLAY_LIMIT) : undefined;
  const code = await finishReport(result.report, opts, settings, ruleset, config, io, { maxFileSize }, shard, redaction, recorder);
  keepOutputs(result, recorder, code, io);
  if (opts.stats) io.stderr(formatStats(result.stats, result.report.summary.charts, wallMs));
  return code;
}

interface ConvertOpts extends InputOpts {
  to: string;
  config?: string;
  configLookup?: boolean;
  maxFileSize?: string;
}

async function convertCommand(paths: string[], opts: ConvertOpts, io: Io): Promise<number> {
  const maxFileSizeMb = intOption(opts.maxFileSize, '--max-file-size', 1);
  // `convert` runs no rules: only the config's inputFormat and conceptMap matter.
  const path = configFileOf(io.cwd, settingsInput(opts, io).config);
  const problems = new Problems();
  const config = path ? loadConfig(path, problems) : undefined;
  problems.throwIfAny();
  let result: Awaited<ReturnType<typeof convert>>;
  try {
    result = await convert(
      paths,
      {
        ...inputOptions(opts, config, io),
        cwd: io.cwd,
        to: opts.to as ConvertFormat,
        ...(maxFileSizeMb ? { maxFileSize: maxFileSizeMb * 1024 * 1024 } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
      },
      io.stdout,
    );
  } catch (err) {
    // Stopped by Ctrl-C or `kill` (signals.ts): the charts written so far are not all of them.
    if (!(err instanceof Interrupted)) throw err;
    say(io, `${err.message}; the output is incomplete`);
    return err.exitCode;
  }
  for (const { file, finding: f } of result.findings)
    io.stderr(`${placed(file, f.line, f.column)}: ${printable(`${f.severity}: ${f.message} (${f.ruleId})`)}\n`);
  return result.findings.some((f) => f.finding.severity === 'error') ? 1 : 0;
}

function addInputOptions(cmd: Command): Command {
  return cmd
    .option(
      '--input-format <format>',
      `how chart files are read: ${INPUT_FORMATS.join(', ')} (default: auto, FHIR told by its resourceType)`,
    )
    .option('--concept-map <file>', 'the FHIR concept map (default: the built-in rulesets/fhir-concept-map.yaml)');
}

/** The report files named on the command line: paths, or globs where the shell did not expand them. */
async function reportFiles(specs: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    let isFile: boolean;
    try {
      isFile = statSync(resolve(cwd, spec)).isFile();
    } catch {
      isFile = false;
    }
    const found = isFile
      ? [resolve(cwd, spec)]
      : fg.isDynamicPattern(spec)
        ? (await fg(spec, { cwd, absolute: true, onlyFiles: true })).sort()
        : [];
    if (found.length === 0) throw new UsageError(`no report file matches "${spec}"`);
    for (const f of found) {
      if (seen.has(f)) continue;
      seen.add(f);
      out.push(f);
    }
  }
  return out;
}

/** A shard report's text, under the size limit of chart files. */
function shardReportText(abs: string, shown: string, maxSize: number): string {
  try {
    return readSideInput(abs, maxSize);
  } catch (err) {
    if (err instanceof SideInputError) throw new MergeError(`cannot read the report ${shown}: ${err.message}`);
    throw err;
  }
}

async function mergeCommand(specs: string[], opts: ReportOpts & { maxFileSize?: string }, io: Io): Promise<number> {
  const settings = reportSettings(opts, undefined);
  const maxFileSizeMb = intOption(opts.maxFileSize, '--max-file-size', 1);
  const maxFileSize = maxFileSizeMb ? maxFileSizeMb * 1024 * 1024 : DEFAULT_MAX_FILE_SIZE;
  const { ruleset, config, configFile } = setup(opts, io);
  noteConfig(opts, configFile, io);
  const shards = (await reportFiles(specs, io.cwd)).map((f) => {
    const shown = displayPath(f, io.cwd);
    return parseShardReport(shardReportText(f, shown, maxFileSize), shown);
  });
  const merged = mergeReports(
    shards,
    { fingerprint: ruleset.fingerprint, severities: new Map(ruleset.rules.map((r) => [r.id, r.severity])) },
    configFile,
  );
  return finishReport(merged, opts, settings, ruleset, config, io, { maxFileSize, names: 'reports' });
}

function rulesCommand(opts: RulesetOpts, io: Io): number {
  const { ruleset } = setup(opts, io);
  const rows = ruleset.allRules.map((r) => [r.id, r.severity, r.title]);
  const w0 = maxOf(
    rows.map((r) => r[0]!.length),
    2,
  );
  const w1 = maxOf(
    rows.map((r) => r[1]!.length),
    8,
  );
  io.stdout(`${printable(ruleset.name)}: ${ruleset.rules.length} active of ${ruleset.allRules.length} rules\n\n`);
  for (const [id, sev, title] of rows) io.stdout(`${printable(id!).padEnd(w0)}  ${sev!.padEnd(w1)}  ${printable(title!)}\n`);
  return 0;
}

function explainCommand(id: string, opts: RulesetOpts, io: Io): number {
  // The engine's own rules (a file that cannot be read or parsed, a chart that breaks the format)
  // are in every report, whatever the ruleset: they are explained without one.
  const own = ENGINE_RULE_INFO.find((r) => r.id === id);
  if (own) {
    io.stdout(`${own.id} (${own.severity}): ${own.title}\n\n${own.docs}\n\nReported by b12lint itself, whatever the ruleset.\n`);
    return 0;
  }
  const { ruleset } = setup(opts, io);
  const rule = ruleset.allRules.find((r) => r.id === id);
  if (!rule)
    throw new UsageError(
      `unknown rule "${id}".${didYouMean(id, [
        ...ruleset.allRules.map((r) => r.id),
        ...ENGINE_RULE_INFO.map((r) => r.id),
      ])} (b12lint rules lists them)`,
    );
  io.stdout(
    `${printable(rule.id)} (${rule.severity}): ${printable(rule.title)}\n\n${printableBlock(rule.docs || '(no docs)')}\n\nDefined in ${shownPath(rule.file)}:\n\n${printableBlock(rule.source)}\n`,
  );
  return 0;
}

function addRulesetOptions(cmd: Command): Command {
  return cmd
    .option('-r, --ruleset <file>', `a ruleset file or built-in name (default: the config's, else ${DEFAULT_RULESET})`)
    .option('-c, --config <file>', 'a config file (default: the nearest b12lint.config.yaml or .b12lintrc.yaml)')
    .option('--no-config-lookup', 'do not look for a config file')
    .option(
      '--icd10 <file>',
      'a CMS ICD-10-CM order file (repeatable; one per fiscal year, path@2026-04 for its April 1 update)',
      collect,
      [],
    );
}

function addReportOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('-f, --format <name>', `report format (${[...FORMATTERS.keys()].join(', ')}); repeatable, name:path writes to a file`)
        .argParser(collect)
        .default([]),
    )
    .option('-o, --output-file <file>', 'write the report to this file (the summary still goes to the terminal)')
    .option('--fail-on <severity>', 'lowest severity that fails the run: error, warning, info, never (default: error)')
    .option('--max-warnings <n>', 'also fail when there are more than n warnings')
    .option('--quiet', 'report errors only')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .option('--baseline <file>', `report and fail on only the findings not in this baseline (default file: ${DEFAULT_BASELINE})`)
    .option('--update-baseline', 'record the findings of this run in the baseline file')
    .option('--baseline-prune', 'drop the baseline entries that are fixed');
}

export async function main(argv: readonly string[], givenIo?: Io): Promise<number> {
  const watch = givenIo ? undefined : watchSignals();
  const io = givenIo ?? processIo(watch!.signal);
  try {
    const code = await runMain(argv, io);
    if (!watch) return code;
    // A signal that came while this thread was busy at the end of the run waits in the event loop:
    // heard now, before its handler goes (removed first, the signal was lost and the run exited 0).
    // It is read in the loop's poll phase, which one setImmediate can come before (the run ended in
    // an I/O callback, and the signal came after the loop last polled): two of them always have a
    // poll phase between them.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
    const reason: unknown = watch.signal.aborted ? watch.signal.reason : undefined;
    // (A run the signal stopped has said so already, and returns its exit code.)
    if (reason instanceof Interrupted && code !== reason.exitCode) {
      say(io, `${reason.message} as the run ended`);
      return reason.exitCode;
    }
    return code;
  } finally {
    watch?.dispose();
  }
}

/**
 * Commander's one line break of its own in an error message: the suggestion it adds at the end
 * (`\n(Did you mean --fail-on?)`), which names only b12lint's own options and commands.
 */
const COMMANDER_SUGGESTION = /\n\(Did you mean (?:one of )?[\w ,-]+\?\)$/;

/**
 * Commander's own output: help and version to stdout, its errors to stderr as b12lint's, printable.
 * An error message quotes what the user typed (`unknown option '--x'`), and that text may be a file
 * name a shell glob picked up, line feeds and all (`--x\n::error::...`): the whole message is one
 * line with its line feeds escaped, and only Commander's suggestion keeps a line of its own.
 */
function commanderOutput(io: Io): OutputConfiguration {
  return {
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    outputError: (s, write) => {
      const text = s.replace(/^error: /, '').replace(/\n$/, '');
      const hint = COMMANDER_SUGGESTION.exec(text)?.[0] ?? '';
      const message = text.slice(0, text.length - hint.length);
      write(`b12lint: ${printable(message)}${hint ? `\n${printable(hint.slice(1))}` : ''}\n`);
    },
  };
}

async function runMain(argv: readonly string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  let code = 0;
  const program = new Command('b12lint');
  program
    .description('Lint clinical chart exports for vitamin B12 injection coding and documentation mismatches.')
    .version(version(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput(commanderOutput(io))
    .showSuggestionAfterError(true)
    .enablePositionalOptions() // a subcommand's options are its own (`merge a.json -f sarif`)
    .allowExcessArguments(false);

  addReportOptions(
    addInputOptions(addRulesetOptions(program.argument('[paths...]', 'chart files, folders or globs (default: the current folder)'))),
  )
    .option('--shard <i/n>', "lint only shard i of n (by a hash of each path); auto or auto/n reads the CI's parallel-job variables")
    .option('--jobs <n>', `threads for large runs (default: the number of cores; workers from ${DEFAULT_WORKER_THRESHOLD} files up)`)
    .option('--cache', "keep each file's findings and re-lint only what changed")
    .option('--cache-location <path>', 'the cache folder (default: node_modules/.cache/b12lint, else .b12lintcache); implies --cache')
    .option('--cache-strategy <strategy>', 'how a changed file is told: content (hash, default) or metadata (size and time)')
    .option('--stats', 'print per-rule evaluations, findings and time to stderr')
    .option('--max-file-size <mb>', 'largest JSON or YAML file read whole, in MB (default 64)')
    .option(
      '--redact',
      'replace patient ids, names, birth dates, note text, chart ids and file paths in the report by stable hashes (key: B12LINT_REDACT_KEY)',
    )
    .option('--debug', 'show stack traces of internal errors')
    .action(async (paths: string[], opts: LintOpts) => {
      code = await lintCommand(paths, opts, io);
    });

  addInputOptions(
    program
      .command('convert')
      .argument('<paths...>', 'chart files or folders: FHIR Bundles, Bulk Data exports, native charts')
      .description('print the native charts an input becomes, to see what b12lint read')
      .addOption(new Option('--to <format>', 'output format').choices([...CONVERT_FORMATS]).default('yaml'))
      .option('-c, --config <file>', 'a config file (for inputFormat and conceptMap)')
      .option('--no-config-lookup', 'do not look for a config file')
      .option('--max-file-size <mb>', 'largest JSON or YAML file read whole, in MB (default 64)'),
  ).action(async (paths: string[], opts: ConvertOpts) => {
    code = await convertCommand(paths, opts, io);
  });

  addRulesetOptions(program.command('rules').description('list the active rules: id, severity, title')).action((opts) => {
    code = rulesCommand(opts, io);
  });
  addRulesetOptions(program.command('explain').argument('<rule-id>').description("print a rule's docs and its YAML")).action(
    (id: string, opts) => {
      code = explainCommand(id, opts, io);
    },
  );
  registerAuthoringCommands(program, io, addRulesetOptions, (c) => {
    code = c;
  });
  addReportOptions(
    addRulesetOptions(
      program
        .command('merge')
        .argument('<reports...>', 'the JSON reports of every shard (--shard i/n --format json)')
        .description('merge the JSON reports of a sharded run into the report of the whole run'),
    ).option('--max-file-size <mb>', 'largest shard report (and chart file read for the HTML report) read, in MB (default 64)'),
  ).action(async (reports: string[], opts: ReportOpts & { maxFileSize?: string }) => {
    code = await mergeCommand(reports, opts, io);
  });

  program.hook('preSubcommand', optionsBeforeSubcommand);

  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (err) {
    return failed(err, program, io, debug);
  }
}

/**
 * Options written before a subcommand's name (`b12lint -r mine.yaml rules`) are parsed as the lint
 * command's: those the subcommand also takes are given to it, colour is display only, and any
 * other is refused rather than dropped without a word.
 */
function optionsBeforeSubcommand(program: Command, sub: Command): void {
  const seen = new Set<string>();
  const refused: string[] = [];
  for (const o of program.options) {
    const key = o.attributeName();
    if (seen.has(key) || key === 'color' || program.getOptionValueSource(key) !== 'cli') continue;
    seen.add(key);
    // The same option, taking a value or not alike: `init --ruleset` is a switch, `-r <file>` is not.
    const takesValue = (x: Option): boolean => x.required || x.optional;
    const same = sub.options.find((x) => x.attributeName() === key && takesValue(x) === takesValue(o));
    if (same) sub.setOptionValueWithSource(key, program.getOptionValue(key), 'cli');
    else refused.push(o.long ?? o.flags);
  }
  if (refused.length > 0)
    throw new UsageError(
      `${refused.join(', ')} before "${sub.name()}": "${sub.name()}" does not take ${refused.length === 1 ? 'it' : 'them'}`,
    );
}

/** The exit code of a run that threw, after saying why on stderr (a stack trace only with --debug). */
function failed(err: unknown, program: Command, io: Io, debug: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2; // commander has already printed one line
  }
  if (err instanceof RulesetError) {
    for (const p of err.problems) io.stderr(`${placed(p.file, p.line, p.column)}: ${printable(p.message)}\n`);
    io.stderr(
      `b12lint: the ruleset or config has ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}; nothing was linted\n`,
    );
    return 2;
  }
  if (err instanceof Interrupted) {
    say(io, `${err.message}; no report was written`);
    return err.exitCode;
  }
  if (
    err instanceof UsageError ||
    err instanceof NoFilesError ||
    err instanceof ShardError ||
    err instanceof BaselineError ||
    err instanceof MergeError ||
    err instanceof OutputError ||
    err instanceof SideInputError
  ) {
    say(io, `${err.message}${err instanceof NoFilesError ? subcommandHint(program, program.args[0]) : ''}`);
    return 2;
  }
  say(io, `internal error: ${err instanceof Error ? err.message : String(err)}`);
  if (debug && err instanceof Error && err.stack) io.stderr(`${printableStack(err.stack)}\n`);
  return 2;
}

export type { Report };
