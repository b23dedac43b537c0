/**
 * `b12lint test <ruleset>`: loads the ruleset (with what it extends), its rules' `examples` and
 * `<ruleset>.tests.yaml` beside it, runs every case and reports like a test runner. Exit 0 when
 * every case passes, 1 when one fails; a broken ruleset or tests file is refused (exit 2).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileRuleset } from '../rules/compile.js';
import { builtinPath } from '../core/package.js';
import { loadDefinitions, type Definitions } from '../rules/load.js';
import { Problems } from '../read/problems.js';
import type { CompiledRuleset } from '../rules/types.js';
import { givenTables } from '../run/settings.js';
import { codeTableOf } from '../run/setup.js';
import { collectCases, ownRules, testsFileFor, type TestSuite } from './cases.js';
import { formatTestReport } from './test-report.js';
import { runCases } from './tester.js';

/** A problem with how an authoring command was called: exit 2 with one line. */
export class AuthoringError extends Error {}

export interface TestOptions {
  cwd: string;
  icd10: readonly string[];
}

/** The ruleset a `test` argument names: a ruleset file, a built-in name, or a tests file. */
function rulesetOf(target: string, cwd: string): { ref: string; abs: string } {
  const builtin = builtinPath(target);
  if (builtin) return { ref: target, abs: builtin };
  const abs = resolve(cwd, target);
  if (/\.tests\.ya?ml$/i.test(abs)) {
    const base = abs.replace(/\.tests\.ya?ml$/i, '');
    const found = ['.yaml', '.yml'].map((e) => base + e).find((f) => existsSync(f));
    if (!found) throw new AuthoringError(`no ruleset beside ${target} (expected ${base}.yaml)`);
    return { ref: found, abs: found };
  }
  return { ref: abs, abs };
}

export interface LoadedSuite {
  defs: Definitions;
  suite: TestSuite;
  ruleset: CompiledRuleset;
}

/** A ruleset with its test cases, compiled with the code tables the tests need; refused when broken. */
export function loadSuite(ref: string, abs: string, cwd: string, icd10: readonly string[]): LoadedSuite {
  const problems = new Problems();
  const defs = loadDefinitions(ref, problems, cwd);
  const suite = collectCases(defs, abs, testsFileFor(abs), problems);
  const tables = [...givenTables(cwd, icd10), ...suite.icd10];
  const ruleset = compileRuleset(defs, problems, { codeTable: codeTableOf(tables) });
  problems.throwIfAny();
  return { defs, suite, ruleset };
}

export function runTestCommand(
  target: string,
  options: TestOptions,
): { code: number; output: string; warnings: CompiledRuleset['warnings'] } {
  const { ref, abs } = rulesetOf(target, options.cwd);
  const { defs, suite, ruleset } = loadSuite(ref, abs, options.cwd, options.icd10);
  if (suite.cases.length === 0) {
    throw new AuthoringError(
      `${target} has no tests: write them in ${testsFileFor(target)} (tests: { <rule id>: { valid: [...], invalid: [...] } }) or in a rule's \`examples\``,
    );
  }
  const results = runCases(ruleset, suite.cases);
  const output = formatTestReport({
    ruleset: defs.files[defs.files.length - 1] ?? target,
    ...(suite.testsFile ? { testsFile: suite.testsFile } : {}),
    rules: [...new Set([...ownRules(defs, abs), ...suite.cases.map((c) => c.ruleId)])],
    results,
  });
  return { code: results.every((r) => r.passed) ? 0 : 1, output, warnings: ruleset.warnings };
}
