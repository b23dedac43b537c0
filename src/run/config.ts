/**
 * The config file: `b12lint.config.yaml` or `.b12lintrc.yaml`, found from the current folder
 * upwards, or given with `--config`. Besides the run's settings (ruleset, ignore, failOn,
 * maxWarnings, icd10) it is the last ruleset layer: its codesets, tests, terms, rules and
 * overrides apply on top of the ruleset it names. `rules:` may also be written ESLint's way,
 * as a map of rule id to severity.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Problems, readSource, type SourceFile } from '../rules/load.js';
import { didYouMean } from '../rules/suggest.js';
import { SEVERITIES } from '../finding.js';
import { INPUT_FORMATS, type InputFormat } from '../chart/adapt.js';

export const CONFIG_FILES = ['b12lint.config.yaml', '.b12lintrc.yaml'];
export const CONFIG_KEYS = ['ruleset', 'ignore', 'failOn', 'maxWarnings', 'icd10', 'inputFormat', 'maxFileSize', 'conceptMap'] as const;

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

export function findConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const f = join(dir, name);
      if (existsSync(f)) return f;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function loadConfig(path: string, problems: Problems): Config | undefined {
  const src = readSource(resolve(path), problems);
  if (!src) return undefined;
  const raw = src.doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (raw === null || raw === undefined) return { src, dir: dirname(src.path), ignore: [], icd10: [], severityMap: [], raw: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.at(src, [], 'a config is a mapping (ruleset, ignore, failOn, overrides, ...)');
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const dir = dirname(src.path);
  const cfg: Config = { src, dir, ignore: [], icd10: [], severityMap: [], raw: r };
  if (r.ruleset !== undefined) {
    if (typeof r.ruleset !== 'string') problems.at(src, ['ruleset'], '`ruleset` takes a built-in name (b12lint:recommended) or a path');
    else cfg.ruleset = r.ruleset;
  }
  const strings = (key: string): string[] => {
    const v = r[key];
    if (v === undefined) return [];
    const list = Array.isArray(v) ? v : [v];
    if (list.some((x) => typeof x !== 'string')) {
      problems.at(src, [key], `\`${key}\` takes a list of text`);
      return [];
    }
    return list as string[];
  };
  cfg.ignore = strings('ignore');
  cfg.icd10 = strings('icd10').map((p) => (p.includes('@') ? `${resolve(dir, p.split('@')[0]!)}@${p.split('@')[1]}` : resolve(dir, p)));
  if (r.failOn !== undefined) {
    const allowed = [...SEVERITIES, 'never'];
    if (typeof r.failOn !== 'string' || !allowed.includes(r.failOn)) problems.at(src, ['failOn'], `\`failOn\` takes ${allowed.join(', ')}.${typeof r.failOn === 'string' ? didYouMean(r.failOn, allowed) : ''}`);
    else cfg.failOn = r.failOn;
  }
  if (r.maxWarnings !== undefined) {
    if (typeof r.maxWarnings !== 'number' || !Number.isInteger(r.maxWarnings) || r.maxWarnings < 0) problems.at(src, ['maxWarnings'], '`maxWarnings` takes a whole number');
    else cfg.maxWarnings = r.maxWarnings;
  }
  if (r.inputFormat !== undefined) {
    if (typeof r.inputFormat !== 'string' || !(INPUT_FORMATS as readonly string[]).includes(r.inputFormat)) problems.at(src, ['inputFormat'], `\`inputFormat\` takes ${INPUT_FORMATS.join(', ')}`);
    else cfg.inputFormat = r.inputFormat as InputFormat;
  }
  if (r.conceptMap !== undefined) {
    if (typeof r.conceptMap !== 'string') problems.at(src, ['conceptMap'], '`conceptMap` takes the path of a FHIR concept map file');
    else cfg.conceptMap = resolve(dir, r.conceptMap);
  }
  if (r.rules !== undefined && typeof r.rules === 'object' && r.rules !== null && !Array.isArray(r.rules)) {
    for (const [rule, severity] of Object.entries(r.rules)) cfg.severityMap.push({ rule, severity, path: ['rules', rule] });
  }
  return cfg;
}
