/**
 * `b12lint init`: writes b12lint.config.yaml in the current folder (the recommended ruleset,
 * with commented examples of what teams change, and the schema modeline for editors), and with
 * `--ruleset` a starter ruleset with one rule and its tests, which `b12lint test` passes.
 * An existing file is never overwritten without `--force`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SCHEMA_DIR } from '../rules/schema-check.js';
import { AuthoringError } from './test-command.js';

export const CONFIG_FILE = 'b12lint.config.yaml';
export const STARTER_RULESET = 'b12lint-rules.yaml';
export const STARTER_TESTS = 'b12lint-rules.tests.yaml';

/** The modeline that tells yaml-language-server (VS Code's YAML extension) which schema a file has. */
function modeline(cwd: string, schema: string): string {
  const rel = relative(cwd, join(SCHEMA_DIR, `${schema}.schema.json`)).split('\\').join('/');
  return `# yaml-language-server: $schema=${rel}`;
}

function configText(cwd: string, withRuleset: boolean): string {
  return `${modeline(cwd, 'config')}
# b12lint's configuration, found from the current folder upwards. The editor describes every key
# (hover over it); \`b12lint print-config\` shows the configuration in force after extends and overrides.
ruleset: ${withRuleset ? `${STARTER_RULESET}          # your rules, on top of b12lint:recommended` : 'b12lint:recommended'}

# Files and folders not to lint (gitignore syntax, relative to the folder b12lint runs in).
${withRuleset ? `ignore: [${STARTER_RULESET}]          # a ruleset is not a chart\n` : ''}# ignore: [archive/, "**/*.draft.yaml"]

# The lowest severity that fails the run (error, warning, info, never), and a warning budget.
# failOn: warning
# maxWarnings: 20

# The CMS ICD-10-CM order files, one per fiscal year, for the code-table rules.
# icd10: [codes/icd10cm_order_2026.txt]

# Tune a threshold or a window of the rules by name (\`b12lint print-config\` lists them).
# values:
#   injection-interval: 28d
#   b12-normal-above: 350

# Extend a code list instead of replacing it.
# codesets:
#   b12-supporting: { add: [K91.89], remove: [K86.0] }

# Turn a rule off or change its severity, ESLint-style.
# rules:
#   b12-drug-without-admin: off

# Or with an override, which may also replace the message.
# overrides:
#   - { rule: b12-injection-frequency, severity: error }
`;
}

function rulesetText(cwd: string): string {
  return `${modeline(cwd, 'ruleset')}
# Your team's rules, on top of the built-in ones. \`b12lint test ${STARTER_RULESET}\` runs the
# tests in ${STARTER_TESTS}; \`b12lint explain <rule-id>\` prints a rule and its docs.
ruleset: my-team/b12-rules
extends: [b12lint:recommended]

codesets:
  hypertension: [I10, I11.*, I12.*, I13.*]

rules:
  - id: b12-injection-for-hypertension
    severity: error
    title: B12 injection linked to hypertension
    on: service
    match: { code: b12-injection }
    when:
      diagnosis: { linked: true, code: hypertension }
    message: >-
      {{service.code}} is linked to {{diagnoses.matched}} (hypertension), which does not support
      vitamin B12 therapy. Link the documented B12 deficiency, or do not bill the injection.
    docs: |
      **Why it matters.** Hypertension is not an indication for vitamin B12 injections; a J3420
      line that points at it is denied.

      **What to check.** The assessment for a documented B12 deficiency or malabsorption cause.

      **What to code instead.** Link the documented indication (D51.x, E53.8) to the J3420 line.
`;
}

function testsText(cwd: string): string {
  return `${modeline(cwd, 'tests')}
# The tests of ${STARTER_RULESET}, run by \`b12lint test ${STARTER_RULESET}\`. For each rule:
# \`valid\` charts must stay quiet; \`invalid\` charts must give the findings listed (line,
# message text or /pattern/, evidence), or at least one when \`findings\` is left out. A chart is
# written inline (lines are this file's) or is a path relative to this file.
tests:
  b12-injection-for-hypertension:
    valid:
      - name: the injection is linked to a B12 deficiency
        chart:
          chartId: HTN-OK
          encounters:
            - id: E1
              date: 2026-10-01
              diagnoses: [{ code: I10 }, { code: D51.0 }]
              services:
                - { code: J3420, diagnoses: [D51.0] }
                - { code: "96372", diagnoses: [D51.0] }
    invalid:
      - name: the injection is linked to hypertension
        chart:
          chartId: HTN-1
          encounters:
            - id: E1
              date: 2026-10-01
              diagnoses: [{ code: I10 }]
              services:
                - { code: J3420, diagnoses: [I10] }
                - { code: "96372", diagnoses: [I10] }
        findings:
          - line: 28
            message: linked to I10 (hypertension)
            evidence: [{ kind: diagnosis, code: I10 }]
`;
}

/** Writes the files; returns their names. */
export function init(cwd: string, options: { ruleset?: boolean; force?: boolean }): string[] {
  const files: [string, string][] = [[CONFIG_FILE, configText(cwd, options.ruleset === true)]];
  if (options.ruleset) files.push([STARTER_RULESET, rulesetText(cwd)], [STARTER_TESTS, testsText(cwd)]);
  const existing = files.map(([name]) => name).filter((name) => existsSync(join(cwd, name)));
  if (existing.length && !options.force) {
    throw new AuthoringError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}: nothing was written (--force overwrites)`);
  }
  for (const [name, text] of files) writeFileSync(join(cwd, name), text);
  return files.map(([name]) => name);
}
