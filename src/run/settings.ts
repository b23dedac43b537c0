/**
 * The settings a run works from, worked out in one place for every command that sets up a
 * ruleset (lint, merge, print-config, test) and for the Node API:
 *
 * - the config file: the one given, none (`--no-config-lookup`, `config: false`), or the nearest
 *   `b12lint.config.yaml` / `.b12lintrc.yaml` from the run's folder up (run/config.ts), which
 *   stops the run where another user could have planted it (src/core/trust.ts);
 * - the ruleset: the one given, else the config's, else `b12lint:recommended` (run/setup.ts);
 * - the ICD-10-CM order files: those given, else the config's;
 * - when the run fails: the severity given, else the config's `failOn`, else `error`.
 *
 * A path given on the command line or to the API is relative to the run's folder (`cwd`); a path
 * written in a file (a config's `icd10`, a tests file's) is relative to that file's folder. No
 * path is taken against `process.cwd()`: the API's `cwd` and a CLI run in another folder agree.
 */
import { resolve } from 'node:path';
import { BUILTIN_PREFIX } from '../core/package.js';
import { resolveTableSpec } from '../rules/code-table.js';
import { findConfig, type Config } from './config.js';
import type { FailOn } from './run.js';
import type { RulesetSpec } from './setup.js';

/** What a run is set up from, as given on the command line or to the API. */
export interface SettingsInput {
  /** The run's folder: given paths are relative to it, and the config lookup starts there. */
  cwd: string;
  /** A ruleset file (relative to `cwd`) or built-in name. */
  ruleset?: string;
  /** A config file (relative to `cwd`); `false`: none; undefined: the nearest from `cwd` up. */
  config?: string | false;
  /** ICD-10-CM order files as given (`path` or `path@year`, relative to `cwd`). */
  icd10?: readonly string[];
}

/** The lowest severity that fails a run when neither the command line, the API nor the config says. */
export const DEFAULT_FAIL_ON: FailOn = 'error';

/** The config file in force, absolute: the one given (relative to `cwd`), none, or the nearest from `cwd` up. */
export function configFileOf(cwd: string, config: string | false | undefined): string | undefined {
  if (config === false) return undefined;
  return config !== undefined ? resolve(cwd, config) : findConfig(cwd);
}

/** Order files given on the command line or to the API, made absolute against the run's folder. */
export function givenTables(cwd: string, icd10: readonly string[] | undefined): string[] {
  return (icd10 ?? []).map((spec) => resolveTableSpec(spec, cwd));
}

/** The order files in force (absolute): those given replace the config's. */
export function tablesInForce(given: readonly string[], config: Config | undefined): string[] {
  return given.length ? [...given] : [...(config?.icd10 ?? [])];
}

/** When the run fails: the severity given, else the config's, else `error`. */
export function failOnOf(given: string | undefined, config: Config | undefined): FailOn {
  return (given ?? config?.failOn ?? DEFAULT_FAIL_ON) as FailOn;
}

/** A ruleset given (a file relative to `cwd`, or a built-in name), as `extends` takes it: absolute or built-in. */
export function rulesetOf(cwd: string, ruleset: string): string {
  return ruleset.startsWith(BUILTIN_PREFIX) ? ruleset : resolve(cwd, ruleset);
}

/** The ruleset a run sets up, as plain data (for worker threads and the cache): config found, paths absolute. */
export function rulesetSpecOf(input: SettingsInput, version: string): RulesetSpec {
  const configPath = configFileOf(input.cwd, input.config);
  return {
    ...(input.ruleset ? { ruleset: rulesetOf(input.cwd, input.ruleset) } : {}),
    ...(configPath ? { configPath } : {}),
    icd10: givenTables(input.cwd, input.icd10),
    version,
  };
}
