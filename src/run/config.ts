/**
 * The config file: `b12lint.config.yaml` or `.b12lintrc.yaml`, found from the current folder
 * upwards to the repository root (the first folder with `.git`), or given with `--config`. The
 * lookup never goes above the repository: a config planted in a folder around it (a shared
 * /tmp, a CI runner's work folder) is not used. The nearest config wins and ends the lookup
 * (configs do not cascade); `root: true` says so in the file, for a project without `.git`. A
 * config found by the lookup that another user could have planted (another user's, writable by
 * others, or not this user's in a folder others can write to) is skipped, and the run says so;
 * `--config` uses it all the same (src/core/trust.ts). Besides the run's settings (ruleset, ignore, failOn,
 * maxWarnings, icd10) it is the last ruleset layer: its codesets, tests, terms, rules and
 * overrides apply on top of the ruleset it names. `rules:` may also be written ESLint's way,
 * as a map of rule id to severity. The file is checked against schemas/config.schema.json.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { plantedWhy } from '../core/trust.js';
import { resolveTableSpec } from '../rules/code-table.js';
import { checkSchema } from '../rules/load.js';
import { Problems, RulesetError } from '../read/problems.js';
import { displayPath, readSource, type SourceFile } from '../read/source.js';
import type { InputFormat } from '../chart/adapt.js';

export const CONFIG_FILES = ['b12lint.config.yaml', '.b12lintrc.yaml'];
export const CONFIG_KEYS = [
  'root',
  'ruleset',
  'ignore',
  'failOn',
  'maxWarnings',
  'icd10',
  'inputFormat',
  'maxFileSize',
  'conceptMap',
] as const;

export interface Config {
  src: SourceFile;
  dir: string;
  ruleset?: string;
  ignore: string[];
  failOn?: string;
  maxWarnings?: number;
  icd10: string[];
  inputFormat?: InputFormat;
  /** The FHIR concept map, resolved against the config's folder. */
  conceptMap?: string;
  /** `rules: {id: severity}` written as overrides. */
  severityMap: { rule: string; severity: unknown; path: (string | number)[] }[];
  raw: Record<string, unknown>;
}

/** A file the lookup found and did not use, and why (src/core/trust.ts). */
export interface SkippedFile {
  path: string;
  why: string;
}

/** What the config lookup found: the config to use (absolute), if any, and the configs it skipped. */
export interface ConfigLookup {
  path?: string;
  skipped: SkippedFile[];
}

/**
 * The nearest config from `cwd` up to the repository root (`.git`, a folder or, in a worktree or
 * submodule, a file). A config another user could have planted (src/core/trust.ts) is skipped, and
 * still ends the lookup: the run then has no config, not one from further up.
 */
export function findConfig(cwd: string): ConfigLookup {
  const skipped: SkippedFile[] = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = CONFIG_FILES.map((name) => join(dir, name)).filter((f) => existsSync(f));
    const here = found.filter((path) => {
      const why = plantedWhy(path);
      if (why !== undefined) skipped.push({ path, why });
      return why === undefined;
    });
    // Two configs in one folder: one would be dropped without a word (its failOn, its ignore list).
    if (here.length > 1)
      throw new RulesetError([
        {
          file: displayPath(here[1]!),
          line: 1,
          column: 1,
          message: `a second config file beside ${basename(here[0]!)}: b12lint reads one config a folder; keep one (or name it with --config)`,
        },
      ]);
    if (here.length === 1) return { path: here[0]!, skipped };
    if (found.length || existsSync(join(dir, '.git')) || dirname(dir) === dir) return { skipped };
  }
}

export function loadConfig(path: string, problems: Problems): Config | undefined {
  const src = readSource(resolve(path), problems);
  if (!src) return undefined;
  const raw = src.value();
  if (raw === null || raw === undefined) return { src, dir: dirname(src.path), ignore: [], icd10: [], severityMap: [], raw: {} };
  checkSchema('config', src, raw, problems);
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const dir = dirname(src.path);
  const cfg: Config = { src, dir, ignore: [], icd10: [], severityMap: [], raw: r };
  // Values the schema refused are left out; its problems say why.
  if (typeof r.ruleset === 'string') cfg.ruleset = r.ruleset;
  const strings = (key: string): string[] => {
    const v = r[key];
    const list: unknown[] = v === undefined ? [] : Array.isArray(v) ? v : [v];
    return list.filter((x): x is string => typeof x === 'string');
  };
  cfg.ignore = strings('ignore');
  cfg.icd10 = strings('icd10').map((p) => resolveTableSpec(p, dir));
  if (typeof r.failOn === 'string') cfg.failOn = r.failOn;
  if (typeof r.maxWarnings === 'number' && Number.isInteger(r.maxWarnings) && r.maxWarnings >= 0) cfg.maxWarnings = r.maxWarnings;
  if (typeof r.inputFormat === 'string') cfg.inputFormat = r.inputFormat as InputFormat;
  if (typeof r.conceptMap === 'string') cfg.conceptMap = resolve(dir, r.conceptMap);
  if (r.rules !== undefined && typeof r.rules === 'object' && r.rules !== null && !Array.isArray(r.rules)) {
    for (const [rule, severity] of Object.entries(r.rules)) cfg.severityMap.push({ rule, severity, path: ['rules', rule] });
  }
  return cfg;
}
