/**
 * Setting up a run's ruleset: the `--ruleset` given, else the config's, else the built-in
 * `b12lint:recommended`; then the config as the last layer; then compiled once. What is given
 * is worked out first, the same way for every command (run/settings.ts).
 */
import { DEFAULT_RULESET } from '../core/package.js';
import { CodeTable, CodeTableError, loadCodeTable } from '../rules/code-table.js';
import { compileRuleset, fingerprintOf } from '../rules/compile.js';
import { applyLayer, baseDefinitions, loadDefinitions, type Definitions } from '../rules/load.js';
import { Problems, RulesetError } from '../read/problems.js';
import type { CompiledRuleset } from '../rules/types.js';
import { CONFIG_KEYS, loadConfig, type Config } from './config.js';
import { tablesInForce } from './settings.js';

export interface SetupOptions {
  /** A built-in name or an absolute path (run/settings.ts). */
  ruleset?: string;
  config?: Config;
  /** Order files given (absolute, or absolute@year); they replace the config's. */
  icd10?: readonly string[];
  version: string;
}

/** The ruleset's definitions after `extends`, with the config as the last layer. */
function resolveDefinitions(options: Pick<SetupOptions, 'ruleset' | 'config'>, problems: Problems): Definitions {
  const { config } = options;
  // A ruleset named on the command line runs as written; the config adds only run settings.
  if (options.ruleset) return loadDefinitions(options.ruleset, problems);
  if (!config) return loadDefinitions(DEFAULT_RULESET, problems);
  const defs = baseDefinitions(problems);
  const base = config.ruleset ?? DEFAULT_RULESET;
  // applyLayer resolves the config's ruleset relative to the config file's folder.
  applyLayer(defs, config.src, problems, [], { extraKeys: CONFIG_KEYS, forcedExtends: [base] });
  for (const s of config.severityMap) defs.overrides.push({ value: { rule: s.rule, severity: s.severity }, src: config.src, path: s.path });
  return defs;
}

/** The ICD-10-CM order files (absolute, or path@year) as one code table; a bad file is a problem of the run. */
export function codeTableOf(files: readonly string[]): CodeTable {
  if (!files.length) return new CodeTable();
  try {
    return loadCodeTable(files);
  } catch (err) {
    if (err instanceof CodeTableError) throw new RulesetError([{ file: err.file, line: err.line || 1, column: 1, message: err.message }]);
    throw err;
  }
}

/** The ruleset set up, with its definitions (what print-config shows) and the config it was set up with. */
export interface SetUp {
  ruleset: CompiledRuleset;
  defs: Definitions;
  config: Config | undefined;
}

/** `problems` may already hold the config's problems, so all are listed together. */
export function setupRuleset(options: SetupOptions, problems = new Problems()): CompiledRuleset {
  return setup(options, problems).ruleset;
}

function setup(options: SetupOptions, problems: Problems): SetUp {
  return compileLoaded(load(options, problems));
}

/** A ruleset loaded and not yet compiled: its definitions, code table and what loading found wrong. */
export interface Loaded {
  defs: Definitions;
  config: Config | undefined;
  codeTable: CodeTable;
  /** The text besides the files that the fingerprint covers (the b12lint version, the config). */
  extra: string;
  problems: Problems;
}

function load(options: SetupOptions, problems: Problems): Loaded {
  const { config } = options;
  const defs = resolveDefinitions(options, problems);
  const codeTable = codeTableOf(tablesInForce(options.icd10 ?? [], config));
  return { defs, config, codeTable, extra: `${options.version}\n${config ? config.src.text : ''}`, problems };
}

/** Compiles whatever loaded, so the problems of loading and of compiling are listed together. */
export function compileLoaded(loaded: Loaded): SetUp {
  const ruleset = compileRuleset(loaded.defs, loaded.problems, { codeTable: loaded.codeTable, fingerprintExtra: loaded.extra });
  loaded.problems.throwIfAny();
  return { ruleset, defs: loaded.defs, config: loaded.config };
}

