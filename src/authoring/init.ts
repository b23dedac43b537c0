/**
 * `b12lint init`: writes b12lint.config.yaml in the current folder (the recommended ruleset,
 * with commented examples of what teams change, and the schema modeline for editors), and with
 * `--ruleset` a starter ruleset with one rule and its tests, which `b12lint test` passes.
 * An existing file is never overwritten without `--force`. The files' text is in templates/init/.
 */
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../core/package.js';
import { SCHEMA_DIR } from '../rules/schema-check.js';
import { AuthoringError } from './test-command.js';
import { CONFIG_FILES } from '../run/config.js';

export const CONFIG_FILE = 'b12lint.config.yaml';
export const STARTER_RULESET = 'b12lint-rules.yaml';
export const STARTER_TESTS = 'b12lint-rules.tests.yaml';

/** The modeline that tells yaml-language-server (VS Code's YAML extension) which schema a file has. */
function modeline(cwd: string, schema: string): string {
  const rel = relative(cwd, join(SCHEMA_DIR, `${schema}.schema.json`))
    .split('\\')
    .join('/');
  return `# yaml-language-server: $schema=${rel}`;
}

/** The starter files, read from the package's templates/init/ folder: `{{name}}` is filled in. */
const TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates', 'init');

/** A template with its placeholders filled; a line that is only a placeholder filled with '' is left out. */
function fromTemplate(name: string, vars: Record<string, string>): string {
  const text = readFileSync(join(TEMPLATE_DIR, name), 'utf8');
  return text
    .replace(/^\{\{(\w+)\}\}\n/gm, (line, key: string) => (vars[key] === '' ? '' : line))
    .replace(/\{\{(\w+)\}\}/g, (m, key: string) => vars[key] ?? m);
}

function configText(cwd: string, withRuleset: boolean): string {
  return fromTemplate(CONFIG_FILE, {
    modeline: modeline(cwd, 'config'),
    ruleset: withRuleset ? `${STARTER_RULESET}          # your rules, on top of b12lint:recommended` : 'b12lint:recommended',
    ignore: withRuleset ? `ignore: [${STARTER_RULESET}]          # a ruleset is not a chart` : '',
  });
}

/** Writes the files; returns their names. */
export function init(cwd: string, options: { ruleset?: boolean; force?: boolean }): string[] {
  const files: [string, string][] = [[CONFIG_FILE, configText(cwd, options.ruleset === true)]];
  if (options.ruleset) {
    files.push([STARTER_RULESET, fromTemplate(STARTER_RULESET, { modeline: modeline(cwd, 'ruleset') })]);
    files.push([STARTER_TESTS, fromTemplate(STARTER_TESTS, { modeline: modeline(cwd, 'tests') })]);
  }
  // What stands at each name, not following links: a link (even one to nothing) or a special
  // file is never written through, a FIFO would block, and --force overwrites only plain files.
  const kinds = files.map(([name]) => [name, kindAt(join(cwd, name))] as const);
  const special = kinds.filter(([, kind]) => kind !== 'none' && kind !== 'file').map(([name]) => name);
  if (special.length) {
    throw new AuthoringError(
      `${special.join(', ')} ${special.length === 1 ? 'is' : 'are'} not a plain file (a link, a folder or a device): nothing was written`,
    );
  }
  // The other config name beside it would make two configs in one folder (a run refuses that).
  const other = CONFIG_FILES.filter((name) => name !== CONFIG_FILE && kindAt(join(cwd, name)) !== 'none');
  if (other.length)
    throw new AuthoringError(`${other.join(', ')} is this folder's config already: nothing was written (edit it, or remove it first)`);
  const existing = kinds.filter(([, kind]) => kind === 'file').map(([name]) => name);
  if (existing.length && !options.force) {
    throw new AuthoringError(
      `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}: nothing was written (--force overwrites)`,
    );
  }
  // A new file is made only where nothing is ('wx'): one that appears meanwhile is not written through.
  for (const [name, text] of files) writeFileSync(join(cwd, name), text, { flag: options.force && existing.includes(name) ? 'w' : 'wx' });
  return files.map(([name]) => name);
}

/** What is at a path, links not followed. */
function kindAt(path: string): 'none' | 'file' | 'other' {
  try {
    return lstatSync(path).isFile() ? 'file' : 'other';
  } catch {
    return 'none';
  }
}
