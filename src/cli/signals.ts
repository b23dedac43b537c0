/**
 * Ctrl-C (SIGINT) and `kill` (SIGTERM) stop a run cleanly: the run stops between two files, no
 * report is written (a report file only ever appears whole, see output.ts), and the exit code is
 * 130 or 143, what a shell reports for a process ended by that signal, so a CI step never reads
 * an interrupted run as clean. A second signal ends the process at once.
 */

export type StopSignal = 'SIGINT' | 'SIGTERM';

export class Interrupted extends Error {
  constructor(readonly signalName: StopSignal) {
    super(`interrupted by ${signalName}`);
  }

  get exitCode(): number {
    return this.signalName === 'SIGINT' ? 130 : 143;
  }
}

/** Listens for SIGINT and SIGTERM until disposed; the signal aborts with an `Interrupted` reason. */
export function watchSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const names: StopSignal[] = ['SIGINT', 'SIGTERM'];
  const handlers = names.map((name) => {
    const handler = (): void => {
      if (controller.signal.aborted) process.exit(new Interrupted(name).exitCode);
      controller.abort(new Interrupted(name));
    };
    process.on(name, handler);
    return (): void => {
      process.off(name, handler);
    };
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const off of handlers) off();
    },
  };
}
