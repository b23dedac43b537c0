/**
 * Runs the real pipeline in-process on text: a ruleset written in YAML and a chart written in
 * YAML or JSON go through the loader, compiler, adapter, engine and locator exactly as in a run.
 */
import { Engine } from '../../src/rules/engine.js';
import { compileRuleset } from '../../src/rules/compile.js';
import { applyLayer, baseDefinitions } from '../../src/rules/load.js';
import { Problems, RulesetError } from '../../src/read/problems.js';
import { sourceFromText } from '../../src/read/source.js';
import type { CompiledRuleset } from '../../src/rules/types.js';
import { CodeTable } from '../../src/rules/code-table.js';
import { lintText } from '../../src/run/lint-file.js';
import type { Finding } from '../../src/finding.js';

export function compileText(yaml: string, codeTable?: CodeTable): CompiledRuleset {
  const problems = new Problems();
  const src = sourceFromText(yaml, '', problems, 'test-ruleset.yaml');
  if (!src) throw new RulesetError(problems.list);
  const defs = baseDefinitions(problems);
  applyLayer(defs, src, problems, [], {});
  const rs = compileRuleset(defs, problems, codeTable ? { codeTable } : {});
  problems.throwIfAny();
  return rs;
}

/** Problems of a ruleset that is refused, as `line:column message` strings. */
export function rulesetProblems(yaml: string): string[] {
  try {
    compileText(yaml);
    return [];
  } catch (err) {
    if (err instanceof RulesetError) return err.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    throw err;
  }
}

export function lint(ruleset: CompiledRuleset | string, chart: string, format: 'yaml' | 'json' | 'ndjson' = 'yaml'): Finding[] {
  const rs = typeof ruleset === 'string' ? compileText(ruleset) : ruleset;
  return lintText(chart, format, 'chart', new Engine(rs), { maxFileSize: Infinity, debug: false }).findings;
}

/** The rule ids found, sorted, without duplicates. */
export function ruleIds(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => f.ruleId))].sort();
}

/** The built-in context cues (rulesets/context.yaml), compiled as every run compiles them. */
export function builtinContext(): CompiledRuleset['context'] {
  return compileText('ruleset: context-only\nrules: []\n').context;
}
