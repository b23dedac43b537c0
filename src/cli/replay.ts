/**
 * Which lint runs may replay the outputs of the last (src/run/replay.ts), and the key of what
 * decides those outputs once the charts are linted: every option as given (but `--stats` and
 * `--jobs`, which change neither the report nor the exit code), the paths and the folder they are
 * resolved and shown from, the config file found, colour, the repository prefix of paths (SARIF,
 * Code Quality), the b12lint and Node.js versions, `--redact`'s key (hashed) and, for a format that
 * shows the time, the fixed time and the machine's name. What decides the findings (ruleset and
 * config text, code tables, lint options) is the cache key's part, and the files are the
 * schedule's. A run with a baseline (read and maybe written) or a shard is never replayed, nor
 * one with a format another program interprets (HTML, JUnit, CSV, GitHub's workflow commands,
 * SARIF, the query drafts' Markdown)
 * unless the cache is keyed with a secret (B12LINT_CACHE_KEY, or this user's own key): without
 * one, whoever can write the cache folder could forge its text. The report files the run writes go with the key: a replay writes those only.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { INTERPRETED, SHOWS_CLOCK } from '../report/index.js';
import type { ReplayRequest } from '../run/replay.js';
import { pathPrefix, type FormatTarget } from './finish.js';

export interface ReplayInput {
  /** Whether the cache is sealed with a secret (B12LINT_CACHE_KEY, or this user's key: src/run/cache-key.ts). */
  keyed: boolean;
  /** The command's options as commander gives them. */
  opts: Record<string, unknown>;
  paths: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  targets: readonly FormatTarget[];
  configFile: string | undefined;
  color: boolean;
  version: string;
  redact: boolean;
}

/** The key of a run's outputs after linting, or undefined when they change from run to run (the time shown). */
export function replayRequest(input: ReplayInput): ReplayRequest | undefined {
  const clock = input.targets.some((t) => SHOWS_CLOCK.has(t.name));
  const epoch = input.env.SOURCE_DATE_EPOCH;
  if (clock && !(epoch !== undefined && /^\d+$/.test(epoch))) return undefined;
  if (!input.keyed && input.targets.some((t) => INTERPRETED.has(t.name))) return undefined;
  const { stats: _stats, jobs: _jobs, ...opts } = input.opts;
  const secret = input.env.B12LINT_REDACT_KEY;
  const key = JSON.stringify({
    node: process.version,
    version: input.version,
    opts,
    paths: input.paths,
    cwd: input.cwd,
    config: input.configFile ?? null,
    color: input.color,
    prefix: pathPrefix(input.cwd),
    ...(clock ? { epoch, host: hostname() } : {}),
    ...(input.redact ? { redactKey: secret ? createHash('sha256').update(secret).digest('base64') : null } : {}),
  });
  return { key, files: input.targets.flatMap((t) => (t.path !== undefined ? [t.path] : [])), cwd: input.cwd };
}
