/** Runs the built CLI (bin/b12lint.js) as a child process, as a user or CI would. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = resolve(ROOT, 'bin', 'b12lint.js');
export const SHARED = resolve(ROOT, '..', 'shared');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string; uid?: number; timeoutMs?: number } = {},
): CliResult {
  const base = { ...(process.env as Record<string, string>) };
  delete base.FORCE_COLOR;
  const env: Record<string, string> = { ...base, NO_COLOR: '1', ...options.env };
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    encoding: 'utf8',
    input: options.input ?? '',
    maxBuffer: 256 * 1024 * 1024, // a JSON report of 50,000 findings with query drafts is over 64 MB
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}), // killed then: code -1
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliJson(
  args: readonly string[],
  options: { cwd?: string; uid?: number; env?: Record<string, string> } = {},
): { code: number; report: import('../../src/report/types.js').Report; stderr: string } {
  const r = cli([...args, '--format', 'json'], options);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

/**
 * As root, a test that needs a real permission denial (root reads and writes anywhere) runs the
 * CLI as the unprivileged user `nobody`. `nobody` must be able to run b12lint itself, which it
 * cannot when the checkout sits in a folder closed to it (a clone in a private temp folder): then
 * this says why, for the test to be reported as skipped (test/helpers/skip.ts).
 */
export const NOBODY = 65534;
let nobodyReason: string | undefined | null = null;

export function nobodyCannotRun(): string | undefined {
  if (nobodyReason === null) {
    nobodyReason =
      process.getuid?.() === 0 && cli(['--version'], { uid: NOBODY }).code !== 0
        ? `the user nobody cannot run b12lint from ${ROOT} (a folder on the way is closed to it)`
        : undefined;
  }
  return nobodyReason;
}

/** True once process `pid` has a file under `dir` open: it is linting, so its signal handlers are in place. */
/**
 * Waits until `look()` holds while `child` runs (at most 30 s): looked for in bursts of up to 20 ms,
 * then a turn of the event loop, where the child's exit is heard. A chart file is open for a few
 * microseconds of a run: one look a millisecond missed it on a busy machine.
 */
export async function seenAtWork(child: { exitCode: number | null }, look: () => boolean): Promise<boolean> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && child.exitCode === null;) {
    for (const burst = Date.now() + 20; Date.now() < burst;) if (look()) return true;
    await new Promise((r) => setImmediate(r));
  }
  return false;
}

export function hasFileOpenUnder(pid: number, dir: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(dir);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Each rule's evaluations and findings from a --stats table (its time left out). */
export function statsCounts(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => /^[a-z0-9-]+ +\| +\d+ \| +\d+ \|/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(0, 3)
        .map((c) => c.trim())
        .join(' '),
    )
    .sort();
}

/** A CLI run in the background (for a signal sent while it works): its process, its stderr so far, and its exit code to come. */
export interface BackgroundCli {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts the CLI with `args` in `cwd` (stdin and stdout ignored, stderr collected), `env` added to this process's. */
export function spawnCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): BackgroundCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}
