/**
 * The rule-authoring subcommands, registered on the CLI's program: `test`, `init` and
 * `print-config`. Each writes its output and sets the exit code; a problem with how it was
 * called (an AuthoringError) is one line on stderr and exit 2; a broken ruleset, config or tests
 * file is thrown to the CLI, which lists its problems (exit 2).
 */
import type { Command } from 'commander';
import { printable, shownPath } from '../core/printable.js';
import type { CompiledRuleset } from '../rules/types.js';
import { closest } from '../rules/suggest.js';
import { init } from './init.js';
import { printConfig } from './print-config.js';
import { AuthoringError, runTestCommand } from './test-command.js';

export interface AuthoringIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

/** The loader's warnings (a deprecated key), one line each on stderr: `file:line:column: warning: ...`. */
export function rulesetWarnings(warnings: CompiledRuleset['warnings']): string {
  return warnings.map((w) => `${shownPath(w.file)}:${w.line}:${w.column}: warning: ${printable(w.message)}\n`).join('');
}

async function guarded(io: AuthoringIo, action: () => Promise<number> | number): Promise<number> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof AuthoringError)) throw err;
    io.stderr(`b12lint: ${printable(err.message)}\n`);
    return 2;
  }
}

export function registerAuthoringCommands(
  program: Command,
  io: AuthoringIo,
  rulesetOptions: (cmd: Command) => Command,
  exit: (code: number) => void,
): void {
  program
    .command('test')
    .argument(
      '<ruleset>',
      "a ruleset file (its tests are in <ruleset>.tests.yaml beside it, or in its rules' examples), or a built-in name",
    )
    .description("run a ruleset's tests: valid charts must stay quiet, invalid charts must give the findings expected")
    .option(
      '--icd10 <file>',
      'a CMS ICD-10-CM order file the tests need (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .action(async (target: string, opts: { icd10: string[] }) => {
      exit(
        await guarded(io, () => {
          const r = runTestCommand(target, { cwd: io.cwd, icd10: opts.icd10 });
          if (r.warnings.length) io.stderr(rulesetWarnings(r.warnings));
          io.stdout(r.output);
          return r.code;
        }),
      );
    });
  program
    .command('init')
    .description('write b12lint.config.yaml here (with --ruleset, also a starter ruleset and its tests)')
    .option('--ruleset', 'also write b12lint-rules.yaml (one rule) and b12lint-rules.tests.yaml')
    .option('--force', 'overwrite files that exist')
    .action(async (opts: { ruleset?: boolean; force?: boolean }) => {
      exit(
        await guarded(io, () => {
          for (const f of init(io.cwd, opts)) io.stdout(`wrote ${f}\n`);
          return 0;
        }),
      );
    });
  rulesetOptions(
    program
      .command('print-config')
      .argument('[file]', 'a chart file: also tell whether a run from here lints it')
      .description('print the configuration in force, and the ruleset after extends and overrides, as YAML'),
  ).action(async (file: string | undefined, opts: { ruleset?: string; config?: string; configLookup?: boolean; icd10: string[] }) => {
    exit(
      await guarded(io, async () => {
        io.stdout(await printConfig(file, { ...opts, cwd: io.cwd, warn: (w) => io.stderr(rulesetWarnings(w)) }));
        return 0;
      }),
    );
  });
}

/** " Did you mean the subcommand `x`?" for a path that does not exist and looks like a mistyped subcommand. */
export function subcommandHint(program: Command, arg: string | undefined): string {
  if (arg === undefined) return '';
  const name = closest(
    arg,
    program.commands.map((c) => c.name()),
  );
  return name ? `. Did you mean the subcommand \`${name}\`?` : '';
}
