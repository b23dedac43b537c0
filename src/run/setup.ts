/**
 * Setting up a run's ruleset: the `--ruleset` given, else the config's, else the built-in
 * `b12lint:recommended`; then the config as the last layer; then compiled once. What is given
 * is worked out first, the same way for every command (run/settings.ts).
 */
import { DEFAULT_RULESET } from '../core/package.js';
import { CodeTable, CodeTableError, loadCodeTable } from '../rules/code-table.js';
import { compileRuleset } from '../rules/compile.js';
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
  const { config } = options;
  const defs = resolveDefinitions(options, problems);
  // Compile whatever loaded, so the problems of loading and of compiling are listed together.
  const ruleset = compileRuleset(defs, problems, {
    codeTable: codeTableOf(tablesInForce(options.icd10 ?? [], config)),
    fingerprintExtra: `${options.version}\n${config ? config.src.text : ''}`,
  });
  problems.throwIfAny();
  return { ruleset, defs, config };
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
  const problems = new Problems();
  const config = spec.configPath ? loadConfig(spec.configPath, problems) : undefined;
  return setup(
    {
      ...(spec.ruleset ? { ruleset: spec.ruleset } : {}),
      ...(config ? { config } : {}),
      icd10: spec.icd10,
      version: spec.version,
    },
    problems,
  );
}