/**
 * A ruleset whose compiling waits until something asks for a rule: the name, files and fingerprint
 * come from what loaded. For a run that may replay the last run's outputs (replay.ts), which needs
 * only the fingerprint when nothing changed. Given only for a ruleset whose loading found nothing
 * to say and whose fingerprint a replay names as compiled without a problem or warning: compiling
 * depends on what the fingerprint covers alone, so it will again, and nothing is missed on stderr.
 * `compiled` is called once, with the ruleset, when it is compiled (a warning then still goes out).
 */
/** The fields of a deferred ruleset that need it compiled. */
const COMPILED_FIELDS = [
  'lookback',
  'rules',
  'allRules',
  'labs',
  'codesets',
  'terms',
  'values',
  'context',
  'descriptions',
  'warnings',
] as const;

export class DeferredRuleset implements CompiledRuleset {
  readonly name: string;
  readonly files: string[];
  readonly codeTable: CodeTable;
  readonly fingerprint: string;
  declare readonly lookback: CompiledRuleset['lookback'];
  declare readonly rules: CompiledRuleset['rules'];
  declare readonly allRules: CompiledRuleset['allRules'];
  declare readonly labs: CompiledRuleset['labs'];
  declare readonly codesets: CompiledRuleset['codesets'];
  declare readonly descriptions: CompiledRuleset['descriptions'];
  declare readonly terms: CompiledRuleset['terms'];
  declare readonly values: CompiledRuleset['values'];
  declare readonly context: CompiledRuleset['context'];
  declare readonly warnings: CompiledRuleset['warnings'];
  private made: CompiledRuleset | undefined;
  /** Why compiling failed: asked again, it fails the same way (its problems listed once). */
  private failure: unknown;

  /** `fingerprint`: the loaded ruleset's (loadedFingerprint). */
  constructor(
    private readonly loaded: Loaded,
    fingerprint: string,
    private readonly compiled: (ruleset: CompiledRuleset) => void,
  ) {
    this.name = loaded.defs.name || DEFAULT_RULESET;
    this.files = loaded.defs.files;
    this.codeTable = loaded.codeTable;
    this.fingerprint = fingerprint;
    // Own, enumerable accessors: a copy made with a spread (`{ ...ruleset }`) compiles it and
    // holds every field, as a copy of a compiled ruleset would.
    for (const field of COMPILED_FIELDS) Object.defineProperty(this, field, { enumerable: true, get: () => this.compile()[field] });
  }

  /** Whether a rule was asked for, so that the ruleset was compiled (`--stats` of a replay says so). */
  get isCompiled(): boolean {
    return this.made !== undefined;
  }

  private compile(): CompiledRuleset {
    if (this.made) return this.made;
    if (this.failure !== undefined) throw this.failure;
    try {
      this.made = compileLoaded(this.loaded).ruleset;
    } catch (err) {
      this.failure = err;
      throw err;
    }
    this.compiled(this.made);
    return this.made;
  }
}

/**
 * What a run's ruleset is made of, as plain data: a worker thread sets up the same ruleset from
 * it (compiled rules are closures and cannot be sent), and the cache checks it by fingerprint.
 */
export interface RulesetSpec {
  ruleset?: string;
  /** The config file, absolute. */
  configPath?: string;
  /** Order files given (absolute); empty: the config's. */
  icd10: readonly string[];
  version: string;
}

/** Loads the config a spec names and sets up the ruleset on it (problems listed together). */
export function setupFromSpec(spec: RulesetSpec): SetUp {
  return compileLoaded(loadFromSpec(spec));
}

/** Loads the config a spec names and the ruleset on it, without compiling it. */
export function loadFromSpec(spec: RulesetSpec): Loaded {
  const problems = new Problems();
  const config = spec.configPath ? loadConfig(spec.configPath, problems) : undefined;
  return load(
    {
      ...(spec.ruleset ? { ruleset: spec.ruleset } : {}),
      ...(config ? { config } : {}),
      icd10: spec.icd10,
      version: spec.version,
    },
    problems,
  );
}

/** The fingerprint a loaded ruleset will compile with (compile.ts). */
export function loadedFingerprint(loaded: Loaded): string {
  return fingerprintOf(loaded.defs, loaded.extra, loaded.codeTable);
}
