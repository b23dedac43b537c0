/**
 * Shards: `--shard i/n` lints the files whose path hashes to shard i of n, so that n machines
 * share a run, each file in exactly one shard, whatever the machine or the order of the files.
 * `--shard auto` takes i and n from the CI system's parallel-job variables.
 */
import { createHash } from 'node:crypto';

/** One shard of a run: `index` is 1-based, as written on the command line. */
export interface Shard {
  index: number;
  total: number;
}

export class ShardError extends Error {}

const USAGE = 'use --shard i/n (1 <= i <= n), --shard auto, or --shard auto/n';

function whole(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

function checked(index: number, total: number, source: string): Shard {
  if (total < 1 || index < 1 || index > total)
    throw new ShardError(`${source} gives shard ${index} of ${total}, which does not exist; ${USAGE}`);
  return { index, total };
}

/** The CI variables `--shard auto` reads, each with whether its index counts from 0. */
const CI_SOURCES = [
  { name: 'GitLab', index: 'CI_NODE_INDEX', total: 'CI_NODE_TOTAL', zeroBased: false },
  { name: 'Buildkite', index: 'BUILDKITE_PARALLEL_JOB', total: 'BUILDKITE_PARALLEL_JOB_COUNT', zeroBased: true },
  { name: 'Kubernetes', index: 'JOB_COMPLETION_INDEX', total: undefined, zeroBased: true },
] as const;

/**
 * Parses `--shard`: `i/n`, `auto` or `auto/n`. With `auto`, the first CI system whose index
 * variable is set gives the index (GitLab's CI_NODE_INDEX counts from 1, Buildkite's and a
 * Kubernetes indexed Job's from 0) and the total, which `auto/n` gives where the CI has none.
 */
export function parseShard(spec: string, env: NodeJS.ProcessEnv): Shard {
  const m = /^\s*(\d+|auto)\s*(?:\/\s*(\d+)\s*)?$/.exec(spec);
  if (!m) throw new ShardError(`--shard "${spec}" is not a shard; ${USAGE}`);
  const given = m[2] !== undefined ? Number(m[2]) : undefined;
  if (m[1] !== 'auto') {
    if (given === undefined) throw new ShardError(`--shard "${spec}" gives no shard count; ${USAGE}`);
    return checked(Number(m[1]), given, `--shard ${spec}`);
  }
  for (const s of CI_SOURCES) {
    const raw = env[s.index];
    if (raw === undefined || raw === '') continue;
    const index = whole(raw);
    if (index === undefined) throw new ShardError(`${s.index}="${raw}" is not a whole number`);
    const envTotal = s.total ? env[s.total] : undefined;
    const total = envTotal !== undefined && envTotal !== '' ? whole(envTotal) : given;
    if (total === undefined) {
      throw new ShardError(
        s.total && envTotal
          ? `${s.total}="${envTotal}" is not a whole number`
          : `${s.name} (${s.index}) gives no shard count: write --shard auto/n`,
      );
    }
    if (given !== undefined && given !== total) throw new ShardError(`--shard ${spec} says ${given} shards, but ${s.total} says ${total}`);
    return checked(s.zeroBased ? index + 1 : index, total, `${s.name} (${s.index}=${raw})`);
  }
  throw new ShardError(
    `--shard auto found none of ${CI_SOURCES.map((s) => s.index).join(', ')}; run it in a parallel CI job, or write --shard i/n`,
  );
}

/** The shard (1-based) a path belongs to: a stable hash of the path as reports show it. */
export function shardOf(path: string, total: number): number {
  return (createHash('sha256').update(path).digest().readUInt32BE(0) % total) + 1;
}

export function inShard(path: string, shard: Shard): boolean {
  return shardOf(path, shard.total) === shard.index;
}
