/**
 * The config file: `b12lint.config.yaml` or `.b12lintrc.yaml`, found from the current folder
 * upwards to the repository root (the first folder with `.git`), or given with `--config`. The
 * lookup never goes above the repository: a config planted in a folder around it (a shared
 * /tmp, a CI runner's work folder) is not used. The nearest config wins and ends the lookup
 * (configs do not cascade); `root: true` says so in the file, for a project without `.git`. A
 * config found by the lookup that another user could have planted (another user's, writable by
 * others, or in a folder others can write to) stops the run with exit 2; `--config` uses it all
 * the same (src/core/trust.ts). Besides the run's settings (ruleset, ignore, failOn,
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

/**
 * The nearest config from `cwd` up to the repository root (`.git`, a folder or, in a worktree or
 * submodule, a file). A config another user could have planted (src/core/trust.ts) stops the run
 * (a ruleset problem, exit 2): used, it could loosen the gate; passed over, the run would lose the
 * team's own settings without a word that fails it. `--config` names one the user trusts.
 */
export function findConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const here = CONFIG_FILES.map((name) => join(dir, name)).filter((f) => existsSync(f));
    const refused = here.map((path) => ({ path, why: plantedWhy(path) })).filter((r) => r.why !== undefined);
    if (refused.length)
      throw new RulesetError(
        refused.map((r) => ({
          file: displayPath(r.path),
          line: 1,
          column: 1,
          message: `not used: ${r.why}. Another user may have put it there; if you trust it, name it with --config, or run with --no-config-lookup`,
        })),
      );
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
    if (here.length === 1) return here[0];
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
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
